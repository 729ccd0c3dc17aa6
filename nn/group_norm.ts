// GroupNorm, as torch.nn.GroupNorm (Wu & He, 2018): each sample's channels are split into
// numGroups groups, each normalised by its own mean and (biased) variance over its channels
// and spatial positions, then scaled and shifted per channel. It does not depend on the batch,
// so training and evaluation agree. A constant group gives exactly the bias (never NaN).
import { groupNorm } from '../ops/norm.js';
import { checkOptions, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, flag, positiveInt, positiveNumber } from './checks.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface GroupNormOptions {
  eps?: number;
  /** Learn a per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    const { eps = 1e-5, affine = true } = checkOptions('GroupNorm', options, ['eps', 'affine']);
    this.numGroups = positiveInt('GroupNorm', 'numGroups', numGroups);
    this.numChannels = positiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) fail('GroupNorm', `numGroups (${numGroups}) must divide numChannels (${numChannels})`);
    this.eps = positiveNumber('GroupNorm', 'eps', eps);
    const learn = flag('GroupNorm', 'affine', affine);
    this.weight = learn ? fullParameter([numChannels], 1) : null;
    this.bias = learn ? fullParameter([numChannels], 0) : null;
  }

  override forward(x: Tensor): Tensor {
    checkInput(`GroupNorm(${this.extraRepr()})`, x, ['N', this.numChannels, '...']);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}
