// Spec §7.4: as a coefficient shrinks towards 0 (here 1e-4, the formula called directly, past the
// ε-dispatch), which subspaces flow into their neighbour (error O(1e-4)) and which do not. The
// labels of c1 and c2 agree across some boundaries and must be relabelled across others (§1.3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';
import { coeffs, y } from './helpers.js';

const tiny = 1e-4;
const grid = (from: number, to: number) => Array.from({ length: 21 }, (_, i) => from + ((to - from) * i) / 20);

/** max |y_near − y_far| over ts, with `near` evaluated in subspace nearSub and `far` in farSub. */
function gap(near: Coeffs, nearSub: Subspace, far: Coeffs, farSub: Subspace, ts: number[]): number {
  return Math.max(...ts.map((t) => Math.abs(y(t, near, nearSub) - y(t, far, farSub))));
}

test('b → 0: 1-1-1 → 1-0-1 for all four signs of a and c, c1 and c2 included (labels agree)', () => {
  for (const [a, c] of [[0.6, 1.3], [-0.6, -1.3], [0.6, -1.3], [-0.6, 1.3]]) {
    const general = a * c > 0 ? '1-1-1 Δ<0' : '1-1-1 Δ>0', singular = a * c > 0 ? '1-0-1 ac>0' : '1-0-1 ac<0';
    const d = gap(coeffs(a, tiny, c, 0.3, -0.2), general, coeffs(a, 0, c, 0.3, -0.2), singular, grid(-2, 2));
    assert.ok(d < 1e-3, `(${a}, ·, ${c}): ${d}`);
  }
});

test('c → 0 (either sign), for t > 0 and c1 = c2 = 0: 1-1-1 → 1-1-0, 0-1-1 → 0-1-0, 1-0-1 → 1-0-0', () => {
  const ts = grid(0, 2);
  for (const c of [tiny, -tiny]) {
    assert.ok(gap(coeffs(0.6, 0.9, c), '1-1-1 Δ>0', coeffs(0.6, 0.9, 0), '1-1-0', ts) < 1e-3);
    assert.ok(gap(coeffs(0, 0.9, c), '0-1-1', coeffs(0, 0.9, 0), '0-1-0', ts) < 1e-3);
    assert.ok(gap(coeffs(0.6, 0, c), c > 0 ? '1-0-1 ac>0' : '1-0-1 ac<0', coeffs(0.6, 0, 0), '1-0-0', ts) < 1e-3);
  }
});

test('a → 0 with a·b > 0, for t > 0 and c1 = c2 = 0: 1-1-1 → 0-1-1 and 1-1-0 → 0-1-0', () => {
  const ts = grid(0, 2);
  for (const b of [0.9, -0.9]) {
    const a = Math.sign(b) * tiny;
    // (for b < 0 the slow mode grows, e^{0.67t}, and amplifies the O(a) error)
    assert.ok(gap(coeffs(a, b, 0.6), '1-1-1 Δ>0', coeffs(0, b, 0.6), '0-1-1', ts) < 2e-3);
    assert.ok(gap(coeffs(a, b, 0), '1-1-0', coeffs(0, b, 0), '0-1-0', ts) < 1e-3);
  }
});

test('b → 0 in 0-1-1 meets the s = 100 sigmoid of 0-0-1 at t ≥ 0.2', () => {
  assert.ok(gap(coeffs(0, tiny, 0.6), '0-1-1', coeffs(0, 0, 0.6), '0-0-1', grid(0.2, 2)) < 1e-8);
});

test('with c1, c2 ≠ 0 the limits hold only after relabelling (t > 0)', () => {
  const ts = grid(0.2, 2);
  // the slow mode is c2 in 1-1-1 (Δ > 0) but c1 in 0-1-1
  assert.ok(gap(coeffs(tiny, 0.9, 0.6, 0.3, -0.2), '1-1-1 Δ>0', coeffs(0, 0.9, 0.6, -0.2, 0), '0-1-1', ts) < 1e-3);
  // the constant is c2 in 1-1-0 but c1 in 0-1-0
  assert.ok(gap(coeffs(tiny, 0.9, 0, 0.3, -0.2), '1-1-0', coeffs(0, 0.9, 0, -0.2, 0), '0-1-0', ts) < 1e-3);
  // the constant is c1 in 1-0-1 but c2 in 1-0-0
  assert.ok(gap(coeffs(0.6, 0, tiny, 0.3, 0), '1-0-1 ac>0', coeffs(0.6, 0, 0, 0, 0.3), '1-0-0', ts) < 1e-3);
  // without relabelling they differ by O(1)
  assert.ok(gap(coeffs(tiny, 0.9, 0, 0.3, -0.2), '1-1-0', coeffs(0, 0.9, 0, 0.3, -0.2), '0-1-0', ts) > 0.4);
});

test('no limit: a → 0 with a·b < 0 (a singular perturbation), and b → 0 in 1-1-0 with c1 ≠ 0', () => {
  assert.ok(gap(coeffs(-tiny, 0.9, 0.6), '1-1-1 Δ>0', coeffs(0, 0.9, 0.6), '0-1-1', grid(0, 2)) > 100);
  // −c1·a/b: the constant diverges as b → 0
  assert.ok(gap(coeffs(0.6, tiny, 0, 0.3, 0), '1-1-0', coeffs(0.6, 0, 0, 0.3, 0), '1-0-0', grid(-2, 2)) > 100);
});

test.run();
