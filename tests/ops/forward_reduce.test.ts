// Reductions over random axis sets (written as positive or negative axes), with keepDim true and
// false, against naive loops over the reduction groups; softmax and logSoftmax along any axis.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';
import { axesArb, build, f32, f64, fround, get, groups, type Nd, ndArb, normalize, reducedShape, shapeArb, tiedNdArb } from './forward_reference.js';

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const mean = (v: number[]) => sum(v) / v.length;
const variance = (v: number[], correction: number) => sum(v.map((x) => (x - mean(v)) ** 2)) / Math.max(0, v.length - correction);
function logsumexp(v: number[]): number {
  const m = Math.max(...v);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(sum(v.map((x) => Math.exp(x - m))));
}

interface Reduction {
  name: string;
  op: (x: Tensor, axes: number[] | undefined, keepDim: boolean) => Tensor;
  ref: (group: number[]) => number;
  /** Groups may be empty (an identity exists). */
  empty?: boolean;
}

const REDUCTIONS: Reduction[] = [
  { name: 'sum', op: (x, axes, keepDim) => x.sum(axes, { keepDim }), ref: sum, empty: true },
  { name: 'mean', op: (x, axes, keepDim) => tg.mean(x, axes, { keepDim }), ref: mean },
  { name: 'prod', op: (x, axes, keepDim) => x.prod(axes, { keepDim }), ref: (v) => v.reduce((a, b) => a * b, 1), empty: true },
  { name: 'max', op: (x, axes, keepDim) => x.max(axes, { keepDim }), ref: (v) => Math.max(...v) },
  { name: 'min', op: (x, axes, keepDim) => tg.min(x, axes, { keepDim }), ref: (v) => Math.min(...v) },
  { name: 'var (correction 1)', op: (x, axes, keepDim) => x.var(axes, { keepDim }), ref: (v) => variance(v, 1) },
  { name: 'var correction 0', op: (x, axes, keepDim) => tg.variance(x, axes, { keepDim, correction: 0 }), ref: (v) => variance(v, 0) },
  { name: 'std (correction 1)', op: (x, axes, keepDim) => tg.std(x, axes, { keepDim }), ref: (v) => Math.sqrt(variance(v, 1)) },
  { name: 'std correction 0', op: (x, axes, keepDim) => x.std(axes, { keepDim, correction: 0 }), ref: (v) => Math.sqrt(variance(v, 0)) },
  { name: 'logsumexp', op: (x, axes, keepDim) => x.logsumexp(axes, { keepDim }), ref: logsumexp },
  { name: 'norm p=1', op: (x, axes, keepDim) => x.norm(1, axes, { keepDim }), ref: (v) => sum(v.map(Math.abs)), empty: true },
  { name: 'norm p=2', op: (x, axes, keepDim) => tg.norm(x, 2, axes, { keepDim }), ref: (v) => Math.sqrt(sum(v.map((x) => x * x))), empty: true },
  { name: 'norm p=Infinity', op: (x, axes, keepDim) => x.norm(Infinity, axes, { keepDim }), ref: (v) => Math.max(...v.map(Math.abs)) },
];

/** A tensor, an axis set (undefined = all axes, sometimes) and keepDim. */
const specArb = (minDim: number) =>
  ndArb(shapeArb(0, 4, minDim, 3)).chain((x) =>
    fc.record({ x: fc.constant(x), axes: fc.option(axesArb(x.shape.length), { nil: undefined }), keepDim: fc.boolean(), f32: fc.boolean() }),
  );

function expectedReduction(x: Nd, axes: number[] | undefined, keepDim: boolean, ref: (g: number[]) => number): Nd {
  const list = axes === undefined ? x.shape.map((_, i) => i) : normalize(axes, x.shape.length);
  const { members } = groups(x, list);
  return { shape: reducedShape(x.shape, list, keepDim), values: members.map(ref) };
}

for (const r of REDUCTIONS) {
  test(`${r.name} over random axes with keepDim true/false equals the naive loop`, () => {
    fc.assert(fc.property(specArb(r.empty ? 0 : 1), ({ x, axes, keepDim, f32: single }) => tg.tidy(() => {
      const input = single ? fround(x) : x;
      const expected = expectedReduction(input, axes, keepDim, r.ref);
      const y = r.op(single ? f32(input) : f64(input), axes, keepDim);
      assert.equal([...y.shape], expected.shape, `${r.name} shape for axes ${JSON.stringify(axes)}`);
      if (single) assertClose(y.data(), expected.values, 1e-5, 1e-5, r.name);
      else assertClose(y.data(), expected.values, 1e-13, 1e-12, r.name);
    })), { numRuns: 50, seed: 21 });
  });
}

test('max/min over tied values, and reductions over 0-d tensors with axis 0 or -1', () => {
  fc.assert(fc.property(tiedNdArb(shapeArb(0, 3, 1, 3)).chain((x) => fc.record({ x: fc.constant(x), axes: axesArb(x.shape.length) })), ({ x, axes }) => tg.tidy(() => {
    assertClose(tg.max(f64(x), axes).data(), expectedReduction(x, axes, false, (v) => Math.max(...v)).values);
    assertClose(tg.min(f64(x), axes).data(), expectedReduction(x, axes, false, (v) => Math.min(...v)).values);
  })), { numRuns: 40, seed: 22 });
  const s = tg.tensor(-5, { dtype: 'float64' });
  for (const axis of [0, -1, [0], [] as number[]]) {
    for (const [name, y] of [['sum', s.sum(axis)], ['prod', s.prod(axis)], ['max', s.max(axis)], ['min', s.min(axis)], ['mean', s.mean(axis)], ['logsumexp', s.logsumexp(axis)], ['norm', s.norm(2, axis)]] as const) {
      assert.equal([...y.shape], [], `${name} shape for axis ${JSON.stringify(axis)}`);
      assert.is(y.item(), name === 'norm' ? 5 : -5, `${name} of a 0-d tensor over axis ${JSON.stringify(axis)}`);
    }
  }
  assert.is(tg.argmax(s, 0).item(), 0);
  assert.equal([...s.sum(0, { keepDim: true }).shape], []);
});

test('sum and prod over an empty axis give 0 and 1; mean gives NaN (0/0), as PyTorch', () => {
  const x = tg.zeros([2, 0, 3], { dtype: 'float64' });
  assert.equal(x.sum(1).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(x.prod(1).toArray(), [[1, 1, 1], [1, 1, 1]]);
  assertClose(x.mean(1).data(), [NaN, NaN, NaN, NaN, NaN, NaN]);
  assert.equal([...x.sum(2).shape], [2, 0]);
});

const argCases: [string, (x: Tensor, axis: number | undefined, keepDim: boolean) => Tensor, (a: number, b: number) => boolean][] = [
  ['argmax', (x, axis, keepDim) => x.argmax(axis, { keepDim }), (a, b) => a > b],
  ['argmin', (x, axis, keepDim) => tg.argmin(x, axis, { keepDim }), (a, b) => a < b],
];

for (const [name, op, better] of argCases) {
  test(`${name} returns the first occurrence along an axis or over the flattened tensor`, () => {
    const arb = tiedNdArb(shapeArb(1, 4, 1, 4)).chain((x) =>
      fc.record({ x: fc.constant(x), axis: fc.option(fc.integer({ min: -x.shape.length, max: x.shape.length - 1 }), { nil: undefined }), keepDim: fc.boolean() }),
    );
    fc.assert(fc.property(arb, ({ x, axis, keepDim }) => tg.tidy(() => {
      const firstBest = (v: number[]) => v.reduce((best, value, i) => (better(value, v[best]) ? i : best), 0);
      const y = op(f64(x), axis, keepDim);
      assert.is(y.requiresGrad, false);
      if (axis === undefined) {
        assert.equal([...y.shape], keepDim ? x.shape.map(() => 1) : []);
        assert.is(y.data()[0], firstBest(x.values));
        return;
      }
      const a = axis < 0 ? axis + x.shape.length : axis;
      const expected = expectedReduction(x, [a], keepDim, firstBest);
      assert.equal([...y.shape], expected.shape);
      assert.equal(Array.from(y.data()), expected.values);
    })), { numRuns: 60, seed: 23 });
  });
}

test('argmax picks the first of tied maxima explicitly', () => {
  const x = tg.tensor([[1, 3, 3], [2, 2, 0], [-1, -1, -1]]);
  assert.equal(x.argmax(1).toArray(), [1, 0, 0]);
  assert.equal(x.argmin(1).toArray(), [0, 2, 0]);
  assert.equal(x.argmax(0).toArray(), [1, 0, 0]);
  assert.is(x.argmax().item(), 1);
  assert.is(x.argmin().item(), 6);
});

test('logsumexp is exact for huge values and -Infinity for all -Infinity rows', () => {
  const x = tg.tensor([[1e4, 1e4, -1e4], [-Infinity, -Infinity, -Infinity], [1e308, 1e308, 0], [-Infinity, 0, -Infinity], [-1e4, -1e4 - 1, -Infinity]], { dtype: 'float64' });
  const y = x.logsumexp(1).data();
  assertClose(y, [1e4 + Math.log(2), -Infinity, 1e308, 0, -1e4 + Math.log1p(Math.exp(-1))], 0, 1e-15);
  assert.is(x.logsumexp(1, { keepDim: true }).shape.join(), '5,1');
  assert.is(tg.logsumexp(tg.tensor([Infinity, 0]), 0).item(), Infinity);
});

test('var/std with correction > n − 1 divide by max(0, n − correction), as PyTorch', () => {
  const x = tg.tensor([1, 2, 3, 4], { dtype: 'float64' });
  assertClose(x.var(0, { correction: 2 }).data(), [5 / 2]);
  assertClose(x.var(0, { correction: 0 }).data(), [1.25]);
  assertClose(tg.std(x, 0, { correction: 0 }).data(), [Math.sqrt(1.25)]);
  assertClose(x.var(0, { correction: 4 }).data(), [Infinity]);
  assertClose(tg.tensor([7], { dtype: 'float64' }).var().data(), [NaN]);
});

// softmax and logSoftmax

function softmaxRef(x: Nd, axis: number): Nd {
  return build(x.shape, (index) => {
    const row = Array.from({ length: x.shape[axis] }, (_, k) => get(x, index.map((v, i) => (i === axis ? k : v))));
    const m = Math.max(...row);
    return Math.exp(get(x, index) - m) / sum(row.map((v) => Math.exp(v - m)));
  });
}

test('softmax and logSoftmax along any axis equal exp(x − m)/Σ exp(x − m) and its log', () => {
  const arb = ndArb(shapeArb(1, 4, 1, 4), -10, 10).chain((x) => fc.record({ x: fc.constant(x), axis: fc.integer({ min: -x.shape.length, max: x.shape.length - 1 }) }));
  fc.assert(fc.property(arb, ({ x, axis }) => tg.tidy(() => {
    const a = axis < 0 ? axis + x.shape.length : axis;
    const expected = softmaxRef(x, a);
    const p = tg.softmax(f64(x), axis);
    assert.equal([...p.shape], x.shape);
    assertClose(p.data(), expected.values, 1e-15, 1e-13, 'softmax');
    assertClose(f64(x).logSoftmax(axis).data(), expected.values.map(Math.log), 1e-13, 1e-13, 'logSoftmax');
    // each slice along the axis sums to 1
    assertClose(p.sum(a).data(), new Array(x.values.length / x.shape[a]).fill(1), 1e-14, 0, 'row sums');
  })), { numRuns: 60, seed: 24 });
});

test('softmax and logSoftmax are stable at 1e4 magnitudes (float64 and float32)', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const x = tg.tensor([[1e4, 1e4 - 1, -1e4], [-1e4, -1e4, -1e4], [5e3, -5e3, 0]], { dtype });
    const p = x.softmax(-1);
    const e = Math.exp(-1);
    assertClose(p.data(), [1 / (1 + e), e / (1 + e), 0, 1 / 3, 1 / 3, 1 / 3, 1, 0, 0], 1e-6, 1e-6, dtype);
    const lp = x.logSoftmax(1).data();
    assert.ok(Array.from(lp).every(Number.isFinite), `${dtype}: logSoftmax is finite`);
    assertClose(lp.slice(0, 2), [-Math.log1p(e), -1 - Math.log1p(e)], 1e-6, 1e-6, dtype);
    assertClose(lp[2], [-2e4 - Math.log1p(e)], 0, 1e-6, dtype);
  }
});

test('softmax of a 0-d tensor is 1 (PyTorch allows dim 0 and -1)', () => {
  assert.is(tg.softmax(tg.tensor(3)).item(), 1);
  assert.is(tg.logSoftmax(tg.tensor(3), 0).item(), 0);
});

test.run();
