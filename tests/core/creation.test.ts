// Creating tensors: from nested arrays, typed arrays and numbers; constants, ranges, the identity,
// seeded random draws, the *Like variants; reading values back; detach, clone and casts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const bad = <T>(v: unknown) => v as T;

test('tensor from nested arrays infers the shape; float32 by default', () => {
  const t = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal([...t.shape], [2, 3]);
  assert.is(t.dtype, 'float32');
  assert.is(t.rank, 2);
  assert.is(t.ndim, 2);
  assert.is(t.size, 6);
  assert.ok(t.data() instanceof Float32Array);
  assert.equal(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal([...tg.tensor([[[1], [2]]]).shape], [1, 2, 1]);
  assert.equal([...tg.tensor([]).shape], [0]);
  assert.equal([...tg.tensor([[], []]).shape], [2, 0]);
  const d = tg.tensor([0.1, 0.2], { dtype: 'float64' });
  assert.is(d.dtype, 'float64');
  assert.equal(Array.from(d.data()), [0.1, 0.2]);
  assert.equal(Array.from(tg.tensor([0.1]).data()), [Math.fround(0.1)]);
});

test('tensor from a number is 0-d; from a typed array it is 1-D unless a shape is given', () => {
  const s = tg.tensor(3.5);
  assert.equal([...s.shape], []);
  assert.is(s.size, 1);
  assert.is(s.item(), 3.5);
  assert.is(s.toArray(), 3.5);
  const f64 = tg.tensor(new Float64Array([1, 2, 3, 4]));
  assert.is(f64.dtype, 'float64');
  assert.equal([...f64.shape], [4]);
  const f32 = tg.tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
  assert.is(f32.dtype, 'float32');
  assert.equal(f32.toArray(), [[1, 2], [3, 4]]);
  const ints = tg.tensor(bad<Float32Array>(new Int32Array([1, -2]))); // other typed arrays work at runtime
  assert.is(ints.dtype, 'float32');
  assert.equal(ints.toArray(), [1, -2]);
  // an explicit dtype wins over the array's
  assert.is(tg.tensor(new Float64Array([1]), { dtype: 'float32' }).dtype, 'float32');
  // a nested array can be given a shape with the same number of elements
  assert.equal(tg.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray(), [[1, 2], [3, 4], [5, 6]]);
});

test('tensor copies its input: later writes to the source do not reach it', () => {
  const source = new Float64Array([1, 2, 3]);
  const t = tg.tensor(source);
  source[0] = 100;
  assert.equal(t.toArray(), [1, 2, 3]);
  // and data() is a copy too
  const read = t.data();
  read[1] = 100;
  assert.equal(t.toArray(), [1, 2, 3]);
});

test('ragged nested arrays and non-numbers are rejected, naming the depth', () => {
  assertThrows(() => tg.tensor([[1, 2], [3]]), 'tensor:', 'ragged', 'depth 1');
  assertThrows(() => tg.tensor([[1], [2, 3]]), 'tensor:', 'ragged');
  assertThrows(() => tg.tensor([1, [2]]), 'tensor:', 'depth 1');
  assertThrows(() => tg.tensor([[1], 2]), 'tensor:', 'ragged');
  assertThrows(() => tg.tensor([[[1, 2]], [[3]]]), 'tensor:', 'ragged', 'depth 2');
  assertThrows(() => tg.tensor(bad(['a'])), 'tensor:', 'a');
  assertThrows(() => tg.tensor(bad('abc')), 'tensor:', 'abc');
  assertThrows(() => tg.tensor(new Float32Array(5), { shape: [2, 3] }), 'tensor:', '5 values', '[2, 3]');
  assertThrows(() => tg.tensor([1, 2, 3], { shape: [2, 2] }), 'tensor:', '[2, 2]');
  assertThrows(() => tg.tensor([1], { dtype: bad('int32') }), 'tensor:', 'int32');
  assertThrows(() => tg.tensor([1], { backend: 'nope' }), 'getBackend', 'nope');
});

test('zeros, ones, full with shapes and dtypes; requiresGrad option', () => {
  assert.equal(tg.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.equal(tg.ones([3], { dtype: 'float64' }).toArray(), [1, 1, 1]);
  assert.is(tg.ones([3], { dtype: 'float64' }).dtype, 'float64');
  assert.equal(tg.full([2], 7.5).toArray(), [7.5, 7.5]);
  assert.equal(tg.full([], -2).toArray(), -2);
  assert.equal([...tg.zeros([0, 4]).shape], [0, 4]);
  assertClose(tg.full([2], NaN).data(), [NaN, NaN]);
  const p = tg.zeros([2], { requiresGrad: true });
  assert.ok(p.requiresGrad);
  assert.ok(p.isLeaf);
  assert.is(tg.zeros([1]).requiresGrad, false);
  assertThrows(() => tg.zeros([-1]), 'zeros:', 'shape', '[-1]');
  assertThrows(() => tg.ones([1.5]), 'ones:', 'shape', '1.5');
  assertThrows(() => tg.full([2], bad('x')), 'full:', 'x');
  assertThrows(() => tg.zeros([2], { dtype: bad('float16') }), 'zeros:', 'dtype', 'float16');
});

test('arange follows torch.arange: [start, stop) by step, one argument meaning [0, stop)', () => {
  assert.equal(tg.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.equal(tg.arange(2, 5).toArray(), [2, 3, 4]);
  assert.equal(tg.arange(0, 1, 0.25, { dtype: 'float64' }).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.equal(tg.arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.equal(tg.arange(3, 3).toArray(), []);
  assert.equal(tg.arange(3, 0).toArray(), []);
  assert.is(tg.arange(0, 1, 0.1, { dtype: 'float64' }).size, 10);
  assert.is(tg.arange(0, 1.05, 0.1, { dtype: 'float64' }).size, 11);
  assert.is(tg.arange(4).dtype, 'float32');
  assertThrows(() => tg.arange(0, 5, 0), 'arange:', 'step');
  assertThrows(() => tg.arange(NaN), 'arange:', 'NaN');
  assertThrows(() => tg.arange(0, Infinity), 'arange:', 'Infinity');
});

test('linspace gives `steps` evenly spaced values from start to end inclusive', () => {
  assertClose(tg.linspace(0, 1, 5, { dtype: 'float64' }).data(), [0, 0.25, 0.5, 0.75, 1], 0, 0);
  assertClose(tg.linspace(-1, 1, 3, { dtype: 'float64' }).data(), [-1, 0, 1], 0, 0);
  assertClose(tg.linspace(1, 0, 4, { dtype: 'float64' }).data(), [1, 2 / 3, 1 / 3, 0], 1e-15, 0);
  // the end is hit exactly even when the step is not representable
  assert.is(tg.linspace(0, 0.3, 7, { dtype: 'float64' }).data()[6], 0.3);
  // one step gives the start, as torch.linspace and numpy.linspace
  assert.equal(tg.linspace(2, 10, 1).toArray(), [2]);
  assert.equal(tg.linspace(2, 10, 0).toArray(), []);
  assertThrows(() => tg.linspace(0, 1, -1), 'linspace:', 'steps', '-1');
  assertThrows(() => tg.linspace(0, 1, 2.5), 'linspace:', 'steps', '2.5');
  assertThrows(() => tg.linspace(0, Infinity, 2), 'linspace:', 'Infinity');
});

test('eye is the n × m identity', () => {
  assert.equal(tg.eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.equal(tg.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.equal(tg.eye(3, 1).toArray(), [[1], [0], [0]]);
  assert.equal([...tg.eye(0).shape], [0, 0]);
  assert.is(tg.eye(2, 2, { dtype: 'float64' }).dtype, 'float64');
  assertThrows(() => tg.eye(-1), 'eye:', '-1');
  assertThrows(() => tg.eye(1.5), 'eye:', '1.5');
});

test('rand is uniform in [0, 1); randn is standard normal (mean and std over 10k draws)', () => {
  tg.manualSeed(123);
  const u = Array.from(tg.rand([10000], { dtype: 'float64' }).data());
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const meanU = u.reduce((a, b) => a + b, 0) / u.length;
  assert.ok(Math.abs(meanU - 0.5) < 0.01, `uniform mean ${meanU}`);
  const z = Array.from(tg.randn([100, 100], { dtype: 'float64' }).data());
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1));
  assert.ok(Math.abs(mean) < 0.04, `normal mean ${mean}`); // 4 standard errors
  assert.ok(Math.abs(sd - 1) < 0.03, `normal std ${sd}`);
  const within1 = z.filter((v) => Math.abs(v) < 1).length / z.length;
  assert.ok(Math.abs(within1 - 0.6827) < 0.02, `P(|z| < 1) = ${within1}`);
  assert.is(tg.rand([2, 3]).dtype, 'float32');
  assert.equal([...tg.randn([2, 0]).shape], [2, 0]);
});

test('randint draws integers in [low, high), every value reachable', () => {
  tg.manualSeed(5);
  const r = Array.from(tg.randint(-2, 3, [2000]).data());
  assert.ok(r.every((v) => Number.isInteger(v) && v >= -2 && v < 3));
  assert.equal([...new Set(r)].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
  assert.equal(Array.from(tg.randint(7, 8, [3]).data()), [7, 7, 7]);
  assertThrows(() => tg.randint(3, 3, [1]), 'randint:', 'low=3', 'high=3');
  assertThrows(() => tg.randint(0.5, 3, [1]), 'randint:', 'low', '0.5');
  assertThrows(() => tg.randint(0, 3, [-1]), 'randint:', '[-1]');
});

test('manualSeed makes every draw reproducible; different seeds give different draws', () => {
  const draw = (seed: number) => {
    tg.manualSeed(seed);
    return [...tg.rand([5]).data(), ...tg.randn([5], { dtype: 'float64' }).data(), ...tg.randint(0, 1000, [5]).data(), ...tg.randn([3]).data()];
  };
  assert.equal(draw(42), draw(42));
  assert.not.equal(draw(42), draw(43));
  assert.not.equal(draw(0), draw(1));
  assert.not.equal(draw(0), draw(2 ** 32), 'seeds differing above bit 31');
  assert.not.equal(draw(-1), draw(2 ** 32 - 1));
  assert.equal(draw(2 ** 40 + 3), draw(2 ** 40 + 3));
  // the sequence continues (not repeats) without a reseed
  tg.manualSeed(9);
  const a = Array.from(tg.rand([4]).data());
  const b = Array.from(tg.rand([4]).data());
  assert.not.equal(a, b);
  tg.manualSeed(9);
  assert.equal(Array.from(tg.rand([8]).data()), [...a, ...b]);
  // a Generator of one's own does not disturb the global one
  tg.manualSeed(9);
  const g = new tg.Generator(9);
  assert.is(g.uniform(), tg.rand([1], { dtype: 'float64' }).item());
  assertThrows(() => tg.manualSeed(1.5), 'manualSeed', '1.5');
});

test('*Like functions copy shape and dtype; options override', () => {
  const t = tg.ones([2, 3], { dtype: 'float64' });
  for (const [name, like] of [
    ['zerosLike', tg.zerosLike(t)], ['onesLike', tg.onesLike(t)], ['fullLike', tg.fullLike(t, 4)],
    ['randLike', tg.randLike(t)], ['randnLike', tg.randnLike(t)], ['randintLike', tg.randintLike(t, 0, 5)],
  ] as const) {
    assert.equal([...like.shape], [2, 3], name);
    assert.is(like.dtype, 'float64', name);
    assert.is(like.requiresGrad, false, name);
  }
  assert.equal(tg.zerosLike(t).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(tg.fullLike(t, 4).toArray(), [[4, 4, 4], [4, 4, 4]]);
  assert.is(tg.onesLike(t, { dtype: 'float32' }).dtype, 'float32');
  assert.ok(tg.zerosLike(t, { requiresGrad: true }).requiresGrad);
  const ints = Array.from(tg.randintLike(t, 0, 5).data());
  assert.ok(ints.every((v) => Number.isInteger(v) && v >= 0 && v < 5));
});

test('toArray nests like the shape; item needs exactly one element', () => {
  assert.equal(tg.arange(6).reshape([2, 3, 1]).toArray(), [[[0], [1], [2]], [[3], [4], [5]]]);
  assert.equal(tg.zeros([2, 0]).toArray(), [[], []]);
  assert.equal(tg.zeros([0, 2]).toArray(), []);
  assert.is(tg.tensor([[7]]).item(), 7);
  assert.is(tg.tensor(2.5, { dtype: 'float64' }).item(), 2.5);
  assertThrows(() => tg.tensor([1, 2]).item(), 'Tensor.item', '[2]');
  assertThrows(() => tg.zeros([2, 3]).item(), 'item', '[2, 3]');
  assertThrows(() => tg.zeros([0]).item(), 'item', '[0]');
});

test('detach shares storage and leaves the tape; clone copies and stays differentiable', () => {
  const x = tg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = x.mul(2);
  const d = y.detach();
  assert.is(d.requiresGrad, false);
  assert.ok(d.isLeaf);
  assert.equal(d.toArray(), [2, 4, 6]);
  y.toNdarray().set(0, 42); // write through y's storage
  assert.is(d.data()[0], 42, 'detach shares storage');

  const c = x.clone();
  assert.ok(c.requiresGrad);
  assert.is.not(c.isLeaf, true);
  x.detach().toNdarray().set(1, -1);
  assert.equal(c.toArray(), [1, 2, 3], 'clone has its own storage');
  c.mul(tg.tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
  assert.equal(Array.from(x.grad!.data()), [1, 10, 100]);

  // detach stops gradients
  const z = tg.tensor([1, 2], { requiresGrad: true });
  const w = z.mul(z.detach());
  w.sum().backward();
  assert.equal(Array.from(z.grad!.data()), [1, 2]);
});

test('to(dtype) casts (rounding to float32), returns the tensor itself for its own dtype, and is differentiable', () => {
  const x = tg.tensor([0.1, 1 / 3], { dtype: 'float64', requiresGrad: true });
  const y = x.to('float32');
  assert.is(y.dtype, 'float32');
  assert.equal(Array.from(y.data()), [Math.fround(0.1), Math.fround(1 / 3)]);
  assert.is(x.to('float64'), x);
  assert.is(x.double(), x);
  assert.is(y.float(), y);
  y.mul(tg.tensor([2, 3])).sum().backward();
  assert.is(x.grad!.dtype, 'float64', 'the gradient is cast back');
  assert.equal(Array.from(x.grad!.data()), [2, 3]);
  const back = y.double();
  assert.is(back.dtype, 'float64');
  assert.equal(Array.from(back.data()), [Math.fround(0.1), Math.fround(1 / 3)]);
  assertThrows(() => x.to(bad('int8')), 'Tensor.to', 'int8');
});

test.run();
