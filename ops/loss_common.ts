// What every loss shares: PyTorch's reductions, input/target checks, and optional weight tensors
// (given as a Tensor, a number or a number array) brought to the input's dtype and backend.
import { fail, formatShape } from '../core/errors.js';
import { broadcastShapes, shapesEqual } from '../core/shape.js';
import { tensor } from '../core/creation.js';
import { Tensor } from '../core/tensor.js';
import { mean, sum } from './reduce.js';
import { checkCompatible, checkTensor } from './util.js';

export type Reduction = 'none' | 'mean' | 'sum';

export function checkReduction(fn: string, reduction: unknown, allowed: readonly string[] = ['none', 'mean', 'sum']): void {
  if (!allowed.includes(reduction as string)) fail(fn, `reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}, got ${String(reduction)}`);
}

export function reduce(fn: string, loss: Tensor, reduction: Reduction): Tensor {
  checkReduction(fn, reduction);
  if (reduction === 'none') return loss;
  return reduction === 'mean' ? mean(loss) : sum(loss);
}

/** input and target: tensors of one backend, dtype and shape. */
export function checkPair(fn: string, input: Tensor, target: Tensor): void {
  checkTensor(fn, 'input', input);
  checkTensor(fn, 'target', target);
  checkCompatible(fn, [input, target]);
  if (!shapesEqual(input.shape, target.shape)) fail(fn, `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape`);
}

export type WeightLike = Tensor | number | readonly number[];

/**
 * An optional weight as a tensor on input's backend and dtype: numbers and arrays are converted,
 * a Tensor must already match (a silent cast would hide a float32/float64 mix-up).
 */
export function weightTensor(fn: string, name: string, value: WeightLike | undefined, like: Tensor): Tensor | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Tensor) {
    checkCompatible(fn, [like, value]);
    return value;
  }
  const numbers = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(numbers) || !numbers.every((v) => typeof v === 'number' && !Number.isNaN(v))) {
    fail(fn, `${name} must be a Tensor, a number or an array of numbers, got ${typeof value === 'object' ? 'an object' : String(value)}`);
  }
  return tensor(typeof value === 'number' ? value : (value as number[]), { dtype: like.dtype, backend: like.backend.name });
}

/** A weight that must broadcast to `shape` without growing it (PyTorch's weight and pos_weight). */
export function checkBroadcastsTo(fn: string, name: string, weight: Tensor, shape: readonly number[]): void {
  let out: number[] | null = null;
  try {
    out = broadcastShapes(fn, weight.shape, shape);
  } catch {
    out = null;
  }
  if (out === null || !shapesEqual(out, shape)) fail(fn, `${name} ${formatShape(weight.shape)} must broadcast to the input's shape ${formatShape(shape)}`);
}
