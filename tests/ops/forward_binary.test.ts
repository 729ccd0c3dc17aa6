// Binary ops, comparisons and where against a naive NumPy-broadcasting loop, over fast-check
// draws of broadcast-compatible shapes (size-1 axes, dropped leading axes, 0-d scalars, empty axes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';
import { broadcastShapesArb, f32, f64, fround, type Nd, naiveMap, sizeOf, valuesArb } from './forward_reference.js';

type Binary = (a: Tensor | number, b: Tensor | number) => Tensor;

const BINARY: [string, Binary, (a: number, b: number) => number, [number, number], [number, number]][] = [
  ['add', tg.add, (a, b) => a + b, [-5, 5], [-5, 5]],
  ['sub', tg.sub, (a, b) => a - b, [-5, 5], [-5, 5]],
  ['mul', tg.mul, (a, b) => a * b, [-5, 5], [-5, 5]],
  ['div', tg.div, (a, b) => a / b, [-5, 5], [-5, 5]],
  ['pow', tg.pow, (a, b) => a ** b, [0, 4], [-3, 3]],
  ['maximum', tg.maximum, (a, b) => (a >= b ? a : b), [-5, 5], [-5, 5]],
  ['minimum', tg.minimum, (a, b) => (a <= b ? a : b), [-5, 5], [-5, 5]],
  ['atan2', tg.atan2, (a, b) => Math.atan2(a, b), [-5, 5], [-5, 5]],
];

const pairArb = (domainA: [number, number], domainB: [number, number]) =>
  broadcastShapesArb(2).chain(([sa, sb]) =>
    fc.record({
      a: valuesArb(sizeOf(sa), ...domainA).map((values) => ({ shape: sa, values })),
      b: valuesArb(sizeOf(sb), ...domainB).map((values) => ({ shape: sb, values })),
      f32: fc.boolean(),
    }),
  );

for (const [name, op, ref, domainA, domainB] of BINARY) {
  test(`${name} broadcasts like NumPy (naive loop), float64 and float32`, () => {
    fc.assert(fc.property(pairArb(domainA, domainB), ({ a, b, f32: single }) => tg.tidy(() => {
      const [xa, xb] = single ? [fround(a), fround(b)] : [a, b];
      const expected = naiveMap(ref, [xa, xb]);
      const y = single ? op(f32(xa), f32(xb)) : op(f64(xa), f64(xb));
      assert.equal([...y.shape], expected.shape);
      assert.is(y.dtype, single ? 'float32' : 'float64');
      if (single) assertClose(y.data(), expected.values.map(Math.fround), 1e-6, 1e-6, name);
      else assertClose(y.data(), expected.values, 1e-15, 1e-15, name);
    })), { numRuns: 60, seed: 11 });
  });
}

test('a number on either side becomes a 0-d tensor of the other side\'s dtype', () => {
  const x = tg.tensor([1, 2, 4], { dtype: 'float64' });
  const cases: [Tensor, number[]][] = [
    [tg.sub(10, x), [9, 8, 6]],
    [tg.div(x, 4), [0.25, 0.5, 1]],
    [tg.pow(2, x), [2, 4, 16]],
    [x.pow(0.5), [1, Math.SQRT2, 2]],
    [x.maximum(2), [2, 2, 4]],
    [tg.minimum(2, x), [1, 2, 2]],
  ];
  for (const [y, expected] of cases) {
    assert.is(y.dtype, 'float64');
    assert.equal(y.toArray(), expected);
  }
  const s = tg.add(2, 3);
  assert.equal([...s.shape], []);
  assert.is(s.item(), 5);
});

test('pow of special values follows C\'s pow (IEEE 754), as torch.pow does: pow(1, y) = pow(x, 0) = 1 even for NaN', () => {
  const a = tg.tensor([0, 0, -8, -2, 4, 1, 1, NaN, NaN, 2], { dtype: 'float64' });
  const b = tg.tensor([0, -1, 1 / 3, 3, 0.5, Infinity, NaN, 0, 2, NaN], { dtype: 'float64' });
  assertClose(tg.pow(a, b).data(), [1, Infinity, NaN, -8, 2, 1, 1, 1, NaN, NaN]);
});

test('maximum/minimum with ties return the tied value', () => {
  const a = tg.tensor([1, 2, 3], { dtype: 'float64' });
  const b = tg.tensor([1, 5, -3], { dtype: 'float64' });
  assert.equal(tg.maximum(a, b).toArray(), [1, 5, 3]);
  assert.equal(tg.minimum(a, b).toArray(), [1, 2, -3]);
});

test('broadcasting an empty axis gives an empty result of the broadcast shape', () => {
  const y = tg.add(tg.zeros([0, 1, 3]), tg.ones([2, 1]));
  assert.equal([...y.shape], [0, 2, 3]);
  assert.is(y.size, 0);
});

const COMPARISONS: [string, Binary, (a: number, b: number) => boolean][] = [
  ['eq', tg.eq, (a, b) => a === b],
  ['ne', tg.ne, (a, b) => a !== b],
  ['lt', tg.lt, (a, b) => a < b],
  ['le', tg.le, (a, b) => a <= b],
  ['gt', tg.gt, (a, b) => a > b],
  ['ge', tg.ge, (a, b) => a >= b],
];

/** Small integers, so that equal pairs are frequent. */
const tiedPairArb = broadcastShapesArb(2).chain(([sa, sb]) =>
  fc.record({
    a: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: sizeOf(sa), maxLength: sizeOf(sa) }).map((values): Nd => ({ shape: sa, values })),
    b: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: sizeOf(sb), maxLength: sizeOf(sb) }).map((values): Nd => ({ shape: sb, values })),
    f32: fc.boolean(),
  }),
);

for (const [name, op, ref] of COMPARISONS) {
  test(`${name} gives 0/1 of the inputs' dtype, broadcast like NumPy`, () => {
    fc.assert(fc.property(tiedPairArb, ({ a, b, f32: single }) => tg.tidy(() => {
      const expected = naiveMap((x, y) => (ref(x, y) ? 1 : 0), [a, b]);
      const y = single ? op(f32(a), f32(b)) : op(f64(a), f64(b));
      assert.equal([...y.shape], expected.shape);
      assert.is(y.dtype, single ? 'float32' : 'float64');
      assert.equal(Array.from(y.data()), expected.values);
    })), { numRuns: 40, seed: 12 });
  });
}

test('comparisons with NaN are false except ne, as IEEE says', () => {
  const a = tg.tensor([NaN, NaN, 1]);
  const b = tg.tensor([NaN, 1, NaN]);
  assert.equal(tg.eq(a, b).toArray(), [0, 0, 0]);
  assert.equal(tg.ne(a, b).toArray(), [1, 1, 1]);
  assert.equal(tg.lt(a, b).toArray(), [0, 0, 0]);
  assert.equal(tg.ge(a, b).toArray(), [0, 0, 0]);
  assert.equal(a.gt(0).toArray(), [0, 0, 1]);
});

test('where picks a where the condition is nonzero, else b, all three broadcast together', () => {
  const arb = broadcastShapesArb(3).chain(([sc, sa, sb]) =>
    fc.record({
      c: fc.array(fc.constantFrom(0, 1, -2, 0.5), { minLength: sizeOf(sc), maxLength: sizeOf(sc) }).map((values): Nd => ({ shape: sc, values })),
      a: valuesArb(sizeOf(sa)).map((values): Nd => ({ shape: sa, values })),
      b: valuesArb(sizeOf(sb)).map((values): Nd => ({ shape: sb, values })),
    }),
  );
  fc.assert(fc.property(arb, ({ c, a, b }) => tg.tidy(() => {
    const expected = naiveMap((cv, av, bv) => (cv !== 0 ? av : bv), [c, a, b]);
    const y = tg.where(f64(c), f64(a), f64(b));
    assert.equal([...y.shape], expected.shape);
    assert.equal(Array.from(y.data()), expected.values);
  })), { numRuns: 60, seed: 13 });
});

test('where accepts numbers for either branch', () => {
  const c = tg.tensor([1, 0, 1], { dtype: 'float64' });
  const x = tg.tensor([5, 6, 7], { dtype: 'float64' });
  assert.equal(tg.where(c, x, 0).toArray(), [5, 0, 7]);
  assert.equal(tg.where(c, -1, x).toArray(), [-1, 6, -1]);
  assert.equal(tg.where(c, 2, 3).toArray(), [2, 3, 2]);
  assert.is(tg.where(c, x, 0).dtype, 'float64');
});

test.run();
