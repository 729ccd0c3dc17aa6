// RReLU, as torch.nn.RReLU (Xu et al., 2015): a leaky ReLU whose negative slope is random in
// training, a ~ U(lower, upper) drawn per element from the seeded generator, and fixed to the
// mean slope (lower + upper)/2 in evaluation. At x = 0 the gradient is the slope, as PyTorch's.
import { randLike } from '../core/creation.js';
import { checkFinite, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { where } from '../ops/compare.js';
import { leakyRelu } from '../ops/unary.js';
import { checkInput } from './checks.js';
import { Module } from './module.js';

export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;

  constructor(lower = 1 / 8, upper = 1 / 3) {
    super();
    this.lower = checkFinite('RReLU', 'lower', lower);
    this.upper = checkFinite('RReLU', 'upper', upper);
    if (lower > upper) fail('RReLU', `lower (${lower}) must not exceed upper (${upper})`);
  }

  override forward(x: Tensor): Tensor {
    checkInput('RReLU', x, ['...']);
    if (!this.training) return leakyRelu(x, (this.lower + this.upper) / 2);
    return tidy(() => {
      const slope = randLike(x).mul(this.upper - this.lower).add(this.lower);
      return where(x.gt(0), x, x.mul(slope));
    });
  }

  override extraRepr(): string {
    return `lower=${this.lower}, upper=${this.upper}`;
  }
}
