// The float32 matrix product on the WebAssembly kernel (core/wasm/assembly/gemm.ts): operands are
// copied into the instance's memory, every matrix of the batch is multiplied there (its columns
// split across the worker threads, core/wasm/threads.ts), and C is copied back. The copies cost
// O(mk + kn + mn) against O(mnk) arithmetic. Returns false, having written nothing, when the
// operands do not fit the memory; the caller then runs the JavaScript kernel.
import { heapF32, reserveScratch, type WasmRuntime } from './runtime.js';
import { runGemm, splitColumns } from './threads.js';

/** One product of the batch: matrix offsets (in elements) into A, B and C. */
export interface GemmBatchItem {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Why the last product did not fit the WebAssembly memory (null if every one did). */
export let lastOversize: string | null = null;

/**
 * C (m×n per item, row-major) = op(A)·op(B) for every item; A holds its matrices as m×k (k×m if
 * transA), B as k×n (n×k if transB). The items' offsets index A, B and C, each a whole batch.
 */
export function wasmGemmBatch(
  rt: WasmRuntime, A: Float32Array, transA: boolean, B: Float32Array, transB: boolean, C: Float32Array,
  m: number, n: number, k: number, items: readonly GemmBatchItem[],
): boolean {
  const runs = splitColumns(rt, m, n, k);
  const widest = Math.max(...runs.map(([c0, c1]) => c1 - c0));
  const wsPerThread = align16(rt.exports.gemmWorkspaceBytes(widest) + 128);
  const aBytes = align16(A.length * 4), bBytes = align16(B.length * 4), cBytes = align16(C.length * 4);
  const total = aBytes + bBytes + cBytes + wsPerThread * runs.length;
  const base = reserveScratch(rt, total);
  if (base === null) {
    lastOversize = `a ${m}×${k}·${k}×${n} product (batch ${items.length}) needs ${total} bytes of WebAssembly memory, more than one instance addresses here: it ran in JavaScript`;
    return false;
  }
  const pa = base, pb = pa + aBytes, pc = pb + bBytes, pws = pc + cBytes;
  const heap = heapF32(rt);
  heap.set(A, pa / 4);
  heap.set(B, pb / 4);
  const aRow = transA ? 1 : k, aCol = transA ? m : 1;
  const bRow = transB ? 1 : n, bCol = transB ? k : 1;
  for (const item of items) {
    const args = [m, n, k, pa + item.a * 4, aRow, aCol, pb + item.b * 4, bRow, bCol, pc + item.c * 4];
    runGemm(rt, args, runs, (t) => pws + t * wsPerThread);
  }
  C.set(heapF32(rt).subarray(pc / 4, pc / 4 + C.length));
  return true;
}
