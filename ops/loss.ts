// Loss functions with PyTorch's names, defaults and reductions ('mean' by default).
import { checkFinite, fail, formatShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../core/creation.js';
import { mul, sub, div, add } from './binary.js';
import { ne, where } from './compare.js';
import { gatherTrusted } from './indexing.js';
import { mean, sum } from './reduce.js';
import { registerOp } from './registry.js';
import { squeeze, unsqueeze } from './shape.js';
import { logSoftmax } from './softmax.js';
import { abs, softplus, square } from './unary.js';
import { checkCompatible, checkTensor } from './util.js';

export type Reduction = 'none' | 'mean' | 'sum';

for (const name of ['mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss', 'crossEntropy', 'nllLoss', 'bceWithLogits']) registerOp(name, 'composite');

function reduce(fn: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  fail(fn, `reduction must be 'none', 'mean' or 'sum', got ${String(reduction)}`);
}

function checkPair(fn: string, input: Tensor, target: Tensor): void {
  checkTensor(fn, 'input', input);
  checkTensor(fn, 'target', target);
  checkCompatible(fn, [input, target]);
  if (!shapesEqual(input.shape, target.shape)) fail(fn, `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape`);
}

export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('mseLoss', input, target);
  return tidy(() => reduce('mseLoss', square(sub(input, target)), options.reduction ?? 'mean'));
}

export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('l1Loss', input, target);
  return tidy(() => reduce('l1Loss', abs(sub(input, target)), options.reduction ?? 'mean'));
}

/** 0.5·d²/beta where |d| < beta, else |d| − 0.5·beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  checkPair('smoothL1Loss', input, target);
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
  const delta = checkFinite('huberLoss', 'delta', options.delta ?? 1);
  if (delta <= 0) fail('huberLoss', `delta must be positive, got ${delta}`);
  return tidy(() => {
    const d = abs(sub(input, target));
    const loss = where(d.lt(delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta));
    return reduce('huberLoss', loss, options.reduction ?? 'mean');
  });
}

export interface ClassificationOptions {
  reduction?: Reduction;
  /** Targets equal to this contribute nothing, and are left out of the mean (default -100). */
  ignoreIndex?: number;
}

/** Class-index targets: a tensor or number array of integers, shape [N] or [N, d1, ...]. */
function classTargets(fn: string, input: Tensor, target: Tensor | readonly number[], ignoreIndex: number): { index: Tensor; valid: Tensor } {
  const t = Array.isArray(target)
    ? tensor(target as number[], { dtype: input.dtype, backend: input.backend.name })
    : (checkTensor(fn, 'target', target), (target as Tensor).dtype === input.dtype ? (target as Tensor) : (target as Tensor).to(input.dtype));
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (input.rank < 2) fail(fn, `input must be [N, C] or [N, C, d1, ...], got ${formatShape(input.shape)}`);
  if (!shapesEqual(t.shape, expected)) fail(fn, `target must be ${formatShape(expected)} for input ${formatShape(input.shape)}, got ${formatShape(t.shape)}`);
  const classes = input.shape[1];
  // a number array is checked where it is, without a round trip through the device
  const values = Array.isArray(target) ? ((target as unknown[]).flat(Infinity) as number[]) : t.data();
  for (const v of values) {
    if (v !== ignoreIndex && (!Number.isInteger(v) || v < 0 || v >= classes)) {
      fail(fn, `target ${v} is not a class index in [0, ${classes}) (nor ignoreIndex ${ignoreIndex})`);
    }
  }
  const valid = ne(t, ignoreIndex);
  const index = where(valid, t, 0); // ignored positions read class 0 and are masked out
  return { index, valid };
}

function reduceMasked(fn: string, loss: Tensor, valid: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return div(sum(loss), sum(valid));
  return reduce(fn, loss, reduction);
}

/** Negative log-likelihood of log-probabilities [N, C, ...] at class-index targets. */
export function nllLoss(input: Tensor, target: Tensor | readonly number[], options: ClassificationOptions = {}): Tensor {
  checkTensor('nllLoss', 'input', input);
  const ignoreIndex = options.ignoreIndex ?? -100;
  return tidy(() => {
    const { index, valid } = classTargets('nllLoss', input, target, ignoreIndex);
    const picked = squeeze(gatherTrusted(input, 1, unsqueeze(index, 1)), 1);
    const loss = mul(picked, mul(valid, -1));
    return reduceMasked('nllLoss', loss, valid, options.reduction ?? 'mean');
  });
}

/**
 * Softmax cross-entropy from logits [N, C, ...] and class-index targets, as
 * torch.nn.functional.cross_entropy: with labelSmoothing ε the target distribution is
 * (1 − ε)·onehot + ε/C.
 */
export function crossEntropy(input: Tensor, target: Tensor | readonly number[], options: ClassificationOptions & { labelSmoothing?: number } = {}): Tensor {
  checkTensor('crossEntropy', 'input', input);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const eps = checkFinite('crossEntropy', 'labelSmoothing', options.labelSmoothing ?? 0);
  if (eps < 0 || eps > 1) fail('crossEntropy', `labelSmoothing must be in [0, 1], got ${eps}`);
  return tidy(() => {
    const { index, valid } = classTargets('crossEntropy', input, target, ignoreIndex);
    const logp = logSoftmax(input, 1);
    const nll = mul(squeeze(gatherTrusted(logp, 1, unsqueeze(index, 1)), 1), -1);
    let loss = nll;
    if (eps > 0) {
      const smooth = mul(sum(logp, 1), -1 / input.shape[1]);
      loss = add(mul(nll, 1 - eps), mul(smooth, eps));
    }
    return reduceMasked('crossEntropy', mul(loss, valid), valid, options.reduction ?? 'mean');
  });
}

/** Binary cross-entropy on logits: softplus(x) − x·y, stable for any x. */
export function bceWithLogits(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkPair('bceWithLogits', input, target);
  return tidy(() => reduce('bceWithLogits', sub(softplus(input), mul(input, target)), options.reduction ?? 'mean'));
}
