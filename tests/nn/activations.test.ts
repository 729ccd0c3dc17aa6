// The activation modules' forward values against their scalar definitions, the shapes of
// Maxout and PReLU, and RReLU's training and evaluation behaviour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';

const { nn } = tg;
const f64 = { dtype: 'float64' as const };
const grid = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** p·x + (1 − p)·relu(x), p = sigmoid(w) with w = logit(p0) stored in float32. */
const mix = (p0: number, v: number) => {
  const p = sigmoid(Math.fround(Math.log(p0 / (1 - p0))));
  return p * v + (1 - p) * Math.max(0, v);
};

const cases: [string, InstanceType<typeof nn.Module>, (v: number) => number][] = [
  ['ReLU', new nn.ReLU(), (v) => Math.max(0, v)],
  ['LeakyReLU(0.2)', new nn.LeakyReLU(0.2), (v) => (v > 0 ? v : 0.2 * v)],
  ['ReLU6', new nn.ReLU6(), (v) => Math.min(Math.max(0, v), 6)],
  ['ELU(0.5)', new nn.ELU(0.5), (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
  ['CELU(2)', new nn.CELU(2), (v) => (v > 0 ? v : 2 * Math.expm1(v / 2))],
  ['SELU', new nn.SELU(), (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v))],
  ['Tanh', new nn.Tanh(), Math.tanh],
  ['Sigmoid', new nn.Sigmoid(), sigmoid],
  ['Softplus(2, 5)', new nn.Softplus(2, 5), (v) => (2 * v > 5 ? v : Math.log1p(Math.exp(2 * v)) / 2)],
  ['SiLU', new nn.SiLU(), (v) => v * sigmoid(v)],
  ['SiLU(beta 1.5)', new nn.SiLU({ beta: 1.5 }), (v) => v * sigmoid(1.5 * v)],
  // parameters are made in float32 and then cast, as PyTorch's module.double(): β is fround(0.7)
  ['Swish(learnable, 0.7)', new nn.Swish({ beta: 0.7, learnable: true }).double(), (v) => v * sigmoid(Math.fround(0.7) * v)],
  ['PReLU', new nn.PReLU().double(), (v) => (v > 0 ? v : 0.25 * v)],
  ['RReLU (eval)', new nn.RReLU(0.1, 0.3).eval(), (v) => (v > 0 ? v : 0.2 * v)],
  ['IdentityReLUMixture(0.3)', new nn.IdentityReLUMixture({ init: 0.3 }).double(), (v) => mix(0.3, v)],
];

test('each activation module computes its definition', () => {
  const x = tg.tensor(grid, f64);
  for (const [name, m, f] of cases) assertClose(m.forward(x).data(), grid.map(f), 1e-12, 1e-12, name);
});

test('SiLU/Swish: β is a parameter named beta only when learnable', () => {
  assert.equal(new nn.SiLU().namedParameters(), []);
  assert.equal(new nn.SiLU({ learnable: true }).namedParameters().map(([n, p]) => [n, p.shape]), [['beta', [1]]]);
  assert.ok(new nn.Swish() instanceof nn.SiLU);
});

test('PReLU: one shared slope, or one per channel on axis 1 of [N, C] and [N, C, H, W]', () => {
  const prelu = new nn.PReLU({ numParameters: 3, init: 0.1 }).double();
  assert.equal(prelu.weight.shape, [3]);
  tg.noGrad(() => prelu.weight.assign(tg.tensor([0.1, 0.2, 0.3], f64)));
  assertClose(prelu.forward(tg.tensor([[-1, -1, -1], [2, -2, 3]], f64)).toArray(), [[-0.1, -0.2, -0.3], [2, -0.4, 3]], 1e-15);
  const x = tg.full([2, 3, 2, 2], -1, f64);
  const y = prelu.forward(x);
  assert.equal(y.shape, [2, 3, 2, 2]);
  assertClose(y.data(), [0.1, 0.2, 0.3].flatMap((s) => [-s, -s, -s, -s]).concat([0.1, 0.2, 0.3].flatMap((s) => [-s, -s, -s, -s])), 1e-15);
  assert.equal(new nn.PReLU().forward(tg.zeros([2, 7, 5])).shape, [2, 7, 5]);
});

test('IdentityReLUMixture per channel: p = sigmoid(w) mixes identity and ReLU', () => {
  const mix = new nn.IdentityReLUMixture({ numParameters: 2 }).double();
  tg.noGrad(() => mix.weight.assign(tg.tensor([0, 2], f64)));
  const p = [0.5, sigmoid(2)];
  const x = tg.tensor([[-2, -2], [3, 3]], f64);
  assertClose(mix.forward(x).toArray(), [[-2 * p[0], -2 * p[1]], [3, 3]], 1e-15);
});

test('Maxout takes the max over groups of k consecutive features or channels', () => {
  const maxout = new nn.Maxout(2);
  assert.equal(maxout.forward(tg.tensor([[1, 5, 3, 2, -1, -4]])).toArray(), [[5, 3, -1]]);
  const x = tg.randn([2, 6, 3, 4]);
  const y = maxout.forward(x);
  assert.equal(y.shape, [2, 3, 3, 4]);
  const v = x.toArray() as number[][][][];
  const w = y.toArray() as number[][][][];
  assert.is(w[1][2][0][3], Math.max(v[1][4][0][3], v[1][5][0][3]));
  assert.equal(new nn.Maxout(3, { dim: -1 }).forward(tg.zeros([4, 5, 9])).shape, [4, 5, 3]);
});

test('RReLU draws a slope in [lower, upper] per negative element in training; positives pass', () => {
  tg.manualSeed(8);
  const rrelu = new nn.RReLU(0.1, 0.3);
  const x = tg.tensor(Array.from({ length: 20000 }, (_, i) => (i % 2 === 0 ? -1 : 2)));
  const y = rrelu.forward(x).data();
  const slopes: number[] = [];
  y.forEach((v, i) => (i % 2 === 0 ? slopes.push(-v) : assert.is(v, 2)));
  assert.ok(slopes.every((s) => s >= 0.1 - 1e-7 && s <= 0.3 + 1e-7));
  assert.ok(new Set(slopes).size > 1000, 'slopes vary per element');
  const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
  assertClose([mean], [0.2], 0.003, 0);
  tg.manualSeed(8);
  assert.equal(Array.from(rrelu.forward(x).data()), Array.from(y), 'reproducible under a seed');
  assertClose(rrelu.eval().forward(tg.tensor([-1, 2])).data(), [-0.2, 2], 1e-7);
});

test.run();
