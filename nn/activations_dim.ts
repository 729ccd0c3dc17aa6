// torch.nn's activations that work along one axis, as modules: GLU, Softmax, LogSoftmax, Softmin
// and Softmax2d. `dim` is checked to be an integer when the module is built and against the
// input's rank at each call (by the op).
import { fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { glu, softmin } from '../ops/activation.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { checkInput } from './checks.js';
import { Module } from './module.js';

/** A module over one axis `dim`, checked against the input's rank at each call. */
abstract class AlongDim extends Module {
  readonly dim: number;

  constructor(layer: string, dim: number) {
    super();
    if (typeof dim !== 'number' || !Number.isInteger(dim)) fail(layer, `dim must be an integer, got ${String(dim)}`);
    this.dim = dim;
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Gated linear unit: a·sigmoid(b) for the halves a, b of x along dim (default −1). */
export class GLU extends AlongDim {
  constructor(dim = -1) {
    super('GLU', dim);
  }

  override forward(x: Tensor): Tensor {
    return glu(checkInput('GLU', x, ['...']), this.dim);
  }
}

/** softmax along dim. PyTorch's dim has no usable default; ours is the last axis. */
export class Softmax extends AlongDim {
  constructor(dim = -1) {
    super('Softmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return softmax(checkInput('Softmax', x, ['...']), this.dim);
  }
}

export class LogSoftmax extends AlongDim {
  constructor(dim = -1) {
    super('LogSoftmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(checkInput('LogSoftmax', x, ['...']), this.dim);
  }
}

/** softmax(−x) along dim. */
export class Softmin extends AlongDim {
  constructor(dim = -1) {
    super('Softmin', dim);
  }

  override forward(x: Tensor): Tensor {
    return softmin(checkInput('Softmin', x, ['...']), this.dim);
  }
}

/** softmax over the channels of [N, C, H, W] or [C, H, W] images. */
export class Softmax2d extends Module {
  override forward(x: Tensor): Tensor {
    return softmax(checkInput('Softmax2d', x, ['N', 'C', 'H', 'W'], ['C', 'H', 'W']), -3);
  }
}
