// Issue 18.4: every DEU subspace solves its ODE, checked by autodiff. y′ and y″ come from
// tg.grad with createGraph, twice, through the deu op itself (float64), and
//   a·y″ + b·y′ + c·y = u(t)
// must hold to 1e-8 relative, with (a, b, c) as the formula sees them (zeros for small
// coefficients, (a_f, b, c_f) in the forced band). ode_residual.test.ts checks the same with
// central differences of the forward (1e-5); this is an independent check of every closed form
// through its second derivatives (core/cpu/deu_second.ts).
//
// Away from the step: for t ≥ 0.4 the smoothed delta δ_s and its slope are below 1e-13. For t < 0
// the reference's capped δ_s has a floor (≈ 8.3e-5, spec §0) that enters y′ as δ_s·g; so there
// the check runs on the homogeneous part, y(c1, c2) − y(0, 0) = c1·φ1 + c2·φ2 (derivatives by
// autodiff again), which must solve a·y″ + b·y′ + c·y = 0.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';
import * as tg from '../../index.js';
import { neuronIn } from './arbitraries.js';
import { EPS, S, SAMPLES, seenBy, SUBSPACES } from './helpers.js';

/** y, y′, y″ at every t (one neuron, x [N, 1]) by the deu op and grad with createGraph. */
function derivatives(ts: readonly number[], k: Coeffs): { y: Float64Array; d1: Float64Array; d2: Float64Array } {
  return tg.tidy(() => {
    const x = tg.tensor(ts.map((t) => [t]), { dtype: 'float64' }).requiresGrad_();
    const p = tg.tensor([[k.a, k.b, k.c, k.c1, k.c2]], { dtype: 'float64' });
    const y = tg.deu(x, p, { eps: EPS, s: S });
    const ones = tg.onesLike(y);
    const [d1] = tg.grad(y, [x], { gradOutputs: [ones], createGraph: true });
    const [d2] = tg.grad(d1!, [x], { gradOutputs: [ones] });
    return { y: y.data() as Float64Array, d1: d1!.data() as Float64Array, d2: d2!.data() as Float64Array };
  });
}

let checked = 0, clipped = 0;

/** max over t of |a·y″ + b·y′ + c·y − rhs(t)| / (1 + |a·y″| + |b·y′| + |c·y|). */
function worstResidual(ts: readonly number[], k: Coeffs, sub: Subspace, homogeneous: boolean): number {
  const [a, b, c] = seenBy(k, sub);
  const full = derivatives(ts, k);
  const rest = homogeneous ? derivatives(ts, { ...k, c1: 0, c2: 0 }) : null;
  let worst = 0;
  ts.forEach((t, i) => {
    // the clipped region (|y| or the first-order |y′| at the clip M = 1000) is not the ODE's
    if (Math.max(Math.abs(full.y[i]), Math.abs(full.d1[i])) >= 1000) {
      clipped++;
      return;
    }
    checked++;
    const [y, d1, d2] = rest ? [full.y[i] - rest.y[i], full.d1[i] - rest.d1[i], full.d2[i] - rest.d2[i]] : [full.y[i], full.d1[i], full.d2[i]];
    const rhs = homogeneous ? 0 : t > 0 ? 1 : 0;
    const r = a * d2 + b * d1 + c * y - rhs;
    worst = Math.max(worst, Math.abs(r) / (1 + Math.abs(a * d2) + Math.abs(b * d1) + Math.abs(c * y)));
  });
  return worst;
}

const positive = fc.array(fc.double({ min: 0.4, max: 2, noNaN: true }), { minLength: 1, maxLength: 8 });
const negative = fc.array(fc.double({ min: -2, max: -0.4, noNaN: true }), { minLength: 1, maxLength: 8 });

for (const sub of SUBSPACES.filter((s) => s !== '0-0-0')) {
  test(`${sub}: a·y″ + b·y′ + c·y = u(t) by autodiff, t > 0`, () => {
    fc.assert(fc.property(neuronIn(sub), positive, (k, ts) => worstResidual(ts, k, sub, false) <= 1e-8), { numRuns: 40, seed: 18 });
  });
  test(`${sub}: the homogeneous part solves a·y″ + b·y′ + c·y = 0 by autodiff, t < 0`, () => {
    fc.assert(fc.property(neuronIn(sub), negative, (k, ts) => worstResidual(ts, k, sub, true) <= 1e-8), { numRuns: 40, seed: 19 });
  });
  test(`${sub}: the draws were checked, not skipped as clipped`, () => {
    assert.ok(checked > 10 * clipped && checked > 100, `checked ${checked}, clipped ${clipped}`);
    checked = clipped = 0;
  });
}

test('the check can fail: the ODE of a neighbouring subspace, or a wrong coefficient, leaves residuals', () => {
  const ts = [0.5, 1, 1.5];
  // the damped oscillator's solution checked against the ODE with b off by 1 %
  const k = SAMPLES['1-1-1 Δ<0'];
  assert.ok(worstResidual(ts, { ...k }, '1-1-1 Δ<0', false) < 1e-12);
  const shifted = { ...k, b: k.b * 1.01 };
  const [a, b, c] = seenBy(k, '1-1-1 Δ<0');
  const { y, d1, d2 } = derivatives(ts, shifted);
  const r = Math.max(...ts.map((_, i) => Math.abs(a * d2[i] + b * d1[i] + c * y[i] - 1)));
  assert.ok(r > 1e-4, `residual ${r}`);
  // the forced band solves only the forced ODE: against the original (a, b, c) it is far off
  const band = { a: 4, b: 4, c: 1, c1: 0.3, c2: -0.2 };
  const out = derivatives(ts, band);
  const worst = Math.max(...ts.map((_, i) => Math.abs(4 * out.d2[i] + 4 * out.d1[i] + out.y[i] - 1)));
  assert.ok(worst > 0.1, `band residual against the original ODE: ${worst}`);
});

test('0-0-0 (the identity) has y″ = 0 by autodiff and is no solution of 0 = u(t)', () => {
  const { y, d1, d2 } = derivatives([0.5, 1.5], SAMPLES['0-0-0']);
  assert.equal([...d1], [1, 1]);
  assert.equal([...d2], [0, 0]);
  assert.equal([...y], [0.5, 1.5]);
});

test.run();
