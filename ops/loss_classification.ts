// Classification losses on scores [N, C, d1, ...] (or one unbatched sample [C]), as
// torch.nn.functional.nll_loss and cross_entropy: class-index targets [N, d1, ...] with an
// optional weight per class and ignoreIndex, or, for cross_entropy, class probabilities of the
// input's own shape (soft targets). With weights, the mean divides by the total weight of the
// targets counted, not by their number (PyTorch's weighted mean).
import { checkFinite, checkOptions, fail, formatShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { tensor } from '../core/creation.js';
import { type NestedArray, Tensor } from '../core/tensor.js';
import { add, div, mul } from './binary.js';
import { ne, where } from './compare.js';
import { gatherTrusted } from './indexing.js';
import { checkReduction, type Reduction, weightTensor, type WeightLike } from './loss_common.js';
import { sum } from './reduce.js';
import { registerOp } from './registry.js';
import { expand, reshape, squeeze, unsqueeze } from './shape.js';
import { logSoftmax } from './softmax.js';
import { neg } from './unary.js';
import { checkCompatible, checkTensor } from './util.js';

registerOp('nllLoss', 'composite');
registerOp('crossEntropy', 'composite');

export interface ClassificationOptions {
  reduction?: Reduction;
  /** Targets equal to this contribute nothing, and are left out of the mean (default -100). */
  ignoreIndex?: number;
  /** A weight per class, shape [C]: each target's term is scaled by its class's weight. */
  weight?: WeightLike;
}

export interface CrossEntropyOptions extends ClassificationOptions {
  /** ε: the target distribution becomes (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/** Class indices ([N, d1, ...] or one index for an unbatched input), or class probabilities. */
export type ClassTarget = Tensor | NestedArray | readonly number[];

interface Prepared {
  input: Tensor;
  target: Tensor;
  /** The target's values when it came as numbers (checked without a read-back), else null. */
  numbers: number[] | null;
  /** The input was one sample [C]: computed as [1, C], the unreduced loss returned as a scalar. */
  unbatched: boolean;
}

function prepare(fn: string, input: Tensor, target: ClassTarget): Prepared {
  checkTensor(fn, 'input', input);
  if (input.rank === 0) fail(fn, 'input must be [C], [N, C] or [N, C, d1, ...], got a 0-d tensor');
  let t: Tensor;
  let numbers: number[] | null = null;
  if (target instanceof Tensor) {
    checkCompatible(fn, [input, target.dtype === input.dtype ? target : target.to(input.dtype)]);
    t = target.dtype === input.dtype ? target : target.to(input.dtype);
  } else if (typeof target === 'number' || Array.isArray(target)) {
    numbers = typeof target === 'number' ? [target] : ((target as unknown[]).flat(Infinity) as number[]);
    if (!numbers.every((v) => typeof v === 'number')) fail(fn, 'target must be a Tensor, a number or a (nested) array of numbers');
    t = tensor(target as NestedArray, { dtype: input.dtype, backend: input.backend.name });
  } else {
    return fail(fn, `target must be a Tensor or numbers, got ${target === null ? 'null' : typeof target}`);
  }
  if (input.rank > 1) return { input, target: t, numbers, unbatched: false };
  // one sample: its probabilities have its shape [C]; its class index is one number
  // (PyTorch: an unbatched input takes a 0-d class index; a [1] target is a size mismatch)
  const soft = shapesEqual(t.shape, input.shape);
  if (!soft && t.rank !== 0) {
    const probabilities = fn === 'crossEntropy' ? ` or class probabilities of shape ${formatShape(input.shape)}` : '';
    fail(fn, `an unbatched input ${formatShape(input.shape)} takes one class index (a number or a 0-d tensor)${probabilities}, got a target of shape ${formatShape(t.shape)}`);
  }
  return { input: unsqueeze(input, 0), target: soft ? unsqueeze(t, 0) : reshape(t, [1]), numbers, unbatched: true };
}

/** Checks class indices and returns them with ignored positions read as class 0, and the mask of counted ones. */
function classIndices(fn: string, p: Prepared, ignoreIndex: number): { index: Tensor; valid: Tensor } {
  const expected = [p.input.shape[0], ...p.input.shape.slice(2)];
  if (!shapesEqual(p.target.shape, expected)) {
    const soft = fn === 'crossEntropy' ? `, or class probabilities of the input's shape ${formatShape(p.input.shape)}` : '';
    fail(fn, `target must be class indices ${formatShape(expected)} for input ${formatShape(p.input.shape)}${soft}, got ${formatShape(p.target.shape)}`);
  }
  const classes = p.input.shape[1];
  for (const v of p.numbers ?? p.target.data()) {
    if (v !== ignoreIndex && (!Number.isInteger(v) || v < 0 || v >= classes)) {
      fail(fn, `target ${v} is not a class index in [0, ${classes}) (nor ignoreIndex ${ignoreIndex})`);
    }
  }
  const valid = ne(p.target, ignoreIndex);
  return { index: where(valid, p.target, 0), valid };
}

/** The class weights, shaped [1, C, 1, ...] to broadcast over the input. */
function classWeights(fn: string, weight: WeightLike | undefined, input: Tensor): Tensor | null {
  const w = weightTensor(fn, 'weight', weight, input);
  if (w === null) return null;
  const classes = input.shape[1];
  if (w.rank !== 1 || w.shape[0] !== classes) fail(fn, `weight must have one entry per class, shape [${classes}], got ${formatShape(w.shape)}`);
  return reshape(w, [1, classes, ...input.shape.slice(2).map(() => 1)]);
}

/** The weight of each target's class, [N, d1, ...]. */
const targetWeights = (weights: Tensor, input: Tensor, index: Tensor) => squeeze(gatherTrusted(expand(weights, input.shape), 1, unsqueeze(index, 1)), 1);

/** Sum, or weighted mean (Σ loss / Σ weight of the counted targets), or the unreduced loss. */
function finish(fn: string, loss: Tensor, denominator: () => Tensor | number, reduction: Reduction, unbatched: boolean): Tensor {
  checkReduction(fn, reduction);
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'mean') return div(sum(loss), denominator());
  return unbatched ? reshape(loss, []) : loss;
}

/** Negative log-likelihood of log-probabilities [N, C, ...] at class-index targets. */
export function nllLoss(input: Tensor, target: ClassTarget, options: ClassificationOptions = {}): Tensor {
  checkOptions('nllLoss', options, ['reduction', 'ignoreIndex', 'weight']);
  const ignoreIndex = checkFinite('nllLoss', 'ignoreIndex', options.ignoreIndex ?? -100);
  return tidy(() => {
    const p = prepare('nllLoss', input, target);
    const { index, valid } = classIndices('nllLoss', p, ignoreIndex);
    const weights = classWeights('nllLoss', options.weight, p.input);
    const counted = weights ? mul(targetWeights(weights, p.input, index), valid) : valid;
    const picked = squeeze(gatherTrusted(p.input, 1, unsqueeze(index, 1)), 1);
    return finish('nllLoss', mul(picked, neg(counted)), () => sum(counted), options.reduction ?? 'mean', p.unbatched);
  });
}

/**
 * Softmax cross-entropy from logits, as torch.nn.functional.cross_entropy. Class-index targets:
 * −w_y·log p_y, smoothed by ε towards −(1/C)·Σ_c w_c·log p_c, the mean divided by Σ w_y.
 * Probability targets (the input's shape): −Σ_c w_c·q_c·log p_c with q smoothed the same way,
 * the mean taken over the N·d1·... samples, as PyTorch does.
 */
export function crossEntropy(input: Tensor, target: ClassTarget, options: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', options, ['reduction', 'ignoreIndex', 'labelSmoothing', 'weight']);
  const eps = checkFinite('crossEntropy', 'labelSmoothing', options.labelSmoothing ?? 0);
  if (eps < 0 || eps > 1) fail('crossEntropy', `labelSmoothing must be in [0, 1], got ${eps}`);
  const ignoreIndex = checkFinite('crossEntropy', 'ignoreIndex', options.ignoreIndex ?? -100);
  const reduction = options.reduction ?? 'mean';
  return tidy(() => {
    const p = prepare('crossEntropy', input, target);
    const classes = p.input.shape[1];
    const weights = classWeights('crossEntropy', options.weight, p.input);
    const logp = logSoftmax(p.input, 1);
    if (shapesEqual(p.target.shape, p.input.shape)) {
      if (options.ignoreIndex !== undefined && ignoreIndex >= 0) fail('crossEntropy', `ignoreIndex (${ignoreIndex}) is not supported with class-probability targets`);
      const q = eps > 0 ? add(mul(p.target, 1 - eps), eps / classes) : p.target;
      const terms = weights ? mul(mul(logp, q), weights) : mul(logp, q);
      return finish('crossEntropy', neg(sum(terms, 1)), () => p.input.size / classes, reduction, p.unbatched);
    }
    const { index, valid } = classIndices('crossEntropy', p, ignoreIndex);
    const nll = neg(squeeze(gatherTrusted(logp, 1, unsqueeze(index, 1)), 1));
    const targetWeight = weights ? targetWeights(weights, p.input, index) : null;
    let loss = targetWeight ? mul(nll, targetWeight) : nll;
    if (eps > 0) {
      const smooth = neg(sum(weights ? mul(logp, weights) : logp, 1));
      loss = add(mul(loss, 1 - eps), mul(smooth, eps / classes));
    }
    const counted = targetWeight ? mul(targetWeight, valid) : valid;
    return finish('crossEntropy', mul(loss, valid), () => sum(counted), reduction, p.unbatched);
  });
}
