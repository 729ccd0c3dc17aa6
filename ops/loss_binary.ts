// Binary cross-entropy, as torch.nn.functional.binary_cross_entropy (on probabilities) and
// binary_cross_entropy_with_logits (on logits, with weight and pos_weight).
import { checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { isGradEnabled, noGrad, record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { add, div, mul, sub } from './binary.js';
import { checkBroadcastsTo, checkPair, reduce, type Reduction, weightTensor, type WeightLike } from './loss_common.js';
import { sum } from './reduce.js';
import { registerOp } from './registry.js';
import { clamp, log, logsigmoid } from './unary.js';
import { mapKernel } from './util.js';

registerOp('bceWithLogits', 'composite');
// one elementwise op with its own backward: PyTorch's clamped logs and its gradient's 1e-12 floor;
// under createGraph the same formulas from recorded ops (clamp, log, div), so twice differentiable
registerOp('binaryCrossEntropy', 'primitive', true);

// −(y·log x + (1 − y)·log(1 − x)), each log clamped at −100 as PyTorch does, so that x = 0 or 1
// gives a finite loss (100 per element) and 0·log 0 is 0
const BCE = { name: 'bce', fn: (x: number, y: number) => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100)) };
// PyTorch's binary_cross_entropy_backward: (x − y)/max(x(1 − x), 1e-12)
const BCE_GRAD_INPUT = { name: 'bceGradInput', fn: (g: number, x: number, y: number) => (g * (x - y)) / Math.max((1 - x) * x, 1e-12) };
const BCE_GRAD_TARGET = { name: 'bceGradTarget', fn: (g: number, x: number) => g * (Math.max(Math.log(1 - x), -100) - Math.max(Math.log(x), -100)) };
const OUTSIDE_UNIT = { name: 'outsideUnit', fn: (x: number) => (x >= 0 && x <= 1 ? 0 : 1) };

export interface BinaryCrossEntropyOptions {
  reduction?: Reduction;
  /** Rescales each element's loss; must broadcast to the input's shape. */
  weight?: WeightLike;
}

export interface BceWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, per class (broadcast against the target, e.g. [C]): > 1 raises recall. */
  posWeight?: WeightLike;
}

/**
 * Binary cross-entropy on probabilities x ∈ [0, 1] (e.g. sigmoid outputs). As PyTorch, every
 * input must lie in [0, 1] (NaN does not): checking costs one reduction and one read-back.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  checkPair('binaryCrossEntropy', input, target);
  checkOptions('binaryCrossEntropy', options, ['reduction', 'weight']);
  const outside = noGrad(() => tidy(() => (input.size === 0 ? 0 : sum(mapKernel(OUTSIDE_UNIT, [input], input.shape)).item())));
  if (outside > 0) fail('binaryCrossEntropy', `every input must be a probability in [0, 1]; ${outside} of ${input.size} are not (for logits use bceWithLogits)`);
  const weight = weightTensor('binaryCrossEntropy', 'weight', options.weight, input);
  if (weight) checkBroadcastsTo('binaryCrossEntropy', 'weight', weight, input.shape);
  return tidy(() => {
    const elementLoss = record('binaryCrossEntropy', [input, target], mapKernel(BCE, [input, target], input.shape), (g, needs) => {
      if (isGradEnabled()) return bceGradRecorded(g, input, target, needs);
      return [
        needs[0] ? mapKernel(BCE_GRAD_INPUT, [g, input, target], input.shape) : null,
        needs[1] ? mapKernel(BCE_GRAD_TARGET, [g, input], input.shape) : null,
      ];
    }, [input, target]);
    return reduce('binaryCrossEntropy', weight ? mul(elementLoss, weight) : elementLoss, options.reduction ?? 'mean');
  });
}

/** BCE_GRAD_INPUT and BCE_GRAD_TARGET written with recorded ops (createGraph). */
function bceGradRecorded(g: Tensor, x: Tensor, y: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const oneMinusX = sub(1, x);
  return [
    needs[0] ? div(mul(g, sub(x, y)), clamp(mul(oneMinusX, x), 1e-12)) : null,
    needs[1] ? mul(g, sub(clamp(log(oneMinusX), -100), clamp(log(x), -100))) : null,
  ];
}

/**
 * Binary cross-entropy on logits: (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), times the weight,
 * with p the posWeight (1 if absent). softplus(−x) is −logsigmoid(x), exact for every x.
 */
export function bceWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  checkPair('bceWithLogits', input, target);
  checkOptions('bceWithLogits', options, ['reduction', 'weight', 'posWeight']);
  const weight = weightTensor('bceWithLogits', 'weight', options.weight, input);
  if (weight) checkBroadcastsTo('bceWithLogits', 'weight', weight, input.shape);
  const posWeight = weightTensor('bceWithLogits', 'posWeight', options.posWeight, input);
  if (posWeight) checkBroadcastsTo('bceWithLogits', 'posWeight', posWeight, target.shape);
  return tidy(() => {
    const softplusNeg = logsigmoid(input); // −softplus(−x)
    const logWeight = posWeight ? add(mul(sub(posWeight, 1), target), 1) : null;
    let loss = sub(sub(input, mul(input, target)), logWeight ? mul(logWeight, softplusNeg) : softplusNeg);
    if (weight) loss = mul(loss, weight);
    return reduce('bceWithLogits', loss, options.reduction ?? 'mean');
  });
}
