// Elementwise kernel: maps a scalar function over inputs broadcast to the output shape.
// The innermost axis runs as a tight loop with per-input strides; outer axes advance an odometer.
import type { ElementwiseFn, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, shapesEqual, sizeOf } from '../shape.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';

export function elementwise(alloc: CpuAllocator, f: ElementwiseFn, inputs: readonly View[], outShape: Shape, dtype: DType, params: readonly number[]): CpuStorage {
  const size = sizeOf(outShape);
  const out = alloc.alloc(dtype, size);
  const o = out.array;
  const fn = f.fn;
  const [p0, p1, p2] = params;
  const arrays = inputs.map((v) => arrayOf(v.storage));
  if (inputs.every((v) => shapesEqual(v.shape, outShape))) {
    sameShape(fn, arrays, o, p0, p1, p2);
    return out;
  }
  broadcasting(fn, inputs, arrays, o, outShape, p0, p1, p2);
  return out;
}

function sameShape(fn: (...a: number[]) => number, arrays: TypedArray[], o: TypedArray, p0: number, p1: number, p2: number): void {
  const n = o.length;
  if (arrays.length === 1) {
    const a = arrays[0];
    for (let i = 0; i < n; i++) o[i] = fn(a[i], p0, p1, p2);
  } else if (arrays.length === 2) {
    const [a, b] = arrays;
    for (let i = 0; i < n; i++) o[i] = fn(a[i], b[i], p0, p1, p2);
  } else if (arrays.length === 3) {
    const [a, b, c] = arrays;
    for (let i = 0; i < n; i++) o[i] = fn(a[i], b[i], c[i], p0, p1, p2);
  } else {
    const args = new Array<number>(arrays.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < arrays.length; k++) args[k] = arrays[k][i];
      o[i] = fn(...args, p0, p1, p2);
    }
  }
}

function broadcasting(fn: (...a: number[]) => number, inputs: readonly View[], arrays: TypedArray[], o: TypedArray, outShape: Shape, p0: number, p1: number, p2: number): void {
  const rank = outShape.length;
  const n = o.length;
  if (n === 0) return;
  const strides = inputs.map((v) => broadcastStrides(v.shape, outShape));
  const inner = rank === 0 ? 1 : outShape[rank - 1];
  const innerStride = strides.map((s) => (rank === 0 ? 0 : s[rank - 1]));
  const index = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(inputs.length).fill(0);
  const args = new Array<number>(inputs.length);
  for (let start = 0; start < n; start += inner) {
    if (arrays.length === 1) {
      const a = arrays[0], sa = innerStride[0];
      let ia = offsets[0];
      for (let j = 0; j < inner; j++, ia += sa) o[start + j] = fn(a[ia], p0, p1, p2);
    } else if (arrays.length === 2) {
      const [a, b] = arrays, sa = innerStride[0], sb = innerStride[1];
      let ia = offsets[0], ib = offsets[1];
      for (let j = 0; j < inner; j++, ia += sa, ib += sb) o[start + j] = fn(a[ia], b[ib], p0, p1, p2);
    } else {
      for (let j = 0; j < inner; j++) {
        for (let k = 0; k < arrays.length; k++) args[k] = arrays[k][offsets[k] + j * innerStride[k]];
        o[start + j] = fn(...args, p0, p1, p2);
      }
    }
    // advance the odometer over the outer axes
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += strides[k][axis];
      if (index[axis] < outShape[axis]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= strides[k][axis] * outShape[axis];
      index[axis] = 0;
    }
  }
}
