// Bad input: a wrong input shape names the layer, the expected and the received shape; invalid
// hyperparameters are refused when the layer is built, naming the hyperparameter and value.
import { test } from 'uvu';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

const { nn } = tg;

test('a wrong input rank or channel count names the layer, the expected and the received shape', () => {
  const z = (...shape: number[]) => tg.zeros(shape);
  assertThrows(() => new nn.Linear(4, 3).forward(z(2, 5)), 'Linear(inFeatures=4, outFeatures=3, bias=true)', 'expected input [..., 4]', 'got [2, 5]');
  assertThrows(() => new nn.Conv2d(3, 8, 3).forward(z(2, 4, 8, 8)), 'Conv2d(3, 8, kernelSize=3)', '[N, 3, H, W] or [3, H, W]', 'got [2, 4, 8, 8]');
  assertThrows(() => new nn.Conv2d(3, 8, 3).forward(z(8, 8)), 'Conv2d', '[N, 3, H, W]', 'got [8, 8]');
  assertThrows(() => new nn.MaxPool2d(2).forward(z(4, 4)), 'MaxPool2d', '[N, C, H, W] or [C, H, W]', 'got [4, 4]');
  assertThrows(() => new nn.AvgPool2d(2).forward(z(1, 1, 1, 4, 4)), 'AvgPool2d', 'got [1, 1, 1, 4, 4]');
  assertThrows(() => new nn.AdaptiveAvgPool2d(2).forward(z(4)), 'AdaptiveAvgPool2d', 'got [4]');
  assertThrows(() => new nn.BatchNorm2d(3).forward(z(2, 3, 4)), 'BatchNorm2d', '[N, 3, H, W]', 'got [2, 3, 4]');
  assertThrows(() => new nn.BatchNorm1d(3).forward(z(2, 4)), 'BatchNorm1d', '[N, 3] or [N, 3, L]', 'got [2, 4]');
  assertThrows(() => new nn.GroupNorm(2, 4).forward(z(2, 6, 3)), 'GroupNorm', '[N, 4, ...]', 'got [2, 6, 3]');
  assertThrows(() => new nn.LayerNorm([2, 3]).forward(z(4, 3, 2)), 'LayerNorm', '[..., 2, 3]', 'got [4, 3, 2]');
  assertThrows(() => new nn.PReLU({ numParameters: 3 }).forward(z(2, 4)), 'PReLU(numParameters=3)', '[N, 3, ...]', 'got [2, 4]');
  assertThrows(() => new nn.IdentityReLUMixture({ numParameters: 3 }).forward(z(5)), 'IdentityReLUMixture', '[N, 3, ...]', 'got [5]');
  assertThrows(() => new nn.Maxout(3).forward(z(2, 7)), 'Maxout(k=3, dim=1)', 'multiple of 3', 'got [2, 7]');
  assertThrows(() => new nn.Maxout(2, { dim: 2 }).forward(z(2, 4)), 'Maxout', 'axis 2', 'got [2, 4]');
  assertThrows(() => new nn.Flatten().forward(z(3)), 'Flatten(startDim=1, endDim=-1)', 'got [3]');
  assertThrows(() => new nn.ReLU().forward([1, 2] as unknown as Tensor), 'ReLU', 'expected a Tensor');
});

test('invalid hyperparameters are refused at construction', () => {
  assertThrows(() => new nn.Linear(0, 3), 'Linear', 'inFeatures', 'positive integer', '0');
  assertThrows(() => new nn.Linear(2, 1.5), 'Linear', 'outFeatures', '1.5');
  assertThrows(() => new nn.Conv2d(4, 6, 3, { groups: 3 }), 'Conv2d', 'groups (3) must divide inChannels (4)');
  assertThrows(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), 'Conv2d', 'groups (4) must divide', '(4)');
  assertThrows(() => new nn.Conv2d(6, 4, 3, { groups: 3 }), 'Conv2d', 'groups (3) must divide outChannels (4)');
  assertThrows(() => new nn.Conv2d(1, 1, 3, { stride: 0 }), 'Conv2d', 'stride', '≥ 1', '0');
  assertThrows(() => new nn.Conv2d(1, 1, [3, 0]), 'Conv2d', 'kernelSize', '[3,0]');
  assertThrows(() => new nn.Conv2d(1, 1, 3, { padding: -1 }), 'Conv2d', 'padding', '-1');
  assertThrows(() => new nn.Conv2d(1, 1, 3, { dilation: 0 }), 'Conv2d', 'dilation');
  assertThrows(() => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), 'Conv2d', "'same'", 'stride 1');
  assertThrows(() => new nn.Conv2d(1, 1, 3, { padding: 'full' as never }), 'Conv2d', 'padding');
  assertThrows(() => new nn.MaxPool2d(2, { stride: 0 }), 'MaxPool2d', 'stride', '0');
  assertThrows(() => new nn.MaxPool2d(3, { padding: 2 }), 'MaxPool2d', 'padding 2', 'at most half');
  assertThrows(() => new nn.AvgPool2d(0), 'AvgPool2d', 'kernelSize');
  assertThrows(() => new nn.AvgPool2d(2, { padding: 2 }), 'AvgPool2d', 'padding 2');
  assertThrows(() => new nn.AdaptiveAvgPool2d(0), 'AdaptiveAvgPool2d', 'outputSize', '0');
  assertThrows(() => new nn.GroupNorm(3, 4), 'GroupNorm', 'numGroups (3) must divide numChannels (4)');
  assertThrows(() => new nn.GroupNorm(2, 4, { eps: 0 }), 'GroupNorm', 'eps', 'positive');
  assertThrows(() => new nn.BatchNorm1d(3, { momentum: 1.5 }), 'BatchNorm1d', 'momentum', '1.5');
  assertThrows(() => new nn.BatchNorm2d(0), 'BatchNorm2d', 'numFeatures');
  assertThrows(() => new nn.BatchNorm2d(2, { eps: -1 }), 'BatchNorm2d', 'eps');
  assertThrows(() => new nn.LayerNorm([]), 'LayerNorm', 'normalizedShape');
  assertThrows(() => new nn.Dropout(1), 'Dropout', 'p must be in [0, 1)', '1');
  assertThrows(() => new nn.Dropout(-0.1), 'Dropout', '-0.1');
  assertThrows(() => new nn.Dropout(NaN), 'Dropout', 'p', 'NaN');
  assertThrows(() => new nn.LeakyReLU(NaN), 'LeakyReLU', 'negativeSlope', 'NaN');
  assertThrows(() => new nn.CELU(0), 'CELU', 'alpha', '0');
  assertThrows(() => new nn.Softplus(0), 'Softplus', 'beta', 'positive');
  assertThrows(() => new nn.RReLU(0.5, 0.1), 'RReLU', 'lower (0.5) must not exceed upper (0.1)');
  assertThrows(() => new nn.PReLU({ numParameters: 0 }), 'PReLU', 'numParameters');
  assertThrows(() => new nn.IdentityReLUMixture({ init: 1 }), 'IdentityReLUMixture', 'init', '(0, 1)');
  assertThrows(() => new nn.Maxout(0), 'Maxout', 'k', '0');
  assertThrows(() => new nn.Flatten(1.5), 'Flatten', 'startDim', '1.5');
  assertThrows(() => new nn.SiLU({ learnable: 'yes' as unknown as boolean }), 'SiLU', 'learnable');
});

test('containers and parameters refuse what is not a module or a tensor', () => {
  assertThrows(() => new nn.Sequential(new nn.ReLU(), 3 as unknown as InstanceType<typeof nn.Module>), 'Sequential.append', 'module 1', 'Module');
  assertThrows(() => new nn.Parameter([1, 2] as unknown as Tensor), 'Parameter', 'expected a Tensor');
});

test.run();
