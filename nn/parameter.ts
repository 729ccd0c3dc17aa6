// Parameter: a tensor that is part of a module's learned state, as torch.nn.Parameter.
//
// It is a subclass of Tensor (so it goes wherever a tensor goes) made from another tensor's
// storage without copying: a fresh leaf, cut off from whatever graph produced the values, that
// requires grad. Being a distinct class is what lets a Module find its parameters by looking
// at its own properties (nn/module.ts).
//
// Parameters are long-lived state, like tf.Variable in TensorFlow.js: `tidy` never frees them
// (the constructor calls `keep`), so a model built inside a tidy survives it. Module.dispose()
// frees them.
import { full } from '../core/creation.js';
import { fail, formatShape } from '../core/errors.js';
import { keep } from '../core/scope.js';
import { Tensor } from '../core/tensor.js';

function checked(data: unknown): Tensor {
  if (!(data instanceof Tensor)) fail('Parameter', `expected a Tensor, got ${data === null ? 'null' : typeof data}`);
  return data;
}

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const t = checked(data);
    super(t.storage, t.shape, t.dtype, t.backend);
    this.requiresGrad = requiresGrad;
    keep(this);
  }

  override toString(): string {
    return `Parameter(${formatShape(this.shape)}, ${this.dtype}${this.requiresGrad ? '' : ', frozen'})`;
  }
}

export function isParameter(value: unknown): value is Parameter {
  return value instanceof Parameter;
}

/** A new parameter filled with `value` (float32, active backend): what layers initialise. */
export function fullParameter(shape: readonly number[], value = 0): Parameter {
  const values = full(shape, value);
  const p = new Parameter(values);
  values.dispose(); // the parameter holds the storage
  return p;
}
