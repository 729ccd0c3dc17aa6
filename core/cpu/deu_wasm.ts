// The DEU layer's neurons that the WebAssembly loops take (core/wasm/assembly/deu.ts): those in
// the subspaces 1-1-1 Δ > 0 and Δ < 0, float32 tensors in the WebAssembly memory, no ±∞ input.
// They are written into a table in that memory (s, then per neuron f, kind, a, b, c, c1, c2 as
// float64) and run by one call per layer, split across the worker threads by whole neurons;
// core/cpu/deu.ts computes every other neuron in JavaScript. (A 1-1-1 neuron never borrows
// columns from outward gravitation: that needs a coefficient below ε.)
import type { TypedArray } from '../dtype.js';
import { allocFloat32, heapOf } from '../wasm/heap.js';
import { countRun, type WasmRuntime } from '../wasm/runtime.js';
import { DEU_BACKWARD, DEU_FORWARD, runShares, splitItems } from '../wasm/threads.js';
import { subspaceOf } from './deu_solutions.js';
import { residentKernels } from './wasm_switch.js';

/** Elements × neurons below which one thread runs the layer (waking the workers costs ~20 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

interface Native {
  rt: WasmRuntime;
  at: number[];
}

/** The arrays' pointers if the WebAssembly loops can run on them (no ±∞ in x), else null. */
function nativeFor(arrays: readonly TypedArray[], x: TypedArray): Native | null {
  const native = residentKernels(...arrays);
  return native && !native.rt.exports.anyAtLeast(native.at[arrays.indexOf(x)], x.length, Infinity) ? native : null;
}

/** The table of the native neurons (null if none), and which neurons it holds. */
function tableOf(rt: WasmRuntime, params: ArrayLike<number>, F: number, eps: number, s: number): { ptr: number; count: number; taken: Uint8Array; release: () => void } | null {
  // written straight into the WebAssembly memory (room for every neuron; a layer runs this twice
  // per training step, so no intermediate arrays)
  const block = allocFloat32(rt, 2 * (1 + 7 * F), false);
  if (block === null) return null;
  const table = new Float64Array(rt.memory.buffer, block.ptr, 1 + 7 * F);
  const taken = new Uint8Array(F);
  table[0] = s;
  let count = 0;
  for (let f = 0; f < F; f++) {
    const a = params[5 * f], b = params[5 * f + 1], c = params[5 * f + 2];
    const sub = subspaceOf(a, b, c, eps);
    const kind = sub === '1-1-1 Δ>0' ? 0 : sub === '1-1-1 Δ<0' ? 1 : -1;
    if (kind < 0) continue;
    taken[f] = 1;
    const at = 1 + 7 * count++;
    table[at] = f;
    table[at + 1] = kind;
    table[at + 2] = a;
    table[at + 3] = b;
    table[at + 4] = c;
    table[at + 5] = params[5 * f + 3];
    table[at + 6] = params[5 * f + 4];
  }
  const release = () => block.heap.release(block.ptr);
  if (count === 0) {
    release();
    return null;
  }
  return { ptr: block.ptr, count, taken, release };
}

/**
 * y for the native neurons of a layer; returns which neurons it computed (null: none, every
 * neuron is left to the caller).
 */
export function wasmDeuForward(x: TypedArray, y: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number): Uint8Array | null {
  const native = nativeFor([x, y], x);
  if (!native) return null;
  const { rt, at } = native;
  const table = tableOf(rt, params, F, eps, 0);
  if (!table) return null;
  try {
    countRun('deu');
    const runs = splitItems(rt, table.count, table.count * N * S, PARALLEL_MIN_ELEMENTS);
    runShares(rt, DEU_FORWARD, 'deu', [table.ptr, at[0], at[1], N, F, S], runs, () => 0, (lo, hi) => rt.exports.deuForwardTable(table.ptr, lo, hi, at[0], at[1], N, F, S));
  } finally {
    table.release();
  }
  return table.taken;
}

/**
 * dx and the coefficient gradients (into dparams [F, 5]) for the native neurons of a layer;
 * returns which neurons it computed (null: none).
 */
export function wasmDeuBackward(g: TypedArray, x: TypedArray, dx: TypedArray, dparams: TypedArray, params: ArrayLike<number>, N: number, F: number, S: number, eps: number, s: number): Uint8Array | null {
  const native = nativeFor([g, x, dx], x);
  if (!native) return null;
  const { rt, at } = native;
  const table = tableOf(rt, params, F, eps, s);
  if (!table) return null;
  const sums = allocFloat32(rt, 10 * table.count, false);
  if (!sums) {
    table.release();
    return null;
  }
  try {
    countRun('deuGrad');
    const runs = splitItems(rt, table.count, table.count * N * S, PARALLEL_MIN_ELEMENTS);
    const args = [table.ptr, at[0], at[1], at[2], N, F, S, sums.ptr];
    runShares(rt, DEU_BACKWARD, 'deuGrad', args, runs, () => 0, (lo, hi) => rt.exports.deuBackwardTable(table.ptr, lo, hi, at[0], at[1], at[2], N, F, S, sums.ptr));
    // the sums of table entry j belong to the j-th taken neuron
    const values = new Float64Array(rt.memory.buffer, sums.ptr, 5 * table.count);
    let j = 0;
    for (let f = 0; f < F; f++) {
      if (!table.taken[f]) continue;
      dparams.set(values.subarray(5 * j, 5 * j + 5), 5 * f);
      j++;
    }
  } finally {
    table.release();
    heapOf(rt).release(sums.ptr);
  }
  return table.taken;
}

