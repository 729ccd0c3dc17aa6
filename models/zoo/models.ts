// The model zoo: the networks of the papers, by name, with the activation as a parameter.
//   mlp    Flatten → [Linear → act] per hidden width → Linear. Hidden widths default to
//          [512, 256] for images (one Adam epoch of MNIST reaches ~98%) and [32, 32] for
//          tabular and toy inputs; the DEU paper's Table 2 MLP is { hidden: [1024, 512] }.
//   cnn    the DEU paper's MNIST CNN (Table 2: "32 and 16 convolutional filters followed by
//          average pooling"; kernels not given): conv5×5(→32, pad 2) → act → avgpool 2 →
//          conv5×5(32→16, pad 2) → act → avgpool 2 → flatten → linear(→classes). 21,498 weights
//          on MNIST, the paper's "21k" (its CNN-ReLU "30k" cannot be matched together with it).
//   lenet  LeNet-5 of the PAU paper (specs/pau.md §5.1): 61,706 weights, 61,746 with 4 PAUs.
//   vgg8   VGG-8 of the PAU paper, no activation between the two convs of a block: 9,224,458
//          weights, 9,224,508 with 5 PAUs.
//   resnet / node / gode   the Neural-GODE paper's models (models/gode), ReLU only.
// The PAU paper resizes MNIST to 32×32; here a smaller image is zero-padded to 32×32 by the first
// convolution's padding instead (the same as padding the input), so the counts do not change.
// Maxout doubles the width of the layer before each activation (activationWidth).
import { checkOptions, fail } from '../../core/errors.js';
import { Sequential } from '../../nn/containers.js';
import { Conv2d } from '../../nn/conv.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { AvgPool2d, MaxPool2d } from '../../nn/pooling.js';
import { NeuralGODE, NeuralODE, ResNet } from '../gode/models.js';
import { ACTIVATIONS, activationWidth, buildActivation, isActivationName, type ActivationName } from './activations.js';

export const MODELS = ['mlp', 'lenet', 'cnn', 'vgg8', 'resnet', 'node', 'gode'] as const;
export type ModelName = (typeof MODELS)[number];

/** Models whose activation is fixed by their paper (ReLU). */
export const FIXED_ACTIVATION_MODELS: readonly ModelName[] = ['resnet', 'node', 'gode'];

export interface ModelOptions {
  /** The activation between layers (default 'relu'). */
  activation?: ActivationName;
  /** One sample's shape: [C, H, W] for images, [F] for tabular data. */
  inputShape: readonly number[];
  /** Classes of a classification set: the number of outputs. */
  numClasses?: number;
  /** Outputs of a regression model (default 1), when numClasses is not given. */
  outputs?: number;
  /** mlp only: the hidden widths. */
  hidden?: readonly number[];
}

export function isModelName(name: unknown): name is ModelName {
  return typeof name === 'string' && (MODELS as readonly string[]).includes(name);
}

/** A freshly initialised model by name (parameters drawn from the global seeded generator). */
export function buildModel(name: ModelName, options: ModelOptions): Module {
  const fn = 'buildModel';
  if (options === undefined) fail(fn, 'options {inputShape, ...} are required');
  checkOptions(fn, options, ['activation', 'inputShape', 'numClasses', 'outputs', 'hidden']);
  if (!isModelName(name)) fail(fn, `unknown model ${JSON.stringify(name)}; choose one of ${MODELS.join(', ')}`);
  const activation = options.activation ?? 'relu';
  if (!isActivationName(activation)) fail(fn, `unknown activation ${JSON.stringify(activation)}; choose one of ${ACTIVATIONS.join(', ')}`);
  const shape = [...(options.inputShape ?? [])];
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) fail(fn, `inputShape must be positive integers, got ${JSON.stringify(options.inputShape)}`);
  const outputs = options.numClasses ?? options.outputs ?? 1;
  if (!Number.isInteger(outputs) || outputs < 1) fail(fn, `numClasses/outputs must be a positive integer, got ${outputs}`);
  if (name === 'mlp') return mlp(shape, outputs, activation, options.hidden);
  if (shape.length !== 3) fail(fn, `'${name}' takes images [C, H, W], got inputShape [${shape.join(', ')}]; use 'mlp' for tabular data`);
  const [c, h, w] = shape;
  switch (name) {
    case 'lenet': return lenet(c, h, w, outputs, activation);
    case 'cnn': return deuCnn(c, h, w, outputs, activation);
    case 'vgg8': return vgg8(c, h, w, outputs, activation);
    default: return odeModel(name, shape, outputs, activation);
  }
}

export class MLP extends Sequential {}
export class LeNet5 extends Sequential {}
export class DEUCNN extends Sequential {}
export class VGG8 extends Sequential {}

function act(name: ActivationName, width: number): Module {
  return buildActivation(name, { features: width });
}

function mlp(shape: number[], outputs: number, activation: ActivationName, hidden?: readonly number[]): MLP {
  const inputs = shape.reduce((a, b) => a * b, 1);
  const widths = hidden ? [...hidden] : inputs > 64 ? [512, 256] : [32, 32];
  if (widths.some((d) => !Number.isInteger(d) || d < 1)) fail('buildModel', `hidden widths must be positive integers, got ${JSON.stringify(hidden)}`);
  const k = activationWidth(activation);
  const layers: Module[] = shape.length > 1 ? [new Flatten()] : [];
  let width = inputs;
  for (const next of widths) {
    layers.push(new Linear(width, next * k), act(activation, next));
    width = next;
  }
  layers.push(new Linear(width, outputs));
  return new MLP(...layers);
}

const convOut = (size: number, kernel: number, padding: number) => size + 2 * padding - kernel + 1;

/** Extra padding that brings a side below 32 up to the PAU paper's 32. */
const padTo32 = (size: number) => (size < 32 ? Math.ceil((32 - size) / 2) : 0);

function checkSpatial(model: string, h: number, w: number): void {
  if (h < 1 || w < 1) fail('buildModel', `the input is too small for '${model}': its feature maps shrink to ${h}×${w}`);
}

function lenet(c: number, h: number, w: number, classes: number, activation: ActivationName): LeNet5 {
  const k = activationWidth(activation);
  const [ph, pw] = [padTo32(h), padTo32(w)];
  let [sh, sw] = [convOut(h, 5, ph), convOut(w, 5, pw)];
  [sh, sw] = [Math.floor(sh / 2), Math.floor(sw / 2)];
  [sh, sw] = [Math.floor(convOut(sh, 5, 0) / 2), Math.floor(convOut(sw, 5, 0) / 2)];
  [sh, sw] = [convOut(sh, 5, 0), convOut(sw, 5, 0)];
  checkSpatial('lenet', sh, sw);
  return new LeNet5(
    new Conv2d(c, 6 * k, 5, { padding: [ph, pw] }), act(activation, 6), new MaxPool2d(2),
    new Conv2d(6, 16 * k, 5), act(activation, 16), new MaxPool2d(2),
    new Conv2d(16, 120 * k, 5), act(activation, 120), new Flatten(),
    new Linear(120 * sh * sw, 84 * k), act(activation, 84),
    new Linear(84, classes),
  );
}

function deuCnn(c: number, h: number, w: number, classes: number, activation: ActivationName): DEUCNN {
  const k = activationWidth(activation);
  const [sh, sw] = [Math.floor(Math.floor(h / 2) / 2), Math.floor(Math.floor(w / 2) / 2)];
  checkSpatial('cnn', sh, sw);
  return new DEUCNN(
    new Conv2d(c, 32 * k, 5, { padding: 2 }), act(activation, 32), new AvgPool2d(2),
    new Conv2d(32, 16 * k, 5, { padding: 2 }), act(activation, 16), new AvgPool2d(2),
    new Flatten(), new Linear(16 * sh * sw, classes),
  );
}

/** VGG-8's blocks: the convolutions' output channels, conv(s) → act → maxpool 2 each. */
const VGG8_BLOCKS = [[64], [128], [256, 256], [512, 512], [512, 512]];

function vgg8(c: number, h: number, w: number, classes: number, activation: ActivationName): VGG8 {
  const k = activationWidth(activation);
  const layers: Module[] = [];
  let [sh, sw] = [h + 2 * padTo32(h), w + 2 * padTo32(w)];
  let channels = c;
  VGG8_BLOCKS.forEach((block, b) => {
    block.forEach((out, i) => {
      const last = i === block.length - 1;
      const padding = b === 0 && i === 0 ? [1 + padTo32(h), 1 + padTo32(w)] as [number, number] : 1;
      layers.push(new Conv2d(channels, last ? out * k : out, 3, { padding }));
      channels = out;
    });
    layers.push(act(activation, channels), new MaxPool2d(2));
    [sh, sw] = [Math.floor(sh / 2), Math.floor(sw / 2)];
  });
  checkSpatial('vgg8', sh, sw);
  layers.push(new Flatten(), new Linear(channels * sh * sw, classes));
  return new VGG8(...layers);
}

function odeModel(name: ModelName, shape: number[], classes: number, activation: ActivationName): Module {
  if (activation !== 'relu') fail('buildModel', `'${name}' uses the Neural-GODE paper's ReLU; --act ${activation} applies to ${MODELS.filter((m) => !FIXED_ACTIVATION_MODELS.includes(m)).join(', ')}`);
  const key = shape.join('x');
  const dataset = key === '1x28x28' ? 'mnist' : key === '3x32x32' ? 'cifar10' : null;
  if (dataset === null) fail('buildModel', `'${name}' takes MNIST-shaped [1, 28, 28] or CIFAR-shaped [3, 32, 32] images, got [${shape.join(', ')}]`);
  if (classes !== 10) fail('buildModel', `'${name}' has 10 classes (the paper's head), got ${classes}`);
  if (name === 'resnet') return new ResNet({ dataset });
  if (name === 'node') return new NeuralODE({ dataset });
  return new NeuralGODE({ dataset });
}
