// softmax and logSoftmax, composed from logsumexp: their gradients come for free and are as
// stable as logsumexp's max shift.
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { sub } from './binary.js';
import { logsumexp } from './reduce.js';
import { registerOp } from './registry.js';
import { exp } from './unary.js';
import { checkTensor } from './util.js';

registerOp('logSoftmax', 'composite');
registerOp('softmax', 'composite');

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', 'x', x);
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  return tidy(() => sub(x, logsumexp(x, a, { keepDim: true })));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', 'x', x);
  const a = normalizeAxis('softmax', axis, x.rank);
  return tidy(() => exp(logSoftmax(x, a)));
}
