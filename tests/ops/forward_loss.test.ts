// Losses against their direct formulas (PyTorch's definitions), with every reduction.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
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

// ---- weights, soft targets and the losses added for issue 17 (PyTorch's formulas) ----

const classWeightArb = classArb.chain((c) => fc.record({ c: fc.constant(c), weight: valuesArb(c.logits.shape[1], 0.1, 3) }));

test('crossEntropy({weight}): −w_y·log p_y smoothed towards −(1/C)·Σ w_c·log p_c, the mean divided by Σ w_y (PyTorch)', () => {
  fc.assert(fc.property(classWeightArb, ({ c: { logits, target, reduction, smoothing, ignoreIndex }, weight }) => tg.tidy(() => {
    const classes = logits.shape[1];
    const usable = target.values.map((t) => t !== ignoreIndex);
    const losses = target.values.map((t, i) => {
      if (!usable[i]) return 0;
      const [n, ...rest] = unravel(i, target.shape);
      const logp = logProbs(logits, n, rest);
      return -(1 - smoothing) * weight[t] * logp[t] - (smoothing / classes) * logp.reduce((a, v, k) => a + weight[k] * v, 0);
    });
    const weightSum = target.values.reduce((a, t, i) => a + (usable[i] ? weight[t] : 0), 0);
    const expected = reduction === 'none' ? losses : reduction === 'sum' ? [losses.reduce((a, b) => a + b, 0)] : [losses.reduce((a, b) => a + b, 0) / weightSum];
    const loss = tg.crossEntropy(f64(logits), f64(target), { reduction, labelSmoothing: smoothing, ignoreIndex, weight: tg.tensor(weight, { dtype: 'float64' }) });
    assertClose(loss.data(), expected, 1e-13, 1e-12);
  })), { numRuns: 100, seed: 55 });
});

test('crossEntropy and nllLoss weights on a worked example (these were silently ignored before)', () => {
  const logits = tg.tensor([[2, 0, -1], [0, 0, 0]], { dtype: 'float64' });
  const lse0 = Math.log(Math.exp(2) + 1 + Math.exp(-1));
  const weight = [1, 2, 3];
  // targets 0 and 2: weights 1 and 3
  assertClose(tg.crossEntropy(logits, [0, 2], { weight }).data(), [(1 * (lse0 - 2) + 3 * Math.log(3)) / 4], 1e-15, 1e-15);
  assertClose(tg.crossEntropy(logits, [0, 2], { weight, reduction: 'none' }).data(), [lse0 - 2, 3 * Math.log(3)], 1e-15, 1e-15);
  assertClose(tg.crossEntropy(logits, [0, 2], { weight, reduction: 'sum' }).data(), [lse0 - 2 + 3 * Math.log(3)], 1e-15, 1e-15);
  // an ignored target leaves the weight sum too
  assertClose(tg.crossEntropy(logits, [0, -100], { weight }).data(), [lse0 - 2], 1e-15, 1e-15);
  const logp = logits.logSoftmax(1);
  assertClose(tg.nllLoss(logp, [1, 2], { weight }).data(), [(2 * (lse0 - 0) + 3 * Math.log(3)) / 5], 1e-15, 1e-15);
  assertThrows(() => tg.crossEntropy(logits, [0, 2], { weight: [1, 2] }), 'crossEntropy', 'weight must have one entry per class, shape [3], got [2]');
  assertThrows(() => tg.crossEntropy(logits, [0, 2], { weight: tg.tensor([1, 2, 3]) }), 'crossEntropy', 'dtypes differ');
  assertThrows(() => tg.crossEntropy(logits, [0, 2], { weights: [1, 2, 3] } as never), 'crossEntropy', "unknown option 'weights'");
});

test('crossEntropy with class-probability targets: −Σ_c w_c·q_c·log p_c, mean over samples; one-hot equals class indices', () => {
  const arb = classArb.chain((c) => fc.record({
    c: fc.constant(c), weight: fc.option(valuesArb(c.logits.shape[1], 0.1, 3), { nil: undefined }),
    q: valuesArb(sizeOf(c.logits.shape), 0, 1),
  }));
  fc.assert(fc.property(arb, ({ c: { logits, reduction, smoothing }, weight, q }) => tg.tidy(() => {
    const classes = logits.shape[1];
    const probs: Nd = { shape: logits.shape, values: q };
    const targetShape = [logits.shape[0], ...logits.shape.slice(2)];
    const losses = Array.from({ length: sizeOf(targetShape) }, (_, i) => {
      const [n, ...rest] = unravel(i, targetShape);
      const logp = logProbs(logits, n, rest);
      return -logp.reduce((a, v, k) => a + (weight ? weight[k] : 1) * ((1 - smoothing) * get(probs, [n, k, ...rest]) + smoothing / classes) * v, 0);
    });
    const total = losses.reduce((a, b) => a + b, 0);
    const expected = reduction === 'none' ? losses : reduction === 'sum' ? [total] : [total / losses.length];
    const w = weight ? tg.tensor(weight, { dtype: 'float64' }) : undefined;
    const loss = tg.crossEntropy(f64(logits), f64(probs), { reduction, labelSmoothing: smoothing, weight: w });
    assert.equal([...loss.shape], reduction === 'none' ? targetShape : []);
    assertClose(loss.data(), expected, 1e-13, 1e-12);
  })), { numRuns: 100, seed: 56 });
  const logits = tg.tensor([[2, 0, -1], [0.5, 1, 0]], { dtype: 'float64' });
  const oneHot = tg.tensor([[1, 0, 0], [0, 0, 1]], { dtype: 'float64' });
  assertClose(tg.crossEntropy(logits, oneHot, { labelSmoothing: 0.2 }).data(), tg.crossEntropy(logits, [0, 2], { labelSmoothing: 0.2 }).data(), 1e-15, 1e-15);
  // gradients reach soft targets too (distillation)
  const soft = tg.tensor([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]], { dtype: 'float64', requiresGrad: true });
  assert.ok(tg.gradcheck((x, t) => tg.crossEntropy(x, t), [logits.detach().requiresGrad_(), soft]).ok);
  assertThrows(() => tg.crossEntropy(logits, oneHot, { ignoreIndex: 0 }), 'crossEntropy', 'ignoreIndex (0) is not supported with class-probability targets');
});

test('crossEntropy and nllLoss take one unbatched sample [C], as PyTorch', () => {
  const x = tg.tensor([1, -1, 0.5], { dtype: 'float64' });
  const lse = Math.log(Math.E + Math.exp(-1) + Math.exp(0.5));
  const none = tg.crossEntropy(x, 2, { reduction: 'none' });
  assert.equal([...none.shape], []);
  assertClose(none.data(), [lse - 0.5], 1e-15, 1e-15);
  assertClose(tg.crossEntropy(x, tg.tensor(0, { dtype: 'float64' })).data(), [lse - 1], 1e-15, 1e-15);
  assertClose(tg.crossEntropy(x, tg.tensor([0, 0, 1], { dtype: 'float64' })).data(), [lse - 0.5], 1e-15, 1e-15);
  assertClose(tg.nllLoss(x, 1).data(), [1], 0, 0);
});

test('bceWithLogits({posWeight, weight}): −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] (these were silently ignored before)', () => {
  const logSigmoid = (x: number) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x)));
  const arb = fc.record({ n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 4 }) }).chain(({ n, c }) => fc.record({
    n: fc.constant(n), c: fc.constant(c), x: valuesArb(n * c, -30, 30), y: valuesArb(n * c, 0, 1), p: valuesArb(c, 0.1, 4), w: valuesArb(n * c, 0, 2),
    reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'), useWeight: fc.boolean(),
  }));
  fc.assert(fc.property(arb, ({ n, c, x, y, p, w, reduction, useWeight }) => tg.tidy(() => {
    const losses = x.map((v, i) => -(useWeight ? w[i] : 1) * (p[i % c] * y[i] * logSigmoid(v) + (1 - y[i]) * logSigmoid(-v)));
    const loss = tg.bceWithLogits(f64({ shape: [n, c], values: x }), f64({ shape: [n, c], values: y }), {
      reduction, posWeight: tg.tensor(p, { dtype: 'float64' }), weight: useWeight ? f64({ shape: [n, c], values: w }) : undefined,
    });
    assertClose(loss.data(), reduce(losses, reduction), 1e-13, 1e-12);
  })), { numRuns: 80, seed: 57 });
  // worked example: posWeight 3 triples the positive term only
  const x = tg.tensor([[0.5, -1]], { dtype: 'float64' });
  const y = tg.tensor([[1, 0]], { dtype: 'float64' });
  assertClose(tg.bceWithLogits(x, y, { posWeight: [3, 3], reduction: 'none' }).data(), [-3 * logSigmoid(0.5), -logSigmoid(1)], 1e-15, 1e-15);
  assertClose(tg.bceWithLogits(x, y, { weight: [2, 0.5], reduction: 'sum' }).data(), [-2 * logSigmoid(0.5) - 0.5 * logSigmoid(1)], 1e-15, 1e-15);
  assertThrows(() => tg.bceWithLogits(x, y, { posWeight: [1, 2, 3] }), 'bceWithLogits', 'posWeight [3] must broadcast');
  assertThrows(() => tg.bceWithLogits(x, y, { pos_weight: [1, 2] } as never), 'bceWithLogits', "unknown option 'pos_weight'");
});

test('binaryCrossEntropy on probabilities: logs clamped at −100, PyTorch\'s gradient, inputs outside [0, 1] refused', () => {
  const clampedLog = (v: number) => Math.max(Math.log(v), -100);
  const arb = shapeArb(0, 3, 1, 4).chain((shape) => fc.record({
    shape: fc.constant(shape), x: valuesArb(sizeOf(shape), 0, 1), y: valuesArb(sizeOf(shape), 0, 1), w: valuesArb(sizeOf(shape), 0, 2),
    reduction: fc.constantFrom<Reduction>('none', 'mean', 'sum'),
  }));
  fc.assert(fc.property(arb, ({ shape, x, y, w, reduction }) => tg.tidy(() => {
    const losses = x.map((v, i) => -w[i] * (y[i] * clampedLog(v) + (1 - y[i]) * clampedLog(1 - v)));
    const loss = tg.binaryCrossEntropy(f64({ shape, values: x }), f64({ shape, values: y }), { reduction, weight: f64({ shape, values: w }) });
    assertClose(loss.data(), reduce(losses, reduction), 1e-13, 1e-12);
  })), { numRuns: 60, seed: 58 });
  const x = tg.tensor([0, 1, 0, 1, 0.25], { dtype: 'float64', requiresGrad: true });
  const y = tg.tensor([1, 0, 0, 1, 0.5], { dtype: 'float64' });
  const loss = tg.binaryCrossEntropy(x, y, { reduction: 'none' });
  assertClose(loss.data(), [100, 100, 0, 0, -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75))], 1e-15, 1e-15);
  loss.sum().backward();
  // (x − y)/max(x(1 − x), 1e-12), as torch's binary_cross_entropy_backward
  assertClose(x.grad!.data(), [-1e12, 1e12, 0, 0, -0.25 / 0.1875], 0, 1e-15);
  assert.ok(tg.gradcheck((p, t) => tg.binaryCrossEntropy(p, t), [
    tg.tensor([0.2, 0.7, 0.9], { dtype: 'float64', requiresGrad: true }), tg.tensor([0, 0.4, 1], { dtype: 'float64', requiresGrad: true }),
  ]).ok);
  assertThrows(() => tg.binaryCrossEntropy(tg.tensor([0.5, 1.5]), tg.tensor([0, 1])), 'binaryCrossEntropy', '1 of 2 are not', 'bceWithLogits');
  assertThrows(() => tg.binaryCrossEntropy(tg.tensor([NaN]), tg.tensor([0])), 'binaryCrossEntropy', 'in [0, 1]');
});

test('klDiv: p·(log p − input) with 0·log 0 = 0, logTarget, and the batchmean reduction', () => {
  const arb = shapeArb(1, 3, 1, 4).chain((shape) => fc.record({
    shape: fc.constant(shape), q: valuesArb(sizeOf(shape), -5, 0), p: valuesArb(sizeOf(shape), 0, 1), zero: fc.boolean(),
    reduction: fc.constantFrom<'none' | 'mean' | 'sum' | 'batchmean'>('none', 'mean', 'sum', 'batchmean'), logTarget: fc.boolean(),
  }));
  fc.assert(fc.property(arb, ({ shape, q, p, zero, reduction, logTarget }) => tg.tidy(() => {
    const target = p.map((v, i) => (zero && i % 2 === 0 ? 0 : v));
    const terms = q.map((v, i) => (logTarget ? Math.exp(target[i]) * (target[i] - v) : target[i] === 0 ? 0 : target[i] * (Math.log(target[i]) - v)));
    const total = terms.reduce((a, b) => a + b, 0);
    const expected = reduction === 'none' ? terms : reduction === 'sum' ? [total] : reduction === 'mean' ? [total / terms.length] : [total / shape[0]];
    const loss = tg.klDiv(f64({ shape, values: q }), f64({ shape, values: target }), { reduction, logTarget });
    assertClose(loss.data(), expected, 1e-13, 1e-12);
  })), { numRuns: 80, seed: 59 });
  // KL(p || p) = 0 and its gradient with respect to the input is −p/N (batchmean)
  const p = tg.tensor([[0.25, 0.75], [0.5, 0.5]], { dtype: 'float64' });
  const logq = p.log().detach().requiresGrad_();
  const kl = tg.klDiv(logq, p, { reduction: 'batchmean' });
  assertClose(kl.data(), [0], 1e-16, 0);
  kl.backward();
  assertClose(logq.grad!.data(), [-0.125, -0.375, -0.25, -0.25], 1e-16, 1e-15);
  assertClose(tg.klDiv(tg.tensor([-1]), tg.tensor([-0.5]), { reduction: 'none' }).data(), [NaN]);
  assertThrows(() => tg.klDiv(logq, p, { reduction: 'batchMean' as never }), 'klDiv', "reduction must be 'none', 'mean', 'batchmean', 'sum'");
});

test.run();
