// The paper's PAU, degrees (5, 4), versions A, B (and D = noisy B) and N, written out: the same
// arithmetic as RationalPoint.evaluate (pau_rational.ts), operation for operation and in the same
// order, so the results are bit for bit those of the general path, but with the powers and
// coefficients in local variables instead of small arrays, no loop over the degrees and no switch
// per element; for |x| ≥ 2^32 both take pau_far.ts's scaled path. About ten times faster than calling evaluate per
// element, which matters: a LeNet step runs ~800k activations through each way.
//
// evaluate54 leaves its results in OUT (f, dx, da_0…da_5, db_1…db_4): a module-level scratch,
// so the hot loops allocate nothing and V8 can inline the call.
import type { PauVersion } from '../backend.js';
import { evaluateFar } from './pau_far.js';
import { UNSCALED_BELOW } from './pau_rational.js';

/** out[0] = F, out[1] = ∂F/∂x, out[2 + j] = ∂F/∂a_j, out[8 + i] = ∂F/∂b_(i+1). */
export const OUT = new Float64Array(12);

/** The versions this file handles (C has five denominator coefficients: the general path). */
export const is54 = (version: PauVersion, m1: number, nb: number): boolean => m1 === 6 && nb === 4 && version !== 'C';

/**
 * F at x for coefficients c (a_0…a_5 at c[0…5], b_1…b_4 at c[6…9]); the partials too if grads.
 * version: 'A', 'B' or 'N'.
 */
export function evaluate54(x: number, c: Float64Array, version: PauVersion, grads: boolean): void {
  if (Math.abs(x) >= UNSCALED_BELOW) { // far out (and ±∞): each polynomial scaled (pau_far.ts)
    evaluateFar(x, c, 0, 6, c, 6, 4, version, grads, OUT);
    return;
  }
  const u0 = 1, u1 = x, u2 = u1 * x, u3 = u2 * x, u4 = u3 * x, u5 = u4 * x; // NaN x: NaN spreads
  const a0 = c[0], a1 = c[1], a2 = c[2], a3 = c[3], a4 = c[4], a5 = c[5];
  const b1 = c[6], b2 = c[7], b3 = c[8], b4 = c[9];
  const p = 0 + a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3 + a4 * u4 + a5 * u5;
  let q: number, s: number, ds = 0, side = 1;
  if (version === 'A') {
    const c1 = Math.abs(b1), c2 = Math.abs(b2), c3 = Math.abs(b3), c4 = Math.abs(b4);
    s = 0 + c1 * Math.abs(u1) + c2 * Math.abs(u2) + c3 * Math.abs(u3) + c4 * Math.abs(u4);
    if (grads) ds = 0 + 1 * c1 * Math.abs(u0) + 2 * c2 * Math.abs(u1) + 3 * c3 * Math.abs(u2) + 4 * c4 * Math.abs(u3);
    q = 1 * u0 + s;
  } else {
    s = 0 + b1 * u1 + b2 * u2 + b3 * u3 + b4 * u4;
    if (grads) ds = 0 + 1 * b1 * u0 + 2 * b2 * u1 + 3 * b3 * u2 + 4 * b4 * u3;
    if (version === 'N') q = 1 * u0 + s;
    else {
      side = s < 0 ? -1 : 1;
      q = 1 * u0 + side * s;
    }
  }
  const f = p / q;
  OUT[0] = f;
  if (!grads) return;
  const dp = 0 + 1 * a1 * u0 + 2 * a2 * u1 + 3 * a3 * u2 + 4 * a4 * u3 + 5 * a5 * u4;
  const dq = version === 'A' ? (x < 0 ? -1 : 1) * ds : side * ds;
  OUT[1] = (dp - dq * f) / q;
  OUT[2] = u0 / q; OUT[3] = u1 / q; OUT[4] = u2 / q; OUT[5] = u3 / q; OUT[6] = u4 / q; OUT[7] = u5 / q;
  const scale = -f / q;
  if (version === 'A') {
    OUT[8] = scale * ((b1 < 0 ? -1 : 1) * Math.abs(u1));
    OUT[9] = scale * ((b2 < 0 ? -1 : 1) * Math.abs(u2));
    OUT[10] = scale * ((b3 < 0 ? -1 : 1) * Math.abs(u3));
    OUT[11] = scale * ((b4 < 0 ? -1 : 1) * Math.abs(u4));
  } else {
    OUT[8] = scale * (side * u1); OUT[9] = scale * (side * u2); OUT[10] = scale * (side * u3); OUT[11] = scale * (side * u4);
  }
}
