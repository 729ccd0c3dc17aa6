// The float32 matrix product on the WebAssembly kernel (core/wasm/assembly/gemm.ts). Operands
// that live in the kernels' memory (every float32 CPU tensor, when it is shared: core/wasm/heap.ts)
// are used in place; others are copied into temporary blocks, and C copied back. Every matrix of
// the batch has its columns split across the worker threads (core/wasm/threads.ts). Returns
// false, having written nothing, when the memory cannot hold what the product needs; the caller
// then runs the JavaScript kernel.
import { heapOf, noteOversize, pointerOf } from './heap.js';
import { countRun, type WasmRuntime } from './runtime.js';
import { GEMM, runShares, splitColumns } from './threads.js';

/** One product of the batch: matrix offsets (in elements) into A, B and C. */
export interface GemmBatchItem {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}


/**
 * C (m×n per item, row-major) = op(A)·op(B) for every item (+= with `accumulate`: items may
 * then share one C, summed in item order); A holds its matrices as m×k (k×m if
 * transA), B as k×n (n×k if transB). The items' offsets index A, B and C, each a whole batch.
 */
export function wasmGemmBatch(
  rt: WasmRuntime, A: Float32Array, transA: boolean, B: Float32Array, transB: boolean, C: Float32Array,
  m: number, n: number, k: number, items: readonly GemmBatchItem[], accumulate = false,
): boolean {
  const heap = heapOf(rt);
  const runs = splitColumns(rt, m, n, k);
  const widest = Math.max(...runs.map(([c0, c1]) => c1 - c0));
  const wsPerThread = Math.ceil((rt.exports.gemmWorkspaceBytes(widest) + 128) / 64) * 64;
  const temporary: number[] = [];
  /** Where `array` is in the memory: in place, or a temporary copy (-1 when nothing fits). */
  const place = (array: Float32Array, copyIn: boolean): number => {
    const at = pointerOf(rt, array);
    if (at >= 0) return at;
    const block = heap.alloc(array.length * 4);
    if (block === null) return -1;
    temporary.push(block);
    if (copyIn) new Float32Array(rt.memory.buffer, block, array.length).set(array);
    return block;
  };
  try {
    // C is copied in too: the items may cover only part of it, and the copy back must not
    // overwrite the rest (and with `accumulate` the products add to its values)
    const pa = place(A, true), pb = place(B, true), pc = place(C, true);
    const ws = heap.alloc(wsPerThread * runs.length, false); // (the kernel writes every byte it reads)
    if (ws !== null) temporary.push(ws);
    if (pa < 0 || pb < 0 || pc < 0 || ws === null) {
      noteOversize(`a ${m}×${k}·${k}×${n} product (batch ${items.length}) does not fit the WebAssembly memory: it ran in JavaScript`);
      return false;
    }
    countRun('matmul');
    const aRow = transA ? 1 : k, aCol = transA ? m : 1;
    const bRow = transB ? 1 : n, bCol = transB ? k : 1;
    for (const item of items) {
      const a = pa + item.a * 4, b = pb + item.b * 4, c = pc + item.c * 4, acc = accumulate ? 1 : 0;
      const args = [m, n, k, a, aRow, aCol, b, bRow, bCol, c, acc];
      runShares(rt, GEMM, 'matmul', args, runs, (t) => ws + t * wsPerThread, (c0, c1, w) => rt.exports.gemm(m, n, k, a, aRow, aCol, b, bRow, bCol, c, acc, c0, c1, w));
    }
    if (pc !== pointerOf(rt, C)) C.set(new Float32Array(rt.memory.buffer, pc, C.length));
    return true;
  } finally {
    for (const block of temporary) heap.release(block);
  }
}
