// SplineConv2d — the Neural-GODE paper's "convt" layer: a 3×3 convolution whose kernel varies
// with time as a B-spline curve through m coefficient kernels,
//   W(t) = Σ_i B_{i,k}(t)·C[..., i],   C of shape [out, in, 3, 3, m] (basis index last),
// stride 1, padding 1, no bias. W is linear in C, so dL/dC_i = Σ_t B_i(t)·dL/dW(t) comes from the
// tape for free (a matmul of C viewed as [out·in·9, m] with the basis vector).
// Initialisation as the reference: kaiming_uniform(a = √3) over fan_in = in·9·m, i.e.
// C ~ U(±√(1.5/(9·in·m))) (spec gode.md §1.4).
import { tensor } from '../../core/creation.js';
import type { Tensor } from '../../core/tensor.js';
import { conv2d } from '../../ops/conv.js';
import { matmul } from '../../ops/matmul.js';
import { Module } from '../../nn/module.js';
import { fullParameter, type Parameter } from '../../nn/parameter.js';
import { kaimingUniform_ } from '../../nn/init.js';
import { BSplineBasis, type BSplineOptions } from '../bspline.js';

export interface SplineConv2dOptions extends BSplineOptions {
  /** Spline degree k (1 in the paper's runs). */
  degree?: number;
  /** Number of basis functions m (4 on MNIST, 8 on CIFAR). */
  count?: number;
}

export class SplineConv2d extends Module {
  coefficients: Parameter;
  readonly basis: BSplineBasis;

  constructor(readonly inChannels: number, readonly outChannels: number, options: SplineConv2dOptions = {}) {
    super();
    const { degree = 1, count = 4 } = options;
    this.basis = new BSplineBasis(degree, count, options);
    this.coefficients = fullParameter([outChannels, inChannels, 3, 3, count]);
    kaimingUniform_(this.coefficients, { a: Math.sqrt(3) });
  }

  /** The kernel W(t), [out, in, 3, 3]. */
  weightAt(t: number): Tensor {
    const m = this.basis.count;
    const b = tensor(this.basis.evaluate(t), { dtype: this.coefficients.dtype, backend: this.coefficients.backend.name, shape: [m, 1] });
    return matmul(this.coefficients.reshape([-1, m]), b).reshape([this.outChannels, this.inChannels, 3, 3]);
  }

  forward(t: number, x: Tensor): Tensor {
    return conv2d(x, this.weightAt(t), null, { padding: 1 });
  }
}
