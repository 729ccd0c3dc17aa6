// PReLU, as torch.nn.PReLU (He et al., 2015): x for x > 0, a·x otherwise, with the slope a
// learned: one shared slope (numParameters = 1) or one per channel (numParameters = C, the
// size of axis 1 of the input), initialised to 0.25. Built from `where`, so at x = 0 the
// gradient is a's side, as in PyTorch.
import { where } from '../ops/compare.js';
import type { Tensor } from '../core/tensor.js';
import { checkFinite, checkOptions } from '../core/errors.js';
import { checkInput, positiveInt } from './checks.js';
import { alongChannels } from './channels.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface PReLUOptions {
  /** 1 (a shared slope, default) or the number of channels. */
  numParameters?: number;
  /** The initial slope (default 0.25). */
  init?: number;
}

export class PReLU extends Module {
  weight: Parameter;

  constructor(options: PReLUOptions = {}) {
    super();
    const { numParameters = 1, init = 0.25 } = checkOptions('PReLU', options, ['numParameters', 'init']);
    positiveInt('PReLU', 'numParameters', numParameters);
    this.weight = fullParameter([numParameters], checkFinite('PReLU', 'init', init));
  }

  override forward(x: Tensor): Tensor {
    checkInput(`PReLU(${this.extraRepr()})`, x, ['...']);
    const slope = alongChannels(`PReLU(${this.extraRepr()})`, this.weight, x);
    return where(x.gt(0), x, x.mul(slope));
  }

  override extraRepr(): string {
    return `numParameters=${this.weight.shape[0]}`;
  }
}
