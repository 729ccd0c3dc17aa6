// PAU's and RPAU's second derivatives (issue 18.2): gradgradcheck in x, the numerator and the
// denominator for every version, shared and per-channel coefficients, degrees (5, 4) (the fused
// 5/4 loop) and (3, 2) (the generic one), RPAU's noise in all its modes; first-order gradients
// unchanged by createGraph; perturbed rules caught; a third derivative refused.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setBackwardPerturbation } from '../../core/autograd.js';
import type { PauVersion } from '../../core/backend.js';
import * as tg from '../../index.js';

const f64 = { dtype: 'float64' as const };
// magnitudes 0.05 … 2 of either sign (no zeros, no subnormals: they sit on the kinks)
const signed = fc.tuple(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));
const coefficient = signed;
const input = signed;

interface Case {
  version: PauVersion;
  a: number[][];
  b: number[][];
  xs: number[];
}

/** The polynomial inside |·| at x for one row (B, C: Σ b_k x^k; A: none; N: 1 + Σ b_k x^k). */
function inner(version: PauVersion, b: number[], x: number): number {
  const first = version === 'C' ? 0 : 1;
  return b.reduce((s, bk, i) => s + bk * x ** (i + first), version === 'N' ? 1 : 0);
}

/** Away from every kink (and, for N, from poles) by far more than the finite-difference step. */
function smooth({ version, b, xs }: Case, channels: number): boolean {
  return xs.every((x, i) => {
    const row = b[channels === 1 ? 0 : i % channels];
    if (Math.abs(x) < 1e-2) return false; // A's |x|; B's A(0) = 0
    if (version === 'A') return row.every((bk) => Math.abs(bk) > 1e-2);
    const s = inner(version, row, x);
    return version === 'N' ? Math.abs(s) > 0.3 : Math.abs(s) > 1e-2;
  });
}

function caseOf(version: PauVersion, m1: number, n: number, channels: number): fc.Arbitrary<Case> {
  const nb = version === 'C' ? n + 1 : n;
  return fc.record({
    version: fc.constant(version),
    a: fc.array(fc.array(coefficient, { minLength: m1, maxLength: m1 }), { minLength: channels, maxLength: channels }),
    b: fc.array(fc.array(coefficient, { minLength: nb, maxLength: nb }), { minLength: channels, maxLength: channels }),
    xs: fc.array(input, { minLength: 2 * channels, maxLength: 2 * channels }),
  }).filter((c) => smooth(c, channels));
}

/** x [2, C] for per-channel coefficients ([C, ·]), or [2] with shared ones. */
function tensors({ a, b, xs }: Case, perChannel: boolean): tg.Tensor[] {
  const C = a.length;
  const x = tg.tensor(xs, { ...f64, shape: perChannel ? [2, C] : [xs.length] }).requiresGrad_();
  const ta = tg.tensor(perChannel ? a : a[0], f64).requiresGrad_();
  const tb = tg.tensor(perChannel ? b : b[0], f64).requiresGrad_();
  return [x, ta, tb];
}

for (const version of ['A', 'B', 'C', 'N'] as const) {
  for (const [m1, n] of [[6, 4], [4, 2]]) {
    test(`pau version ${version}, degrees (${m1 - 1}, ${n}): gradgradcheck in x, numerator, denominator (shared and per channel)`, () => {
      fc.assert(fc.property(caseOf(version, m1, n, 1), (c) => {
        tg.tidy(() => tg.gradgradcheck((x, a, b) => tg.pau(x, a, b, { version }), tensors(c, false)));
      }), { numRuns: 8, seed: 1 });
      fc.assert(fc.property(caseOf(version, m1, n, 2), (c) => {
        tg.tidy(() => tg.gradgradcheck((x, a, b) => tg.pau(x, a, b, { version }), tensors(c, true)));
      }), { numRuns: 4, seed: 2 });
    });
  }
}

test('rpau in training (every noise mode, fixed key): gradgradcheck', () => {
  const modes = [
    { straightThrough: true, noisyDenominator: true, perElement: true },
    { straightThrough: false, noisyDenominator: true, perElement: true },
    { straightThrough: false, noisyDenominator: false, perElement: false },
    { straightThrough: true, noisyDenominator: false, perElement: false },
  ];
  fc.assert(fc.property(fc.oneof(caseOf('B', 6, 4, 1), caseOf('B', 4, 2, 1)), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (c, key) => {
    // (the noisy A(x) could land on its kink only for draws far less likely than these seeded ones)
    for (const mode of modes) {
      tg.tidy(() => tg.gradgradcheck((x, a, b) => tg.rpau(x, a, b, { ...mode, alpha: 0.3, key }), tensors(c, false)));
    }
  }), { numRuns: 4, seed: 3 });
});

test('per-channel coefficients over x [N, C, S] (runs of S elements per row): gradgradcheck', () => {
  const x = tg.tensor([0.5, -1.2, 1.7, 0.3, -0.4, 1.1, 0.8, -1.5, 0.6, -0.9, 1.3, 0.2], { ...f64, shape: [2, 2, 3] }).requiresGrad_();
  const a = tg.tensor([[0.1, 0.6, 1.3, 0.9, 0.4, 0.2], [0.3, -0.5, 0.7, 0.2, -0.3, 0.1]], f64).requiresGrad_();
  const b = tg.tensor([[0.3, 1.2, 0.5, 0.4], [0.6, 0.2, 0.9, 0.3]], f64).requiresGrad_();
  for (const version of ['A', 'B'] as const) tg.gradgradcheck((xx, aa, bb) => tg.pau(xx, aa, bb, { version }), [x, a, b]);
  tg.gradgradcheck((xx, aa, bb) => tg.rpau(xx, aa, bb, { key: 3, straightThrough: false, perElement: false }), [x, a, b]);
});

test('first-order gradients are bit-identical with and without createGraph (pau, rpau)', () => {
  const x = tg.randn([3, 4, 5], f64).mul(2).requiresGrad_();
  const a = tg.randn([4, 6], f64).requiresGrad_(), b = tg.randn([4, 4], f64).requiresGrad_();
  const g = tg.randn([3, 4, 5], f64);
  for (const fn of [(xx: tg.Tensor) => tg.pau(xx, a, b, { version: 'A' }), (xx: tg.Tensor) => tg.rpau(xx, a, b, { key: 7, straightThrough: false })]) {
    const plain = tg.grad(fn(x), [x, a, b], { gradOutputs: [g] }).map((t) => [...t!.data()]);
    const recorded = tg.grad(fn(x), [x, a, b], { gradOutputs: [g], createGraph: true });
    assert.ok(recorded.every((t) => t!.requiresGrad));
    assert.equal(recorded.map((t) => [...t!.data()]), plain);
  }
});

test('a perturbed second-order rule of pau is caught', () => {
  const x = tg.tensor([0.5, -1.2, 1.7], f64).requiresGrad_();
  const a = tg.tensor([0.1, 0.6, 1.3, 0.9, 0.4, 0.2], f64).requiresGrad_(), b = tg.tensor([0.3, 1.2, 0.5, 0.4], f64).requiresGrad_();
  const check = () => tg.gradgradcheck((xx, aa, bb) => tg.pau(xx, aa, bb), [x, a, b], { raiseException: false }).ok;
  assert.ok(check());
  for (const op of ['pauGradX', 'pauGradA', 'pauGradB']) {
    setBackwardPerturbation({ op, mode: 'scale' });
    try {
      assert.not.ok(check(), op);
    } finally {
      setBackwardPerturbation(null);
    }
  }
});

test('a third derivative refuses by name, near and far out (far out the second is defined: second_order_far.test.ts)', () => {
  const a = tg.tensor([0.1, 0.6, 1.3, 0.9, 0.4, 0.2], f64), b = tg.tensor([0.3, 1.2, 0.5, 0.4], f64);
  for (const values of [[0.5, 1.5], [2 ** 33, -1e100]]) {
    const x = tg.tensor(values, f64).requiresGrad_();
    const [d1] = tg.grad(tg.pau(x, a, b).sum(), [x], { createGraph: true });
    const [d2] = tg.grad(d1!.sum(), [x], { createGraph: true });
    assert.throws(() => tg.grad(d2!.sum(), [x]), /pau.*third derivative/);
  }
});

test.run();
