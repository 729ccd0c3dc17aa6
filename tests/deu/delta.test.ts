// Spec §7.7: the smoothed Dirac delta δ_s(t) = s·E(−st)/(1 + E(−st))², s = 100, which stands in for
// H' in ∂y/∂t: the "bump" of the ReLU's derivative near 0 (paper, figure 3), and the floor the
// exponent cap leaves below t = −0.14.
import { test } from 'uvu';
import { assertClose } from '../helpers.js';
import { deltaS, sigmoidS } from '../../core/cpu/deu_solutions.js';
import { at, coeffs, S } from './helpers.js';

const relu = coeffs(0, 1, 0);

test('ReLU: ∂y/∂t at ±0.05 is 1.033240 / −0.033240, at ±0.02 1.209987 / −0.209987, at 0 exactly 0', () => {
  assertClose([0.05, -0.05, 0.02, -0.02].map((t) => at(t, relu).dt), [1.03324, -0.03324, 1.209987, -0.209987], 1e-6, 0);
  assertClose(at(0, relu).dt, 0, 0, 0);
});

test('δ_s(0) = s/4 = 25, and below t = −0.14 it stays at its floor 8.3153e-5', () => {
  assertClose(deltaS(0, S), 25, 1e-12, 0);
  for (const t of [-0.15, -1, -100, -1e6]) assertClose(deltaS(t, S), 8.3153e-5, 1e-9, 0, `t = ${t}`);
  assertClose(deltaS(-0.1, S), 100 * Math.exp(-10) / (1 + Math.exp(-10)) ** 2, 1e-15, 1e-12);
});

test('δ_s is the derivative of σ_s where no exponent is capped', () => {
  for (const t of [-0.13, -0.05, 0, 0.01, 0.3]) {
    const fd = (sigmoidS(t + 1e-7, S) - sigmoidS(t - 1e-7, S)) / 2e-7;
    assertClose(deltaS(t, S), fd, 1e-5, 1e-6, `t = ${t}`);
  }
});

test.run();
