// softmax and logSoftmax, composed from max-shifted exp, sum and log: their gradients come for
// free, and the shift keeps exp from overflowing.
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { sub } from './binary.js';
import { maxShift, sum } from './reduce.js';
import { registerOp } from './registry.js';
import { exp, log } from './unary.js';
import { checkTensor } from './util.js';

registerOp('logSoftmax', 'composite');
registerOp('softmax', 'composite');

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', 'x', x);
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  // (x − m) − log Σ exp(x − m) rather than x − logsumexp(x): logsumexp is rounded at the scale of
  // x, which in float32 costs ~1e-3 relative error at |x| ≈ 1e4.
  return tidy(() => {
    const shifted = sub(x, maxShift(x, [a]));
    return sub(shifted, log(sum(exp(shifted), a, { keepDim: true })));
  });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', 'x', x);
  const a = normalizeAxis('softmax', axis, x.rank);
  return tidy(() => exp(logSoftmax(x, a)));
}
