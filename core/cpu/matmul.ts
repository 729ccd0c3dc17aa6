// Matrix multiplication on the CPU. Every product C = A·B is computed as dot products of rows of
// A (m×k) with rows of Bᵀ (n×k), so both operands are read contiguously. A 4×4 block of C is kept
// in 16 local variables (register tiling): each step loads 8 values and does 16 multiply-adds.
// Columns are processed in blocks whose Bᵀ rows fit in L2 (cache blocking). Transposed
// operands are packed once (O(mk) or O(kn) copies against O(mnk) arithmetic). Accumulation is
// in float64, so float32 results are more accurate than a float32 loop.
import type { View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf, stridesOf } from '../shape.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';

const L2_BYTES = 256 * 1024;

/** Copies a rows×cols matrix at `offset` into its transpose (cols×rows). */
function transposed(src: TypedArray, offset: number, rows: number, cols: number, into: TypedArray): TypedArray {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) into[c * rows + r] = src[offset + r * cols + c];
  return into;
}

/** C[m×n] (at cOff) = A[m×k] (at aOff) · Bt[n×k]ᵀ (at bOff). */
export function gemmABt(A: TypedArray, aOff: number, Bt: TypedArray, bOff: number, C: TypedArray, cOff: number, m: number, n: number, k: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  const jBlock = Math.max(4, Math.floor(L2_BYTES / (Math.max(k, 1) * Bt.BYTES_PER_ELEMENT) / 4) * 4);
  for (let j0 = 0; j0 < n4; j0 += jBlock) {
    const jEnd = Math.min(j0 + jBlock, n4);
    for (let i = 0; i < m4; i += 4) {
      const r0 = aOff + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      for (let j = j0; j < jEnd; j += 4) {
        const q0 = bOff + j * k, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let p = 0; p < k; p++) {
          const a0 = A[r0 + p], a1 = A[r1 + p], a2 = A[r2 + p], a3 = A[r3 + p];
          const b0 = Bt[q0 + p], b1 = Bt[q1 + p], b2 = Bt[q2 + p], b3 = Bt[q3 + p];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        let o = cOff + i * n + j;
        C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += n;
        C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += n;
        C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += n;
        C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
      }
    }
  }
  // the edges: rows below m4 for every column, and columns beyond n4 for the first m4 rows
  const dot = (i: number, j: number) => {
    let s = 0;
    const r = aOff + i * k, q = bOff + j * k;
    for (let p = 0; p < k; p++) s += A[r + p] * Bt[q + p];
    C[cOff + i * n + j] = s;
  };
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) dot(i, j);
  for (let i = 0; i < m4; i++) for (let j = n4; j < n; j++) dot(i, j);
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
  const packA = transA ? new (A.constructor as Float32ArrayConstructor)(m * k) : null;
  const packB = transB ? null : new (B.constructor as Float32ArrayConstructor)(n * k);
  let lastA = -1, lastB = -1;
  for (let batch = 0; batch < batches; batch++) {
    let ai = 0, bi = 0, rest = batch;
    for (let d = 0; d < batchShape.length; d++) {
      const coord = Math.floor(rest / outBatchStrides[d]);
      rest -= coord * outBatchStrides[d];
      ai += coord * aBatch[d];
      bi += coord * bBatch[d];
    }
    let aSrc: TypedArray = A, aOff = ai * m * k;
    if (packA) {
      if (ai !== lastA) transposed(A, aOff, k, m, packA);
      aSrc = packA;
      aOff = 0;
      lastA = ai;
    }
    let bSrc: TypedArray = B, bOff = bi * k * n;
    if (packB) {
      if (bi !== lastB) transposed(B, bOff, k, n, packB);
      bSrc = packB;
      bOff = 0;
      lastB = bi;
    }
    gemmABt(aSrc, aOff, bSrc, bOff, C, batch * m * n, m, n, k);
  }
  return out;
}
