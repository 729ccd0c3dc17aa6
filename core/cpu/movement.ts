// Kernels that move data without arithmetic: permute, slice (and its adjoint), pad (and its
// adjoint), flip, concat. Each walks the output with an odometer and computes the source offset.
import type { PadMode, Pads, View } from '../backend.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';

/** Calls visit(outIndex, index) for every position of shape in row-major order. */
function forEachIndex(shape: Shape, visit: (flat: number, index: number[]) => void): void {
  const n = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(flat, index);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
}

export function permute(alloc: CpuAllocator, x: View, axes: readonly number[]): CpuStorage {
  const a = arrayOf(x.storage);
  const inStrides = stridesOf(x.shape);
  const outShape = axes.map((ax) => x.shape[ax]);
  const strides = axes.map((ax) => inStrides[ax]);
  const out = alloc.alloc(x.dtype, a.length);
  const o = out.array;
  const rank = outShape.length;
  if (rank === 2) {
    // the common transpose, blocked for cache friendliness
    const [rows, cols] = outShape;
    const [s0, s1] = strides;
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B) {
      for (let j0 = 0; j0 < cols; j0 += B) {
        const iEnd = Math.min(i0 + B, rows), jEnd = Math.min(j0 + B, cols);
        for (let i = i0; i < iEnd; i++) for (let j = j0; j < jEnd; j++) o[i * cols + j] = a[i * s0 + j * s1];
      }
    }
    return out;
  }
  forEachIndex(outShape, (flat, index) => {
    let src = 0;
    for (let k = 0; k < rank; k++) src += index[k] * strides[k];
    o[flat] = a[src];
  });
  return out;
}

function sliceOffset(index: number[], starts: readonly number[], steps: readonly number[], strides: number[]): number {
  let src = 0;
  for (let k = 0; k < index.length; k++) src += (starts[k] + index[k] * steps[k]) * strides[k];
  return src;
}

export function slice(alloc: CpuAllocator, x: View, starts: readonly number[], steps: readonly number[], outShape: Shape): CpuStorage {
  const a = arrayOf(x.storage);
  const strides = stridesOf(x.shape);
  const out = alloc.alloc(x.dtype, sizeOf(outShape));
  const o = out.array;
  forEachIndex(outShape, (flat, index) => {
    o[flat] = a[sliceOffset(index, starts, steps, strides)];
  });
  return out;
}

export function sliceGrad(alloc: CpuAllocator, g: View, inShape: Shape, starts: readonly number[], steps: readonly number[]): CpuStorage {
  const ga = arrayOf(g.storage);
  const strides = stridesOf(inShape);
  const out = alloc.alloc(g.dtype, sizeOf(inShape));
  const o = out.array;
  forEachIndex(g.shape, (flat, index) => {
    o[sliceOffset(index, starts, steps, strides)] += ga[flat];
  });
  return out;
}

/** Where output coordinate `i` of a padded axis reads from, or -1 for the constant. */
export function padSource(i: number, before: number, size: number, mode: PadMode): number {
  let j = i - before;
  if (j >= 0 && j < size) return j;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return j < 0 ? 0 : size - 1;
  // reflect (without repeating the edge), as torch.nn.functional.pad; pads < size are validated by the op
  if (j < 0) j = -j;
  if (j >= size) j = 2 * (size - 1) - j;
  return j;
}

export function pad(alloc: CpuAllocator, x: View, pads: Pads, mode: PadMode, value: number): CpuStorage {
  const a = arrayOf(x.storage);
  const strides = stridesOf(x.shape);
  const outShape = x.shape.map((d, k) => d + pads[k][0] + pads[k][1]);
  const out = alloc.alloc(x.dtype, sizeOf(outShape));
  const o = out.array;
  forEachIndex(outShape, (flat, index) => {
    let src = 0;
    for (let k = 0; k < index.length; k++) {
      const j = padSource(index[k], pads[k][0], x.shape[k], mode);
      if (j < 0) {
        src = -1;
        break;
      }
      src += j * strides[k];
    }
    o[flat] = src < 0 ? value : a[src];
  });
  return out;
}

export function padGrad(alloc: CpuAllocator, g: View, inShape: Shape, pads: Pads, mode: PadMode): CpuStorage {
  const ga = arrayOf(g.storage);
  const strides = stridesOf(inShape);
  const out = alloc.alloc(g.dtype, sizeOf(inShape));
  const o = out.array;
  forEachIndex(g.shape, (flat, index) => {
    let dst = 0;
    for (let k = 0; k < index.length; k++) {
      const j = padSource(index[k], pads[k][0], inShape[k], mode);
      if (j < 0) return;
      dst += j * strides[k];
    }
    o[dst] += ga[flat];
  });
  return out;
}

export function flip(alloc: CpuAllocator, x: View, axes: readonly number[]): CpuStorage {
  const a = arrayOf(x.storage);
  const strides = stridesOf(x.shape);
  const out = alloc.alloc(x.dtype, a.length);
  const o = out.array;
  forEachIndex(x.shape, (flat, index) => {
    let src = 0;
    for (let k = 0; k < index.length; k++) src += (axes.includes(k) ? x.shape[k] - 1 - index[k] : index[k]) * strides[k];
    o[flat] = a[src];
  });
  return out;
}

export function concat(alloc: CpuAllocator, inputs: readonly View[], axis: number, outShape: Shape): CpuStorage {
  const out = alloc.alloc(inputs[0].dtype, sizeOf(outShape));
  const o = out.array;
  // Each input is a run of `outer` blocks of (its axis size × inner) contiguous values.
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const outBlock = outShape[axis] * inner;
  let offset = 0;
  for (const v of inputs) {
    const a = arrayOf(v.storage);
    const block = v.shape[axis] * inner;
    for (let b = 0; b < outer; b++) o.set(a.subarray(b * block, (b + 1) * block), b * outBlock + offset);
    offset += block;
  }
  return out;
}
