// PAU numerics at large |x| (issue #7 point 3; specs/pau.md §4.4.6, §7.3, §7.22, §7.23): F, ∂F/∂x
// and the coefficient gradients are finite for every |x| from 0 to 1e6 in float64 and up to 1e7 in
// float32 (the spec documents the reference's float32 overflow from about 5e7; the power-of-two
// scaling of core/cpu/pau_rational.ts removes it, so float32 is checked up to 1e30 as well), for
// every version, the shipped initialisations, random safe coefficients, and RPAU; and they agree
// with the formula written directly (float64) or with float64 (float32).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { PauVersion } from '../../index.js';
import { assertClose } from '../helpers.js';
import { direct } from './reference.js';

const VERSIONS: PauVersion[] = ['A', 'B', 'C', 'N'];

/** A fixed stream of uniform numbers (a small LCG: the inputs must not depend on fast-check). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 0, ±0, the smallest subnormal, ±limit, and log-uniform magnitudes in [1e-6, limit] with random signs. */
function magnitudes(limit: number, count: number, seed: number): number[] {
  const r = stream(seed);
  const logs = [Math.log(1e-6), Math.log(limit)];
  const xs = [0, -0, 5e-324, -1, 1, limit, -limit];
  while (xs.length < count) xs.push((r() < 0.5 ? -1 : 1) * Math.exp(logs[0] + (logs[1] - logs[0]) * r()));
  return xs;
}

/** Safe random coefficients for A, B, C (N has poles: only its shipped sets are used). */
function randomSets(v: PauVersion, count: number, seed: number) {
  const r = stream(seed);
  return Array.from({ length: count }, () => ({
    numerator: Array.from({ length: 6 }, () => 6 * r() - 3),
    denominator: Array.from({ length: v === 'C' ? 5 : 4 }, () => 6 * r() - 3),
  }));
}

function coefficientSets(v: PauVersion) {
  const shipped = tg.nn.PAU_INIT_NAMES.map((name) => tg.nn.pauInitialCoefficients(name, v));
  return v === 'N' ? shipped : [...shipped, ...randomSets(v, 8, v.charCodeAt(0))];
}

interface Result { y: number[]; dx: number[]; da: number[]; db: number[] }

/** Forward and backward (upstream g_i = 1 + i mod 3) through the tape, in dtype. */
function run(x: number[], a: number[], b: number[], dtype: tg.DType, op: (x: tg.Tensor, a: tg.Tensor, b: tg.Tensor) => tg.Tensor): Result {
  return tg.tidy(() => {
    const [xt, at, bt] = [x, a, b].map((v) => tg.tensor(v, { dtype, requiresGrad: true }));
    const y = op(xt, at, bt);
    y.backward(tg.tensor(x.map((_, i) => 1 + (i % 3)), { dtype }));
    const out = { y: Array.from(y.data()), dx: Array.from(xt.grad!.data()), da: Array.from(at.grad!.data()), db: Array.from(bt.grad!.data()) };
    return out;
  });
}

function assertFinite(r: Result, what: string): void {
  for (const [key, vs] of Object.entries(r)) {
    const bad = (vs as number[]).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) assert.unreachable(`${what}: ${key}[${bad}] = ${(vs as number[])[bad]}`);
  }
}

test('float64, |x| from 0 to 1e6: F, dx and every coefficient gradient are finite and match the formula', () => {
  const xs = magnitudes(1e6, 200, 1);
  for (const v of VERSIONS) {
    for (const { numerator: a, denominator: b } of coefficientSets(v)) {
      const what = `version ${v}, a = [${a.map((c) => c.toPrecision(3))}], b = [${b.map((c) => c.toPrecision(3))}]`;
      const r = run(xs, a, b, 'float64', (x, at, bt) => tg.pau(x, at, bt, { version: v }));
      assertFinite(r, what);
      // per element against §1.4 written with plain powers (no overflow at 1e6 in float64);
      // ∂F/∂x of A at ±0 is one-sided (the kernel's sgn(0) = +1), which the formula shares
      const want = xs.map((t) => direct(v, t, a, b));
      assertClose(r.y, want.map((w) => w.f), 1e-300, 1e-9, `${what} F`);
      assertClose(r.dx, want.map((w, i) => (1 + (i % 3)) * w.dx), 1e-12, 1e-7, `${what} dx`);
    }
  }
});

test('float64 RPAU (noisy coefficients, both gradient variants), |x| up to 1e6: finite', () => {
  const xs = magnitudes(1e6, 200, 2);
  for (const set of [...coefficientSets('B')]) {
    for (const straightThrough of [true, false]) {
      const r = run(xs, set.numerator, set.denominator, 'float64', (x, a, b) => tg.rpau(x, a, b, { key: 12345, alpha: 0.3, straightThrough }));
      assertFinite(r, `rpau straightThrough ${straightThrough}`);
    }
  }
});

test('float32, |x| up to 1e7 (spec §4.4.6, §7.23): finite, and within float32 rounding of float64', () => {
  const xs = magnitudes(1e7, 200, 3).map(Math.fround);
  for (const v of ['A', 'B', 'C'] as const) {
    for (const set of coefficientSets(v)) {
      const [a, b] = [set.numerator.map(Math.fround), set.denominator.map(Math.fround)];
      const op = (x: tg.Tensor, at: tg.Tensor, bt: tg.Tensor) => tg.pau(x, at, bt, { version: v });
      const r32 = run(xs, a, b, 'float32', op), r64 = run(xs, a, b, 'float64', op);
      assertFinite(r32, `float32 version ${v}`);
      assertClose(r32.y, r64.y, 1e-30, 1e-6, `float32 F, version ${v}`);
      assertClose(r32.dx, r64.dx, 1e-6, 1e-5, `float32 dx, version ${v}`);
    }
  }
  const b = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
  assertFinite(run(xs, b.numerator, b.denominator, 'float32', (x, a, bb) => tg.rpau(x, a, bb, { key: 7, alpha: 0.5 })), 'float32 rpau');
});

test('float32 beyond the spec: the shipped sets stay finite up to |x| = 1e30 (the powers are scaled)', () => {
  const xs = magnitudes(1e30, 100, 4).map(Math.fround);
  for (const v of VERSIONS) {
    for (const name of ['leaky_relu', 'relu', 'tanh', 'sigmoid', 'swish'] as const) {
      const { numerator, denominator } = tg.nn.pauInitialCoefficients(name, v);
      assertFinite(run(xs, numerator, denominator, 'float32', (x, a, b) => tg.pau(x, a, b, { version: v })), `${name} version ${v}`);
    }
  }
  // the identity is exact however far out, F(x) = x (its ∂F/∂a_j = x^j really overflows: Q ≡ 1)
  const id = tg.nn.pauInitialCoefficients('identity', 'B');
  assert.equal(run(xs, id.numerator, id.denominator, 'float32', (x, a, b) => tg.pau(x, a, b)).y, xs);
});

test('NaN propagates (§7.23); ±Infinity gives NaN (∞/∞ after scaling), never a silent finite value', () => {
  const { numerator, denominator } = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
  for (const dtype of ['float32', 'float64'] as const) {
    const y = run([NaN, Infinity, -Infinity, 1], numerator, denominator, dtype, (x, a, b) => tg.pau(x, a, b)).y;
    assert.ok(y.slice(0, 3).every(Number.isNaN), `${dtype}: ${y}`);
    assert.ok(Number.isFinite(y[3]));
  }
});

test.run();
