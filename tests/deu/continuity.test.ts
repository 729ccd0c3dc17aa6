// Spec §7.3 and §1.3: what happens at t = 0, where the step switches g on. y is continuous there;
// for a ≠ 0 so is y' while y'' jumps by 1/a; for a = 0, b ≠ 0, y' jumps by 1/b. And c1, c2 give
// the initial values of §1.3's table exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';
import { assertClose } from '../helpers.js';
import { at, S, SAMPLES, seenBy, SUBSPACES, y } from './helpers.js';

/** One-sided derivatives at 0 by second-order differences, from the left (side −1) or the right. */
function slope(k: Coeffs, sub: Subspace, side: 1 | -1, h = 1e-5): number {
  return (side * (-3 * y(0, k, sub) + 4 * y(side * h, k, sub) - y(2 * side * h, k, sub))) / (2 * h);
}
function curvature(k: Coeffs, sub: Subspace, side: 1 | -1, h = 1e-3): number {
  const f = (i: number) => y(side * i * h, k, sub);
  return (2 * f(0) - 5 * f(1) + 4 * f(2) - f(3)) / (h * h);
}

const shaped: Subspace[] = SUBSPACES.filter((s) => s !== '0-0-0' && s !== '0-0-1');

test('y is continuous at 0, where it equals c1·φ1(0) + c2·φ2(0)', () => {
  for (const sub of SUBSPACES) {
    const k = SAMPLES[sub];
    assertClose([y(-1e-9, k, sub), y(1e-9, k, sub)], [y(0, k, sub), y(0, k, sub)], 1e-7, 0, sub);
    if (shaped.includes(sub)) assertClose(y(0, k, sub), k.c1 * at(0, k, sub).dc1 + k.c2 * at(0, k, sub).dc2, 1e-15, 0, sub);
  }
});

test("a ≠ 0: y' is continuous at 0 and y'' jumps by 1/a (a_f in the forced band)", () => {
  for (const sub of shaped.filter((s) => s.startsWith('1'))) {
    const k = SAMPLES[sub];
    const [a] = seenBy(k, sub);
    assertClose(slope(k, sub, 1), slope(k, sub, -1), 1e-6, 0, `${sub} slope`);
    assertClose(curvature(k, sub, 1) - curvature(k, sub, -1), 1 / a, 1e-4, 1e-4, `${sub} jump of y''`);
  }
});

test("a = 0, b ≠ 0: y' jumps by 1/b at 0", () => {
  for (const sub of ['0-1-0', '0-1-1'] as const) {
    const k = SAMPLES[sub];
    assertClose(slope(k, sub, 1) - slope(k, sub, -1), 1 / k.b, 1e-6, 1e-6, sub);
  }
});

test('§1.3: the initial values y(0) and y\'(0⁻) = ∂y/∂t(0) of every subspace', () => {
  const expected = (sub: Subspace, { a, b, c, c1, c2 }: Coeffs): [number, number] => {
    switch (sub) {
      case '0-0-0': return [0, 1];
      case '0-0-1': return [1 / (2 * c), S / (4 * c)];
      case '0-1-0': return [c1, 0];
      case '0-1-1': return [c1, (-c / b) * c1];
      case '1-0-0': return [c2, c1];
      case '1-0-1 ac>0': return [c1, (Math.sqrt(a * c) / a) * c2];
      case '1-0-1 ac<0': return [c1 + c2, (Math.sqrt(-a * c) / a) * (c2 - c1)];
      case '1-1-0': return [c2 - (c1 * a) / b, c1];
      case '1-1-1 Δ<0': return [c1, (-b / (2 * a)) * c1 + (Math.sqrt(4 * a * c - b * b) / (2 * a)) * c2];
      case '1-1-1 Δ>0': {
        const D = Math.sqrt(b * b - 4 * a * c);
        return [c1 + c2, ((-b - D) / (2 * a)) * c1 + ((-b + D) / (2 * a)) * c2];
      }
      case '1-1-1 Δ≈0': return [c2, -Math.sign(b) * Math.sign(c) * c2 + c1];
    }
  };
  for (const sub of SUBSPACES) {
    const p = at(0, SAMPLES[sub], sub);
    assertClose([p.y, p.dt], expected(sub, SAMPLES[sub]), 1e-12, 1e-12, sub);
  }
});

test.run();
