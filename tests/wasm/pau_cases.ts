// What the PAU and RPAU parity tests (pau.test.ts, pau_general.test.ts, rpau.test.ts) share: a
// bit-for-bit comparison, the input values they draw (mostly around the poles' neighbourhood, and
// the special ones: ±0, NaN, far beyond 2^32, −∞), and an upstream gradient that shows the
// coefficient sums' order.
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PAU_SEGMENT } from '../../core/cpu/pau_segments.js';

/** got and want bit for bit (NaN as NaN, −0 as −0), or the first element that differs. */
export function same(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
}

export const valueArb = fc.oneof(
  { weight: 10, arbitrary: fc.float({ min: -6, max: 6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, 1e5, -3e7, 2 ** 33, -Infinity) },
);

/**
 * An upstream gradient whose coefficient sums show the summation order in float32 results: at
 * x = 0 every element's ∂F/∂a_0 is the same 1/Q, and g is 2^60 at element 0, −2^60 at element
 * PAU_SEGMENT (the second segment's first) and 1 at the three after it. Segment by segment, the
 * second segment's ones vanish next to −2^60 (its ulp is 256) and the two segments cancel: the
 * sum is 0. In element order, 2^60 − 2^60 cancels first and the ones survive: 3/Q.
 */
export function cancellingUpstream(size: number): Float32Array {
  const g = new Float32Array(size);
  g[0] = 2 ** 60;
  g[PAU_SEGMENT] = -(2 ** 60);
  g.fill(1, PAU_SEGMENT + 1, PAU_SEGMENT + 4);
  return g;
}
