// Spec §7.2: every closed form solves its ODE. With y' and y'' from central differences of the
// forward (h = 1e-4, float64), a·y'' + b·y' + c·y = H(t) at |t| ∈ [0.2, 2], with (a, b, c) as the
// formula sees them: zeros for small coefficients, (a_f, b, c_f) in the forced band. For t < 0 this
// checks that the basis functions solve the homogeneous equation.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';
import { neuronIn, awayFromZero } from './arbitraries.js';
import { coeffs, seenBy, SUBSPACES, y } from './helpers.js';

/** The residual a·y'' + b·y' + c·y − H(t), and the size of its terms (for a relative tolerance). */
function residual(t: number, k: Coeffs, sub: Subspace, [a, b, c] = seenBy(k, sub)): { r: number; scale: number } {
  const h = 1e-4;
  const [ym, y0, yp] = [y(t - h, k, sub), y(t, k, sub), y(t + h, k, sub)];
  const d1 = (yp - ym) / (2 * h), d2 = (yp - 2 * y0 + ym) / (h * h);
  return { r: a * d2 + b * d1 + c * y0 - (t > 0 ? 1 : 0), scale: 1 + Math.abs(a * d2) + Math.abs(b * d1) + Math.abs(c * y0) };
}

for (const sub of SUBSPACES.filter((s) => s !== '0-0-0')) {
  test(`${sub}: a·y'' + b·y' + c·y = u(t)`, () => {
    fc.assert(fc.property(neuronIn(sub), awayFromZero, (k, t) => {
      const { r, scale } = residual(t, k, sub);
      return Math.abs(r) < 1e-5 * scale;
    }), { numRuns: 200, seed: 11 });
  });
}

test('0-0-0 (the identity) is no solution of 0 = u(t): the reference keeps it anyway', () => {
  assert.ok(Math.abs(residual(1, coeffs(0, 0, 0), '0-0-0', [0, 0, 0]).r) > 0.5);
});

test('the forced band solves the forced ODE only: (4, 4, 1) has residuals of about 10', () => {
  const k = coeffs(4, 4, 1, 0.3, -0.2);
  let worst = 0;
  for (let t = -2; t <= 2; t += 0.05) {
    if (Math.abs(t) < 0.2) continue;
    worst = Math.max(worst, Math.abs(residual(t, k, '1-1-1 Δ≈0', [4, 4, 1]).r));
    assert.ok(Math.abs(residual(t, k, '1-1-1 Δ≈0').r) < 1e-5 * residual(t, k, '1-1-1 Δ≈0').scale);
  }
  assert.ok(worst > 5 && worst < 20, `worst residual ${worst}`);
});

test('with the sign check, tiny coefficients of opposite signs are solved exactly (not forced)', () => {
  const k = coeffs(0.01, 0.01, -0.01);
  for (const t of [-1, -0.3, 0.3, 1, 2]) {
    const { r, scale } = residual(t, k, '1-1-1 Δ>0', [0.01, 0.01, -0.01]);
    assert.ok(Math.abs(r) < 1e-5 * scale, `t = ${t}: residual ${r}`);
  }
});

test.run();
