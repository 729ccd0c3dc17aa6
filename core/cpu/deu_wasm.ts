// The DEU layer in WebAssembly (core/wasm/assembly/deu.ts): every neuron of a float32 layer in the
// WebAssembly memory with no ±∞ input (deu_far.ts's path stays in JavaScript). The neurons are
// written into a table in that memory (s and ε, then per neuron 14 float64s: f, its kind, a, b, c,
// c1, c2, then outward gravitation's borrowed columns and nudged neuron, and room for the
// constants the kernel derives; see the assembly's header) and run by one call per layer, split
// across the worker threads by whole neurons. The forward pass can keep each element's
// exponentials for the backward pass (keptSlots). The backward kernel also finds outward
// gravitation (t*, the nudged neuron, its c̃1 and c̃2) for each neuron with a coefficient below ε,
// bit for bit core/cpu/deu_gravitation.ts's (core/wasm/assembly/deu_gravitation.ts says how).
import type { TypedArray } from '../dtype.js';
import { allocFloat32, heapOf } from '../wasm/heap.js';
import { countRun, type WasmRuntime } from '../wasm/runtime.js';
import { DEU_BACKWARD, DEU_FORWARD, runShares, splitItems } from '../wasm/threads.js';
import type { Gravitation } from './deu_gravitation.js';
import { SUBSPACES, type Subspace } from './deu_solutions.js';
import { deuInFloat32, residentKernels } from './wasm_switch.js';

/** Elements × neurons below which one thread runs the layer (waking the workers costs ~20 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

// Each neuron's kind in the table is its subspace's index in SUBSPACES (deu_subspaces.ts's numbers,
// tests/wasm/deu_table.test.ts checks them), and the one after them for non-finite coefficients
/** The table header's field the forward kernel sets when x holds ±∞ (core/wasm/assembly/deu_table.ts's INFINITE_INPUT, in float64s). */
const INFINITE_INPUT = 3;
interface Native {
  rt: WasmRuntime;
  at: number[];
}

/**
 * The arrays' pointers if the WebAssembly loops can run on them (no ±∞ in x, unless `checked`:
 * the forward kernel looks for it itself, and the forward pass that kept `saved` for this x ran
 * here, so it has none), else null.
 */
function nativeFor(arrays: readonly TypedArray[], x: TypedArray, checked = false): Native | null {
  const native = residentKernels(...arrays);
  return native && (checked || !native.rt.exports.anyAtLeast(native.at[arrays.indexOf(x)], x.length, Infinity)) ? native : null;
}

/**
 * The table of every neuron in the WebAssembly memory (null: no room), written by the kernel's
 * deuWriteTable (core/wasm/assembly/deu_table.ts, which says in what order) from a float64 copy of
 * the coefficients: with `gravitate`, each neuron with a coefficient below ε is flagged for the
 * backward kernel to find its outward gravitation.
 */
function tableOf(rt: WasmRuntime, params: ArrayLike<number>, F: number, eps: number, s: number, gravitate: boolean, single: boolean): Table | null {
  const block = allocFloat32(rt, rt.exports.deuTableBytes(F) / 4, false);
  if (block === null) return null;
  new Float64Array(rt.memory.buffer, block.ptr + rt.exports.deuCoefficientsAt(F), 5 * F).set(params);
  const groups = rt.exports.deuWriteTable(block.ptr, F, eps, s, gravitate, single);
  // (copied: an allocation after this one may grow the memory, which detaches views of it)
  const starts = new Int32Array(rt.memory.buffer, block.ptr + rt.exports.deuStartsAt(F), groups).slice();
  return { ptr: block.ptr, starts, release: () => block.heap.release(block.ptr) };
}

/**
 * What a forward pass with steepness s keeps for the backward pass, in float32 slots per element
 * of x: its exponentials, up to three float64s (6 slots) for the float64 loops, three float32s (3)
 * for the float32 loops (core/wasm/assembly/deu.ts's keptAt). The count tells the backward pass
 * which loops kept them, and it runs those.
 */
export function keptSlots(s: number): number {
  return inFloat32(s) ? KEPT_SLOTS_SINGLE : KEPT_SLOTS_DOUBLE;
}
const KEPT_SLOTS_DOUBLE = 6, KEPT_SLOTS_SINGLE = 3;

/**
 * Whether the 1-1-1 neurons take the float32 loops (core/wasm/assembly/deu_single.ts): with
 * setBackend('cpu', { deuArithmetic: 'float32' }), and for |s| ≤ 1e30, where δ_s's s·e^14 stays
 * finite in float32 (beyond, the float64 loops run).
 */
function inFloat32(s: number): boolean {
  return deuInFloat32() && Math.abs(s) <= 1e30;
}

interface Table {
  ptr: number;
  /** The entries where the kernel's groups (and the other neurons) begin, in order. */
  starts: Int32Array;
  release: () => void;
}

/** Whether the forward kernel stopped at a ±∞ in x (core/wasm/assembly/deu_table.ts's INFINITE_INPUT). */
function sawInfinity(rt: WasmRuntime, table: Table): boolean {
  return new Float64Array(rt.memory.buffer, table.ptr, INFINITE_INPUT + 1)[INFINITE_INPUT] !== 0;
}

/**
 * The threads' runs of entries, each boundary moved to the next group's start: the kernel's groups
 * do not depend on the split (in float32 arithmetic a group with an argument ω·t beyond its sin/cos
 * runs the float64 loops, all four neurons: so a neuron's bits would otherwise depend on it).
 */
function runsOf(rt: WasmRuntime, table: Table, F: number, work: number): [number, number][] {
  const aligned = (i: number) => table.starts.find((start) => start >= i) ?? F;
  return splitItems(rt, F, work, PARALLEL_MIN_ELEMENTS).map(([lo, hi]) => [aligned(lo), aligned(hi)]);
}

/**
 * `saved`'s pointer and the arithmetic that kept it (single: the float32 loops) if it is a size
 * keptSlots gives for x and in the WebAssembly memory, else null.
 */
function keptFor(saved: TypedArray | null, x: TypedArray): { ptr: number; single: boolean } | null {
  if (!saved || (saved.length !== KEPT_SLOTS_DOUBLE * x.length && saved.length !== KEPT_SLOTS_SINGLE * x.length)) return null;
  const native = residentKernels(saved);
  return native && { ptr: native.at[0], single: saved.length === KEPT_SLOTS_SINGLE * x.length };
}

/**
 * y for every neuron of a layer, and, where `saved` (keptSlots(s) per element of x) is in the
 * WebAssembly memory, each element's exponentials for wasmDeuBackward. 'saved' when it wrote
 * them, 'ran' when it computed y only, false when the WebAssembly kernel cannot run (the caller
 * computes y).
 */
export function wasmDeuForward(x: TypedArray, y: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number, saved: TypedArray | null): 'saved' | 'ran' | false {
  // (the kernel looks for ±∞ in x itself, as it goes)
  const native = nativeFor([x, y], x, true);
  if (!native || F === 0) return false;
  const { rt, at } = native;
  const single = inFloat32(s);
  const table = tableOf(rt, params, F, eps, s, false, single);
  if (!table) return false;
  const kept = keptFor(saved, x), keep = kept && kept.single === single ? kept.ptr : 0;
  try {
    const runs = runsOf(rt, table, F, F * N * S);
    runShares(rt, DEU_FORWARD, 'deu', [table.ptr, at[0], at[1], N, F, S, keep], runs, () => 0, (lo, hi) => rt.exports.deuForwardTable(table.ptr, lo, hi, at[0], at[1], N, F, S, keep));
    if (sawInfinity(rt, table)) return false; // the caller computes the layer (deu_far.ts's path for ±∞)
    countRun('deu');
  } finally {
    table.release();
  }
  return keep ? 'saved' : 'ran';
}

/**
 * dx and the coefficient gradients (into dparams [F, 5]) for every neuron of a layer, with outward
 * gravitation's borrowed columns for each neuron that has a coefficient below ε (found by the
 * kernel, bit for bit core/cpu/deu_gravitation.ts's), reusing the exponentials that
 * wasmDeuForward saved for this x and params (null: computed again); false when the WebAssembly
 * kernel cannot run.
 */
export function wasmDeuBackward(g: TypedArray, x: TypedArray, dx: TypedArray, dparams: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number, saved: TypedArray | null): boolean {
  const kept = keptFor(saved, x);
  const native = nativeFor([g, x, dx], x, kept !== null);
  if (!native || F === 0) return false;
  const { rt, at } = native;
  // what a forward pass kept is read by the loops that kept it (float64 or float32 arithmetic)
  const single = kept ? kept.single : inFloat32(s);
  const table = tableOf(rt, params, F, eps, s, true, single);
  if (!table) return false;
  const sums = allocFloat32(rt, 10 * F, false);
  if (!sums) {
    table.release();
    return false;
  }
  try {
    countRun('deuGrad');
    const runs = runsOf(rt, table, F, F * N * S);
    const reuse = kept?.ptr ?? 0;
    const args = [table.ptr, at[0], at[1], at[2], N, F, S, sums.ptr, reuse];
    runShares(rt, DEU_BACKWARD, 'deuGrad', args, runs, () => 0, (lo, hi) => rt.exports.deuBackwardTable(table.ptr, lo, hi, at[0], at[1], at[2], N, F, S, sums.ptr, reuse));
    // neuron f's sums are at 5f: they are dparams, in float64
    dparams.set(new Float64Array(rt.memory.buffer, sums.ptr, 5 * F));
  } finally {
    table.release();
    heapOf(rt).release(sums.ptr);
  }
  return true;
}

/** For the tests: the F-neuron table's float64s, and where entry j's fields begin among them. */
function tableFields(rt: WasmRuntime, table: Table, F: number): { fields: Float64Array; entry: (j: number) => number } {
  const HEADER = rt.exports.deuTableBytes(0) / 8, ENTRY = rt.exports.deuEntryBytes() / 8;
  return { fields: new Float64Array(rt.memory.buffer, table.ptr, rt.exports.deuTableBytes(F) / 8), entry: (j) => HEADER + ENTRY * j };
}

/**
 * For the tests: outward gravitation as the WebAssembly backward kernel finds it, for every neuron
 * of a float32 layer in the WebAssembly memory (null where none: no coefficient below ε, or
 * non-finite ones), in core/cpu/deu_gravitation.ts's form; null when the kernels cannot run.
 */
export function kernelGravitationForTest(x: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number): (Gravitation | null)[] | null {
  const native = residentKernels(x);
  if (!native || F === 0) return null;
  const { rt, at } = native;
  const table = tableOf(rt, params, F, eps, s, true, false);
  if (!table) return null;
  try {
    rt.exports.deuGravitateTable(table.ptr, 0, F, at[0], N, F, S);
    const { fields, entry } = tableFields(rt, table, F);
    const out = new Array<Gravitation | null>(F).fill(null);
    for (let j = 0; j < F; j++) {
      const e = entry(j), borrowed = fields[e + 7];
      if (borrowed <= 0) continue;
      out[fields[e]] = {
        at: { a: fields[e + 9], b: fields[e + 10], c: fields[e + 11], c1: fields[e + 12], c2: fields[e + 13] },
        subspace: SUBSPACES[fields[e + 8]],
        nudged: { a: (borrowed & 1) !== 0, b: (borrowed & 2) !== 0, c: (borrowed & 4) !== 0 },
      };
    }
    return out;
  } finally {
    table.release();
  }
}

/**
 * For the tests: the table the kernel writes for a layer's coefficients [F, 5] — each entry's neuron
 * f, its subspace (null: a coefficient is not finite) and whether it is flagged for outward
 * gravitation, in the table's order — and where its groups begin; null when the kernels cannot run.
 */
export function kernelTableForTest(params: ArrayLike<number>, F: number, eps: number, gravitate: boolean): { entries: { f: number; subspace: Subspace | null; flagged: boolean }[]; starts: number[] } | null {
  const rt = residentKernels()?.rt;
  if (!rt) return null;
  const table = tableOf(rt, params, F, eps, 1, gravitate, false);
  if (!table) return null;
  try {
    const { fields, entry } = tableFields(rt, table, F);
    const entries = Array.from({ length: F }, (_, j) => {
      const e = entry(j);
      return { f: fields[e], subspace: SUBSPACES[fields[e + 1]] ?? null, flagged: fields[e + 7] === -1 };
    });
    return { entries, starts: Array.from(table.starts) };
  } finally {
    table.release();
  }
}
