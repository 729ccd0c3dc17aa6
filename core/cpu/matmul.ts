// Matrix multiplication on the CPU, C = op(A)·op(B) with op = identity or transpose, in the
// style of GotoBLAS, reduced to what plain JavaScript can exploit:
//
// 1. Packing. op(A) is copied into row panels of MR rows and op(B) into column panels of NR
//    columns, each stored "interleaved": for every p, the panel's MR (or NR) values are adjacent.
//    The micro-kernel then reads both operands strictly sequentially, whatever the transposes
//    were, so all four transA/transB cases share one kernel. Panels are zero-padded to a whole
//    MR or NR, so sizes that are not multiples need no separate edge loops. Packing costs
//    O(mk + kn) copies against O(mnk) arithmetic, and converts float32 to float64 once.
// 2. Register tiling. The micro-kernel keeps an MR×NR block of C in MR·NR local variables over
//    the whole k loop: each step loads MR + NR values and does MR·NR multiply-adds. V8 has 16
//    floating-point registers; 3×4 (12 accumulators + 7 loaded values) keeps nearly everything
//    in registers, and measured fastest against 2×4, 3×3, 4×4, 4×6 and 4×8.
// 3. Cache blocking. A column panel of B (k·NR doubles, 32 KiB at k = 1024) stays in L1 while
//    every row panel of A streams past it from L2. The measured rate (about 5 GFLOP/s) is bound
//    by the instructions around each load (bounds checks), not by memory, so no further
//    blocking over k pays for itself; not blocking k also keeps one float64 accumulation per
//    element, so float32 results are more accurate than a float32 loop.
import type { View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf, stridesOf } from '../shape.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { float32Kernels } from './wasm_switch.js';
import { wasmGemmBatch, type GemmBatchItem } from '../wasm/matmul.js';

const MR = 3;
const NR = 4;

/** Scratch space for the packed panels, reused between calls; very large requests are not kept. */
let workspace = new Float64Array(0);
const KEEP_WORKSPACE = 1 << 22; // doubles (32 MiB)

function scratch(size: number): Float64Array {
  if (workspace.length >= size) return workspace;
  const fresh = new Float64Array(size);
  if (size <= KEEP_WORKSPACE) workspace = fresh;
  return fresh;
}

/**
 * Copies `rows` rows of a matrix (p = 0..k-1 along each row) into panels of `width` rows,
 * interleaved: W[at + panel·width·k + p·width + r] = row (panel·width + r), element p.
 * Element p of row i is read at src[offset + i·rowStride + p·colStride], so a transposed operand
 * is packed by swapping the strides. Rows beyond `rows` are zeros.
 */
function pack(src: TypedArray, offset: number, rowStride: number, colStride: number, rows: number, k: number, width: number, W: Float64Array, at: number): void {
  let o = at;
  for (let i0 = 0; i0 < rows; i0 += width) {
    const valid = Math.min(width, rows - i0);
    for (let p = 0; p < k; p++) {
      let s = offset + i0 * rowStride + p * colStride;
      for (let r = 0; r < valid; r++, s += rowStride) W[o + r] = src[s];
      for (let r = valid; r < width; r++) W[o + r] = 0;
      o += width;
    }
  }
}

/**
 * The micro-kernel: the MR×NR block of C at cOff (row stride n) from the A panel at pa and the B
 * panel at pb, both in W. Only the top-left mr×nr part is written (the rest is padding).
 * Indices are kept int32 with `| 0`, which spares V8 an overflow check per load.
 */
function kernel3x4(W: Float64Array, pa: number, pb: number, k: number, C: TypedArray, cOff: number, n: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < k; p++) {
    const a0 = W[pa], a1 = W[(pa + 1) | 0], a2 = W[(pa + 2) | 0];
    const b0 = W[pb], b1 = W[(pb + 1) | 0], b2 = W[(pb + 2) | 0], b3 = W[(pb + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    pa = (pa + MR) | 0;
    pb = (pb + NR) | 0;
  }
  if (mr === MR && nr === NR) {
    let o = cOff;
    C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += n;
    C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += n;
    C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
    return;
  }
  const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23];
  for (let r = 0; r < mr; r++) for (let c = 0; c < nr; c++) C[cOff + r * n + c] = block[r * NR + c];
}

/**
 * C[m×n] (at cOff) = op(A)·op(B) for one matrix pair, where op(A) is m×k and op(B) is k×n.
 * A is stored m×k (or k×m when transA) at aOff; B is stored k×n (or n×k when transB) at bOff.
 * `packA`/`packB` false reuse the panels already in the workspace (a broadcast batch operand).
 */
export function gemm(
  A: TypedArray, aOff: number, transA: boolean, B: TypedArray, bOff: number, transB: boolean,
  C: TypedArray, cOff: number, m: number, n: number, k: number, W: Float64Array, packA = true, packB = true,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    C.fill(0, cOff, cOff + m * n);
    return;
  }
  const aPanels = Math.ceil(m / MR), bPanels = Math.ceil(n / NR);
  const bAt = aPanels * MR * k;
  // row i, element p of op(A) is A[i·k + p] (or A[p·m + i] when transposed); likewise for op(B)ᵀ
  if (packA) pack(A, aOff, transA ? 1 : k, transA ? m : 1, m, k, MR, W, 0);
  if (packB) pack(B, bOff, transB ? k : 1, transB ? 1 : n, n, k, NR, W, bAt);
  for (let jp = 0; jp < bPanels; jp++) {
    const j = jp * NR, nr = Math.min(NR, n - j), pb = bAt + jp * NR * k;
    for (let ip = 0; ip < aPanels; ip++) {
      const i = ip * MR;
      kernel3x4(W, ip * MR * k, pb, k, C, cOff + i * n + j, n, Math.min(MR, m - i), nr);
    }
  }
}

/**
 * C = op(A)·op(B) for a list of matrix pairs at element offsets in A, B and C, in one call to the
 * WebAssembly kernel when every array is float32 and it can run (operands in its memory are read
 * in place; one workspace and one thread split for all), else one JavaScript gemm per item. With `accumulate`, C[item] += the product (items may share a C),
 * summed in item order either way.
 */
export function gemmItems(
  A: TypedArray, transA: boolean, B: TypedArray, transB: boolean, C: TypedArray,
  m: number, n: number, k: number, items: readonly GemmBatchItem[], accumulate = false,
): void {
  const rt = float32Kernels(A, B, C);
  if (rt && wasmGemmBatch(rt, A as Float32Array, transA, B as Float32Array, transB, C as Float32Array, m, n, k, items, accumulate)) return;
  const W = gemmWorkspace(m, n, k);
  const partial = accumulate ? new (C.constructor as Float64ArrayConstructor)(m * n) : null;
  for (const item of items) {
    if (partial === null) gemm(A, item.a, transA, B, item.b, transB, C, item.c, m, n, k, W);
    else {
      gemm(A, item.a, transA, B, item.b, transB, partial, 0, m, n, k, W);
      for (let i = 0; i < m * n; i++) C[item.c + i] += partial[i];
    }
  }
}

/** C[m×n] (at cOff) = A[m×k] (at aOff) · Bt[n×k]ᵀ (at bOff). */
export function gemmABt(A: TypedArray, aOff: number, Bt: TypedArray, bOff: number, C: TypedArray, cOff: number, m: number, n: number, k: number): void {
  gemmItems(A, false, Bt, true, C, m, n, k, [{ a: aOff, b: bOff, c: cOff }]);
}

/** The workspace gemm needs for an m×k by k×n product. */
export function gemmWorkspace(m: number, n: number, k: number): Float64Array {
  return scratch((Math.ceil(m / MR) * MR + Math.ceil(n / NR) * NR) * k);
}

export function matmul(alloc: CpuAllocator, a: View, b: View, transA: boolean, transB: boolean, outShape: Shape): CpuStorage {
  const A = arrayOf(a.storage);
  const B = arrayOf(b.storage);
  const ra = a.shape.length, rb = b.shape.length;
  const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
  const out = alloc.alloc(a.dtype, sizeOf(outShape));
  const C = out.array;
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  // strides (in matrices) of each operand's batch axes, broadcast against the output's
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape);
  const outBatchStrides = stridesOf(batchShape);
  const items: GemmBatchItem[] = [];
  for (let batch = 0; batch < batches; batch++) {
    let ai = 0, bi = 0, rest = batch;
    for (let d = 0; d < batchShape.length; d++) {
      const coord = Math.floor(rest / outBatchStrides[d]);
      rest -= coord * outBatchStrides[d];
      ai += coord * aBatch[d];
      bi += coord * bBatch[d];
    }
    items.push({ a: ai * m * k, b: bi * k * n, c: batch * m * n });
  }
  const rt = float32Kernels(A, B, C);
  if (rt && wasmGemmBatch(rt, A as Float32Array, transA, B as Float32Array, transB, C as Float32Array, m, n, k, items)) return out;
  const W = gemmWorkspace(m, n, k);
  let lastA = -1, lastB = -1;
  for (const { a: aAt, b: bAt, c: cAt } of items) {
    // an operand broadcast over the batch is packed once
    gemm(A, aAt, transA, B, bAt, transB, C, cAt, m, n, k, W, aAt !== lastA, bAt !== lastB);
    lastA = aAt;
    lastB = bAt;
  }
  return out;
}
