// A learned mixture of the identity and ReLU (Manessi & Rozza, 2018, "Learning combinations of
// activation functions"): y = p·x + (1 − p)·relu(x), with p = sigmoid(w) for a learned weight
// w (shared, or one per channel on axis 1, as PReLU).
//
// Why a sigmoid rather than a raw weight clamped into [0, 1]: p stays a convex weight for every
// w, and its gradient never vanishes the way a clamp's does once w leaves [0, 1]; the sigmoid is
// the two-way softmax the paper uses for convex combinations. Since p·x + (1 − p)·relu(x) =
// relu(x) + p·min(x, 0), the module is a PReLU whose slope is kept inside (0, 1).
import { checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { sub } from '../ops/binary.js';
import { relu } from '../ops/unary.js';
import { checkInput, positiveInt } from './checks.js';
import { alongChannels } from './channels.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface IdentityReLUMixtureOptions {
  /** 1 (a shared weight, default) or the number of channels. */
  numParameters?: number;
  /** The initial identity share p, in (0, 1) (default 0.5, i.e. w = 0). */
  init?: number;
}

export class IdentityReLUMixture extends Module {
  /** The logit of the identity's share p. */
  weight: Parameter;

  constructor(options: IdentityReLUMixtureOptions = {}) {
    super();
    const { numParameters = 1, init = 0.5 } = checkOptions('IdentityReLUMixture', options, ['numParameters', 'init']);
    positiveInt('IdentityReLUMixture', 'numParameters', numParameters);
    if (typeof init !== 'number' || !(init > 0 && init < 1)) fail('IdentityReLUMixture', `init (the identity's share) must be in (0, 1), got ${String(init)}`);
    this.weight = fullParameter([numParameters], Math.log(init / (1 - init)));
  }

  override forward(x: Tensor): Tensor {
    const layer = `IdentityReLUMixture(${this.extraRepr()})`;
    checkInput(layer, x, ['...']);
    return tidy(() => {
      const p = alongChannels(layer, this.weight, x).sigmoid();
      return p.mul(x).add(sub(1, p).mul(relu(x)));
    });
  }

  override extraRepr(): string {
    return `numParameters=${this.weight.shape[0]}`;
  }
}
