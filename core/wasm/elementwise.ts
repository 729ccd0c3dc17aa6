// The float32 elementwise maps and reductions on the WebAssembly kernels
// (core/wasm/assembly/elementwise.ts). An op opts in by naming its native kernel in its
// ElementwiseFn (`native: 'add'`): the backend still receives the scalar function, which stays
// the reference (tests/wasm/elementwise.test.ts) and the float64 path. These kernels read and
// write tensors in place, so they run only when every array lives in the WebAssembly memory
// (float32 CPU tensors do when the memory is shared, core/wasm/heap.ts); otherwise the
// JavaScript kernel runs, which is as fast as copying would be for a memory-bound map.
import type { NativeElementwise } from '../backend.js';
import { residentPointers } from './heap.js';
import { countRun, type WasmRuntime } from './runtime.js';

const BINARY: Partial<Record<NativeElementwise, number>> = { add: 0, sub: 1, mul: 2, div: 3, reluGrad: 6 };
const UNARY: Partial<Record<NativeElementwise, number>> = { exp: 0, relu: 1, neg: 2, abs: 3, sqrt: 4 };

/**
 * A rows × cols block runner for the native kernel of `op` over these arrays (out first), or null
 * when the op has none for this arity. Arguments: output offset, each input's offset and row
 * stride (in elements); inner strides (0 or 1) are fixed per call.
 */
export function nativeRows(
  rt: WasmRuntime, op: NativeElementwise, pointers: readonly number[], inner: readonly number[], rowStrides: readonly number[],
): ((at: number, offsets: readonly number[], rows: number, cols: number) => void) | null {
  const [o, a, b] = pointers;
  if (pointers.length === 3 && BINARY[op] !== undefined) {
    const code = BINARY[op]!;
    countRun(op);
    return (at, offsets, rows, cols) =>
      rt.exports.binary(code, o + at * 4, rows, cols, a + offsets[0] * 4, inner[0], rowStrides[0], b + offsets[1] * 4, inner[1], rowStrides[1]);
  }
  // a unary map over a contiguous input (the input is read as the output is written)
  if (pointers.length === 2 && UNARY[op] !== undefined && inner[0] === 1) {
    const code = UNARY[op]!;
    countRun(op);
    return (at, offsets, rows, cols) => {
      if (rows === 1 || rowStrides[0] === cols) rt.exports.unary(code, o + at * 4, a + offsets[0] * 4, rows * cols);
      else for (let r = 0; r < rows; r++) rt.exports.unary(code, o + (at + r * cols) * 4, a + (offsets[0] + r * rowStrides[0]) * 4, cols);
    };
  }
  return null;
}

/**
 * The sum of x viewed as [A, C, B] over A and B, into out [C]; false (nothing written) when an
 * array is not in the memory.
 */
export function wasmSumOuterInner(rt: WasmRuntime, x: Float32Array, out: Float32Array, A: number, C: number, B: number): boolean {
  const pointers = residentPointers(rt, [x, out]);
  if (pointers === null) return false;
  countRun('sum');
  rt.exports.sumOuterInner(pointers[1], pointers[0], A, C, B);
  return true;
}

/**
 * Sum, max or min over the trailing `cols` elements of each of `rows` contiguous groups, written
 * to `out`; false (nothing written) when an array is not in the memory.
 */
export function wasmRowReduce(rt: WasmRuntime, op: 'sum' | 'max' | 'min', x: Float32Array, out: Float32Array, rows: number, cols: number): boolean {
  const pointers = residentPointers(rt, [x, out]);
  if (pointers === null) return false;
  const [px, po] = pointers;
  countRun(op);
  if (op === 'sum') rt.exports.sumRows(po, px, rows, cols);
  else rt.exports.extremumRows(op === 'max' ? 1 : 0, po, px, rows, cols);
  return true;
}
