// The PAU kernels in WebAssembly, split across threads: degrees (5, 4) without noise
// (core/wasm/assembly/pau.ts), RPAU's noisy (5, 4) (rpau.ts), and any other degrees or version C
// without noise (pau_general.ts). The elements are cut into segments of at most PAU_SEGMENT, each
// inside one block (a block: the run of elements that one coefficient row serves), and every
// segment sums its own coefficient gradients in element order; the segments' sums are then added
// to their rows in segment order (addSegments). A thread takes a run of whole segments, and
// RPAU's noise is a function of the element's index and the key alone, so the results are the
// same for any thread count, and the JavaScript loops (pau.ts) add their sums segment by segment
// too: bit for bit the same as these.
import type { WasmRuntime } from '../wasm/runtime.js';
import { heapOf } from '../wasm/heap.js';
import { float64Args, PAU_BACKWARD, PAU_FORWARD, PAU_GENERAL_BACKWARD, PAU_GENERAL_FORWARD, RPAU_BACKWARD, RPAU_FORWARD, runShares, splitItems } from '../wasm/threads.js';

/** Elements per segment: core/wasm/assembly/pau.ts's SEGMENT. */
export const PAU_SEGMENT = 4096;
/** Elements below which one thread runs the kernel (waking the workers costs ~20 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 14;
/**
 * The longest numerator (m + 1) and denominator the general WebAssembly kernel is given. The
 * kernel itself takes lengths below 256 (they are packed into one argument), but its parity tests
 * draw lengths up to 16 (tests/wasm/pau_general.test.ts), far beyond the papers' degrees; longer
 * ones run the JavaScript loop, which gives the same bits, only slower.
 */
export const GENERAL_MAX_LENGTH = 16;

export interface SegmentLayout {
  rows: number;
  blocks: number;
  run: number;
  /** The numerator's and denominator's lengths per row. */
  m1: number;
  nb: number;
}

/** Segments per block, and in all. */
export function segmentsOf(L: SegmentLayout): { perBlock: number; count: number } {
  const perBlock = Math.ceil(L.run / PAU_SEGMENT);
  return { perBlock, count: L.blocks * perBlock };
}

/** The kernel's pointers: x, a, b, out (forward) or g, x, a, b, dx (backward); version 0…3 = A, B, N, C. */
interface Native {
  rt: WasmRuntime;
  at: number[];
  version: number;
}

/** RPAU's noise as the kernel takes it: the key, α, and rpau.ts's flag bits. */
export interface NoiseArgs {
  key: number;
  alpha: number;
  flags: number;
}

/** pau_general.ts's `shape`: the version and both lengths in one argument. */
const generalShape = (native: Native, L: SegmentLayout): number => native.version | (L.m1 << 8) | (L.nb << 16);

const splitSegments = (rt: WasmRuntime, L: SegmentLayout, count: number) => splitItems(rt, count, L.blocks * L.run, PARALLEL_MIN_ELEMENTS);

export function wasmPauForward(native: Native, L: SegmentLayout): void {
  const { rt, at, version } = native, { count } = segmentsOf(L);
  const [x, a, b, out] = at;
  runShares(rt, PAU_FORWARD, 'pau', [version, x, a, b, L.rows, L.blocks, L.run, out], splitSegments(rt, L, count), () => 0, (lo, hi) => rt.exports.pauForward54(version, x, a, b, L.rows, L.blocks, L.run, out, lo, hi));
}

export function wasmPauGeneralForward(native: Native, L: SegmentLayout): void {
  const { rt, at } = native, { count } = segmentsOf(L), shape = generalShape(native, L);
  const [x, a, b, out] = at;
  runShares(rt, PAU_GENERAL_FORWARD, 'pauGeneral', [shape, x, a, b, L.rows, L.blocks, L.run, out], splitSegments(rt, L, count), () => 0, (lo, hi) => rt.exports.pauForwardGeneral(shape, x, a, b, L.rows, L.blocks, L.run, out, lo, hi));
}

/** dx, and the coefficient sums added to sumA (6 per row) and sumB (4 per row); false if the memory is full. */
export function wasmPauBackward(native: Native, L: SegmentLayout, sumA: Float64Array, sumB: Float64Array): boolean {
  const { rt, at, version } = native;
  const [g, x, a, b, dx] = at;
  return withPartials(rt, L, sumA, sumB, (partials, runs) => {
    runShares(rt, PAU_BACKWARD, 'pauGrad', [version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials], runs, () => 0, (lo, hi) => rt.exports.pauBackward54(version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials, lo, hi));
  });
}

/** As wasmPauBackward, for pau_general.ts (m1 and nb sums per row). */
export function wasmPauGeneralBackward(native: Native, L: SegmentLayout, sumA: Float64Array, sumB: Float64Array): boolean {
  const { rt, at } = native, shape = generalShape(native, L);
  const [g, x, a, b, dx] = at;
  return withPartials(rt, L, sumA, sumB, (partials, runs) => {
    runShares(rt, PAU_GENERAL_BACKWARD, 'pauGeneralGrad', [shape, g, x, a, b, L.rows, L.blocks, L.run, dx, partials], runs, () => 0, (lo, hi) => rt.exports.pauBackwardGeneral(shape, g, x, a, b, L.rows, L.blocks, L.run, dx, partials, lo, hi));
  });
}

/** RPAU's noisy (5, 4) forward; false if the memory cannot hold the threads' scratch. */
export function wasmRpauForward(native: Native, L: SegmentLayout, noise: NoiseArgs): boolean {
  const { rt, at, version } = native, { count } = segmentsOf(L);
  const [x, a, b, out] = at, { key, alpha, flags } = noise;
  const runs = splitSegments(rt, L, count);
  return withScratch(rt, runs.length, (scratch) => {
    const args = [version, x, a, b, L.rows, L.blocks, L.run, out, key, ...float64Args(alpha), flags];
    runShares(rt, RPAU_FORWARD, 'rpau', args, runs, scratch, (lo, hi, ws) => rt.exports.rpauForward54(version, x, a, b, L.rows, L.blocks, L.run, out, key, alpha, flags, ws, lo, hi));
  });
}

/** RPAU's noisy (5, 4) backward: dx, and the sums added to sumA and sumB; false if the memory is full. */
export function wasmRpauBackward(native: Native, L: SegmentLayout, noise: NoiseArgs, sumA: Float64Array, sumB: Float64Array): boolean {
  const { rt, at, version } = native;
  const [g, x, a, b, dx] = at, { key, alpha, flags } = noise;
  return withPartials(rt, L, sumA, sumB, (partials, runs) => withScratch(rt, runs.length, (scratch) => {
    const args = [version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials, key, ...float64Args(alpha), flags];
    runShares(rt, RPAU_BACKWARD, 'rpauGrad', args, runs, scratch, (lo, hi, ws) => rt.exports.rpauBackward54(version, g, x, a, b, L.rows, L.blocks, L.run, dx, partials, key, alpha, flags, ws, lo, hi));
  }));
}

/**
 * Runs `kernel` with a block for every segment's m1 + nb float64 sums, then adds them to their
 * rows' sums in segment order; false (nothing run) if the memory cannot hold the block.
 */
function withPartials(rt: WasmRuntime, L: SegmentLayout, sumA: Float64Array, sumB: Float64Array, kernel: (partials: number, runs: [number, number][]) => boolean | void): boolean {
  const { perBlock, count } = segmentsOf(L), width = L.m1 + L.nb;
  const heap = heapOf(rt), partials = heap.alloc(8 * width * count + 8, false);
  if (partials === null) return false;
  try {
    if (kernel(partials, splitSegments(rt, L, count)) === false) return false;
    const sums = new Float64Array(rt.memory.buffer, partials, width * count);
    for (let k = 0; k < count; k++) {
      const row = Math.floor(k / perBlock) % L.rows;
      for (let j = 0; j < L.m1; j++) sumA[row * L.m1 + j] += sums[width * k + j];
      for (let j = 0; j < L.nb; j++) sumB[row * L.nb + j] += sums[width * k + L.m1 + j];
    }
    return true;
  } finally {
    heap.release(partials);
  }
}

/** Runs `kernel` with rpau.ts's scratch for each of `threads` threads; false if the memory cannot hold them. */
function withScratch(rt: WasmRuntime, threads: number, kernel: (scratch: (t: number) => number) => void): boolean {
  const bytes = rt.exports.rpauScratchBytes(), heap = heapOf(rt), base = heap.alloc(bytes * threads, false);
  if (base === null) return false;
  try {
    kernel((t) => base + t * bytes);
    return true;
  } finally {
    heap.release(base);
  }
}
