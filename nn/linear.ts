// Linear, as torch.nn.Linear: y = x·Wᵀ + b with W [outFeatures, inFeatures], over the last axis
// of x. PyTorch's initialisation: W ~ kaiming_uniform(a = √5), which works out to
// U(−1/√inFeatures, 1/√inFeatures), and b ~ U(−1/√inFeatures, 1/√inFeatures).
import { checkOptions } from '../core/errors.js';
import { checkElementCount } from '../core/shape.js';
import { linear } from '../ops/matmul.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, flag, positiveInt } from './checks.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const { bias = true } = checkOptions('Linear', options, ['bias']);
    this.inFeatures = positiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', outFeatures);
    checkElementCount('Linear', inFeatures * outFeatures, `the weight [outFeatures, inFeatures] = [${outFeatures}, ${inFeatures}]`);
    this.weight = fullParameter([outFeatures, inFeatures]);
    this.bias = flag('Linear', 'bias', bias) ? fullParameter([outFeatures]) : null;
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
    checkInput(`Linear(${this.extraRepr()})`, x, ['...', this.inFeatures]);
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
