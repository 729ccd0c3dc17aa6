// LayerNorm, as torch.nn.LayerNorm (Ba et al., 2016): each sample is normalised over its last
// axes (normalizedShape) by its own mean and biased variance, then scaled and shifted
// elementwise. Composed of tensor ops, so the gradient comes for free.
import { checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, flag, positiveNumber } from './checks.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface LayerNormOptions {
  eps?: number;
  /** Learn a weight (ones) and a bias (zeros) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn the bias (default true). */
  bias?: boolean;
}

export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, bias = true } = checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      fail('LayerNorm', `normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedShape = [...shape];
    this.eps = positiveNumber('LayerNorm', 'eps', eps);
    const affine = flag('LayerNorm', 'elementwiseAffine', elementwiseAffine);
    this.weight = affine ? fullParameter(shape, 1) : null;
    this.bias = affine && flag('LayerNorm', 'bias', bias) ? fullParameter(shape, 0) : null;
  }

  override forward(x: Tensor): Tensor {
    checkInput(`LayerNorm(${this.extraRepr()})`, x, ['...', ...this.normalizedShape]);
    const k = this.normalizedShape.length;
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    return tidy(() => {
      const mean = x.mean(axes, { keepDim: true });
      const variance = x.var(axes, { keepDim: true, correction: 0 });
      let y = x.sub(mean).mul(variance.add(this.eps).rsqrt());
      if (this.weight) y = y.mul(this.weight); // [..., *normalizedShape] broadcasts from the right
      if (this.bias) y = y.add(this.bias);
      return y;
    });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
