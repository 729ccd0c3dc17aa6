// The training objective, by name or as a function. Names cover the two kinds of DataLoader
// batch: class labels (number[]) go with cross-entropy, target tensors with mean squared error.
import { fail } from '../../core/errors.js';
import { Tensor } from '../../core/tensor.js';
import { crossEntropy, mseLoss } from '../../ops/loss.js';

export type Target = Tensor | number[];
export type LossFunction = (output: Tensor, target: Target) => Tensor;
export type LossName = 'cross_entropy' | 'mse';
export type LossSpec = LossName | LossFunction;

/** The named losses; `fn` names the caller (fit or evaluate) in errors. */
const NAMED: Record<LossName, (fn: string) => LossFunction> = {
  cross_entropy: () => (output, target) => crossEntropy(output, target),
  mse: (fn) => (output, target) => {
    // a classification loader hands out labels, and an MSE against labels is almost surely a mix-up
    if (!(target instanceof Tensor)) fail(fn, "loss 'mse' needs target tensors (a regression dataset), got class labels (number[]); use loss 'cross_entropy'");
    return mseLoss(output, target);
  },
};

export const LOSS_NAMES = Object.keys(NAMED) as LossName[];

/**
 * The loss as a function that checks its own result: whatever the user's function returns must
 * be a one-element tensor, or backward() would fail far from the cause.
 */
export function resolveLoss(fn: string, spec: LossSpec | undefined): LossFunction {
  const chosen = spec ?? 'cross_entropy';
  let loss: LossFunction;
  if (typeof chosen === 'function') loss = chosen;
  else if (typeof chosen === 'string' && Object.hasOwn(NAMED, chosen)) loss = NAMED[chosen](fn);
  else return fail(fn, `unknown loss ${JSON.stringify(chosen)}; expected one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')} or a function (output, target) => Tensor`);
  return (output, target) => {
    const value = loss(output, target);
    if (!(value instanceof Tensor) || value.size !== 1) {
      fail(fn, `the loss must return a one-element Tensor, got ${value instanceof Tensor ? value.toString() : String(value)}`);
    }
    return value;
  };
}
