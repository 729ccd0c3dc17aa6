// What the PAU and RPAU parity tests (pau.test.ts, rpau.test.ts) share: a bit-for-bit comparison
// and the input values they draw (mostly around the poles' neighbourhood, and the special ones:
// ±0, NaN, far beyond 2^32, −∞).
import * as assert from 'uvu/assert';
import fc from 'fast-check';

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
