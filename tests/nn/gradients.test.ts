// Every module's gradient, checked by tg.gradcheck in float64 against central differences:
// with respect to the input and (through functionalCall) to each learnable parameter. Modules
// move to float64 with .double(), as PyTorch's module.double(). Inputs are drawn away from the
// kinks of the piecewise activations, where finite differences mean nothing.
import { test } from 'uvu';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

const { nn } = tg;
type Module = InstanceType<typeof nn.Module>;

/** Values in [−3, 3] at least 0.05 from every kink. */
function awayFrom(kinks: number[], shape: readonly number[], seed: number): Tensor {
  tg.manualSeed(seed);
  const v = Array.from(tg.rand(shape, { dtype: 'float64' }).data(), (u) => {
    let x = u * 6 - 3;
    for (const k of kinks) if (Math.abs(x - k) < 0.05) x = k + 0.05 * Math.sign(x - k || 1);
    return x;
  });
  return tg.tensor(v, { dtype: 'float64', shape, requiresGrad: true });
}

/** gradcheck of the module as a function of its input and all of its parameters. */
function checkModule(m: Module, x: Tensor, setup: () => void = () => {}): void {
  const names = m.namedParameters().map(([n]) => n);
  const params = m.parameters();
  tg.gradcheck((input, ...ps) => {
    setup();
    return nn.functionalCall<Tensor>(m, Object.fromEntries(names.map((n, i) => [n, ps[i]])), input);
  }, [x, ...params]);
}

const activations: [string, () => Module, number[]][] = [
  ['ReLU', () => new nn.ReLU(), [0]],
  ['LeakyReLU', () => new nn.LeakyReLU(0.1), [0]],
  ['ReLU6', () => new nn.ReLU6(), [0, 6]],
  ['ELU', () => new nn.ELU(0.7), [0]],
  ['CELU', () => new nn.CELU(1.5), [0]],
  ['SELU', () => new nn.SELU(), [0]],
  ['Tanh', () => new nn.Tanh(), []],
  ['Sigmoid', () => new nn.Sigmoid(), []],
  ['Softplus', () => new nn.Softplus(1.5, 3), [2]],
  ['SiLU', () => new nn.SiLU(), []],
  ['SiLU (fixed β)', () => new nn.SiLU({ beta: 2 }), []],
  ['Swish (learnable β)', () => new nn.Swish({ beta: 1.2, learnable: true }), []],
  ['PReLU shared', () => new nn.PReLU(), [0]],
  ['PReLU per channel', () => new nn.PReLU({ numParameters: 3 }), [0]],
  ['RReLU (eval)', () => new nn.RReLU().eval(), [0]],
  ['IdentityReLUMixture shared', () => new nn.IdentityReLUMixture({ init: 0.3 }), [0]],
  ['IdentityReLUMixture per channel', () => new nn.IdentityReLUMixture({ numParameters: 3 }), [0]],
];

for (const [name, make, kinks] of activations) {
  test(`gradcheck: ${name}, over draws of shape`, () => {
    fc.assert(fc.property(fc.constantFrom([2, 3], [2, 3, 2], [1, 3, 2, 2]), fc.nat(1000), (shape, seed) => {
      checkModule(make().double(), awayFrom(kinks, shape, seed));
    }), { numRuns: 4, seed: 3 });
  });
}

test('gradcheck: RReLU in training, with the same slopes drawn in every evaluation', () => {
  checkModule(new nn.RReLU(0.1, 0.4), awayFrom([0], [3, 4], 1), () => tg.manualSeed(77));
});

test('gradcheck: Dropout in training, with the same mask in every evaluation', () => {
  checkModule(new nn.Dropout(0.4), awayFrom([], [3, 4], 2), () => tg.manualSeed(78));
});

test('gradcheck: Maxout over features and channels (distinct values, so no ties)', () => {
  for (const shape of [[2, 6], [1, 4, 2, 2]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n - 0.5); // a permutation
    checkModule(new nn.Maxout(2), tg.tensor(values, { dtype: 'float64', shape, requiresGrad: true }));
  }
});

const layers: [string, () => Module, number[]][] = [
  ['Linear', () => new nn.Linear(3, 2), [4, 3]],
  ['Conv2d (stride 2, padding 1, groups 2, dilation 1)', () => new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1, groups: 2 }), [2, 2, 5, 5]],
  ["Conv2d (padding 'same', even kernel, dilation 2)", () => new nn.Conv2d(2, 2, 2, { padding: 'same', dilation: 2 }), [1, 2, 4, 4]],
  ['BatchNorm1d (training)', () => new nn.BatchNorm1d(3), [4, 3]],
  ['BatchNorm2d (eval)', () => new nn.BatchNorm2d(2).eval(), [2, 2, 2, 2]],
  ['BatchNorm2d (training)', () => new nn.BatchNorm2d(2), [2, 2, 2, 2]],
  ['GroupNorm', () => new nn.GroupNorm(2, 4), [2, 4, 3]],
  ['LayerNorm', () => new nn.LayerNorm([2, 3]), [2, 2, 3]],
  ['MaxPool2d', () => new nn.MaxPool2d(2, { stride: 1 }), [1, 2, 3, 3]],
  ['AvgPool2d', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [1, 2, 5, 5]],
  ['AdaptiveAvgPool2d', () => new nn.AdaptiveAvgPool2d([2, 3]), [1, 2, 5, 4]],
  ['Flatten', () => new nn.Flatten(), [2, 3, 2]],
];

for (const [name, make, shape] of layers) {
  test(`gradcheck: ${name}`, () => {
    const m = make().double();
    // non-trivial affine parameters, so their gradients are not a special case
    for (const p of m.parameters()) nn.init.uniform_(p, 0.5, 1.5);
    checkModule(m, awayFrom([], shape, 5));
  });
}

test.run();
