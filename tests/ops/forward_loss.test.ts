// Losses against their direct formulas (PyTorch's definitions), with every reduction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';
import { f32, f64, fround, get, type Nd, ravel, sizeOf, shapeArb, unravel, valuesArb } from './forward_reference.js';

type Reduction = 'none' | 'mean' | 'sum';
const reduce = (losses: number[], reduction: Reduction): number[] =>
  reduction === 'none' ? losses : reduction === 'sum' ? [losses.reduce((a, b) => a + b, 0)] : [losses.reduce((a, b) => a + b, 0) / losses.length];

const pairArb = shapeArb(0, 3, 1, 4).chain((shape) =>
  fc.record({
    input: valuesArb(sizeOf(shape), -4, 4).map((values): Nd => ({ shape, values })),
    target: valuesArb(sizeOf(shape), -4, 4).map((values): Nd => ({ shape, values })),
    reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
    param: fc.double({ min: 0.1, max: 3, noNaN: true }),
    f32: fc.boolean(),
  }),
);

const ELEMENTWISE: [string, (x: Tensor, y: Tensor, reduction: Reduction, p: number) => Tensor, (d: number, p: number) => number][] = [
  ['mseLoss', (x, y, reduction) => tg.mseLoss(x, y, { reduction }), (d) => d * d],
  ['l1Loss', (x, y, reduction) => tg.l1Loss(x, y, { reduction }), (d) => Math.abs(d)],
  ['smoothL1Loss (beta)', (x, y, reduction, beta) => tg.smoothL1Loss(x, y, { reduction, beta }), (d, beta) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta)],
  ['huberLoss (delta)', (x, y, reduction, delta) => tg.huberLoss(x, y, { reduction, delta }), (d, delta) => (Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta))],
];

for (const [name, op, ref] of ELEMENTWISE) {
  test(`${name} equals its formula for reduction none/mean/sum`, () => {
    fc.assert(fc.property(pairArb, ({ input, target, reduction, param, f32: single }) => tg.tidy(() => {
      const [x, y] = single ? [fround(input), fround(target)] : [input, target];
      const expected = reduce(x.values.map((v, i) => ref(v - y.values[i], param)), reduction);
      const loss = op(single ? f32(x) : f64(x), single ? f32(y) : f64(y), reduction, param);
      assert.equal([...loss.shape], reduction === 'none' ? x.shape : []);
      assertClose(loss.data(), expected, single ? 1e-5 : 1e-14, single ? 1e-5 : 1e-13, name);
    })), { numRuns: 60, seed: 51 });
  });
}

test('losses default to mean reduction and smoothL1/huber to beta = delta = 1', () => {
  const x = tg.tensor([0, 0.5, 3], { dtype: 'float64' });
  const y = tg.tensor([0, 0, 0], { dtype: 'float64' });
  assertClose(tg.mseLoss(x, y).data(), [(0.25 + 9) / 3]);
  assertClose(tg.l1Loss(x, y).data(), [3.5 / 3]);
  assertClose(tg.smoothL1Loss(x, y).data(), [(0.125 + 2.5) / 3]);
  assertClose(tg.huberLoss(x, y).data(), [(0.125 + 2.5) / 3]);
  // smoothL1 with beta equals huber with delta divided by delta
  assertClose(tg.smoothL1Loss(x, y, { beta: 2 }).data(), [tg.huberLoss(x, y, { delta: 2 }).item() / 2]);
});

/** Classification inputs [N, C, ...d] and targets [N, ...d], some of them ignoreIndex. */
const classArb = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 5 }), extra: shapeArb(0, 2, 1, 3), ignoreIndex: fc.constantFrom(-100, 0, 2) })
  .chain(({ n, c, extra, ignoreIndex }) => {
    const targetShape = [n, ...extra];
    return fc.record({
      logits: valuesArb(n * c * sizeOf(extra), -6, 6).map((values): Nd => ({ shape: [n, c, ...extra], values })),
      target: fc
        .array(fc.option(fc.integer({ min: 0, max: c - 1 }), { nil: null }), { minLength: sizeOf(targetShape), maxLength: sizeOf(targetShape) })
        .map((values): Nd => ({ shape: targetShape, values: values.map((v) => v ?? ignoreIndex) })),
      reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
      smoothing: fc.constantFrom(0, 0.1, 0.5, 1),
      ignoreIndex: fc.constant(ignoreIndex),
      asArray: fc.boolean(),
    });
  });

/** The log-softmax over axis 1 at [n, ·, ...rest], by direct summation. */
function logProbs(x: Nd, n: number, rest: number[]): number[] {
  const c = x.shape[1];
  const row = Array.from({ length: c }, (_, k) => get(x, [n, k, ...rest]));
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

function reduceMasked(losses: number[], valid: boolean[], reduction: Reduction): number[] {
  if (reduction === 'none') return losses;
  const total = losses.reduce((a, b) => a + b, 0);
  return reduction === 'sum' ? [total] : [total / valid.filter(Boolean).length];
}

test('crossEntropy equals −Σ q·log softmax with q = (1 − ε)·onehot + ε/C, ignoring ignoreIndex, over [N, C, ...d]', () => {
  fc.assert(fc.property(classArb, ({ logits, target, reduction, smoothing, ignoreIndex, asArray }) => tg.tidy(() => {
    const c = logits.shape[1];
    const usable = target.values.map((t) => t !== ignoreIndex);
    const losses = target.values.map((t, i) => {
      if (!usable[i]) return 0;
      const [n, ...rest] = unravel(i, target.shape);
      const logp = logProbs(logits, n, rest);
      return -(1 - smoothing) * logp[t] - (smoothing / c) * logp.reduce((a, b) => a + b, 0);
    });
    const expected = reduceMasked(losses, usable, reduction);
    const targetArg = asArray ? (tg.tensor(target.values, { shape: target.shape }).toArray() as number[]) : f64(target);
    const loss = tg.crossEntropy(f64(logits), targetArg, { reduction, labelSmoothing: smoothing, ignoreIndex });
    assert.equal([...loss.shape], reduction === 'none' ? target.shape : []);
    assertClose(loss.data(), expected, 1e-13, 1e-12);
  })), { numRuns: 100, seed: 52 });
});

test('crossEntropy on a worked example, and the mean over all-ignored targets is NaN (0/0, as PyTorch)', () => {
  const logits = tg.tensor([[2, 0, -1], [0, 0, 0]], { dtype: 'float64' });
  const lse0 = Math.log(Math.exp(2) + 1 + Math.exp(-1));
  assertClose(tg.crossEntropy(logits, [0, 2]).data(), [((lse0 - 2) + Math.log(3)) / 2]);
  assertClose(tg.crossEntropy(logits, [0, 2], { reduction: 'none' }).data(), [lse0 - 2, Math.log(3)]);
  assertClose(tg.crossEntropy(logits, [0, -100]).data(), [lse0 - 2]);
  assertClose(tg.crossEntropy(logits, [-100, -100]).data(), [NaN]);
  assertClose(tg.crossEntropy(logits, [-100, -100], { reduction: 'sum' }).data(), [0]);
  // float32 logits, float32 loss
  const l32 = tg.crossEntropy(logits.to('float32'), tg.tensor([0, 2]));
  assert.is(l32.dtype, 'float32');
  assertClose(l32.data(), [((lse0 - 2) + Math.log(3)) / 2], 1e-6, 1e-6);
});

test('crossEntropy is finite and exact for logits of magnitude 1e4', () => {
  const logits = tg.tensor([[1e4, -1e4], [-1e4, 1e4]], { dtype: 'float64' });
  assertClose(tg.crossEntropy(logits, [0, 0], { reduction: 'none' }).data(), [0, 2e4]);
});

test('nllLoss picks −input[n, target[n], ...] and averages over non-ignored targets', () => {
  fc.assert(fc.property(classArb, ({ logits, target, reduction, ignoreIndex }) => tg.tidy(() => {
    const usable = target.values.map((t) => t !== ignoreIndex);
    const losses = target.values.map((t, i) => {
      if (!usable[i]) return 0;
      const [n, ...rest] = unravel(i, target.shape);
      return -logits.values[ravel([n, t, ...rest], logits.shape)];
    });
    const loss = tg.nllLoss(f64(logits), f64(target), { reduction, ignoreIndex });
    assert.equal([...loss.shape], reduction === 'none' ? target.shape : []);
    assertClose(loss.data(), reduceMasked(losses, usable, reduction), 1e-14, 1e-14);
  })), { numRuns: 60, seed: 53 });
  // nllLoss(logSoftmax(x)) is crossEntropy(x)
  const x = tg.tensor([[1, 2, 3], [3, -1, 0]], { dtype: 'float64' });
  assertClose(tg.nllLoss(x.logSoftmax(1), [2, 1]).data(), tg.crossEntropy(x, [2, 1]).data(), 1e-15, 1e-15);
});

test('bceWithLogits equals max(x, 0) − x·y + log(1 + e^{−|x|}), stable at |x| = 1000', () => {
  const arb = shapeArb(0, 3, 1, 4).chain((shape) =>
    fc.record({
      x: valuesArb(sizeOf(shape), -40, 40).map((values): Nd => ({ shape, values })),
      y: valuesArb(sizeOf(shape), 0, 1).map((values): Nd => ({ shape, values })),
      reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
    }),
  );
  const ref = (x: number, y: number) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
  fc.assert(fc.property(arb, ({ x, y, reduction }) => tg.tidy(() => {
    const loss = tg.bceWithLogits(f64(x), f64(y), { reduction });
    assertClose(loss.data(), reduce(x.values.map((v, i) => ref(v, y.values[i])), reduction), 1e-14, 1e-13);
  })), { numRuns: 60, seed: 54 });
  for (const dtype of ['float64', 'float32'] as const) {
    const x = tg.tensor([1000, 1000, -1000, -1000, 0], { dtype });
    const y = tg.tensor([1, 0, 1, 0, 0.5], { dtype });
    assertClose(tg.bceWithLogits(x, y, { reduction: 'none' }).data(), [0, 1000, 1000, 0, Math.log(2)], 1e-6, 1e-7, dtype);
  }
});

test.run();
