// The DEU layer in WebAssembly (core/wasm/assembly/deu.ts): every neuron of a float32 layer in the
// WebAssembly memory with no ±∞ input (deu_far.ts's path stays in JavaScript). The neurons are
// written into a table in that memory (s and ε, then per neuron 14 float64s: f, its kind, a, b, c,
// c1, c2, then outward gravitation's borrowed columns and nudged neuron, and room for the
// constants the kernel derives; see the assembly's header) and run by one call per layer, split
// across the worker threads by whole neurons. The forward pass can keep each element's
// exponentials for the backward pass (keptSlots), and then writes its table after them, ready for
// the backward pass (savedLength says why). The backward kernel also finds outward
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
  writeTable(rt, block.ptr, params, F, eps, s, gravitate, single);
  return { ptr: block.ptr, starts: startsOf(rt, block.ptr, F), release: () => block.heap.release(block.ptr) };
}

/** The table written at ptr inside a block that is not the table's own (what a forward pass kept): nothing to release. */
function tableInKept(rt: WasmRuntime, ptr: number, F: number): Table {
  return { ptr, starts: startsOf(rt, ptr, F), release: () => {} };
}

/** deuWriteTable at ptr (deuTableBytes(F) bytes) from a float64 copy of the coefficients. */
function writeTable(rt: WasmRuntime, ptr: number, params: ArrayLike<number>, F: number, eps: number, s: number, gravitate: boolean, single: boolean): void {
  new Float64Array(rt.memory.buffer, ptr + rt.exports.deuCoefficientsAt(F), 5 * F).set(params);
  rt.exports.deuWriteTable(ptr, F, eps, s, gravitate, single);
}

/** The entries where the table's groups begin (copied: an allocation after this may grow the memory, which detaches views of it). */
function startsOf(rt: WasmRuntime, ptr: number, F: number): Int32Array {
  return new Int32Array(rt.memory.buffer, ptr + rt.exports.deuStartsAt(F), rt.exports.deuTableGroups(ptr)).slice();
}

/**
 * The table the forward pass wrote after the exponentials it kept (at `ptr`), if it is still the
 * table of these coefficients, s, ε and arithmetic, else null. Its copy of the coefficients is
 * compared before anything else reads the table: the backward kernel's outward gravitation lists
 * its neurons over that copy, so a second backward pass over the same forward pass writes a table
 * of its own.
 */
function forwardTable(rt: WasmRuntime, ptr: number, params: ArrayLike<number>, F: number, eps: number, s: number, single: boolean): Table | null {
  if (!shareTables) return null;
  const header = new Float64Array(rt.memory.buffer, ptr, 3);
  if (header[0] !== s || header[1] !== eps || header[2] !== (single ? 1 : 0)) return null;
  const copy = new Float64Array(rt.memory.buffer, ptr + rt.exports.deuCoefficientsAt(F), 5 * F);
  for (let i = 0; i < 5 * F; i++) if (copy[i] !== params[i]) return null;
  return tableInKept(rt, ptr, F);
}

/** Whether the backward pass reuses the forward pass's table (tests turn it off to compare). */
let shareTables = true;
/** For tests: false makes every backward pass write a table of its own. */
export function setShareTablesForTest(on: boolean): void {
  shareTables = on;
}

/**
 * What a forward pass with steepness s keeps for the backward pass, in float32 slots per element
 * of x: its exponentials, up to three float64s (6 slots) for the float64 loops, three float32s (3)
 * for the float32 loops (core/wasm/assembly/deu.ts's keptAt). The count tells the backward pass
 * which loops kept them, and it runs those.
 */
function keptSlots(s: number): number {
  return inFloat32(s) ? KEPT_SLOTS_SINGLE : KEPT_SLOTS_DOUBLE;
}
const KEPT_SLOTS_DOUBLE = 6, KEPT_SLOTS_SINGLE = 3;

/**
 * The float32 length of what a forward pass over the n elements of x ([N, F, …]) with steepness s
 * keeps for the backward pass: keptSlots(s) per element, then, from a 64-byte boundary (tableAt),
 * room for the layer's table. The forward pass writes the table there (with outward gravitation's
 * flags, which only the backward kernel reads) and the backward pass reuses it instead of writing
 * its own: in bench/deu.ts's training step the 1024-neuron layer's table took 0.06 ms of the
 * backward pass (2 to 3 times what a table takes in a loop of nothing else: the step's other work
 * has just evicted its code and memory).
 */
export function savedLength(s: number, n: number, F: number): number {
  const rt = residentKernels()?.rt;
  const slots = keptSlots(s);
  return rt ? (tableAt(slots, n) + rt.exports.deuTableBytes(F)) / 4 : slots * n;
}
/** Where the table starts in what a forward pass kept, in bytes (see savedLength). */
function tableAt(slots: number, n: number): number {
  return Math.ceil((4 * slots * n) / 64) * 64;
}

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
  return splitItems(rt, F, work, PARALLEL_MIN_ELEMENTS).map(([lo, hi]) => [groupAtOrAfter(table.starts, lo, F), groupAtOrAfter(table.starts, hi, F)]);
}

/** The first of the (increasing) group starts at or after entry i, F if none (a binary search). */
function groupAtOrAfter(starts: Int32Array, i: number, F: number): number {
  let lo = 0, hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < starts.length ? starts[lo] : F;
}

/**
 * `saved`'s pointer, the arithmetic that kept it (single: the float32 loops) and where its table
 * goes, if it is a length savedLength gives for n elements of x and F neurons and in the
 * WebAssembly memory, else null.
 */
function keptFor(saved: TypedArray | null, n: number, F: number): { ptr: number; single: boolean; table: number } | null {
  const native = saved && n > 0 ? residentKernels(saved) : null;
  if (!native) return null;
  const slots = [KEPT_SLOTS_DOUBLE, KEPT_SLOTS_SINGLE].find((k) => saved!.length === (tableAt(k, n) + native.rt.exports.deuTableBytes(F)) / 4);
  return slots === undefined ? null : { ptr: native.at[0], single: slots === KEPT_SLOTS_SINGLE, table: native.at[0] + tableAt(slots, n) };
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
  const kept = keptFor(saved, x.length, F), keep = kept && kept.single === single ? kept : null;
  // where it keeps the exponentials it writes the table after them, with the backward pass's flags
  if (keep) writeTable(rt, keep.table, params, F, eps, s, true, single);
  const table = keep ? tableInKept(rt, keep.table, F) : tableOf(rt, params, F, eps, s, false, single);
  if (!table) return false;
  try {
    const runs = runsOf(rt, table, F, F * N * S);
    const keepAt = keep?.ptr ?? 0;
    runShares(rt, DEU_FORWARD, 'deu', [table.ptr, at[0], at[1], N, F, S, keepAt], runs, () => 0, (lo, hi) => rt.exports.deuForwardTable(table.ptr, lo, hi, at[0], at[1], N, F, S, keepAt));
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
  const kept = keptFor(saved, x.length, F);
  const native = nativeFor([g, x, dx], x, kept !== null);
  if (!native || F === 0) return false;
  const { rt, at } = native;
  // what a forward pass kept is read by the loops that kept it (float64 or float32 arithmetic),
  // with the table it wrote (when that is still this layer's)
  const single = kept ? kept.single : inFloat32(s);
  const table = (kept && forwardTable(rt, kept.table, params, F, eps, s, single)) || tableOf(rt, params, F, eps, s, true, single);
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
function tableFields(rt: WasmRuntime, table: Pick<Table, 'ptr'>, F: number): { fields: Float64Array; entry: (j: number) => number } {
  const HEADER = rt.exports.deuTableBytes(0) / 8, ENTRY = rt.exports.deuEntryBytes() / 8;
  return { fields: new Float64Array(rt.memory.buffer, table.ptr, rt.exports.deuTableBytes(F) / 8), entry: (j) => HEADER + ENTRY * j };
}

/**
 * For the tests: the table a forward pass wrote into what it kept (`saved`, for x of n elements and
 * F neurons) as tableFields gives it, and where its copy of the coefficients begins among its
 * float64s; null if `saved` is not such a block.
 */
export function keptTableForTest(saved: TypedArray, n: number, F: number): { fields: Float64Array; entry: (j: number) => number; coefficients: number } | null {
  const rt = residentKernels(saved)?.rt, kept = keptFor(saved, n, F);
  return rt && kept ? { ...tableFields(rt, { ptr: kept.table }, F), coefficients: rt.exports.deuCoefficientsAt(F) / 8 } : null;
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
