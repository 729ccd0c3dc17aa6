// Spec §7.9 and §2.9: the forced band |Δ| < ε (with sign(a) = sign(c)), where a and c are replaced
// by ±|b|/2 so the root is repeated. The forward ignores |a| and |c| there, its decay rate is
// ρ = −sign(bc), it jumps at the band's edge, and its a, b, c partials are the reference's
// pseudo-gradients, checked here against §2.9's formulas written out independently.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deltaS } from '../../core/cpu/deu_solutions.js';
import { assertClose } from '../helpers.js';
import { neuronIn } from './arbitraries.js';
import { at, coeffs, S, y } from './helpers.js';

test('the forward does not change when c (or a) moves inside the band', () => {
  const ts = [-1.5, -0.3, 0.2, 1, 3];
  const base = ts.map((t) => y(t, coeffs(0.25, 1, 1.004, 0.3, -0.2)));
  for (const c of [0.991, 0.995, 1, 1.009]) assertClose(ts.map((t) => y(t, coeffs(0.25, 1, c, 0.3, -0.2))), base, 0, 0, `c = ${c}`);
  assertClose(ts.map((t) => y(t, coeffs(0.2512, 1, 0.996, 0.3, -0.2))), base, 0, 0, 'a moved');
});

test('ρ = −sign(b·c): the homogeneous part decays or grows at rate exactly 1', () => {
  for (const [b, c] of [[1, 1], [-1, -1], [1, -1], [-1, 1]]) {
    const k = coeffs(Math.sign(c) * 0.25, b, c * 0.999, 0, 1); // y = e^{ρt} for t ≤ 0
    assertClose(y(-1, k), Math.exp(Math.sign(b * c)), 1e-15, 1e-14, `b = ${b}, c = ${c}`);
  }
});

test('the output jumps at the band edge: a = 0.25, b = 1, y(3) = 0.9913 at Δ = 0.0101, 1.6017 at Δ = 0.0099', () => {
  assertClose(y(3, coeffs(0.25, 1, 1 - 0.0101)), 0.9913, 1e-4, 0);
  assertClose(y(3, coeffs(0.25, 1, 1 - 0.0099)), 1.6017, 1e-4, 0);
});

test('§2.9 pseudo-gradients: y_a, y_b, y_c as the reference writes them, y_c1 = t·e, y_c2 = e', () => {
  fc.assert(fc.property(neuronIn('1-1-1 Δ≈0'), fc.double({ min: -2, max: 2, noNaN: true }), ({ a, b, c, c1, c2 }, t) => {
    const cf = (Math.sign(c) * Math.abs(b)) / 2, rho = (-2 * cf) / b, e = Math.exp(rho * t), u = c2 + c1 * t, H = t > 0 ? 1 : 0;
    const expected = {
      dt: (H * rho * rho * t * e) / cf + (deltaS(t, S) * (1 - e * (1 - rho * t))) / cf + rho * e * u + c1 * e,
      da: ((2 * rho * rho) / b) * t * u * e + (4 / (b * b)) * H * (1 - e * (1 - rho * t + rho * rho * t * t)),
      db: (-rho / b) * ((H * rho * t * t * e) / cf + t * e * u),
      dc: (-2 / b) * ((H * rho * t * t * e) / cf + t * e * u) - (H * (1 - e * (1 - rho * t))) / (cf * cf),
      dc1: t * e,
      dc2: e,
    };
    const p = at(t, { a, b, c, c1, c2 });
    for (const [key, v] of Object.entries(expected)) assertClose(p[key as keyof typeof expected], v, 1e-9, 1e-9, key);
  }), { numRuns: 300, seed: 2 });
});

test('the band needs sign(a) = sign(c): (0.01, 0.01, −0.01) is solved, not forced', () => {
  const k = coeffs(0.01, 0.01, -0.01);
  const forcedWouldGive = y(2, k, '1-1-1 Δ≈0');
  assert.ok(Math.abs(y(2, k) - y(2, k, '1-1-1 Δ>0')) === 0 && Math.abs(y(2, k) - forcedWouldGive) > 1);
});

test.run();
