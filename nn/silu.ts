// SiLU, as torch.nn.SiLU (Elfwing et al., 2018), also known as Swish (Ramachandran et al.,
// 2017): x·sigmoid(βx). β is 1 by default (PyTorch's SiLU), a constant, or learned: with
// {learnable: true} it is a Parameter named 'beta' of shape [1], starting at `beta`.
import { checkFinite, checkOptions } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { silu } from '../ops/unary.js';
import { checkInput, flag } from './checks.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface SiLUOptions {
  /** The (initial) β (default 1). */
  beta?: number;
  /** Learn β (default false). */
  learnable?: boolean;
}

export class SiLU extends Module {
  /** The learned β; null when β is the constant `fixedBeta`. */
  beta: Parameter | null;
  readonly fixedBeta: number;

  constructor(options: SiLUOptions = {}) {
    super();
    const { beta = 1, learnable = false } = checkOptions('SiLU', options, ['beta', 'learnable']);
    this.fixedBeta = checkFinite('SiLU', 'beta', beta);
    this.beta = flag('SiLU', 'learnable', learnable) ? fullParameter([1], beta) : null;
  }

  override forward(x: Tensor): Tensor {
    checkInput('SiLU', x, ['...']);
    if (this.beta === null && this.fixedBeta === 1) return silu(x); // the fused op
    const beta = this.beta ?? this.fixedBeta;
    return tidy(() => x.mul(x.mul(beta).sigmoid()));
  }

  override extraRepr(): string {
    return this.beta ? 'beta=learnable' : this.fixedBeta === 1 ? '' : `beta=${this.fixedBeta}`;
  }
}

/** Swish is SiLU (x·sigmoid(βx)); the name the Swish paper and the activation papers use. */
export class Swish extends SiLU {}
