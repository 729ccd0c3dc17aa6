// Conv2d, as torch.nn.Conv2d: NCHW input (or unbatched CHW), weight [out, in/groups, kH, kW],
// stride, zero padding (a number, a pair, 'valid' or 'same'), dilation, groups and bias.
// PyTorch's initialisation, as for Linear: W ~ kaiming_uniform(a = √5) and b ~ U(−1/√fanIn,
// 1/√fanIn) with fanIn = in/groups·kH·kW.
import { conv2d } from '../ops/conv.js';
import { checkOptions, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, flag, intPair, positiveInt, showPair } from './checks.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding on both sides, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  /** Split channels into groups convolved separately; must divide both channel counts. */
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = checkOptions('Conv2d', options, ['stride', 'padding', 'dilation', 'groups', 'bias']);
    this.inChannels = positiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = positiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = intPair('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = intPair('Conv2d', 'stride', stride, 1);
    this.dilation = intPair('Conv2d', 'dilation', dilation, 1);
    this.groups = positiveInt('Conv2d', 'groups', groups);
    if (inChannels % groups !== 0) fail('Conv2d', `groups (${groups}) must divide inChannels (${inChannels})`);
    if (outChannels % groups !== 0) fail('Conv2d', `groups (${groups}) must divide outChannels (${outChannels})`);
    if (padding === 'same' || padding === 'valid') {
      if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
        fail('Conv2d', `padding 'same' needs stride 1 (as in PyTorch), got stride ${JSON.stringify(stride)}`);
      }
      this.padding = padding;
    } else this.padding = intPair('Conv2d', 'padding', padding, 0);
    this.weight = fullParameter([outChannels, inChannels / groups, ...this.kernelSize]);
    this.bias = flag('Conv2d', 'bias', bias) ? fullParameter([outChannels]) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = 1 / Math.sqrt(fanIn);
      uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    checkInput(`Conv2d(${this.extraRepr()})`, x, ['N', this.inChannels, 'H', 'W'], [this.inChannels, 'H', 'W']);
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    if (x.rank === 4) return conv2d(x, this.weight, this.bias, options);
    return conv2d(x.unsqueeze(0), this.weight, this.bias, options).squeeze(0);
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${showPair(this.kernelSize)}`];
    if (this.stride.some((s) => s !== 1)) parts.push(`stride=${showPair(this.stride)}`);
    if (typeof this.padding === 'string') parts.push(`padding='${this.padding}'`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=${showPair(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${showPair(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=false');
    return parts.join(', ');
  }
}
