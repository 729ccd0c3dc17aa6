// Wide (core/cpu/wide.ts), the double with an exponent of its own that PAU's far second
// derivatives compute with: the same bits as float64 wherever float64 neither overflows nor meets
// subnormals, exact round trips of every double, and arithmetic past float64's range.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Wide } from '../../core/cpu/wide.js';

// normal doubles whose sums, products and quotients stay normal
const moderate = fc.tuple(fc.double({ min: 2 ** -400, max: 2 ** 400, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));

test('+, −, ×, ÷ give float64 bit for bit where float64 stays normal (zeros and signed zeros included)', () => {
  const value = fc.oneof(moderate, fc.constantFrom(0, -0, 1, -1, 2 ** 52 + 1));
  fc.assert(fc.property(value, value, (p, q) => {
    const P = Wide.of(p), Q = Wide.of(q);
    const pairs: [number, number, string][] = [[P.plus(Q).toNumber(), p + q, '+'], [P.minus(Q).toNumber(), p - q, '−'], [P.times(Q).toNumber(), p * q, '×'], [P.over(Q).toNumber(), p / q, '÷']];
    for (const [got, want, op] of pairs) if (!Object.is(got, want)) assert.unreachable(`${p} ${op} ${q}: ${got}, float64 ${want}`);
  }), { numRuns: 2000, seed: 5 });
});

test('every double survives of() and toNumber(): subnormals, the largest, ±∞ and NaN', () => {
  for (const v of [5e-324, -2.5e-320, 2 ** -1022, 1.7976931348623157e308, -1e308, Infinity, -Infinity, 0, -0, 1 - 2 ** -53, 2 - 2 ** -51]) {
    assert.ok(Object.is(Wide.of(v).toNumber(), v), `${v}`);
  }
  assert.ok(Number.isNaN(Wide.of(NaN).toNumber()));
  fc.assert(fc.property(fc.double(), (v) => Object.is(Wide.of(v).toNumber(), v) || Number.isNaN(v)), { numRuns: 2000, seed: 6 });
});

test('past float64: (1e300)^5 / (1e300)^4 is 1e300, 3·x^5 − x^5 is 2·x^5, and the result rounds to ±∞ or 0 only at the end', () => {
  const x = Wide.of(1e300);
  let x5 = Wide.ONE, x4 = Wide.ONE;
  for (let k = 0; k < 5; k++) x5 = x5.times(x);
  for (let k = 0; k < 4; k++) x4 = x4.times(x);
  assert.ok(Math.abs(x5.over(x4).toNumber() / 1e300 - 1) < 1e-15); // 9 roundings of 2^−53 each
  assert.is(x5.toNumber(), Infinity);
  assert.is(x5.neg().toNumber(), -Infinity);
  assert.is(Wide.ONE.over(x5).toNumber(), 0);
  // a term 2^5000 below the other vanishes in the sum, as in float64; ratios of huge terms are exact
  const big = x5, small = Wide.of(3);
  assert.is(big.plus(small).minus(big).toNumber(), 0);
  assert.is(big.plus(small).over(big).toNumber(), 1);
  assert.is(big.times(3).minus(big).over(big).toNumber(), 2);
  assert.is(Wide.of(-2).sign(), -1);
  assert.is(Wide.of(-0).sign(), 1);
});

test.run();
