// Spec §7.10 and §3: outward gravitation. A neuron with some of |a|, |b|, |c| < ε borrows, for
// exactly those coefficients, the gradient columns of a nudged neuron (small coefficients → ±ε,
// new c̃1, c̃2 matching value and slope at t* = the batch mean). Everything else is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { outwardGravitation, ridgeSolve } from '../../core/cpu/deu_gravitation.js';
import { subspaceOf, type Coeffs } from '../../core/cpu/deu_solutions.js';
import { assertClose } from '../helpers.js';
import { at, coeffs, EPS, S } from './helpers.js';

const BATCH = [-1, -0.5, 0.2, 0.5, 1.5];
const T_STAR = 0.14;
const gravitate = (k: Coeffs, tStar = T_STAR) => outwardGravitation(k, subspaceOf(k.a, k.b, k.c, EPS)!, tStar, EPS, S);

/** The layer's backward for one neuron over a batch, with upstream gradient g. */
function layerGrads(k: Coeffs, batch: number[], g: number[]): { y: number[]; dx: number[]; dp: number[] } {
  const x = tg.tensor(batch.map((t) => [t]), { dtype: 'float64', requiresGrad: true });
  const p = tg.tensor([[k.a, k.b, k.c, k.c1, k.c2]], { dtype: 'float64', requiresGrad: true });
  const out = tg.deu(x, p);
  out.backward(tg.tensor(g.map((v) => [v]), { dtype: 'float64' }));
  return { y: (out.toArray() as number[][]).flat(), dx: (x.grad!.toArray() as number[][]).flat(), dp: (p.grad!.toArray() as number[][])[0] };
}

const sumOf = (batch: number[], g: number[], f: (t: number) => number) => batch.reduce((s, t, i) => s + g[i] * f(t), 0);

test('it does nothing when every coefficient is at least ε: the gradient is the plain batch sum', () => {
  const k = coeffs(0.6, -0.01, 0.9, 0.3, -0.2);
  assert.is(gravitate(k), null);
  const g = [0.5, -1, 2, 0.25, 1];
  const { dp } = layerGrads(k, BATCH, g);
  assertClose(dp, ['da', 'db', 'dc', 'dc1', 'dc2'].map((key) => sumOf(BATCH, g, (t) => at(t, k)[key as 'da'])), 1e-12, 1e-12);
});

test('small coefficients go to ε·sign(p), an exact zero to +ε; the others stay', () => {
  const cases: [Coeffs, number[]][] = [
    [coeffs(0, 1, 0), [EPS, 1, EPS]],
    [coeffs(-0.004, 0, 2), [-EPS, EPS, 2]],
    [coeffs(0.7, 0.003, -0.0099), [0.7, EPS, -EPS]],
    [coeffs(-0, -0, 0.001), [EPS, EPS, EPS]],
  ];
  for (const [k, expected] of cases) {
    const grav = gravitate(k)!;
    assert.equal([grav.at.a, grav.at.b, grav.at.c], expected);
    assert.ok(grav.subspace.startsWith('1-1-1'), grav.subspace);
    assert.equal(grav.nudged, { a: Math.abs(k.a) < EPS, b: Math.abs(k.b) < EPS, c: Math.abs(k.c) < EPS });
  }
});

// Where the nudged basis is well conditioned at t*. Elsewhere the fit is only approximate, as in the
// reference: when a basis function saturates at t* (ReLU's nudged fast mode, r₋ ≈ −100, for any
// t* < −0.14) or nearly vanishes (the same mode at t* = 0.9, e^{−90}: the ridge term drops it), the
// value misses by up to 1e3 or 1e-4 respectively.
test('the nudged neuron matches value (1e-5) and slope (up to forward differences and the ridge) at t*', () => {
  const cases: [Coeffs, number[]][] = [
    [coeffs(1, 0, 0), [T_STAR, 0.5, 0.9, -0.5]],
    [coeffs(0.5, 0, 0.005, 0.2, 0.1), [T_STAR, 0.5, 0.9, -0.5]],
    [coeffs(0, 0, 1), [T_STAR, 0.5, 0.9, -0.5]],
    [coeffs(0, 0, 0), [T_STAR, 0.5, 0.9, -0.5]],
    [coeffs(0, 1, 0), [T_STAR]],
    [coeffs(0, 0.8, 0.6, -0.3), [T_STAR]],
  ];
  for (const [k, tStars] of cases) {
    for (const tStar of tStars) {
      const grav = gravitate(k, tStar)!;
      const now = at(tStar, k), next = at(tStar, grav.at, grav.subspace);
      assertClose(next.y, now.y, 1e-5, 0, `value ${JSON.stringify(k)} at ${tStar}`);
      const h = (t: number) => grav.at.c1 * at(t, grav.at, grav.subspace).dc1 + grav.at.c2 * at(t, grav.at, grav.subspace).dc2;
      const curvature = Math.abs((h(tStar + 1e-3) - 2 * h(tStar) + h(tStar - 1e-3)) / 1e-6);
      const tolerance = 1e-3 * (1 + Math.abs(now.dt)) + 1e-3 * curvature;
      assert.ok(Math.abs(next.dt - now.dt) <= tolerance, `slope ${JSON.stringify(k)} at ${tStar}: ${next.dt} vs ${now.dt} (tolerance ${tolerance})`);
    }
  }
});

test('the ridge solve satisfies its normal equations (AᵀA + λI)·c̃ = Aᵀf, finite even for rank-one A', () => {
  const cases: [[[number, number], [number, number]], [number, number]][] = [
    [[[1, 2], [3, 4]], [1, -1]],
    [[[1000, 1000], [1000, 1000]], [3, -2]],
    [[[8e-7, 0.01], [-8e-5, 1]], [0.1, 1]],
    [[[0, 0], [0, 0]], [1, 1]],
  ];
  const lambda = 1e-9;
  for (const [[[a11, a12], [a21, a22]], [f1, f2]] of cases) {
    const [x1, x2] = ridgeSolve([[a11, a12], [a21, a22]], [f1, f2], lambda);
    assert.ok(Number.isFinite(x1) && Number.isFinite(x2));
    const r1 = f1 - a11 * x1 - a12 * x2, r2 = f2 - a21 * x1 - a22 * x2; // Aᵀr = λ·c̃
    const scale = 1e-6 * (1 + Math.abs(x1) + Math.abs(x2)) * (1 + Math.hypot(a11, a12, a21, a22) ** 2);
    if (a11 !== a21) assertClose([a11 * r1 + a21 * r2, a12 * r1 + a22 * r2], [lambda * x1, lambda * x2], scale, 0);
  }
});

test('golden: ReQU (1, 0, 0) over [−1, −0.5, 0.2, 0.5, 1.5] nudges to (1, 0.01, 0.01), c̃ ≈ (−9.6e-6, 1.03e-3)', () => {
  const grav = gravitate(coeffs(1, 0, 0))!;
  assert.equal([grav.at.a, grav.at.b, grav.at.c], [1, 0.01, 0.01]);
  assertClose([grav.at.c1, grav.at.c2], [-9.6e-6, 1.03e-3], 0, 0.01);
  const borrowed = at(1.5, grav.at, grav.subspace);
  assertClose([borrowed.db, borrowed.dc], [-0.5572, -0.2018], 1e-4, 0);
});

test('golden: ReLU (0, 1, 0) nudges to (0.01, 1, 0.01) with c̃ ≈ (−14.2, 0.0101); y_a saturates at +1000 below 0', () => {
  const grav = gravitate(coeffs(0, 1, 0))!;
  assertClose([grav.at.c1, grav.at.c2], [-14.2, 0.0101], 0, 0.01);
  const { dp } = layerGrads(coeffs(0, 1, 0), BATCH, [1, 1, 1, 1, 1]);
  const ya = BATCH.map((t) => at(t, grav.at, grav.subspace).da);
  assertClose(ya.slice(0, 2), [1000, 1000], 0, 0);
  assertClose(ya.slice(2), [-0.99, -0.99, -0.99], 0.02, 0);
  assertClose(dp[0], ya.reduce((s, v) => s + v, 0), 1e-9, 1e-12);
});

test('through the layer: forward, ∂y/∂t, the c1 and c2 columns and the non-nudged columns are unchanged', () => {
  const g = [0.5, -1, 2, 0.25, 1];
  for (const k of [coeffs(0, 1, 0, 0.3, -0.2), coeffs(1, 0, 0, 0.3, -0.2), coeffs(0.004, 0, 0.8, 0.3, -0.2), coeffs(0, 0, 0)]) {
    const grav = gravitate(k)!;
    const { y, dx, dp } = layerGrads(k, BATCH, g);
    assertClose(y, BATCH.map((t) => at(t, k).y), 0, 0, 'forward');
    assertClose(dx, BATCH.map((t, i) => g[i] * at(t, k).dt), 0, 0, '∂y/∂t');
    const columns = (['da', 'db', 'dc', 'dc1', 'dc2'] as const).map((key, j) => {
      const nudged = j < 3 && grav.nudged[key.slice(1) as 'a' | 'b' | 'c'];
      return sumOf(BATCH, g, (t) => (nudged ? at(t, grav.at, grav.subspace) : at(t, k))[key]);
    });
    assertClose(dp, columns, 1e-12, 1e-12, JSON.stringify(k));
    // and the nudged columns did change
    (['a', 'b', 'c'] as const).forEach((key, j) => {
      if (grav.nudged[key]) assert.ok(dp[j] !== sumOf(BATCH, g, (t) => at(t, k)[`d${key}`]), `column ${key}`);
    });
  }
});

test('t* is the mean over every input of the neuron: batch and spatial positions of its channel', () => {
  const k = coeffs(0, 1, 0);
  const x4 = tg.tensor([[[[-1, -0.5]], [[0, 0]]], [[[0.2, 0.5]], [[0, 0]]]], { dtype: 'float64', requiresGrad: true }); // [2, 2, 1, 2]
  const p = tg.tensor([[0, 1, 0, 0, 0], [0, 1, 0, 0, 0]], { dtype: 'float64', requiresGrad: true });
  tg.deu(x4, p).sum().backward();
  const grav = gravitate(k, (-1 - 0.5 + 0.2 + 0.5) / 4)!;
  const expected = [-1, -0.5, 0.2, 0.5].reduce((s, t) => s + at(t, grav.at, grav.subspace).da, 0);
  assertClose((p.grad!.toArray() as number[][])[0][0], expected, 1e-9, 1e-12);
});

test.run();
