// Bad input: every op names itself and what it received (both shapes for shape mismatches);
// dtypes never mix silently; non-finite hyperparameters, bad axes, bad reshapes, out-of-range
// indices, oversized reflect padding and disposed tensors are all refused with a clear message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

const f32 = (shape: number[]) => tg.ones(shape);
const f64 = (shape: number[]) => tg.ones(shape, { dtype: 'float64' });
// eslint-style escape hatch for deliberately wrong arguments
const bad = <T>(v: unknown) => v as T;

test('binary ops and comparisons name the op and both shapes when they cannot broadcast', () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', tg.add], ['sub', tg.sub], ['mul', tg.mul], ['div', tg.div], ['pow', tg.pow],
    ['maximum', tg.maximum], ['minimum', tg.minimum], ['atan2', tg.atan2],
    ['eq', tg.eq], ['ne', tg.ne], ['lt', tg.lt], ['le', tg.le], ['gt', tg.gt], ['ge', tg.ge],
  ];
  for (const [name, op] of ops) {
    assertThrows(() => op(f32([2, 3]), f32([4])), `${name}:`, '[2, 3]', '[4]');
    assertThrows(() => op(f32([2, 1, 3]), f32([5, 2])), `${name}:`, '[2, 1, 3]', '[5, 2]');
    assertThrows(() => op(f32([0]), f32([2])), `${name}:`, '[0]', '[2]'); // 0 does not broadcast with 2
  }
  assertThrows(() => f32([2, 3]).add(f32([3, 2])), 'add:', '[2, 3]', '[3, 2]');
  assertThrows(() => tg.where(f32([2]), f32([3]), f32([2])), 'where:', '[2]', '[3]');
});

test('mixing float32 and float64 without a cast is an error that suggests .to()', () => {
  const a = f32([2, 3]), b = f64([2, 3]);
  const ops: [string, () => unknown][] = [
    ['add', () => tg.add(a, b)], ['mul', () => b.mul(a)], ['pow', () => tg.pow(a, b)], ['maximum', () => tg.maximum(b, a)],
    ['eq', () => tg.eq(a, b)], ['where', () => tg.where(a, a, b)], ['where', () => tg.where(b, a, a)],
    ['matmul', () => tg.matmul(a, f64([3, 2]))], ['linear', () => tg.linear(a, f64([4, 3]))], ['linear', () => tg.linear(a, f32([4, 3]), f64([4]))],
    ['concat', () => tg.concat([a, b])], ['stack', () => tg.stack([a, b])],
    ['mseLoss', () => tg.mseLoss(a, b)], ['l1Loss', () => tg.l1Loss(a, b)], ['smoothL1Loss', () => tg.smoothL1Loss(a, b)],
    ['huberLoss', () => tg.huberLoss(a, b)], ['bceWithLogits', () => tg.bceWithLogits(a, b)],
    ['scatterAdd', () => tg.scatterAdd(a, 1, [[0]], f64([1, 1]))],
  ];
  for (const [name, fn] of ops) assertThrows(fn, `${name}:`, 'float32', 'float64');
  assertThrows(() => tg.add(a, b), '.to(');
  // an explicit cast is the way
  assert.equal(tg.add(a.to('float64'), b).dtype, 'float64');
  assert.equal(tg.add(a, b.float()).dtype, 'float32');
});

test('matmul and linear name both shapes', () => {
  assertThrows(() => tg.matmul(f32([2, 3]), f32([4, 5])), 'matmul:', '[2, 3]', '[4, 5]');
  assertThrows(() => tg.matmul(f32([3]), f32([4])), 'matmul:', '[3]', '[4]');
  assertThrows(() => tg.matmul(f32([3]), f32([4, 2])), 'matmul:', '[3]', '[4, 2]');
  assertThrows(() => tg.matmul(f32([2, 3]), f32([4])), 'matmul:', '[2, 3]', '[4]');
  assertThrows(() => tg.matmul(f32([2, 2, 3]), f32([3, 3, 4])), 'matmul:', '[2, 2, 3]', '[3, 3, 4]');
  assertThrows(() => tg.matmul(f32([]), f32([3])), 'matmul:', '[]', '[3]');
  assertThrows(() => tg.linear(f32([2, 3]), f32([4, 5])), 'linear:', '[2, 3]', '[4, 5]');
  assertThrows(() => tg.linear(f32([2, 3]), f32([3])), 'linear:', '[3]');
  assertThrows(() => tg.linear(f32([2, 3]), f32([4, 3]), f32([3])), 'linear:', '[3]', '[4, 3]');
});

test('losses name both shapes; classification losses check targets', () => {
  for (const [name, fn] of [['mseLoss', tg.mseLoss], ['l1Loss', tg.l1Loss], ['smoothL1Loss', tg.smoothL1Loss], ['huberLoss', tg.huberLoss], ['bceWithLogits', tg.bceWithLogits]] as const) {
    assertThrows(() => fn(f32([2, 3]), f32([3, 2])), `${name}:`, '[2, 3]', '[3, 2]');
    assertThrows(() => fn(f32([2, 3]), f32([3])), `${name}:`, '[2, 3]', '[3]');
    assertThrows(() => fn(f32([2]), f32([2]), { reduction: bad('avg') }), `${name}:`, 'avg');
  }
  for (const [name, fn] of [['crossEntropy', tg.crossEntropy], ['nllLoss', tg.nllLoss]] as const) {
    assertThrows(() => fn(f32([2, 3]), [0, 1, 2]), `${name}:`, '[2, 3]', '[3]');
    assertThrows(() => fn(f32([2, 3, 4]), [0, 1]), `${name}:`, '[2, 3, 4]', '[2]', '[2, 4]');
    assertThrows(() => fn(f32([3]), [0]), `${name}:`, '[3]');
    assertThrows(() => fn(f32([2, 3]), [0, 3]), `${name}:`, 'target 3', '[0, 3)');
    assertThrows(() => fn(f32([2, 3]), [-1, 0]), `${name}:`, 'target -1');
    assertThrows(() => fn(f32([2, 3]), [0.5, 0]), `${name}:`, 'target 0.5');
    assertThrows(() => fn(f32([2, 3]), tg.tensor([NaN, 0])), `${name}:`, 'target NaN');
    assertThrows(() => fn(f32([2, 3]), [0, 1], { reduction: bad('avg') }), `${name}:`, 'avg');
    // -100 is only a valid target while it is the ignoreIndex
    assertThrows(() => fn(f32([2, 3]), [-100, 0], { ignoreIndex: 1 }), `${name}:`, 'target -100');
  }
});

test('non-finite (and out-of-range) scalar hyperparameters are rejected, naming the op and the parameter', () => {
  const x = f32([3]);
  const cases: [() => unknown, ...string[]][] = [
    [() => tg.leakyRelu(x, NaN), 'leakyRelu:', 'NaN'],
    [() => tg.leakyRelu(x, Infinity), 'leakyRelu:', 'Infinity'],
    [() => tg.elu(x, Infinity), 'elu:', 'Infinity'],
    [() => tg.elu(x, NaN), 'elu:', 'NaN'],
    [() => tg.celu(x, NaN), 'celu:', 'alpha', 'NaN'],
    [() => tg.celu(x, 0), 'celu:', 'alpha'],
    [() => tg.softplus(x, NaN), 'softplus:', 'beta', 'NaN'],
    [() => tg.softplus(x, 0), 'softplus:', 'beta', 'positive'],
    [() => tg.softplus(x, -1), 'softplus:', 'beta', 'positive'],
    [() => tg.softplus(x, 1, NaN), 'softplus:', 'NaN'],
    [() => tg.softplus(x, 1, -Infinity), 'softplus:', '-Infinity'],
    [() => tg.hardtanh(x, NaN, 1), 'hardtanh:', 'minVal', 'NaN'],
    [() => tg.hardtanh(x, -1, Infinity), 'hardtanh:', 'maxVal', 'Infinity'],
    [() => tg.hardtanh(x, 2, 1), 'hardtanh:', 'minVal', 'maxVal'],
    [() => tg.clamp(x, NaN), 'clamp:', 'NaN'],
    [() => tg.clamp(x, 0, NaN), 'clamp:', 'NaN'],
    [() => tg.clamp(x, 2, 1), 'clamp:', 'min (2)', 'max (1)'],
    [() => tg.clamp(x), 'clamp:', 'min', 'max'],
    [() => tg.heaviside(x, NaN), 'heaviside:', 'valueAtZero', 'NaN'],
    [() => tg.gelu(x, bad('fast')), 'gelu:', 'fast'],
    [() => tg.smoothL1Loss(x, x, { beta: NaN }), 'smoothL1Loss:', 'beta', 'NaN'],
    [() => tg.smoothL1Loss(x, x, { beta: 0 }), 'smoothL1Loss:', 'beta'],
    [() => tg.huberLoss(x, x, { delta: Infinity }), 'huberLoss:', 'delta', 'Infinity'],
    [() => tg.huberLoss(x, x, { delta: -1 }), 'huberLoss:', 'delta'],
    [() => tg.crossEntropy(f32([2, 3]), [0, 1], { labelSmoothing: NaN }), 'crossEntropy:', 'labelSmoothing', 'NaN'],
    [() => tg.crossEntropy(f32([2, 3]), [0, 1], { labelSmoothing: 1.5 }), 'crossEntropy:', 'labelSmoothing', '1.5'],
    [() => tg.crossEntropy(f32([2, 3]), [0, 1], { labelSmoothing: -0.1 }), 'crossEntropy:', 'labelSmoothing'],
    [() => tg.variance(x, 0, { correction: NaN }), 'var:', 'correction', 'NaN'],
    [() => tg.std(x, 0, { correction: Infinity }), 'var:', 'correction', 'Infinity'],
    [() => tg.norm(x, 3), 'norm:', 'p', '3'],
    [() => tg.norm(x, NaN), 'norm:', 'NaN'],
    [() => tg.pad(x, [1, 1], 'constant', NaN), 'pad:', 'value', 'NaN'],
    [() => tg.pad(x, [1, 1], bad('circular')), 'pad:', 'circular'],
  ];
  for (const [fn, ...fragments] of cases) assertThrows(fn, ...fragments);
});

test('bad axes are rejected with the axis and the rank', () => {
  const x = f32([2, 3]);
  const cases: [() => unknown, ...string[]][] = [
    [() => x.sum(2), 'sum:', 'axis 2', 'rank 2'],
    [() => x.sum(-3), 'sum:', 'axis -3'],
    [() => x.mean([0, 0]), 'mean:', 'repeat'],
    [() => x.sum([1, -1]), 'sum:', 'repeat'],
    [() => x.max(1.5), 'max:', 'axis', 'got 1.5'],
    [() => x.prod(5), 'prod:', 'axis 5'],
    [() => x.logsumexp(2), 'logsumexp:', 'axis 2'],
    [() => x.var(3), 'var:', 'axis 3'],
    [() => x.norm(2, 2), 'norm:', 'axis 2'],
    [() => x.argmax(2), 'argmax:', 'axis 2'],
    [() => tg.argmax(x, bad([0, 1])), 'argmax:', 'one integer'],
    [() => tg.max(f32([0, 2])), 'max:', 'empty'],
    [() => tg.min(f32([2, 0]), 0), 'min:', 'empty'],
    [() => tg.argmin(f32([0])), 'argmin:', 'empty'],
    [() => x.softmax(2), 'softmax:', 'axis 2'],
    [() => x.logSoftmax(-3), 'logSoftmax:', 'axis -3'],
    [() => x.transpose(0, 2), 'transpose:', 'axis 2'],
    [() => x.permute([0]), 'permute:', '[2, 3]'],
    [() => x.permute([0, 0]), 'permute:', 'permutation'],
    [() => x.unsqueeze(3), 'unsqueeze:', 'axis 3'],
    [() => x.squeeze(2), 'squeeze:', 'axis 2'],
    [() => x.flatten(1, 0), 'flatten:', 'startDim'],
    [() => x.flip([0, 0]), 'flip:', 'repeat'],
    [() => x.flip(2), 'flip:', 'axis 2'],
    [() => tg.concat([x, x], 2), 'concat:', 'axis 2'],
    [() => tg.stack([x, x], 3), 'stack:', 'axis 3'],
    [() => x.split(1, 2), 'split:', 'axis 2'],
    [() => x.chunk(2, -3), 'chunk:', 'axis -3'],
    [() => x.narrow(2, 0, 1), 'narrow:', 'axis 2'],
    [() => x.gather(2, [[0]]), 'gather:', 'axis 2'],
    [() => x.indexSelect(-3, [0]), 'indexSelect:', 'axis -3'],
    [() => x.scatterAdd(2, [[0]], x), 'scatterAdd:', 'axis 2'],
    [() => tg.crossEntropy(x, [0, 1]).backward(bad('nope')), 'backward'],
  ];
  for (const [fn, ...fragments] of cases) assertThrows(fn, ...fragments);
});

test('bad reshapes name the shapes and the element count', () => {
  const x = f32([2, 3]);
  assertThrows(() => x.reshape([4]), 'reshape:', '[2, 3]', '[4]', '6 elements');
  assertThrows(() => x.reshape([-1, -1]), 'reshape:', '[-1, -1]');
  assertThrows(() => x.reshape([4, -1]), 'reshape:', '[4, -1]', '6');
  assertThrows(() => x.reshape([-2, -3]), 'reshape:', '[-2, -3]');
  assertThrows(() => x.reshape([2.5, 2]), 'reshape:', '[2.5, 2]');
  assertThrows(() => f32([0, 3]).reshape([-1, 0]), 'reshape:', '[-1, 0]');
  assertThrows(() => x.view([7]), 'reshape:', '[7]');
  assertThrows(() => x.expand([3, 3]), 'expand:', '[2, 3]', '[3, 3]');
  assertThrows(() => x.expand([3]), 'expand:', '[2, 3]', '[3]');
  assertThrows(() => x.expand([-1, -1, 3]), 'expand:', '[-1, -1, 3]');
  assertThrows(() => x.repeat([2]), 'repeat:', '[2, 3]', '[2]');
  assertThrows(() => x.repeat([2, -1]), 'repeat:', '-1');
  assertThrows(() => tg.concat([x, f32([3, 2])]), 'concat:', '[2, 3]', '[3, 2]');
  assertThrows(() => tg.concat([x, f32([2, 3, 1])], 1), 'concat:', '[2, 3]', '[2, 3, 1]');
  assertThrows(() => tg.concat([tg.tensor(1), tg.tensor(2)]), 'concat:', '0-d');
  assertThrows(() => tg.concat([]), 'concat:', 'non-empty');
  assertThrows(() => tg.stack([x, f32([3, 2])]), 'stack:', '[2, 3]', '[3, 2]');
  assertThrows(() => x.split([1, 2], 0), 'split:', '[1,2]', '[2, 3]');
  assertThrows(() => x.split(0), 'split:', 'size');
  assertThrows(() => tg.split(tg.tensor(1), 1), 'split:', '0-d');
  assertThrows(() => tg.chunk(tg.tensor(1), 1), 'chunk:', '0-d');
  assertThrows(() => x.chunk(0), 'chunk:', 'chunks');
  assertThrows(() => x.slice([[0, 2, 0]]), 'slice:', 'step', '0');
  assertThrows(() => x.slice([[2, 0, -1]]), 'slice:', 'step', '-1');
  assertThrows(() => x.slice([null, null, null]), 'slice:', '3 ranges', 'rank 2');
  assertThrows(() => x.slice([[0.5]]), 'slice:', '0.5');
  assertThrows(() => x.narrow(1, 2, 2), 'narrow:', 'start 2', 'length 2', 'size 3');
  assertThrows(() => x.narrow(0, 0, -1), 'narrow:', 'length -1');
  assertThrows(() => tg.narrow(tg.tensor(1), 0, 0, 1), 'narrow:', '0-d');
  assertThrows(() => x.pad([1]), 'pad:', '[1]');
  assertThrows(() => x.pad([1, 1, 1, 1, 1, 1]), 'pad:', '2 axes');
  assertThrows(() => x.pad([-1, 0]), 'pad:', 'non-negative');
  assertThrows(() => x.pad([0.5, 0]), 'pad:', 'non-negative');
});

test('reflect padding must be smaller than the axis; replicate needs a non-empty axis', () => {
  assertThrows(() => tg.pad(f32([2, 3]), [3, 0], 'reflect'), 'pad:', 'reflect', 'size 3');
  assertThrows(() => tg.pad(f32([2, 3]), [0, 0, 0, 2], 'reflect'), 'pad:', 'reflect', 'size 2');
  assertThrows(() => tg.pad(f32([2, 1]), [1, 0], 'reflect'), 'pad:', 'reflect');
  assertThrows(() => tg.pad(f32([2, 0]), [1, 0], 'replicate'), 'pad:', 'empty');
  assert.equal([...tg.pad(f32([2, 3]), [2, 2], 'reflect').shape], [2, 7]);
});

test('out-of-range and non-integer indices name the index and the axis size', () => {
  const x = f32([2, 3]);
  assertThrows(() => x.gather(1, [[0, 3]]), 'gather:', 'index 3', 'size 3');
  assertThrows(() => x.gather(0, tg.tensor([[-1, 0, 0]])), 'gather:', 'index -1', 'size 2');
  assertThrows(() => x.gather(1, [[0.5]]), 'gather:', 'index 0.5');
  assertThrows(() => x.gather(1, [0, 1]), 'gather:', '[2]', '[2, 3]');
  assertThrows(() => x.gather(1, [[0], [1], [2]]), 'gather:', '[3, 1]', '[2, 3]');
  assertThrows(() => x.gather(1, bad(5)), 'gather:', 'index');
  assertThrows(() => x.indexSelect(0, [2]), 'indexSelect:', 'index 2', 'size 2');
  assertThrows(() => x.indexSelect(1, [NaN]), 'indexSelect:', 'index NaN');
  assertThrows(() => x.indexSelect(1, [[0, 1]]), 'indexSelect:', '1-D', '[1, 2]');
  assertThrows(() => x.scatterAdd(1, [[3]], x), 'scatterAdd:', 'index 3', 'size 3');
  assertThrows(() => x.scatterAdd(1, [[0, 1, 2]], f32([1, 2])), 'scatterAdd:', '[1, 2]', '[1, 3]');
});

test('using a disposed tensor says so, with its shape', () => {
  const x = f32([2, 3]);
  x.dispose();
  assert.ok(x.isDisposed);
  assertThrows(() => x.data(), 'dispose', '[2, 3]');
  assertThrows(() => x.toArray(), 'dispose');
  const one = tg.tensor([1]);
  one.dispose();
  assertThrows(() => one.item(), 'dispose', '[1]');
  assertThrows(() => tg.add(x, 1), 'dispose', '[2, 3]');
  assertThrows(() => x.relu(), 'dispose');
  assertThrows(() => x.sum(), 'dispose');
  assertThrows(() => tg.matmul(x, f32([3, 2])), 'dispose');
  assertThrows(() => x.reshape([6]), 'dispose');
  assertThrows(() => x.clone(), 'dispose');
  x.dispose(); // a second dispose is a no-op
});

test('non-tensor arguments name the op and what came', () => {
  assertThrows(() => tg.relu(bad(5)), 'relu:', 'Tensor', 'number');
  assertThrows(() => tg.exp(bad(null)), 'exp:', 'null');
  assertThrows(() => tg.add(bad('a'), f32([1])), 'add:', 'string');
  assertThrows(() => tg.sum(bad([1, 2])), 'sum:', 'Tensor');
  assertThrows(() => tg.matmul(bad(undefined), f32([1])), 'matmul:', 'undefined');
  assertThrows(() => tg.reshape(bad({}), [1]), 'reshape:', 'Tensor');
  assertThrows(() => tg.concat([f32([1]), bad(3)]), 'concat:', 'tensors[1]');
  assertThrows(() => tg.softmax(bad(1)), 'softmax:', 'Tensor');
  assertThrows(() => tg.mseLoss(f32([1]), bad([1])), 'mseLoss:', 'target');
});

test.run();
