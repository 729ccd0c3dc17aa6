// Differential Equation Units (specs/deu.md), the fused CPU kernels. x is [N, F, ...]: axis 1
// holds the neurons (features of a Linear layer's output, channels of a Conv2d layer's), and every
// other axis is a batch of inputs t for that neuron. params is [F, 5] with columns (a, b, c, c1, c2).
//
// Each neuron's subspace is chosen once, from its own coefficients, and only that subspace's
// formula runs for its elements. (The paper's Algorithm 1 instead evaluates every subspace for every
// neuron and sums mask·f_S; the invalid branches are NaN — square roots of negatives, 1/0 — and
// 0·NaN = NaN, so that would have to select, never multiply.)
//   forward:  y = y(t; a, b, c, c1, c2)                              (deu_solutions.ts)
//   backward: dx = g·∂y/∂t, dparams[f] = Σ over the neuron's elements of g·∂y/∂θ, with the
//             columns of coefficients stuck below ε borrowed by outward gravitation (deu_gravitation.ts)
// This file's arithmetic is float64 for both dtypes; float32 results are rounded when stored, and those
// below float32's normal range (|v| < 2^−126 ≈ 1.2e−38) are flushed to ±0, as
// torch.set_flush_denormal(True) does: the δ_s and c·φ terms of a trained layer's gradient make
// a few percent of dx subnormal, and each layer's matmuls that read them ran 10–25 % slower
// (subnormal operands take a slow path in the processor's SIMD units; bench/RESULTS.md).
//
// Speed: the two subspaces almost every trained or freshly initialised neuron is in (1-1-1 with
// Δ > 0 or Δ < 0) have loops of their own (deu_fast.ts) with the per-neuron constants hoisted out
// of the element loop; they evaluate the same expressions in the same order as deu_solutions.ts,
// so their results are bit-identical to the generic path, which every other case still takes.
// For float32 in the WebAssembly memory every neuron runs in core/wasm/assembly/deu.ts instead, two
// elements (of two 1-1-1 neurons of one kind, or of one other neuron) per f64x2 instruction and
// split across threads by neuron (deu_wasm.ts; within a few ulps: its exp, sin and cos are not
// V8's), the forward pass keeping each element's exponentials for the backward pass when one will
// follow, and the backward kernel finding outward gravitation itself (bit for bit this file's).
// There the 1-1-1 neurons compute in float32 by default (setBackend('cpu', { deuArithmetic }):
// 'float32'), four per f32x4 instruction, keeping their exponentials as float32s
// (core/wasm/assembly/deu_single.ts); with 'float64' they take the float64 pairs.
import type { DeuParams, View } from '../backend.js';
import { sizeOf } from '../shape.js';
import { hasSmallCoefficient, outwardGravitation, type Gravitation } from './deu_gravitation.js';
import { fastBackward, fastForward } from './deu_fast.js';
import { DeuPoint, evaluate, neuronAt, subspaceOf } from './deu_solutions.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { savedLength, wasmDeuBackward, wasmDeuForward } from './deu_wasm.js';
import { heapStats } from '../wasm/heap.js';
import { heapLimit } from '../wasm/runtime.js';
import { residentKernels } from './wasm_switch.js';

/**
 * y, and with `save` (a backward pass will follow) what deuBackward can reuse: where the
 * WebAssembly kernel runs, each element's exponentials (float64s, or float32s in float32 arithmetic)
 * and the layer's table (deu_wasm.ts's savedLength), so that the backward pass need not compute
 * them again.
 */
export function deuForward(alloc: CpuAllocator, xv: View, pv: View, { eps, s }: DeuParams, save: boolean): { y: CpuStorage; saved: CpuStorage | null } {
  const x = arrayOf(xv.storage), params = arrayOf(pv.storage);
  const [N, F] = xv.shape, S = sizeOf(xv.shape.slice(2));
  // written whole on either path (WebAssembly or the loop below): no zeroing
  const y = alloc.alloc(xv.dtype, x.length, false);
  const point = new DeuPoint();
  const length = savedLength(s, x.length, F);
  const saved = save && xv.dtype === 'float32' && x.length > 0 && roomToKeep(4 * length) ? alloc.alloc('float32', length, false) : null;
  const ran = wasmDeuForward(x, y.array, params, N, F, S, eps, s, saved?.array ?? null);
  if (ran === 'saved') return { y, saved };
  if (saved) alloc.release(saved);
  if (ran) return { y, saved: null };
  for (let f = 0; f < F; f++) {
    const k = neuronAt(params, f);
    const sub = subspaceOf(k.a, k.b, k.c, eps);
    if (sub !== null && fastForward(sub, k, x, y.array, N, F, S, f)) continue;
    // neuron f's elements: x[n, f, :] for every n, S contiguous values each
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        y.array[i] = sub === null ? NaN : evaluate(sub, x[i], k, s, point, false).y;
      }
    }
  }
  flushSubnormals(y.array);
  return { y, saved: null };
}

/**
 * Whether keeping `bytes` leaves the WebAssembly memory at most half full: what the forward pass
 * keeps only saves time, so it must not push the tensors of a large network out of that memory
 * (onto the JavaScript heap, where the kernels run slower); beyond, the backward pass computes the
 * exponentials again.
 */
function roomToKeep(bytes: number): boolean {
  const stats = heapStats();
  return stats !== null && stats.liveBytes + bytes <= heapLimit() * keepShare;
}

/** The share of the WebAssembly memory the kept exponentials may take it up to (see roomToKeep). */
let keepShare = 0.5;
/** For tests: another share (0: never keep), null restores it. */
export function setKeepShareForTest(share: number | null): void {
  keepShare = share ?? 0.5;
}

/** dx and dparams; `saved` is what deuForward kept for this x and params (null: nothing kept). */
export function deuBackward(alloc: CpuAllocator, gv: View, xv: View, pv: View, { eps, s }: DeuParams, saved: View | null): { dx: CpuStorage; dparams: CpuStorage } {
  const g = arrayOf(gv.storage), x = arrayOf(xv.storage), params = arrayOf(pv.storage);
  const [N, F] = xv.shape, S = sizeOf(xv.shape.slice(2));
  const dx = alloc.alloc(xv.dtype, x.length, false), dparams = alloc.alloc(pv.dtype, 5 * F, false);
  // (the WebAssembly kernel finds outward gravitation itself, bit for bit as below)
  if (wasmDeuBackward(g, x, dx.array, dparams.array, params, N, F, S, eps, s, saved ? arrayOf(saved.storage) : null)) {
    flushSubnormals(dparams.array); // (the kernel flushes dx; its sums are float64)
    return { dx, dparams };
  }
  const point = new DeuPoint(), borrowed = new DeuPoint();
  // outward gravitation only for neurons with a coefficient below ε (a few, once trained)
  const gravities = new Array<Gravitation | null>(F).fill(null);
  for (let f = 0; f < F; f++) {
    if (hasSmallCoefficient(params[5 * f], params[5 * f + 1], params[5 * f + 2], eps)) gravities[f] = gravitationOf(x, params, N, F, S, f, eps, s);
  }
  for (let f = 0; f < F; f++) {
    const k = neuronAt(params, f);
    const sub = subspaceOf(k.a, k.b, k.c, eps);
    const gravity = gravities[f];
    if (!gravity && sub !== null && fastBackward(sub, k, s, g, x, dx.array, dparams.array, N, F, S, f)) continue;
    const [borrowA, borrowB, borrowC] = gravity ? [gravity.nudged.a, gravity.nudged.b, gravity.nudged.c] : [false, false, false];
    let da = 0, db = 0, dc = 0, dc1 = 0, dc2 = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        if (sub === null) {
          dx.array[i] = NaN;
          continue;
        }
        const t = x[i], gi = g[i];
        const p = evaluate(sub, t, k, s, point, true);
        const q = gravity ? evaluate(gravity.subspace, t, gravity.at, s, borrowed, true) : p;
        dx.array[i] = gi * p.dt;
        da += gi * (borrowA ? q.da : p.da);
        db += gi * (borrowB ? q.db : p.db);
        dc += gi * (borrowC ? q.dc : p.dc);
        dc1 += gi * p.dc1;
        dc2 += gi * p.dc2;
      }
    }
    dparams.array.set(sub === null ? [NaN, NaN, NaN, NaN, NaN] : [da, db, dc, dc1, dc2], 5 * f);
  }
  flushSubnormals(dx.array);
  flushSubnormals(dparams.array);
  return { dx, dparams };
}

const SMALLEST_NORMAL_FLOAT32 = 2 ** -126;

/** A float32 array's subnormal values flushed to zero of the same sign (see the header); float64 arrays are left alone. */
function flushSubnormals(a: ArrayLike<number> & { [i: number]: number }): void {
  if (!(a instanceof Float32Array)) return;
  const native = residentKernels(a);
  if (native) {
    native.rt.exports.flushSubnormalsF32(native.at[0], a.length);
    return;
  }
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v !== 0 && v > -SMALLEST_NORMAL_FLOAT32 && v < SMALLEST_NORMAL_FLOAT32) a[i] = v < 0 ? -0 : 0;
  }
}

/**
 * Outward gravitation for neuron f (null unless one of its coefficients is below ε) at t*, the mean
 * of the neuron's inputs.
 */
function gravitationOf(x: ArrayLike<number>, params: ArrayLike<number>, N: number, F: number, S: number, f: number, eps: number, s: number): Gravitation | null {
  const k = neuronAt(params, f);
  const sub = subspaceOf(k.a, k.b, k.c, eps);
  if (sub === null || N * S === 0 || !hasSmallCoefficient(k.a, k.b, k.c, eps)) return null;
  let sum = 0;
  for (let n = 0; n < N; n++) for (let i = (n * F + f) * S, end = i + S; i < end; i++) sum += x[i];
  let mean = sum / (N * S);
  if (!Number.isFinite(sum)) {
    // float64 inputs near its limit overflow the sum although their mean is finite: sum x/n instead
    mean = 0;
    for (let n = 0; n < N; n++) for (let i = (n * F + f) * S, end = i + S; i < end; i++) mean += x[i] / (N * S);
  }
  return outwardGravitation(k, sub, mean, eps, s);
}
