// Shared argument handling for ops: scalars become tensors, inputs must agree on backend and
// dtype, and gradients of broadcast inputs are summed back to the input's shape.
import { fail, formatShape } from '../core/errors.js';
import { getBackend } from '../core/backend.js';
import { fromHost, fromStorage, Tensor } from '../core/tensor.js';
import { allocArray, type DType } from '../core/dtype.js';
import { type Shape, shapesEqual } from '../core/shape.js';
import type { ElementwiseFn } from '../core/backend.js';
import { record } from '../core/tape.js';

export type TensorLike = Tensor | number;

export function checkTensor(fn: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) fail(fn, `${name} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** A number becomes a 0-d tensor of `like`'s dtype on `like`'s backend. */
export function asTensor(fn: string, value: TensorLike, like?: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') fail(fn, `expected a Tensor or a number, got ${value === null ? 'null' : typeof value}`);
  const dtype: DType = like?.dtype ?? 'float32';
  const array = allocArray(dtype, 1);
  array[0] = value;
  return fromHost(array, [], like?.backend ?? getBackend());
}

/** Inputs of one op must share a backend and a dtype: mixing needs an explicit .to(dtype). */
export function checkCompatible(fn: string, tensors: readonly Tensor[]): void {
  const [first] = tensors;
  for (const t of tensors) {
    if (t.backend !== first.backend) fail(fn, `tensors live on different backends ('${first.backend.name}' and '${t.backend.name}')`);
    if (t.dtype !== first.dtype) {
      fail(fn, `dtypes differ (${first.dtype} ${formatShape(first.shape)} and ${t.dtype} ${formatShape(t.shape)}); cast one with .to('${first.dtype}') first`);
    }
  }
}

/** Runs an elementwise kernel and wraps its result. */
export function mapKernel(fn: ElementwiseFn, inputs: readonly Tensor[], outShape: Shape, params: readonly number[] = [], dtype?: DType): Tensor {
  const [first] = inputs;
  const d = dtype ?? first.dtype;
  const storage = first.backend.kernels.elementwise(fn, inputs.map((t) => t.kernelView()), outShape, d, params);
  return fromStorage(storage, outShape, d, first.backend);
}

/** A differentiable reshape that shares storage (no copy). Used by ops that need a view. */
export function reshapeView(x: Tensor, shape: Shape): Tensor {
  return fromStorage(x.storage, shape, x.dtype, x.backend);
}

/**
 * Sums a broadcast gradient back to `shape` (the adjoint of broadcasting). Used in backward rules:
 * it records itself (a no-op under noGrad), so a createGraph backward can differentiate it.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const offset = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < offset || (shape[i - offset] === 1 && d !== 1)) axes.push(i);
  });
  const storage = g.backend.kernels.reduce('sum', g.kernelView(), axes);
  return record('sumTo', [g], fromStorage(storage, shape, g.dtype, g.backend), (u) => [broadcastRecorded(u, g.shape)]);
}

/** broadcastTo on the tape (the adjoint of sumTo), for backward rules. */
export function broadcastRecorded(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return record('broadcastTo', [x], mapKernel(IDENTITY, [x], shape), (u) => [sumTo(u, x.shape)]);
}

export const IDENTITY: ElementwiseFn = { name: 'identity', fn: (x: number) => x };

/** Materialises x broadcast to `shape` (not recorded). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return shapesEqual(x.shape, shape) ? x : mapKernel(IDENTITY, [x], shape);
}
