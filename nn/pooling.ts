// Pooling layers, as torch.nn.MaxPool2d, AvgPool2d and AdaptiveAvgPool2d, over the last two
// axes of [N, C, H, W] or [C, H, W]. The hyperparameters are checked here, at construction; the
// fused ops (ops/pool.ts) do the work.
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';
import { checkOptions, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, checkPoolPadding, flag, intPair, showPair } from './checks.js';
import { Module } from './module.js';

type Pair = number | readonly [number, number];
const POOL_INPUT = [['N', 'C', 'H', 'W'], ['C', 'H', 'W']] as const;

export interface MaxPool2dOptions {
  /** Defaults to kernelSize (non-overlapping windows). */
  stride?: Pair;
  /** Implicit −∞ padding on both sides, at most half the dilated kernel. */
  padding?: Pair;
  dilation?: Pair;
  /** Round the output size up, so a partial window at the end still counts. */
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    const { stride, padding = 0, dilation = 1, ceilMode = false } = checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = intPair('MaxPool2d', 'kernelSize', kernelSize, 1);
    this.stride = intPair('MaxPool2d', 'stride', stride ?? kernelSize, 1);
    this.padding = intPair('MaxPool2d', 'padding', padding, 0);
    this.dilation = intPair('MaxPool2d', 'dilation', dilation, 1);
    this.ceilMode = flag('MaxPool2d', 'ceilMode', ceilMode);
    checkPoolPadding('MaxPool2d', this.padding, this.kernelSize, this.dilation);
  }

  override forward(x: Tensor): Tensor {
    checkInput(`MaxPool2d(${this.extraRepr()})`, x, ...POOL_INPUT);
    return maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${showPair(this.kernelSize)}, stride=${showPair(this.stride)}, padding=${showPair(this.padding)}, dilation=${showPair(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

export interface AvgPool2dOptions {
  stride?: Pair;
  /** Implicit zero padding on both sides, at most half the kernel. */
  padding?: Pair;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super();
    const { stride, padding = 0, ceilMode = false, countIncludePad = true } = checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.kernelSize = intPair('AvgPool2d', 'kernelSize', kernelSize, 1);
    this.stride = intPair('AvgPool2d', 'stride', stride ?? kernelSize, 1);
    this.padding = intPair('AvgPool2d', 'padding', padding, 0);
    this.ceilMode = flag('AvgPool2d', 'ceilMode', ceilMode);
    this.countIncludePad = flag('AvgPool2d', 'countIncludePad', countIncludePad);
    checkPoolPadding('AvgPool2d', this.padding, this.kernelSize);
  }

  override forward(x: Tensor): Tensor {
    checkInput(`AvgPool2d(${this.extraRepr()})`, x, ...POOL_INPUT);
    return avgPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernelSize=${showPair(this.kernelSize)}, stride=${showPair(this.stride)}, padding=${showPair(this.padding)}`;
  }
}

/** An output size per axis; null keeps the input's size on that axis (PyTorch's None). */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** Averages over adaptive windows so that the output is exactly outputSize, whatever the input. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: readonly [number | null, number | null];

  constructor(outputSize: AdaptiveSize) {
    super();
    const size = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
      fail('AdaptiveAvgPool2d', `outputSize must be a positive integer or a pair of them (null keeps the input size), got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = [size[0], size[1]];
  }

  override forward(x: Tensor): Tensor {
    checkInput(`AdaptiveAvgPool2d(${this.extraRepr()})`, x, ...POOL_INPUT);
    const [H, W] = x.shape.slice(-2);
    return adaptiveAvgPool2d(x, [this.outputSize[0] ?? H, this.outputSize[1] ?? W]);
  }

  override extraRepr(): string {
    return `outputSize=[${this.outputSize.map((s) => (s === null ? 'null' : s)).join(', ')}]`;
  }
}
