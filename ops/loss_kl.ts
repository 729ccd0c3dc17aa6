// Kullback–Leibler divergence, as torch.nn.functional.kl_div: the input is log-probabilities
// (log q), the target probabilities p (or log p with logTarget), and the loss is
// p·(log p − log q) elementwise, with 0·log 0 = 0.
import { checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { div, mul, sub } from './binary.js';
import { eq, where } from './compare.js';
import { checkPair, checkReduction, reduce } from './loss_common.js';
import { sum } from './reduce.js';
import { registerOp } from './registry.js';
import { exp, log } from './unary.js';

registerOp('klDiv', 'composite');

export interface KlDivOptions {
  /**
   * 'mean' (PyTorch's default) averages over every element, which is not the KL divergence;
   * 'batchmean' divides the sum by the batch size, which is.
   */
  reduction?: 'none' | 'mean' | 'batchmean' | 'sum';
  /** The target is given as log-probabilities (default false). */
  logTarget?: boolean;
}

export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  checkPair('klDiv', input, target);
  checkOptions('klDiv', options, ['reduction', 'logTarget']);
  const reduction = options.reduction ?? 'mean';
  checkReduction('klDiv', reduction, ['none', 'mean', 'batchmean', 'sum']);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') fail('klDiv', `logTarget must be true or false, got ${String(logTarget)}`);
  return tidy(() => {
    let loss: Tensor;
    if (logTarget) loss = mul(exp(target), sub(target, input));
    else {
      // xlogy(p, p) − p·log q: log reads 1 where p = 0, so that 0·log 0 is 0 (and its gradient finite);
      // a negative p still gives NaN, as in PyTorch
      const xlogx = mul(target, log(where(eq(target, 0), 1, target)));
      loss = sub(xlogx, mul(target, input));
    }
    if (reduction === 'batchmean') return input.rank === 0 ? sum(loss) : div(sum(loss), input.shape[0]);
    return reduce('klDiv', loss, reduction);
  });
}
