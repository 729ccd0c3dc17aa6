// The DEU layer in WebAssembly (core/wasm/assembly/deu.ts): every neuron of a float32 layer in the
// WebAssembly memory with no ±∞ input (deu_far.ts's path stays in JavaScript). The neurons are
// written into a table in that memory (s, then per neuron 14 float64s: f, its kind, a, b, c, c1,
// c2, then outward gravitation's borrowed columns and nudged neuron, see the assembly's header)
// and run by one call per layer, split across the worker threads by whole neurons. Outward
// gravitation itself (t*, the nudged neuron's c̃1, c̃2) is computed here in JavaScript, once per
// neuron, by the caller (core/cpu/deu.ts): the kernel only evaluates the nudged neuron.
import type { TypedArray } from '../dtype.js';
import { allocFloat32, heapOf } from '../wasm/heap.js';
import { countRun, type WasmRuntime } from '../wasm/runtime.js';
import { DEU_BACKWARD, DEU_FORWARD, runShares, splitItems } from '../wasm/threads.js';
import type { Gravitation } from './deu_gravitation.js';
import { subspaceOf, type Subspace } from './deu_solutions.js';
import { residentKernels } from './wasm_switch.js';

/** Elements × neurons below which one thread runs the layer (waking the workers costs ~20 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

/** Each subspace's kind in the table (core/wasm/assembly/deu_subspaces.ts's numbers). */
const KIND: Record<Subspace, number> = {
  '1-1-1 Δ>0': 0, '1-1-1 Δ<0': 1, '1-1-1 Δ≈0': 2, '0-1-1': 3, '1-1-0': 4, '1-0-1 ac>0': 5,
  '1-0-1 ac<0': 6, '1-0-0': 7, '0-1-0': 8, '0-0-1': 9, '0-0-0': 10,
};
const NOT_FINITE = 11;
const ENTRY = 14;
interface Native {
  rt: WasmRuntime;
  at: number[];
}

/** The arrays' pointers if the WebAssembly loops can run on them (no ±∞ in x), else null. */
function nativeFor(arrays: readonly TypedArray[], x: TypedArray): Native | null {
  const native = residentKernels(...arrays);
  return native && !native.rt.exports.anyAtLeast(native.at[arrays.indexOf(x)], x.length, Infinity) ? native : null;
}

/** The table of every neuron, written straight into the WebAssembly memory (null: no room). */
function tableOf(rt: WasmRuntime, params: ArrayLike<number>, F: number, eps: number, s: number, gravities: readonly (Gravitation | null)[] | null): { ptr: number; release: () => void } | null {
  // a layer runs this twice per training step: no intermediate arrays or objects per neuron
  const block = allocFloat32(rt, 2 * (1 + ENTRY * F), false);
  if (block === null) return null;
  const table = new Float64Array(rt.memory.buffer, block.ptr, 1 + ENTRY * F);
  table[0] = s;
  for (let f = 0; f < F; f++) {
    const at = 1 + ENTRY * f;
    const sub = subspaceOf(params[5 * f], params[5 * f + 1], params[5 * f + 2], eps);
    table[at] = f;
    table[at + 1] = sub === null ? NOT_FINITE : KIND[sub];
    for (let i = 0; i < 5; i++) table[at + 2 + i] = params[5 * f + i];
    const gravity = gravities?.[f];
    if (!gravity) {
      table[at + 7] = 0;
      continue;
    }
    const { nudged, at: k } = gravity;
    table[at + 7] = (nudged.a ? 1 : 0) | (nudged.b ? 2 : 0) | (nudged.c ? 4 : 0);
    table[at + 8] = KIND[gravity.subspace];
    table[at + 9] = k.a;
    table[at + 10] = k.b;
    table[at + 11] = k.c;
    table[at + 12] = k.c1;
    table[at + 13] = k.c2;
  }
  return { ptr: block.ptr, release: () => block.heap.release(block.ptr) };
}

/** y for every neuron of a layer; false when the WebAssembly kernel cannot run (the caller computes it). */
export function wasmDeuForward(x: TypedArray, y: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number): boolean {
  const native = nativeFor([x, y], x);
  if (!native || F === 0) return false;
  const { rt, at } = native;
  const table = tableOf(rt, params, F, eps, s, null);
  if (!table) return false;
  try {
    countRun('deu');
    const runs = splitItems(rt, F, F * N * S, PARALLEL_MIN_ELEMENTS);
    runShares(rt, DEU_FORWARD, 'deu', [table.ptr, at[0], at[1], N, F, S], runs, () => 0, (lo, hi) => rt.exports.deuForwardTable(table.ptr, lo, hi, at[0], at[1], N, F, S));
  } finally {
    table.release();
  }
  return true;
}

/**
 * dx and the coefficient gradients (into dparams [F, 5]) for every neuron of a layer, with the
 * borrowed columns of `gravities[f]` (outward gravitation, null where none); false when the
 * WebAssembly kernel cannot run.
 */
export function wasmDeuBackward(g: TypedArray, x: TypedArray, dx: TypedArray, dparams: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number, gravities: readonly (Gravitation | null)[]): boolean {
  const native = nativeFor([g, x, dx], x);
  if (!native || F === 0) return false;
  const { rt, at } = native;
  const table = tableOf(rt, params, F, eps, s, gravities);
  if (!table) return false;
  const sums = allocFloat32(rt, 10 * F, false);
  if (!sums) {
    table.release();
    return false;
  }
  try {
    countRun('deuGrad');
    const runs = splitItems(rt, F, F * N * S, PARALLEL_MIN_ELEMENTS);
    const args = [table.ptr, at[0], at[1], at[2], N, F, S, sums.ptr];
    runShares(rt, DEU_BACKWARD, 'deuGrad', args, runs, () => 0, (lo, hi) => rt.exports.deuBackwardTable(table.ptr, lo, hi, at[0], at[1], at[2], N, F, S, sums.ptr));
    // table entry f is neuron f: the sums are dparams, in float64
    dparams.set(new Float64Array(rt.memory.buffer, sums.ptr, 5 * F));
  } finally {
    table.release();
    heapOf(rt).release(sums.ptr);
  }
  return true;
}
