// Dropout, as torch.nn.Dropout (Srivastava et al., 2014), in its "inverted" form: in training
// each element is zeroed with probability p and the survivors are scaled by 1/(1 − p), so the
// expected output equals the input and evaluation needs no rescaling: it is the identity.
// The mask comes from the seeded generator (tg.manualSeed).
import { randLike } from '../core/creation.js';
import { checkFinite, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput } from './checks.js';
import { Module } from './module.js';

export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (checkFinite('Dropout', 'p', p) < 0 || p >= 1) fail('Dropout', `p must be in [0, 1), got ${p}`);
    this.p = p;
  }

  override forward(x: Tensor): Tensor {
    checkInput('Dropout', x, ['...']);
    if (!this.training || this.p === 0) return x;
    return tidy(() => {
      const keep = randLike(x).ge(this.p); // 1 with probability 1 − p
      return x.mul(keep.mul(1 / (1 - this.p)));
    });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
