// PAU gradients (specs/pau.md §7, properties 12–14, 16, 22): gradcheck per version away from
// kinks, the fused backward against the tape's autodiff of a PAU composed from elementary ops,
// the batch reduction, bounds, and bit-for-bit determinism of the coefficient gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { PauVersion, Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';
import { direct, kinkFreeDraws, value, values } from './reference.js';

const VERSIONS: PauVersion[] = ['A', 'B', 'C', 'N'];
const f64 = (v: number[] | number[][], requiresGrad = true) => tg.tensor(v, { dtype: 'float64', requiresGrad });
const coef = (k: number, lim = 3) => values(value(-lim, lim), k);

/** Point draws with every x at least 1e-3 from a kink (N: |Q| ≥ 0.05), spec §7's filters, by construction. */
const draws = (v: PauVersion, margin = v === 'N' ? 0.05 : 1e-3) => kinkFreeDraws(v, margin);

/** (x, a, b) → (dx, da, db) of Σ g_i F(x_i), through the tape. */
function fusedGrads(v: PauVersion, x: number[], a: number[], b: number[], g: number[]) {
  const [xt, at, bt] = [f64(x), f64(a), f64(b)];
  tg.pau(xt, at, bt, { version: v }).backward(tg.tensor(g, { dtype: 'float64' }));
  return { y: null, dx: Array.from(xt.grad!.data()), da: Array.from(at.grad!.data()), db: Array.from(bt.grad!.data()) };
}

test('gradcheck in float64 for every version, away from kinks (§7.12)', () => {
  for (const v of VERSIONS) {
    // finite differences (h = 1e-6) need more room than the analytic checks below: 0.05
    fc.assert(fc.property(draws(v, 0.05), ({ x, a, b }) => {
      tg.tidy(() => void tg.gradcheck((xx, aa, bb) => tg.pau(xx, aa, bb, { version: v }).mul(tg.arange(1, x.length + 1, 1, { dtype: 'float64' })), [f64(x), f64(a), f64(b)], { rtol: 1e-5, atol: 1e-8 }));
    }), { numRuns: 40, seed: 11 });
  }
});

test('every partial matches §1.4 written directly, on 1e-3-filtered draws (rel 1e-10)', () => {
  for (const v of VERSIONS) {
    fc.assert(fc.property(draws(v), ({ x, a, b }) => {
      const g = x.map((_, i) => 1 + i);
      const got = fusedGrads(v, x, a, b, g);
      const want = x.map((t) => direct(v, t, a, b));
      assertClose(got.dx, want.map((w, i) => g[i] * w.dx), 1e-12, 1e-10, `${v} dx`);
      assertClose(got.da, a.map((_, j) => want.reduce((s, w, i) => s + g[i] * w.da[j], 0)), 1e-12, 1e-10, `${v} da`);
      assertClose(got.db, b.map((_, k) => want.reduce((s, w, i) => s + g[i] * w.db[k], 0)), 1e-12, 1e-10, `${v} db`);
    }), { numRuns: 100, seed: 12 });
  }
});

/** P/Q built from elementary ops on the tape (abs′(0) = 0 there, so only away from kinks). */
function composed(v: PauVersion, x: Tensor, a: Tensor, b: Tensor): Tensor {
  const powers = [tg.onesLike(x), x];
  for (let k = 2; k <= 5; k++) powers.push(powers[k - 1].mul(x));
  const term = (c: Tensor, k: number, p: Tensor) => c.slice([[k, k + 1]]).mul(p);
  const P = [0, 1, 2, 3, 4, 5].map((j) => term(a, j, powers[j])).reduce((s, t) => s.add(t));
  const first = v === 'C' ? 0 : 1;
  const terms = Array.from({ length: b.shape[0] }, (_, i) => (v === 'A' ? term(b.abs(), i, powers[i + first].abs()) : term(b, i, powers[i + first])));
  const inner = terms.reduce((s, t) => s.add(t));
  const Q = v === 'A' || v === 'N' ? inner.add(1) : inner.abs().add(v === 'C' ? 0.1 : 1);
  return P.div(Q);
}

test('the fused backward equals the autodiff of the composed forward (§7.13, rel 1e-10)', () => {
  for (const v of VERSIONS) {
    fc.assert(fc.property(draws(v), ({ x, a, b }) => {
      const g = x.map((_, i) => Math.cos(i));
      const fused = fusedGrads(v, x, a, b, g);
      const [xt, at, bt] = [f64(x), f64(a), f64(b)];
      composed(v, xt, at, bt).backward(tg.tensor(g, { dtype: 'float64' }));
      assertClose(fused.dx, xt.grad!.data(), 1e-12, 1e-10, `${v} dx`);
      assertClose(fused.da, at.grad!.data(), 1e-12, 1e-10, `${v} da`);
      assertClose(fused.db, bt.grad!.data(), 1e-12, 1e-10, `${v} db`);
    }), { numRuns: 50, seed: 13 });
  }
});

test('coefficient gradients: Σ g_i x_i^j/Q_i, linear in g, and equal to the sum over any split of the batch (§7.14)', () => {
  fc.assert(fc.property(draws('B'), fc.integer({ min: 1, max: 5 }), ({ x, a, b }, cut) => {
    const g = x.map((_, i) => 0.5 - i), g2 = x.map((_, i) => i * i - 1);
    const full = fusedGrads('B', x, a, b, g);
    const Q = x.map((t) => 1 + Math.abs(b.reduce((s, bk, k) => s + bk * t ** (k + 1), 0)));
    assertClose(full.da, a.map((_, j) => x.reduce((s, t, i) => s + (g[i] * t ** j) / Q[i], 0)), 1e-12, 1e-10);
    const sum = fusedGrads('B', x, a, b, g.map((v, i) => 2 * v + g2[i]));
    const parts = [full, fusedGrads('B', x, a, b, g2)];
    assertClose(sum.da, parts[0].da.map((v, j) => 2 * v + parts[1].da[j]), 1e-10, 1e-10);
    const c = Math.min(cut, x.length);
    const left = fusedGrads('B', x.slice(0, c), a, b, g.slice(0, c));
    const right = x.length > c ? fusedGrads('B', x.slice(c), a, b, g.slice(c)) : { da: a.map(() => 0), db: b.map(() => 0) };
    assertClose(full.da, left.da.map((v, j) => v + right.da[j]), 1e-12, 1e-10);
    assertClose(full.db, left.db.map((v, k) => v + right.db[k]), 1e-12, 1e-10);
  }), { numRuns: 60, seed: 14 });
});

test('per-channel gradients equal separate PAUs per channel', () => {
  const x = Array.from({ length: 2 * 3 * 2 }, (_, i) => Math.sin(i * 2.1) * 2);
  const rowsA = [0, 1, 2].map((c) => [0.1, 1 - 0.2 * c, 0.3, 0.1 * c, -0.2, 0.05]);
  const rowsB = [0, 1, 2].map((c) => [0.7 + c, -0.4, 0.9, 0.2 * c]);
  const [xt, at, bt] = [tg.tensor(x, { dtype: 'float64', shape: [2, 3, 2], requiresGrad: true }), f64(rowsA), f64(rowsB)];
  tg.pau(xt, at, bt, { version: 'A' }).sum().backward();
  const dx = Array.from(xt.grad!.data()), da = Array.from(at.grad!.data()), db = Array.from(bt.grad!.data());
  for (let c = 0; c < 3; c++) {
    const idx = x.map((_, i) => i).filter((i) => Math.floor(i / 2) % 3 === c);
    const sep = fusedGrads('A', idx.map((i) => x[i]), rowsA[c], rowsB[c], idx.map(() => 1));
    assertClose(idx.map((i) => dx[i]), sep.dx, 0, 1e-15);
    assertClose(da.slice(c * 6, c * 6 + 6), sep.da, 1e-15, 1e-13);
    assertClose(db.slice(c * 4, c * 4 + 4), sep.db, 1e-15, 1e-13);
  }
});

test('gradient bounds of the safe versions: |∂F/∂a_j| ≤ |x|^j and |∂F/∂b_k| ≤ |P|·|x|^k (§7.16)', () => {
  fc.assert(fc.property(value(-5, 5), coef(6), coef(4), (t, a, b) => {
    const P = Math.abs(a.reduce((s, aj, j) => s + aj * t ** j, 0));
    for (const v of ['A', 'B'] as const) {
      const { da, db } = fusedGrads(v, [t], a, b, [1]);
      da.forEach((d, j) => assert.ok(Math.abs(d) <= Math.abs(t) ** j * (1 + 1e-12)));
      db.forEach((d, k) => assert.ok(Math.abs(d) <= P * Math.abs(t) ** (k + 1) * (1 + 1e-12) + 1e-300));
    }
  }), { numRuns: 100, seed: 15 });
});

test('coefficient gradients are deterministic: the same inputs give the same bits', () => {
  const n = 100_000;
  const x = tg.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 4), { requiresGrad: true });
  const g = tg.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.37)));
  const run = () => {
    const a = tg.tensor([0.03, 0.5, 1.6, 2, 0.9, 0.15], { requiresGrad: true }), b = tg.tensor([0.01, 4, 0.02, 0.3], { requiresGrad: true });
    tg.pau(x, a, b).backward(g);
    return [...a.grad!.data(), ...b.grad!.data()];
  };
  assert.equal(run(), run());
});

test('float32 coefficient gradients over 1e6 elements agree with float64 to 1e-4·Σ|terms| (§7.22)', () => {
  const n = 1_000_000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 3);
  const ups = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.3));
  const a = [0.0336, 0.505, 1.65, 2.01, 0.932, 0.152], b = [0.0001, 3.98, 0.0001, 0.302];
  const grads = (dtype: tg.DType) => {
    const at = tg.tensor(a, { dtype, requiresGrad: true }), bt = tg.tensor(b, { dtype, requiresGrad: true });
    tg.pau(tg.tensor(values, { dtype }), at, bt).backward(tg.tensor(ups, { dtype }));
    return [...at.grad!.data(), ...bt.grad!.data()];
  };
  const g32 = grads('float32'), g64 = grads('float64');
  // Σ|terms| bound: |g|·|x|^j/Q ≤ |g|·|x|^j, and for b: |g|·|P|·|x|^k
  const absSums = [0, 1, 2, 3, 4, 5].map((j) => values.reduce((s, t, i) => s + Math.abs(ups[i]) * Math.abs(t) ** j, 0));
  g32.slice(0, 6).forEach((v, j) => assert.ok(Math.abs(v - g64[j]) <= 1e-4 * absSums[j], `a_${j}: ${v} vs ${g64[j]}`));
  g32.slice(6).forEach((v, k) => assert.ok(Math.abs(v - g64[6 + k]) <= 1e-4 * Math.abs(g64[6 + k]) + 1e-3, `b_${k + 1}: ${v} vs ${g64[6 + k]}`));
});

test.run();
