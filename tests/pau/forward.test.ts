// PAU forward (specs/pau.md §7, properties 1, 3, 4, 7–11): the fused kernel against the formula
// written directly, the safety bounds, the identity init, symmetries, and shape behaviour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { PauVersion } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { direct, directQ, value, values } from './reference.js';

const VERSIONS: PauVersion[] = ['A', 'B', 'C', 'N'];
const f64 = (v: number[] | number[][], shape?: number[]) => tg.tensor(v, { dtype: 'float64', ...(shape ? { shape } : {}) });
// uniform values plus fc.double's special ones (0, −0, tiny, the bounds): reference.ts explains why
const coef = (k: number) => values(value(-3, 3), k);
const xs = values(value(-5, 5), 1, 20);
const nbOf = (v: PauVersion, n = 4) => (v === 'C' ? n + 1 : n);
const evalPau = (v: PauVersion, x: number[], a: number[], b: number[], dtype: tg.DType = 'float64') =>
  Array.from(tg.pau(tg.tensor(x, { dtype }), tg.tensor(a, { dtype }), tg.tensor(b, { dtype }), { version: v }).data());

test('every version equals the direct formula (float64 rel 1e-12, float32 1e-5)', () => {
  for (const v of VERSIONS) {
    fc.assert(fc.property(xs, coef(6), coef(nbOf(v)), (x, a, b) => {
      // N can sit on a pole, where nothing is comparable
      fc.pre(v !== 'N' || x.every((t) => Math.abs(directQ('N', t, b)) > 1e-3));
      const expected = x.map((t) => direct(v, t, a, b).f);
      assertClose(evalPau(v, x, a, b), expected, 1e-300, 1e-12, `version ${v}`);
      const f32 = (u: number[]) => u.map(Math.fround);
      const expected32 = x.map((t) => direct(v, Math.fround(t), f32(a), f32(b)).f);
      if (v !== 'N') assertClose(evalPau(v, x, a, b, 'float32'), expected32, 1e-5, 1e-5, `version ${v} float32`);
    }), { numRuns: 100, seed: 1 });
  }
});

test('safe denominators: Q ≥ 1 (A, B), Q ≥ 0.1 (C), Q_A ≥ Q_B, hence |F| ≤ |P| (A, B) and ≤ 10|P| (C)', () => {
  fc.assert(fc.property(xs, coef(6), coef(4), coef(5), (x, a, b, c) => {
    for (const t of x) {
      assert.ok(directQ('A', t, b) >= directQ('B', t, b));
      assert.ok(directQ('B', t, b) >= 1 && directQ('C', t, c) >= 0.1);
    }
    const P = x.map((t) => Math.abs(a.reduce((s, aj, j) => s + aj * t ** j, 0)));
    evalPau('A', x, a, b).forEach((f, i) => assert.ok(Math.abs(f) <= P[i] * (1 + 1e-12)));
    evalPau('B', x, a, b).forEach((f, i) => assert.ok(Math.abs(f) <= P[i] * (1 + 1e-12)));
    evalPau('C', x, a, c).forEach((f, i) => assert.ok(Math.abs(f) <= 10 * P[i] * (1 + 1e-12)));
  }), { numRuns: 100, seed: 2 });
});

test('F is finite for every finite |x| ≤ 1e4 in float32 (§7.3)', () => {
  fc.assert(fc.property(values(value(-1e4, 1e4).map(Math.fround), 1, 20), coef(6), coef(4), (x, a, b) => {
    for (const v of ['A', 'B'] as const) assert.ok(evalPau(v, x, a, b, 'float32').every(Number.isFinite));
    assert.ok(evalPau('C', x, a, [...b, 1], 'float32').every(Number.isFinite));
  }), { numRuns: 100, seed: 3 });
});

test('identity init gives F(x) = x exactly (C: b = (0.9, 0, 0, 0, 0))', () => {
  const x = [-1e3, -2.5, -1, -0.1, 0, 0.3, 1, 7, 1e5];
  for (const v of VERSIONS) {
    const { numerator, denominator } = tg.nn.pauInitialCoefficients('identity', v);
    assert.equal(evalPau(v, x, numerator, denominator), x, `version ${v}`);
  }
});

test('b → −b leaves A and B unchanged (§7.7)', () => {
  fc.assert(fc.property(xs, coef(6), coef(4), (x, a, b) => {
    const minus = b.map((v) => -v);
    for (const v of ['A', 'B'] as const) assertClose(evalPau(v, x, a, minus), evalPau(v, x, a, b), 1e-300, 1e-14);
  }), { numRuns: 60, seed: 4 });
});

test('reflection: F_A(−x; a, b) = F_A(x; ã, b), F_B(−x; a, b) = F_B(x; ã, b̃) with ã_j = (−1)^j a_j (§7.8)', () => {
  fc.assert(fc.property(xs, coef(6), coef(4), (x, a, b) => {
    const neg = x.map((t) => -t);
    const at = a.map((v, j) => (j % 2 ? -v : v)), bt = b.map((v, i) => ((i + 1) % 2 ? -v : v));
    assertClose(evalPau('A', neg, a, b), evalPau('A', x, at, b), 1e-300, 1e-12);
    assertClose(evalPau('B', neg, a, b), evalPau('B', x, at, bt), 1e-300, 1e-12);
  }), { numRuns: 60, seed: 5 });
});

test('F is linear in the numerator (§7.9)', () => {
  fc.assert(fc.property(xs, coef(6), coef(6), coef(4), value(-2, 2), (x, a, a2, b, l) => {
    for (const v of ['A', 'B', 'C'] as const) {
      const bb = v === 'C' ? [...b, 0.5] : b;
      const combined = evalPau(v, x, a.map((t, j) => l * t + a2[j]), bb);
      const separate = evalPau(v, x, a, bb).map((f, i) => l * f + evalPau(v, x, a2, bb)[i]);
      assertClose(combined, separate, 1e-10, 1e-10, `version ${v}`);
    }
  }), { numRuns: 40, seed: 6 });
});

test('asymptote: F(x)/x → a_5/|b_4| for m = n + 1 (§7.10)', () => {
  fc.assert(fc.property(coef(6), coef(4).filter((b) => Math.abs(b[3]) > 0.1), fc.constantFrom(-1e3, 1e3), (a, b, x) => {
    const limit = a[5] / Math.abs(b[3]);
    for (const v of ['A', 'B'] as const) {
      const ratio = evalPau(v, [x * 1e3], a, b)[0] / (x * 1e3); // 1e6: the 1/x corrections are ≤ 1e-5
      assert.ok(Math.abs(ratio - limit) <= 1e-2 * Math.abs(limit) + 1e-4, `version ${v}: ${ratio} vs ${limit}`);
    }
  }), { numRuns: 60, seed: 7 });
});

test('elementwise: the output has the input shape and equals the flattened evaluation, in any order (§7.11)', () => {
  const { a, b } = { a: [0.1, 0.9, 0.3, -0.2, 0.05, 0.01], b: [0.5, 1.2, -0.3, 0.2] };
  const values = Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 3);
  const y = tg.pau(f64(values, [2, 3, 4]), f64(a), f64(b));
  assert.equal([...y.shape], [2, 3, 4]);
  const flat = evalPau('B', values, a, b);
  assert.equal(Array.from(y.data()), flat);
  const order = values.map((_, i) => (i * 7) % 24);
  assert.equal(evalPau('B', order.map((i) => values[i]), a, b), order.map((i) => flat[i]));
  assert.equal([...tg.pau(f64([]), f64(a), f64(b)).shape], [0]);
  assert.equal(tg.pau(tg.tensor(0.5, { dtype: 'float64' }), f64(a), f64(b)).item(), evalPau('B', [0.5], a, b)[0]);
});

test('per-channel coefficients equal a separate PAU on each channel', () => {
  const x = Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.cos(i * 0.9) * 2.5);
  const rowsA = [0, 1, 2].map((c) => [0.1 * c, 1, 0.2, -0.3 * c, 0.1, 0.02]);
  const rowsB = [0, 1, 2].map((c) => [0.3 - c * 0.2, 1 + c, 0.1, 0.4]);
  for (const v of ['A', 'B', 'N'] as const) {
    const y = Array.from(tg.pau(f64(x, [2, 3, 2, 2]), f64(rowsA), f64(rowsB), { version: v }).data());
    x.forEach((t, i) => {
      const c = Math.floor(i / 4) % 3;
      assert.is(y[i], evalPau(v, [t], rowsA[c], rowsB[c])[0]);
    });
  }
});

test('bad arguments are named in the error', () => {
  const x = f64([1, 2]);
  assertThrows(() => tg.pau(x, f64([1, 2]), f64([1]), { version: 'D' as PauVersion }), 'pau', 'version');
  assertThrows(() => tg.pau(x, f64([[1, 2]]), f64([1])), 'pau', 'must both be rank 1', 'or both rank 2');
  assertThrows(() => tg.pau(x, f64([[1, 2], [3, 4]]), f64([[1], [1]])), 'pau', 'per-channel', 'x [N, 2, ...]');
  assertThrows(() => tg.pau(f64([[1, 2]]), f64([[1, 2], [3, 4]]), f64([[1]])), 'pau', "numerator's 2 rows");
  assertThrows(() => tg.pau(x, f64([]), f64([1])), 'pau', 'a_0');
  assertThrows(() => tg.pau(x, tg.tensor([1, 2]), f64([1])), 'pau', 'dtypes differ');
  assertThrows(() => tg.rpau(x, f64([1, 2]), f64([1]), { alpha: 1.5 }), 'rpau', 'alpha');
  assertThrows(() => tg.rpau(x, f64([1, 2]), f64([1]), { key: -1 }), 'rpau', 'key');
});

test.run();
