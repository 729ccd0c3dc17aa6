// The activations of torch.nn that are not one scalar function of one element: GLU (one half
// gates the other) and softmin (softmax of −x). Both are composed from other ops, so their
// gradients come for free.
import { fail, formatShape } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { mul } from './binary.js';
import { registerOp } from './registry.js';
import { narrow } from './shape.js';
import { softmax } from './softmax.js';
import { neg, sigmoid } from './unary.js';
import { checkTensor } from './util.js';

registerOp('glu', 'composite');
registerOp('softmin', 'composite');

/** Gated linear unit (Dauphin et al., 2017): a·sigmoid(b), where a and b are the halves of x along `dim`. */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor('glu', 'x', x);
  if (x.rank === 0) fail('glu', 'x must have at least one axis, got a 0-d tensor');
  const axis = normalizeAxis('glu', dim, x.rank);
  const size = x.shape[axis];
  if (size % 2 !== 0) fail('glu', `the size of dim ${dim} must be even to halve it, got ${size} (x is ${formatShape(x.shape)})`);
  return tidy(() => mul(narrow(x, axis, 0, size / 2), sigmoid(narrow(x, axis, size / 2, size / 2))));
}

/** softmax(−x) along `axis`: the weights favour the smallest entries. */
export function softmin(x: Tensor, axis = -1): Tensor {
  checkTensor('softmin', 'x', x);
  normalizeAxis('softmin', axis, x.rank);
  return tidy(() => softmax(neg(x), axis));
}
