// Shapes, strides and NumPy broadcasting. All tensors are stored contiguous, row-major.
import { describe, fail, formatShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The most elements one tensor may have: 2^31 − 1, because kernels keep element offsets in
 * Int32Arrays (and V8's typed arrays stop at 2^32 elements anyway). Checked before allocating,
 * so that zeros([1e9, 1e9]) names the function and the shape instead of failing inside V8 with
 * "Invalid typed array length".
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Throws unless `count` elements fit in one tensor; `what` says where the count came from. */
export function checkElementCount(fn: string, count: number, what: string): void {
  if (count > MAX_TENSOR_ELEMENTS) {
    fail(fn, `${what} gives ${count} elements, more than the ${MAX_TENSOR_ELEMENTS} (2^31 − 1) one tensor can hold`);
  }
}

/** A shape argument: an array of non-negative integers whose product fits in one tensor. */
export function checkShape(fn: string, shape: unknown, name = 'shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(fn, `${name} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  checkElementCount(fn, sizeOf(shape), `${name} ${formatShape(shape)}`);
  return [...shape];
}


/** NumPy broadcasting: align from the right; each pair of sizes must match or one must be 1. */
export function broadcastShapes(fn: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const o = rank - shape.length + i;
      const d = shape[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else fail(fn, `shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together`);
    }
  }
  return out;
}

/** Strides for reading `shape` as if it had `outShape` (broadcast axes get stride 0). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, o) => {
    const i = o - offset;
    return i < 0 || shape[i] === 1 ? 0 : own[i];
  });
}

/** Accepts negative axes the Python way (-1 is the last axis). */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  // a string "1" is refused rather than converted: it must not read as "axis 1 is out of range"
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    fail(fn, `axis must be an integer in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}], got ${describe(axis)}`);
  }
  if (axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    fail(fn, `axis ${axis} is out of range for a tensor of rank ${rank} (expected an integer in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}])`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** `undefined` means every axis. Duplicates are an error, as in PyTorch. */
export function normalizeAxes(fn: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes)) fail(fn, `axes must be an integer axis or an array of them, got ${describe(axes)}`);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(fn, a, rank));
  if (new Set(out).size !== out.length) fail(fn, `axes ${JSON.stringify(list)} repeat an axis`);
  // a 0-d tensor accepts axis 0 or -1, as in PyTorch, naming the tensor itself: nothing to reduce
  if (rank === 0) return [];
  return out.sort((a, b) => a - b);
}

/** The shape after reducing `axes` with keepDim (reduced axes become 1). */
export function reducedShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
