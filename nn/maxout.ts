// Maxout (Goodfellow et al., 2013): the maximum over groups of k consecutive features (axis 1
// of [N, F]) or channels (axis 1 of [N, C, H, W]); F must be divisible by k and the output has
// F/k there. A maxout unit of the paper is a Linear (or Conv2d) layer with k times the outputs
// followed by this module. Ties share the gradient evenly (the max reduction's rule).
import { checkInteger, checkOptions, fail, formatShape } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, positiveInt } from './checks.js';
import { Module } from './module.js';

export interface MaxoutOptions {
  /** The axis holding the features or channels (default 1). */
  dim?: number;
}

export class Maxout extends Module {
  readonly k: number;
  readonly dim: number;

  constructor(k: number, options: MaxoutOptions = {}) {
    super();
    const { dim = 1 } = checkOptions('Maxout', options, ['dim']);
    this.k = positiveInt('Maxout', 'k', k);
    this.dim = checkInteger('Maxout', 'dim', dim);
  }

  override forward(x: Tensor): Tensor {
    const layer = `Maxout(${this.extraRepr()})`;
    checkInput(layer, x, ['...']);
    const axis = this.dim < 0 ? this.dim + x.rank : this.dim;
    if (axis < 0 || axis >= x.rank) fail(layer, `expected input with an axis ${this.dim}, got ${formatShape(x.shape)}`);
    const features = x.shape[axis];
    if (features % this.k !== 0) fail(layer, `expected a multiple of ${this.k} features on axis ${this.dim}, got ${formatShape(x.shape)}`);
    // [..., F, ...] → [..., F/k, k, ...], then the max over the new k axis
    const grouped = [...x.shape.slice(0, axis), features / this.k, this.k, ...x.shape.slice(axis + 1)];
    return tidy(() => x.reshape(grouped).max(axis + 1));
  }

  override extraRepr(): string {
    return `k=${this.k}, dim=${this.dim}`;
  }
}
