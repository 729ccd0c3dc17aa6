// Loss functions with PyTorch's names, defaults and reductions ('mean' by default). This file
// holds the regression losses and gathers the others: class-index and soft-target classification
// (loss_classification.ts), binary cross-entropy (loss_binary.ts) and divergences (loss_kl.ts).
import { checkFinite, checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { div, mul, sub } from './binary.js';
import { where } from './compare.js';
import { checkPair, reduce, type Reduction } from './loss_common.js';
import { registerOp } from './registry.js';
import { abs, square } from './unary.js';

export type { Reduction, WeightLike } from './loss_common.js';
export * from './loss_classification.js';
export * from './loss_binary.js';
export * from './loss_kl.js';

for (const name of ['mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss']) registerOp(name, 'composite');

export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('mseLoss', input, target);
  checkOptions('mseLoss', options, ['reduction']);
  return tidy(() => reduce('mseLoss', square(sub(input, target)), options.reduction ?? 'mean'));
}

export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('l1Loss', input, target);
  checkOptions('l1Loss', options, ['reduction']);
  return tidy(() => reduce('l1Loss', abs(sub(input, target)), options.reduction ?? 'mean'));
}

/** 0.5·d²/beta where |d| < beta, else |d| − 0.5·beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  checkPair('smoothL1Loss', input, target);
  checkOptions('smoothL1Loss', options, ['reduction', 'beta']);
  const beta = checkFinite('smoothL1Loss', 'beta', options.beta ?? 1);
  if (beta <= 0) fail('smoothL1Loss', `beta must be positive, got ${beta}`);
  return tidy(() => {
    const d = abs(sub(input, target));
    const loss = where(d.lt(beta), div(mul(square(d), 0.5), beta), sub(d, 0.5 * beta));
    return reduce('smoothL1Loss', loss, options.reduction ?? 'mean');
  });
}

/** 0.5·d² where |d| < delta, else delta·(|d| − 0.5·delta). */
export function huberLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction; delta?: number } = {}): Tensor {
  checkPair('huberLoss', input, target);
  checkOptions('huberLoss', options, ['reduction', 'delta']);
  const delta = checkFinite('huberLoss', 'delta', options.delta ?? 1);
  if (delta <= 0) fail('huberLoss', `delta must be positive, got ${delta}`);
  return tidy(() => {
    const d = abs(sub(input, target));
    const loss = where(d.lt(delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta));
    return reduce('huberLoss', loss, options.reduction ?? 'mean');
  });
}
