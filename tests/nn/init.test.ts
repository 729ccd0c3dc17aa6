// nn.init and the layers' default initialisations, against PyTorch's formulas: bounds exactly,
// moments within a tolerance that a correct draw of this size meets with a wide margin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { nn } = tg;
const { init } = nn;

function moments(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** U(−b, b): every value inside, the extremes near ±b, std b/√3. */
function assertUniform(t: Tensor, bound: number, what: string): void {
  const m = moments(t);
  assert.ok(m.min >= -bound && m.max <= bound, `${what}: values outside ±${bound}: [${m.min}, ${m.max}]`);
  assert.ok(m.max > 0.98 * bound && m.min < -0.98 * bound, `${what}: extremes ${m.min}, ${m.max} do not reach ±${bound}`);
  assertClose([m.std], [bound / Math.sqrt(3)], 0, 0.03, `${what} std`);
  assertClose([m.mean], [0], 0.03 * bound, 0, `${what} mean`);
}

function assertNormal(t: Tensor, std: number, what: string): void {
  const m = moments(t);
  assertClose([m.std], [std], 0, 0.03, `${what} std`);
  assertClose([m.mean], [0], 0.03 * std, 0, `${what} mean`);
}

test('calculateGain matches torch.nn.init.calculate_gain', () => {
  assert.is(init.calculateGain('linear'), 1);
  assert.is(init.calculateGain('conv2d'), 1);
  assert.is(init.calculateGain('sigmoid'), 1);
  assert.is(init.calculateGain('tanh'), 5 / 3);
  assert.is(init.calculateGain('relu'), Math.SQRT2);
  assert.is(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.is(init.calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  assert.is(init.calculateGain('selu'), 0.75);
  assertThrows(() => init.calculateGain('swish' as never), 'calculateGain', 'swish');
});

test('fan in and fan out count the receptive field, as PyTorch', () => {
  assert.equal(init.calculateFanInAndFanOut(tg.zeros([16, 8, 3, 5])), [8 * 15, 16 * 15]);
  assert.equal(init.calculateFanInAndFanOut(tg.zeros([4, 7])), [7, 4]);
  assertThrows(() => init.calculateFanInAndFanOut(tg.zeros([5])), 'calculateFanInAndFanOut', 'at least 2', '[5]');
});

test('kaiming uniform and normal: variance gain²/fan, in fan_in and fan_out modes', () => {
  tg.manualSeed(0);
  const w = tg.zeros([200, 300]);
  init.kaimingUniform_(w, { nonlinearity: 'relu' });
  assertUniform(w, Math.sqrt(3) * Math.SQRT2 / Math.sqrt(300), 'kaimingUniform_ fan_in');
  init.kaimingUniform_(w, { a: 0.1, mode: 'fan_out' });
  assertUniform(w, Math.sqrt(3) * Math.sqrt(2 / 1.01) / Math.sqrt(200), 'kaimingUniform_ fan_out');
  init.kaimingNormal_(w, { nonlinearity: 'relu' });
  assertNormal(w, Math.SQRT2 / Math.sqrt(300), 'kaimingNormal_');
  init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'tanh' });
  assertNormal(w, (5 / 3) / Math.sqrt(200), 'kaimingNormal_ fan_out');
  assertThrows(() => init.kaimingUniform_(w, { mode: 'fanIn' as never }), 'kaimingUniform_', "'fan_in'");
});

test('xavier uniform and normal: variance 2·gain²/(fanIn + fanOut)', () => {
  tg.manualSeed(1);
  const w = tg.zeros([64, 32, 3, 3]);
  const [fanIn, fanOut] = [32 * 9, 64 * 9];
  init.xavierUniform_(w);
  assertUniform(w, Math.sqrt(6 / (fanIn + fanOut)), 'xavierUniform_');
  init.xavierNormal_(w, 2);
  assertNormal(w, 2 * Math.sqrt(2 / (fanIn + fanOut)), 'xavierNormal_');
});

test('uniform_, normal_, constant_, zeros_ and ones_', () => {
  tg.manualSeed(2);
  const t = tg.zeros([100000], { dtype: 'float64' });
  init.uniform_(t, 2, 4);
  const u = moments(t);
  assert.ok(u.min >= 2 && u.max < 4);
  assertClose([u.mean, u.std], [3, 1 / Math.sqrt(3)], 0.01, 0);
  init.normal_(t, -1, 0.5);
  const n = moments(t);
  assertClose([n.mean, n.std], [-1, 0.5], 0.01, 0);
  assert.ok(Array.from(init.constant_(t, 7).data()).every((v) => v === 7));
  assert.ok(Array.from(init.zeros_(t).data()).every((v) => v === 0));
  assert.ok(Array.from(init.ones_(t).data()).every((v) => v === 1));
  assert.is(t.dtype, 'float64');
  assertThrows(() => init.uniform_(t, 1, 0), 'uniform_', 'a ≤ b');
  assertThrows(() => init.normal_(t, 0, -1), 'normal_', 'std', '-1');
});

test('initialisers work in place: the tensor keeps its identity, requiresGrad, and records nothing', () => {
  const p = new nn.Parameter(tg.zeros([3, 4]));
  const returned = init.kaimingUniform_(p);
  assert.is(returned, p);
  assert.ok(p.requiresGrad && p.isLeaf && p.entry === null);
  assert.ok(Array.from(p.data()).some((v) => v !== 0));
});

test('initialisers draw from the seeded generator: the same seed gives the same weights', () => {
  tg.manualSeed(42);
  const a = new nn.Linear(5, 4);
  tg.manualSeed(42);
  const b = new nn.Linear(5, 4);
  assert.equal(a.weight.toArray(), b.weight.toArray());
  assert.equal(a.bias!.toArray(), b.bias!.toArray());
  assert.not.equal(new nn.Linear(5, 4).weight.toArray(), a.weight.toArray());
});

test('Linear: PyTorch reset_parameters, weight and bias ~ U(±1/√inFeatures)', () => {
  tg.manualSeed(3);
  const lin = new nn.Linear(400, 300);
  assertUniform(lin.weight, 1 / Math.sqrt(400), 'Linear.weight');
  const bias = moments(lin.bias!);
  assert.ok(bias.min >= -1 / 20 && bias.max <= 1 / 20 && bias.max > 0.9 / 20);
});

test('Conv2d: the same rule with fanIn = inChannels/groups·kH·kW', () => {
  tg.manualSeed(4);
  const conv = new nn.Conv2d(64, 128, [3, 5], { groups: 4 });
  assert.equal(conv.weight.shape, [128, 16, 3, 5]);
  const fanIn = 16 * 15;
  assertUniform(conv.weight, 1 / Math.sqrt(fanIn), 'Conv2d.weight');
  const bias = moments(conv.bias!);
  assert.ok(bias.min >= -1 / Math.sqrt(fanIn) && bias.max <= 1 / Math.sqrt(fanIn));
});

test('normalisation layers start as the identity transform: weight 1, bias 0, running var 1', () => {
  for (const m of [new nn.BatchNorm2d(3), new nn.GroupNorm(1, 3), new nn.LayerNorm(3)]) {
    assert.equal(m.weight!.toArray(), [1, 1, 1]);
    assert.equal(m.bias!.toArray(), [0, 0, 0]);
  }
  const bn = new nn.BatchNorm1d(2);
  assert.equal(bn.runningMean!.toArray(), [0, 0]);
  assert.equal(bn.runningVar!.toArray(), [1, 1]);
  assert.equal(bn.numBatchesTracked!.item(), 0);
  assert.equal(new nn.PReLU().weight.toArray(), [0.25]);
});

test.run();
