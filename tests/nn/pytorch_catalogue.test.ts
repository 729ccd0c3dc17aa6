// The torch.nn catalogue (issue 17.2–17.3): every elementwise activation of torch.nn and the loss
// modules exist under PyTorch's names; each module built with no arguments computes PyTorch's
// definition at PyTorch's defaults (the formulas and default values of PyTorch's documentation,
// written out here in plain numbers), equals its functional op, and a bad hyperparameter fails
// at construction with a message naming the module and the hyperparameter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';

const { nn } = tg;
const f64 = { dtype: 'float64' as const };
const grid = [-3.5, -2, -1, -0.6, -0.3, 0.2, 0.45, 0.7, 1, 2.5, 4, 25];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** erf by its Taylor series: exact to ~1e-13 for |x| ≤ 3, beyond which erf is ±1 to double precision. */
function erf(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x, total = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    total += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}
const SELU_SCALE = 1.0507009873554804934193349852946, SELU_ALPHA = 1.6732632423543772848170429916717;

interface ElementwiseCase {
  make: () => tg.nn.Module;
  /** PyTorch's definition at PyTorch's defaults. */
  ref: (v: number) => number;
  /** The functional op with PyTorch's defaults written out. */
  op: (x: Tensor) => Tensor;
  /** Hyperparameters and their PyTorch default. */
  defaults?: Record<string, unknown>;
}

// torch.nn's elementwise activations (the "Non-linear Activations (weighted sum, nonlinearity)" list)
const ELEMENTWISE: Record<string, ElementwiseCase> = {
  ELU: { make: () => new nn.ELU(), ref: (v) => (v > 0 ? v : Math.expm1(v)), op: (x) => tg.elu(x, 1), defaults: { alpha: 1 } },
  Hardshrink: { make: () => new nn.Hardshrink(), ref: (v) => (Math.abs(v) > 0.5 ? v : 0), op: (x) => tg.hardshrink(x, 0.5), defaults: { lambd: 0.5 } },
  Hardsigmoid: { make: () => new nn.Hardsigmoid(), ref: (v) => Math.min(Math.max(v + 3, 0), 6) / 6, op: (x) => tg.hardsigmoid(x) },
  Hardtanh: { make: () => new nn.Hardtanh(), ref: (v) => Math.min(Math.max(v, -1), 1), op: (x) => tg.hardtanh(x, -1, 1), defaults: { minVal: -1, maxVal: 1 } },
  Hardswish: { make: () => new nn.Hardswish(), ref: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6, op: (x) => tg.hardswish(x) },
  LeakyReLU: { make: () => new nn.LeakyReLU(), ref: (v) => (v > 0 ? v : 0.01 * v), op: (x) => tg.leakyRelu(x, 0.01), defaults: { negativeSlope: 0.01 } },
  LogSigmoid: { make: () => new nn.LogSigmoid(), ref: (v) => -Math.log1p(Math.exp(-v)), op: (x) => tg.logsigmoid(x) },
  PReLU: { make: () => new nn.PReLU().double(), ref: (v) => (v > 0 ? v : 0.25 * v), op: (x) => tg.where(x.gt(0), x, x.mul(0.25)) },
  ReLU: { make: () => new nn.ReLU(), ref: (v) => Math.max(0, v), op: (x) => tg.relu(x) },
  ReLU6: { make: () => new nn.ReLU6(), ref: (v) => Math.min(Math.max(0, v), 6), op: (x) => tg.relu6(x) },
  // evaluation mode: the mean slope (1/8 + 1/3)/2
  RReLU: { make: () => new nn.RReLU().eval(), ref: (v) => (v > 0 ? v : ((1 / 8 + 1 / 3) / 2) * v), op: (x) => tg.leakyRelu(x, (1 / 8 + 1 / 3) / 2), defaults: { lower: 1 / 8, upper: 1 / 3 } },
  SELU: { make: () => new nn.SELU(), ref: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)), op: (x) => tg.selu(x) },
  CELU: { make: () => new nn.CELU(), ref: (v) => (v > 0 ? v : Math.expm1(v)), op: (x) => tg.celu(x, 1), defaults: { alpha: 1 } },
  GELU: { make: () => new nn.GELU(), ref: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), op: (x) => tg.gelu(x, 'none'), defaults: { approximate: 'none' } },
  Sigmoid: { make: () => new nn.Sigmoid(), ref: sigmoid, op: (x) => tg.sigmoid(x) },
  SiLU: { make: () => new nn.SiLU(), ref: (v) => v * sigmoid(v), op: (x) => tg.silu(x) },
  Mish: { make: () => new nn.Mish(), ref: (v) => v * Math.tanh(Math.log1p(Math.exp(v))), op: (x) => tg.mish(x) },
  Softplus: { make: () => new nn.Softplus(), ref: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))), op: (x) => tg.softplus(x, 1, 20), defaults: { beta: 1, threshold: 20 } },
  Softshrink: { make: () => new nn.Softshrink(), ref: (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0), op: (x) => tg.softshrink(x, 0.5), defaults: { lambd: 0.5 } },
  Softsign: { make: () => new nn.Softsign(), ref: (v) => v / (1 + Math.abs(v)), op: (x) => tg.softsign(x) },
  Tanh: { make: () => new nn.Tanh(), ref: Math.tanh, op: (x) => tg.tanh(x) },
  Tanhshrink: { make: () => new nn.Tanhshrink(), ref: (v) => v - Math.tanh(v), op: (x) => tg.tanhshrink(x) },
  // no defaults in PyTorch; the documentation's example nn.Threshold(0.1, 20)
  Threshold: { make: () => new nn.Threshold(0.1, 20), ref: (v) => (v > 0.1 ? v : 20), op: (x) => tg.threshold(x, 0.1, 20), defaults: { threshold: 0.1, value: 20 } },
};

test("torch.nn's elementwise activations all exist, under PyTorch's names", () => {
  const torchList = [
    'ELU', 'Hardshrink', 'Hardsigmoid', 'Hardtanh', 'Hardswish', 'LeakyReLU', 'LogSigmoid', 'PReLU', 'ReLU', 'ReLU6', 'RReLU', 'SELU',
    'CELU', 'GELU', 'Sigmoid', 'SiLU', 'Mish', 'Softplus', 'Softshrink', 'Softsign', 'Tanh', 'Tanhshrink', 'Threshold',
  ];
  const alongDim = ['GLU', 'Softmin', 'Softmax', 'Softmax2d', 'LogSoftmax'];
  const losses = ['CrossEntropyLoss', 'NLLLoss', 'MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'BCELoss', 'BCEWithLogitsLoss', 'KLDivLoss'];
  const missing = [...torchList, ...alongDim, ...losses].filter((name) => typeof (nn as Record<string, unknown>)[name] !== 'function');
  assert.equal(missing, []);
  assert.equal(Object.keys(ELEMENTWISE).sort(), [...torchList].sort(), 'every elementwise activation has a row in this test');
});

test("each elementwise module at its defaults computes PyTorch's definition and equals its functional op", () => {
  const x = tg.tensor(grid, f64);
  for (const [name, c] of Object.entries(ELEMENTWISE)) {
    const m = c.make();
    const y = m.forward(x) as Tensor;
    assertClose(y.data(), grid.map(c.ref), 1e-12, 1e-12, `${name} vs PyTorch's definition`);
    assert.equal(Array.from(y.data()), Array.from(c.op(x).data()), `${name} vs its functional op`);
    for (const [key, value] of Object.entries(c.defaults ?? {})) assert.is((m as unknown as Record<string, unknown>)[key], value, `${name}.${key}`);
  }
});

test("GELU's 'tanh' approximation is PyTorch's formula, and the module passes it through", () => {
  const x = tg.tensor(grid, f64);
  const ref = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  assertClose(new nn.GELU('tanh').forward(x).data(), grid.map(ref), 1e-12, 1e-12, "GELU('tanh')");
  assertClose(tg.gelu(x, 'tanh').data(), grid.map(ref), 1e-12, 1e-12, "gelu(x, 'tanh')");
  // the two differ: the approximation is not silently the exact form
  assert.ok(Math.abs(tg.gelu(tg.tensor(1, f64), 'tanh').item() - tg.gelu(tg.tensor(1, f64)).item()) > 1e-5);
});

test('the activations along one axis default to the last axis (GLU as PyTorch; Softmax/Softmin/LogSoftmax where PyTorch has no usable default)', () => {
  const x = tg.tensor([[0.3, -1.2, 2, 0.5], [1, 1.5, -0.7, 0.1]], f64);
  const cases: [tg.nn.Module, (t: Tensor) => Tensor, number[][]][] = [
    [new nn.GLU(), (t) => tg.glu(t, -1), [[0.3 * sigmoid(2), -1.2 * sigmoid(0.5)], [1 * sigmoid(-0.7), 1.5 * sigmoid(0.1)]]],
    [new nn.Softmax(), (t) => tg.softmax(t, -1), rows(x, (r) => r.map((v) => Math.exp(v) / r.reduce((s, u) => s + Math.exp(u), 0)))],
    [new nn.LogSoftmax(), (t) => tg.logSoftmax(t, -1), rows(x, (r) => r.map((v) => v - Math.log(r.reduce((s, u) => s + Math.exp(u), 0))))],
    [new nn.Softmin(), (t) => tg.softmin(t, -1), rows(x, (r) => r.map((v) => Math.exp(-v) / r.reduce((s, u) => s + Math.exp(-u), 0)))],
  ];
  for (const [m, op, ref] of cases) {
    assert.is((m as unknown as { dim: number }).dim, -1, m.typeName);
    assertClose((m.forward(x) as Tensor).data(), ref.flat(), 1e-12, 1e-12, m.typeName);
    assert.equal(Array.from((m.forward(x) as Tensor).data()), Array.from(op(x).data()), `${m.typeName} vs its functional op`);
  }
  // Softmax2d: over the channels of [N, C, H, W] and of [C, H, W]
  const img = tg.randn([2, 3, 2, 2], f64);
  assert.equal(Array.from(new nn.Softmax2d().forward(img).data()), Array.from(tg.softmax(img, 1).data()));
  assert.equal(Array.from(new nn.Softmax2d().forward(img.narrow(0, 0, 1).squeeze(0)).data()), Array.from(tg.softmax(img.narrow(0, 0, 1), 1).data()));
  assert.throws(() => new nn.Softmax2d().forward(tg.ones([3, 4])), /Softmax2d.*\[N, C, H, W\]/);
});

function rows(x: Tensor, f: (row: number[]) => number[]): number[][] {
  return (x.toArray() as number[][]).map(f);
}

interface LossCase {
  make: () => tg.nn.Module;
  op: (input: Tensor, target: Tensor) => Tensor;
  inputs: () => [Tensor, Tensor];
  defaults: Record<string, unknown>;
}

const logits = () => tg.tensor([[0.2, -1, 0.7], [1.5, 0.3, -0.4]], f64);
const probs = () => tg.tensor([[0.2, 0.9, 0.5], [0.6, 0.1, 0.35]], f64);
const labels = () => tg.tensor([2, 0], f64);
const pair = () => [tg.tensor([0.5, -1.2, 3, 0.1], f64), tg.tensor([0, 0.4, 1, 2.2], f64)] as [Tensor, Tensor];
const LOSSES: Record<string, LossCase> = {
  MSELoss: { make: () => new nn.MSELoss(), op: (a, b) => tg.mseLoss(a, b, { reduction: 'mean' }), inputs: pair, defaults: { reduction: 'mean' } },
  L1Loss: { make: () => new nn.L1Loss(), op: (a, b) => tg.l1Loss(a, b, { reduction: 'mean' }), inputs: pair, defaults: { reduction: 'mean' } },
  SmoothL1Loss: { make: () => new nn.SmoothL1Loss(), op: (a, b) => tg.smoothL1Loss(a, b, { beta: 1 }), inputs: pair, defaults: { reduction: 'mean', beta: 1 } },
  HuberLoss: { make: () => new nn.HuberLoss(), op: (a, b) => tg.huberLoss(a, b, { delta: 1 }), inputs: pair, defaults: { reduction: 'mean', delta: 1 } },
  CrossEntropyLoss: {
    make: () => new nn.CrossEntropyLoss(), op: (a, b) => tg.crossEntropy(a, b, { ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean' }),
    inputs: () => [logits(), labels()], defaults: { reduction: 'mean', ignoreIndex: -100, labelSmoothing: 0, weight: null },
  },
  NLLLoss: {
    make: () => new nn.NLLLoss(), op: (a, b) => tg.nllLoss(a, b, { ignoreIndex: -100, reduction: 'mean' }),
    inputs: () => [tg.logSoftmax(logits(), 1), labels()], defaults: { reduction: 'mean', ignoreIndex: -100, weight: null },
  },
  BCELoss: { make: () => new nn.BCELoss(), op: (a, b) => tg.binaryCrossEntropy(a, b), inputs: () => [probs(), probs().flip(1)], defaults: { reduction: 'mean', weight: null } },
  BCEWithLogitsLoss: {
    make: () => new nn.BCEWithLogitsLoss(), op: (a, b) => tg.bceWithLogits(a, b), inputs: () => [logits(), probs()], defaults: { reduction: 'mean', weight: null, posWeight: null },
  },
  KLDivLoss: {
    make: () => new nn.KLDivLoss(), op: (a, b) => tg.klDiv(a, b, { reduction: 'mean', logTarget: false }),
    inputs: () => [tg.logSoftmax(logits(), 1), tg.softmax(logits().flip(1), 1)], defaults: { reduction: 'mean', logTarget: false },
  },
};

test("each loss module at its defaults equals its functional op with PyTorch's defaults", () => {
  for (const [name, c] of Object.entries(LOSSES)) {
    const m = c.make();
    const [input, target] = c.inputs();
    assert.is(m.typeName, name);
    assert.is((m.forward(input, target) as Tensor).item(), c.op(input, target).item(), name);
    for (const [key, value] of Object.entries(c.defaults)) assert.is((m as unknown as Record<string, unknown>)[key], value, `${name}.${key}`);
  }
});

test("loss modules pass their options through; a Tensor weight is a buffer named as PyTorch's (weight, pos_weight)", () => {
  const [x, y] = [logits(), labels()];
  const w = tg.tensor([0.5, 2, 1], f64);
  const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, reduction: 'sum' });
  assert.is(ce.forward(x, y).item(), tg.crossEntropy(x, y, { weight: w, labelSmoothing: 0.1, reduction: 'sum' }).item());
  assert.equal(Object.keys(ce.stateDict()), ['weight']);
  // weights given as numbers take the input's dtype at each call and are not state
  const ceNumbers = new nn.CrossEntropyLoss({ weight: [0.5, 2, 1], ignoreIndex: 0 });
  assert.is(ceNumbers.forward(x, y).item(), tg.crossEntropy(x, y, { weight: w, ignoreIndex: 0 }).item());
  assert.equal(Object.keys(ceNumbers.stateDict()), []);
  const bce = new nn.BCEWithLogitsLoss({ posWeight: tg.tensor([1, 3, 0.5], f64), reduction: 'none' });
  assert.equal(Object.keys(bce.stateDict()), ['pos_weight']);
  assert.equal(Array.from(bce.forward(x, probs()).data()), Array.from(tg.bceWithLogits(x, probs(), { posWeight: tg.tensor([1, 3, 0.5], f64), reduction: 'none' }).data()));
  const kl = new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true });
  const [q, p] = [tg.logSoftmax(x, 1), tg.logSoftmax(x.flip(1), 1)];
  assert.is(kl.forward(q, p).item(), tg.klDiv(q, p, { reduction: 'batchmean', logTarget: true }).item());
  const huber = new nn.HuberLoss({ delta: 0.5, reduction: 'sum' });
  const [a, b] = pair();
  assert.is(huber.forward(a, b).item(), tg.huberLoss(a, b, { delta: 0.5, reduction: 'sum' }).item());
  assert.ok(huber.forward(a, b).item() !== new nn.HuberLoss({ reduction: 'sum' }).forward(a, b).item(), 'delta changes the loss');
});

test('a bad hyperparameter fails at construction, naming the module and the hyperparameter', () => {
  const bad: [() => unknown, RegExp][] = [
    [() => new nn.ELU(Number.NaN), /ELU.*alpha/],
    [() => new nn.CELU(0), /CELU.*alpha/],
    [() => new nn.LeakyReLU(Infinity), /LeakyReLU.*negativeSlope/],
    [() => new nn.Softplus(0), /Softplus.*beta/],
    [() => new nn.Softplus(1, Number.NaN), /Softplus.*threshold/],
    [() => new nn.Hardtanh(1, -1), /Hardtanh.*minVal.*maxVal/],
    [() => new nn.Hardtanh(Number.NaN), /Hardtanh.*minVal/],
    [() => new nn.Softshrink(-0.1), /Softshrink.*lambd/],
    [() => new nn.Hardshrink(Number.NaN), /Hardshrink.*lambd/],
    [() => new (nn.Threshold as unknown as new () => unknown)(), /Threshold.*threshold/],
    [() => new nn.Threshold(0, Number.NaN), /Threshold.*value/],
    [() => new nn.GELU('fast' as 'tanh'), /GELU.*approximate.*'none' or 'tanh'/],
    [() => new nn.RReLU(0.5, 0.1), /RReLU.*lower.*upper/],
    [() => new nn.PReLU({ numParameters: 0 }), /PReLU.*numParameters/],
    [() => new nn.GLU(0.5), /GLU.*dim/],
    [() => new nn.Softmax('1' as unknown as number), /Softmax.*dim/],
    [() => new nn.MSELoss({ reduction: 'avg' as 'mean' }), /MSELoss.*reduction/],
    [() => new nn.L1Loss({ reduction: 'batchmean' as 'mean' }), /L1Loss.*reduction/],
    [() => new nn.SmoothL1Loss({ beta: 0 }), /SmoothL1Loss.*beta/],
    [() => new nn.HuberLoss({ delta: -1 }), /HuberLoss.*delta/],
    [() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 }), /CrossEntropyLoss.*labelSmoothing/],
    [() => new nn.CrossEntropyLoss({ ignoreIndex: 0.5 }), /CrossEntropyLoss.*ignoreIndex/],
    [() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never), /CrossEntropyLoss.*label_smoothing/],
    [() => new nn.NLLLoss({ weight: [1, Number.NaN] }), /NLLLoss.*weight/],
    [() => new nn.BCELoss({ weight: 'x' as never }), /BCELoss.*weight/],
    [() => new nn.BCEWithLogitsLoss({ posWeight: [Infinity] }), /BCEWithLogitsLoss.*posWeight/],
    [() => new nn.KLDivLoss({ logTarget: 1 as never }), /KLDivLoss.*logTarget/],
    [() => new nn.KLDivLoss({ reduction: 'avg' as 'mean' }), /KLDivLoss.*reduction.*'batchmean'/],
  ];
  for (const [make, message] of bad) assert.throws(make, message, String(message));
});

test("loss modules refuse unknown option keys (Object.prototype's names included) and options that are not an object", () => {
  const modules = [nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.CrossEntropyLoss, nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss, nn.KLDivLoss] as unknown as (new (o?: unknown) => unknown)[];
  for (const Loss of modules) {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', 'size_average']) {
      assert.throws(() => new Loss(JSON.parse(`{"${key}": 5}`)), (e: Error) => e.message.includes(Loss.name) && e.message.includes(key), `${Loss.name} with ${key}`);
    }
    assert.throws(() => new Loss(3), new RegExp(`${Loss.name}.*options`), `${Loss.name}(3)`);
  }
});

test.run();
