// BatchNorm (training and eval, running statistics, momentum), GroupNorm and LayerNorm against
// their formulas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { channelStats } from './reference.js';

const { nn } = tg;
const f64 = { dtype: 'float64' as const };

/** (x − mean_c)/√(var_c + eps)·w_c + b_c on x [N, C, ...]. */
function normalizeRef(x: ArrayLike<number>, xs: number[], mean: number[], variance: number[], eps: number, w?: number[], b?: number[]): number[] {
  const C = xs[1];
  const inner = xs.slice(2).reduce((a, v) => a * v, 1);
  return Array.from(x, (v, i) => {
    const c = Math.floor(i / inner) % C;
    return ((v - mean[c]) / Math.sqrt(variance[c] + eps)) * (w?.[c] ?? 1) + (b?.[c] ?? 0);
  });
}

test('BatchNorm2d in training normalises by the batch mean and biased variance', () => {
  tg.manualSeed(0);
  const bn = new nn.BatchNorm2d(3).double();
  tg.noGrad(() => {
    bn.weight!.assign(tg.tensor([1, 2, -1], f64));
    bn.bias!.assign(tg.tensor([0, 0.5, 1], f64));
  });
  const xs = [4, 3, 2, 5];
  const x = tg.randn(xs, f64).mul(3).add(1);
  const { mean, variance } = channelStats(x.data(), xs);
  assertClose(bn.forward(x).data(), normalizeRef(x.data(), xs, mean, variance, 1e-5, [1, 2, -1], [0, 0.5, 1]), 1e-12, 1e-10);
});

test('the running statistics follow momentum, with the unbiased variance; eval mode uses them', () => {
  tg.manualSeed(1);
  const bn = new nn.BatchNorm1d(2, { momentum: 0.2 }).double();
  const xs = [5, 2, 3];
  const x = tg.randn(xs, f64).add(2);
  const n = 5 * 3;
  const { mean, variance } = channelStats(x.data(), xs);
  tg.noGrad(() => bn.forward(x));
  assertClose(bn.runningMean!.data(), mean.map((m) => 0.8 * 0 + 0.2 * m), 1e-12, 1e-12);
  assertClose(bn.runningVar!.data(), variance.map((v) => 0.8 * 1 + 0.2 * v * n / (n - 1)), 1e-12, 1e-12);
  assert.is(bn.numBatchesTracked!.item(), 1);

  bn.eval();
  const z = tg.randn([4, 2], f64);
  const rm = Array.from(bn.runningMean!.data()), rv = Array.from(bn.runningVar!.data());
  assertClose(bn.forward(z).data(), normalizeRef(z.data(), [4, 2], rm, rv, 1e-5), 1e-12, 1e-10);
  tg.noGrad(() => bn.forward(z));
  assert.is(bn.numBatchesTracked!.item(), 1, 'eval mode does not count batches');
  assert.equal(Array.from(bn.runningMean!.data()), rm, 'eval mode does not update the statistics');
  // one sample in eval is fine (its output does not depend on a batch)
  assert.equal(bn.forward(tg.randn([1, 2], f64)).shape, [1, 2]);
});

test('momentum null gives the cumulative average of the batch statistics', () => {
  tg.manualSeed(2);
  const bn = new nn.BatchNorm1d(3, { momentum: null }).double();
  const means: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const x = tg.randn([6, 3], f64).add(i);
    means.push(channelStats(x.data(), [6, 3]).mean);
    tg.noGrad(() => bn.forward(x));
  }
  const average = [0, 1, 2].map((c) => means.reduce((s, m) => s + m[c], 0) / means.length);
  assertClose(bn.runningMean!.data(), average, 1e-12, 1e-12);
  assert.is(bn.numBatchesTracked!.item(), 4);
});

test('trackRunningStats false: no buffers, batch statistics in both modes; affine false: no parameters', () => {
  const bn = new nn.BatchNorm2d(2, { trackRunningStats: false, affine: false }).double();
  assert.equal(bn.namedBuffers(), []);
  assert.equal(bn.namedParameters(), []);
  assert.equal(Object.keys(bn.stateDict()), []);
  const xs = [3, 2, 2, 2];
  const x = tg.randn(xs, f64);
  const { mean, variance } = channelStats(x.data(), xs);
  assertClose(bn.eval().forward(x).data(), normalizeRef(x.data(), xs, mean, variance, 1e-5), 1e-12, 1e-10);
});

test('BatchNorm refuses one value per channel in training, as PyTorch', () => {
  assertThrows(() => new nn.BatchNorm1d(3).forward(tg.randn([1, 3])), 'BatchNorm1d', 'more than 1 value per channel', '[1, 3]');
});

test('BatchNorm trains: gradients reach the input, weight and bias', () => {
  const bn = new nn.BatchNorm2d(2);
  const x = tg.randn([3, 2, 2, 2], { requiresGrad: true });
  bn.forward(x).square().sum().backward();
  assert.ok(x.grad && bn.weight!.grad && bn.bias!.grad);
});

test('GroupNorm normalises each sample’s channel groups; a constant input gives the bias, never NaN', () => {
  tg.manualSeed(3);
  const gn = new nn.GroupNorm(2, 4).double();
  tg.noGrad(() => gn.bias!.assign(tg.tensor([1, 2, 3, 4], f64)));
  const xs = [2, 4, 3];
  const x = tg.randn(xs, f64);
  const v = x.data();
  const expected = Array.from(v, (_, i) => {
    const n = Math.floor(i / 12), g = Math.floor((i % 12) / 6);
    const group = Array.from(v).slice(n * 12 + g * 6, n * 12 + g * 6 + 6);
    const m = group.reduce((a, b) => a + b, 0) / 6;
    const s = group.reduce((a, b) => a + (b - m) ** 2, 0) / 6;
    return (v[i] - m) / Math.sqrt(s + 1e-5) + [1, 2, 3, 4][Math.floor((i % 12) / 3)];
  });
  assertClose(gn.forward(x).data(), expected, 1e-12, 1e-10);
  const constant = gn.forward(tg.full([1, 4, 2, 2], 7, f64)).data();
  assertClose(constant, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4], 0, 0);
  assert.equal(new nn.GroupNorm(2, 4, { affine: false }).namedParameters(), []);
});

test('LayerNorm normalises each sample over its last axes', () => {
  tg.manualSeed(4);
  for (const shape of [[5], [2, 5]]) {
    const ln = new nn.LayerNorm(shape).double();
    assert.equal(ln.weight!.shape, shape);
    const x = tg.randn([3, ...shape], f64);
    const v = Array.from(x.data());
    const size = shape.reduce((a, b) => a * b, 1);
    const expected = v.map((xi, i) => {
      const row = v.slice(Math.floor(i / size) * size, Math.floor(i / size) * size + size);
      const m = row.reduce((a, b) => a + b, 0) / size;
      const s = row.reduce((a, b) => a + (b - m) ** 2, 0) / size;
      return (xi - m) / Math.sqrt(s + 1e-5);
    });
    assertClose(ln.forward(x).data(), expected, 1e-12, 1e-10);
  }
  const plain = new nn.LayerNorm(4, { elementwiseAffine: false });
  assert.equal(plain.namedParameters(), []);
  assert.equal(new nn.LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n), ['weight']);
});

test.run();
