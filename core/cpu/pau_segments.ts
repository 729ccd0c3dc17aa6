// The PAU (5, 4) without noise in WebAssembly, split across threads. The elements are cut into
// segments of at most PAU_SEGMENT, each inside one block (a block: the run of elements that one
// coefficient row serves), and every segment sums its own coefficient gradients in element order;
// the segments' sums are then added to their rows in segment order. A thread takes a run of whole
// segments, so the results are the same for any thread count, and the JavaScript loop
// (pau.ts's backward54) adds its sums segment by segment too: bit for bit the same as this.
import type { WasmRuntime } from '../wasm/runtime.js';
import { heapOf } from '../wasm/heap.js';
import { PAU_BACKWARD, PAU_FORWARD, runShares, splitItems } from '../wasm/threads.js';

/** Elements per segment: core/wasm/assembly/pau.ts's SEGMENT. */
export const PAU_SEGMENT = 4096;
/** Elements below which one thread runs the kernel (waking the workers costs ~20 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

export interface SegmentLayout {
  rows: number;
  blocks: number;
  run: number;
}

/** Segments per block, and in all. */
export function segmentsOf(L: SegmentLayout): { perBlock: number; count: number } {
  const perBlock = Math.ceil(L.run / PAU_SEGMENT);
  return { perBlock, count: L.blocks * perBlock };
}

/** The kernel's pointers: x, a, b, out (forward) or g, x, a, b, dx (backward). */
interface Native {
  rt: WasmRuntime;
  at: number[];
  version: number;
}

export function wasmPauForward(native: Native, L: SegmentLayout): void {
  const { rt, at, version } = native, { count } = segmentsOf(L);
  const [x, a, b, out] = at;
  const runs = splitItems(rt, count, L.blocks * L.run, PARALLEL_MIN_ELEMENTS);
  runShares(rt, PAU_FORWARD, 'pau', [version, x, a, b, L.rows, L.blocks, L.run, out], runs, () => 0, (lo, hi) => rt.exports.pauForward54(version, x, a, b, L.rows, L.blocks, L.run, out, lo, hi));
}

/** dx, and the coefficient sums added to sumA (6 per row) and sumB (4 per row); false if the memory is full. */
export function wasmPauBackward(native: Native, L: SegmentLayout, sumA: Float64Array, sumB: Float64Array): boolean {
  const { rt, at, version } = native, { perBlock, count } = segmentsOf(L);
  const [g, x, a, b, dx] = at;
  const heap = heapOf(rt), partials = heap.alloc(80 * count + 8, false);
  if (partials === null) return false;
  try {
    const runs = splitItems(rt, count, L.blocks * L.run, PARALLEL_MIN_ELEMENTS);
    const args = [version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials];
    runShares(rt, PAU_BACKWARD, 'pauGrad', args, runs, () => 0, (lo, hi) => rt.exports.pauBackward54(version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials, lo, hi));
    const sums = new Float64Array(rt.memory.buffer, partials, 10 * count);
    for (let k = 0; k < count; k++) {
      const row = Math.floor(k / perBlock) % L.rows;
      for (let j = 0; j < 6; j++) sumA[row * 6 + j] += sums[10 * k + j];
      for (let j = 0; j < 4; j++) sumB[row * 4 + j] += sums[10 * k + 6 + j];
    }
    return true;
  } finally {
    heap.release(partials);
  }
}
