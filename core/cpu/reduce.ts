// Reductions. The reduced axes of every output element are visited through one precomputed
// table of offsets, so any set of axes costs the same code path. Accumulation is in float64
// (JavaScript numbers) whatever the storage dtype.
import type { ReduceOp, View } from '../backend.js';
import { reducedShape, type Shape, sizeOf, stridesOf } from '../shape.js';
import { wasmRowReduce, wasmSumOuterInner } from '../wasm/elementwise.js';
import type { TypedArray } from '../dtype.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { float32Kernels } from './wasm_switch.js';

/** Offsets (in x) of every element of one reduction group, and the base offset of each group. */
export function reductionLayout(shape: Shape, axes: readonly number[]): { groupOffsets: Int32Array; baseOffsets: Int32Array } {
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const offsetsOver = (axisList: number[]): Int32Array => {
    const count = sizeOf(axisList.map((a) => shape[a]));
    const out = new Int32Array(count);
    const index = new Array<number>(axisList.length).fill(0);
    for (let i = 0; i < count; i++) {
      let offset = 0;
      for (let k = 0; k < axisList.length; k++) offset += index[k] * strides[axisList[k]];
      out[i] = offset;
      for (let k = axisList.length - 1; k >= 0; k--) {
        if (++index[k] < shape[axisList[k]]) break;
        index[k] = 0;
      }
    }
    return out;
  };
  return { groupOffsets: offsetsOver([...axes]), baseOffsets: offsetsOver(keptAxes) };
}

export function reduce(alloc: CpuAllocator, op: ReduceOp, x: View, axes: readonly number[]): CpuStorage {
  const a = arrayOf(x.storage);
  const outSize = sizeOf(reducedShape(x.shape, axes));
  const out = alloc.alloc(x.dtype, outSize, false); // every group's value is written below
  const o = out.array;
  if (trailingReduction(op, x, axes, a, o, outSize) || sumAroundBlock(op, x, axes, a, o)) return out;
  if (outSize === 1 && op === 'sum') {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    o[0] = s;
    return out;
  }
  const { groupOffsets, baseOffsets } = reductionLayout(x.shape, axes);
  const n = groupOffsets.length;
  for (let g = 0; g < outSize; g++) {
    const base = baseOffsets[g];
    o[g] = reduceGroup(op, a, base, groupOffsets, n);
  }
  return out;
}

function reduceGroup(op: ReduceOp, a: ArrayLike<number>, base: number, offsets: Int32Array, n: number): number {
  switch (op) {
    case 'sum': {
      let s = 0;
      for (let r = 0; r < n; r++) s += a[base + offsets[r]];
      return s;
    }
    case 'prod': {
      let p = 1;
      for (let r = 0; r < n; r++) p *= a[base + offsets[r]];
      return p;
    }
    case 'max':
    case 'argmax':
    case 'min':
    case 'argmin': {
      const isMax = op === 'max' || op === 'argmax';
      let best = isMax ? -Infinity : Infinity;
      let at = 0;
      for (let r = 0; r < n; r++) {
        const v = a[base + offsets[r]];
        if (v !== v) {
          best = v; // NaN propagates, as in PyTorch
          at = r;
          break;
        }
        if (isMax ? v > best : v < best) {
          best = v;
          at = r;
        }
      }
      if (n === 0) return op === 'max' || op === 'min' ? best : 0;
      return op === 'max' || op === 'min' ? best : at;
    }
  }
}

/** For each element, the product of the other elements of its group (prefix × suffix products). */
export function prodOthers(alloc: CpuAllocator, x: View, axes: readonly number[]): CpuStorage {
  const a = arrayOf(x.storage);
  const out = alloc.alloc(x.dtype, a.length);
  const o = out.array;
  const { groupOffsets, baseOffsets } = reductionLayout(x.shape, axes);
  const n = groupOffsets.length;
  const prefix = new Float64Array(n + 1);
  for (let g = 0; g < baseOffsets.length; g++) {
    const base = baseOffsets[g];
    prefix[0] = 1;
    for (let r = 0; r < n; r++) prefix[r + 1] = prefix[r] * a[base + groupOffsets[r]];
    let suffix = 1;
    for (let r = n - 1; r >= 0; r--) {
      o[base + groupOffsets[r]] = prefix[r] * suffix;
      suffix *= a[base + groupOffsets[r]];
    }
  }
  return out;
}

/**
 * sum/max/min over trailing axes (every group contiguous: softmax's last axis, a full reduction)
 * on the WebAssembly kernels, for float32 arrays in the WebAssembly memory. False: not done here.
 */
/**
 * A sum over every axis but one contiguous block of kept axes after the first (a bias gradient:
 * [N, C, H, W] over (0, 2, 3), [N, F] over 0) in WebAssembly, x viewed as [A, C, B].
 */
function sumAroundBlock(op: ReduceOp, x: View, axes: readonly number[], a: TypedArray, o: TypedArray): boolean {
  if (op !== 'sum' || axes.length === 0 || axes[0] !== 0) return false;
  const rank = x.shape.length, kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  if (kept.length === 0 || kept[kept.length - 1] - kept[0] !== kept.length - 1) return false;
  const A = sizeOf(x.shape.slice(0, kept[0])), C = sizeOf(kept.map((i) => x.shape[i])), B = sizeOf(x.shape.slice(kept[kept.length - 1] + 1, rank));
  if (A * B === 0) return false;
  const rt = float32Kernels(a, o);
  return rt !== null && wasmSumOuterInner(rt, a as Float32Array, o as Float32Array, A, C, B);
}

function trailingReduction(op: ReduceOp, x: View, axes: readonly number[], a: TypedArray, o: TypedArray, groups: number): boolean {
  if (op !== 'sum' && op !== 'max' && op !== 'min') return false;
  if (!axes.every((axis, i) => axis === x.shape.length - axes.length + i)) return false;
  const cols = sizeOf(axes.map((axis) => x.shape[axis]));
  if (cols === 0) return false;
  const rt = float32Kernels(a, o);
  return rt !== null && wasmRowReduce(rt, op, a as Float32Array, o as Float32Array, groups, cols);
}
