// Padé activation units, fused: the forward evaluates F = P/Q per element in one pass; the
// backward computes dx and every coefficient gradient in one more pass (specs/pau.md §1.4, §4.3).
// Composed from elementary tensor ops, the same function would allocate and traverse some thirty
// full-size temporaries each way.
//
// Coefficients are shared by a whole tensor (rank-1 numerator and denominator), or per channel
// (rank 2, row c for x[:, c, ...]). Either way the loop below walks blocks of elements that share
// one row: one block for the shared case, N·C blocks of the trailing size S per channel.
//
// Coefficient gradients are sums over every element of a block group, accumulated in float64 in
// a fixed order whatever the dtype — element order, and for degrees (5, 4) without noise element
// order within segments of 4096 added segment by segment, so that threads can share the segments
// (pau_segments.ts) — so the same inputs give the same gradients bit for bit (the reference CUDA
// kernel's atomics do not).
//
// RPAU (version D) is version B with each element's coefficients multiplied by a fresh noise
// factor (pau_noise.ts); the backward pass recomputes the very same factors from the saved key.
//
// For float32 in the WebAssembly memory, degrees (5, 4) run the same arithmetic in
// core/wasm/assembly/pau.ts, and with RPAU's noise in core/wasm/assembly/rpau.ts, which computes
// the noise factors itself with pau_noise.ts's hash (bit for bit, both).
import type { PauNoise, PauParams, View } from '../backend.js';
import { sizeOf } from '../shape.js';
import { evaluate54, is54, OUT } from './pau_54.js';
import { coefficientUniform, elementHash, noiseFactor } from './pau_noise.js';
import { RationalPoint, UNSCALED_BELOW } from './pau_rational.js';
import type { TypedArray } from '../dtype.js';
import { countRun } from '../wasm/runtime.js';
import { pointerOf } from '../wasm/heap.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';
import { PAU_SEGMENT, wasmPauBackward, wasmPauForward } from './pau_segments.js';

/** How elements map to coefficient rows: `blocks` runs of `run` elements, block b uses row b % rows. */
interface Layout {
  rows: number;
  blocks: number;
  run: number;
  m1: number;
  nb: number;
}

function layoutOf(xv: View, av: View, bv: View): Layout {
  const size = sizeOf(xv.shape);
  const perChannel = av.shape.length === 2;
  const m1 = av.shape[av.shape.length - 1], nb = bv.shape[bv.shape.length - 1];
  if (!perChannel) return { rows: 1, blocks: 1, run: size, m1, nb };
  const C = av.shape[0];
  const run = size === 0 ? 0 : size / (xv.shape[0] * C);
  return { rows: C, blocks: xv.shape[0] * C, run, m1, nb };
}

/** Writes the noisy coefficients of one element into na, nb (the draw is indexed per element or per row). */
function drawCoefficients(noise: PauNoise, draw: number, a: ArrayLike<number>, b: ArrayLike<number>, na: Float64Array, nbd: Float64Array): void {
  for (let j = 0; j < na.length; j++) na[j] = a[j] * noiseFactor(noise.alpha, noise.key, draw, j);
  for (let i = 0; i < nbd.length; i++) {
    nbd[i] = noise.noisyDenominator ? b[i] * noiseFactor(noise.alpha, noise.key, draw, na.length + i) : b[i];
  }
}

/** Fills factors[k] with noiseFactor(α, key, draw, k), hashing (key, draw) once for all k. */
function drawFactors(noise: PauNoise, draw: number, factors: Float64Array): void {
  const h = elementHash(noise.key, draw), alpha = noise.alpha;
  for (let k = 0; k < factors.length; k++) factors[k] = 1 - alpha + 2 * alpha * coefficientUniform(h, k);
}

/** Loads row `row`'s coefficients into c (a_0…a_5, b_1…b_4), times the factors when noisy. */
function load54(c: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, row: number, factors: Float64Array | null, noisyDenominator: boolean): void {
  for (let j = 0; j < 6; j++) c[j] = factors ? a[row * 6 + j] * factors[j] : a[row * 6 + j];
  for (let i = 0; i < 4; i++) c[6 + i] = factors && noisyDenominator ? b[row * 4 + i] * factors[6 + i] : b[row * 4 + i];
}

const VERSION_CODE: Partial<Record<PauParams['version'], number>> = { A: 0, B: 1, N: 2 };

/**
 * The WebAssembly kernel (core/wasm/assembly/pau.ts, rpau.ts with noise) can take this call:
 * degrees (5, 4), version A/B/N, float32 arrays in its memory, and no |x| ≥ 2^32 (the scaled path).
 */
function wasmPau(p: PauParams, L: Layout, arrays: readonly TypedArray[], x: TypedArray) {
  if (!is54(p.version, L.m1, L.nb)) return null;
  const native = residentKernels(...arrays);
  if (!native || native.rt.exports.anyAtLeast(native.at[arrays.indexOf(x)], x.length, UNSCALED_BELOW)) return null;
  return { ...native, version: VERSION_CODE[p.version]! };
}

/** rpau.ts's flag bits: noise per element, noisy denominator, exact coefficient gradients. */
function noiseFlags(noise: PauNoise): number {
  return (noise.perElement ? 1 : 0) | (noise.noisyDenominator ? 2 : 0) | (noise.straightThrough ? 0 : 4);
}

export function pauForward(alloc: CpuAllocator, xv: View, av: View, bv: View, p: PauParams): CpuStorage {
  const x = arrayOf(xv.storage), a = arrayOf(av.storage), b = arrayOf(bv.storage);
  const L = layoutOf(xv, av, bv);
  const y = alloc.alloc(xv.dtype, x.length, false), out = y.array;
  const native = wasmPau(p, L, [x, a, b, out], x);
  if (native && p.noise) {
    const scratch = alloc.alloc('float32', native.rt.exports.rpauScratchBytes() / 4, false);
    const at = pointerOf(native.rt, scratch.array as Float32Array);
    if (at >= 0) { // else the memory is full: the JavaScript loop below
      countRun('rpau');
      native.rt.exports.rpauForward54(native.version, native.at[0], native.at[1], native.at[2], L.rows, L.blocks, L.run, native.at[3], p.noise.key, p.noise.alpha, noiseFlags(p.noise), at);
      alloc.release(scratch);
      return y;
    }
    alloc.release(scratch);
  } else if (native) {
    countRun('pau');
    wasmPauForward(native, L);
    return y;
  }
  if (is54(p.version, L.m1, L.nb)) {
    const c = new Float64Array(10), factors = new Float64Array(10), noise = p.noise;
    for (let block = 0; block < L.blocks; block++) {
      const row = block % L.rows, start = block * L.run, end = start + L.run;
      if (!noise) {
        load54(c, a, b, row, null, false);
        for (let i = start; i < end; i++) {
          evaluate54(x[i], c, p.version, false);
          out[i] = OUT[0];
        }
        continue;
      }
      for (let i = start; i < end; i++) {
        drawFactors(noise, noise.perElement ? i : row, factors);
        load54(c, a, b, row, factors, noise.noisyDenominator);
        evaluate54(x[i], c, p.version, false);
        out[i] = OUT[0];
      }
    }
    return y;
  }
  const point = new RationalPoint(p.version, L.m1, L.nb);
  const noisyA = new Float64Array(L.m1), noisyB = new Float64Array(L.nb);
  for (let block = 0; block < L.blocks; block++) {
    const row = block % L.rows;
    const ar = a.subarray(row * L.m1, (row + 1) * L.m1), br = b.subarray(row * L.nb, (row + 1) * L.nb);
    const start = block * L.run;
    for (let i = start; i < start + L.run; i++) {
      if (p.noise) {
        drawCoefficients(p.noise, p.noise.perElement ? i : row, ar, br, noisyA, noisyB);
        point.evaluate(x[i], noisyA, noisyB, false);
      } else {
        point.evaluate(x[i], ar, br, false);
      }
      out[i] = point.f;
    }
  }
  return y;
}

export function pauBackward(alloc: CpuAllocator, gv: View, xv: View, av: View, bv: View, p: PauParams): { dx: CpuStorage; dnumerator: CpuStorage; ddenominator: CpuStorage } {
  const g = arrayOf(gv.storage), x = arrayOf(xv.storage), a = arrayOf(av.storage), b = arrayOf(bv.storage);
  const L = layoutOf(xv, av, bv);
  const dx = alloc.alloc(xv.dtype, x.length);
  // float64 accumulators, one row per coefficient row, rounded to the dtype once at the end
  const sumA = new Float64Array(L.rows * L.m1), sumB = new Float64Array(L.rows * L.nb);
  const point = new RationalPoint(p.version, L.m1, L.nb);
  const noise = p.noise;
  const noisyA = new Float64Array(L.m1), noisyB = new Float64Array(L.nb);
  const native = wasmPau(p, L, [g, x, a, b, dx.array], x);
  if (native && !noise) {
    countRun('pauGrad');
    if (wasmPauBackward(native, L, sumA, sumB)) return finish(alloc, dx, sumA, sumB, av, bv); // else the memory is full: the JavaScript loops below
  } else if (native && noise) {
    // the float64 sums in the WebAssembly memory (a float32 block of twice the length), and RPAU's scratch
    const sums = alloc.alloc('float32', 2 * (sumA.length + sumB.length));
    const scratch = alloc.alloc('float32', native.rt.exports.rpauScratchBytes() / 4, false);
    const at = pointerOf(native.rt, sums.array as Float32Array), scratchAt = pointerOf(native.rt, scratch.array as Float32Array);
    if (at >= 0 && scratchAt >= 0) { // else the memory is full: the JavaScript loops below
      const [gAt, xAt, aAt, bAt, dxAt] = native.at;
      countRun('rpauGrad');
      native.rt.exports.rpauBackward54(native.version, gAt, xAt, aAt, bAt, L.rows, L.blocks, L.run, dxAt, at, at + sumA.length * 8, noise.key, noise.alpha, noiseFlags(noise), scratchAt);
      sumA.set(new Float64Array(native.rt.memory.buffer, at, sumA.length));
      sumB.set(new Float64Array(native.rt.memory.buffer, at + sumA.length * 8, sumB.length));
    }
    alloc.release(sums);
    alloc.release(scratch);
    if (at >= 0 && scratchAt >= 0) return finish(alloc, dx, sumA, sumB, av, bv);
  }
  if (is54(p.version, L.m1, L.nb)) {
    backward54(g, x, a, b, dx.array, sumA, sumB, L, p);
    return finish(alloc, dx, sumA, sumB, av, bv);
  }
  for (let block = 0; block < L.blocks; block++) {
    const row = block % L.rows;
    const ar = a.subarray(row * L.m1, (row + 1) * L.m1), br = b.subarray(row * L.nb, (row + 1) * L.nb);
    const oa = row * L.m1, ob = row * L.nb;
    const start = block * L.run;
    for (let i = start; i < start + L.run; i++) {
      const draw = noise ? (noise.perElement ? i : row) : 0;
      if (noise) {
        drawCoefficients(noise, draw, ar, br, noisyA, noisyB);
        point.evaluate(x[i], noisyA, noisyB, true);
      } else {
        point.evaluate(x[i], ar, br, true);
      }
      const gi = g[i];
      dx.array[i] = gi * point.dx;
      // the exact (not straight-through) variant also carries ∂c̃/∂c = c̃/c, the noise factor
      const exact = noise !== null && !noise.straightThrough;
      for (let j = 0; j < L.m1; j++) {
        const chain = exact ? noiseFactor(noise.alpha, noise.key, draw, j) : 1;
        sumA[oa + j] += gi * point.da[j] * chain;
      }
      for (let k = 0; k < L.nb; k++) {
        const chain = exact && noise.noisyDenominator ? noiseFactor(noise.alpha, noise.key, draw, L.m1 + k) : 1;
        sumB[ob + k] += gi * point.db[k] * chain;
      }
    }
  }
  return finish(alloc, dx, sumA, sumB, av, bv);
}

/** Rounds the float64 sums to the coefficients' dtype. */
function finish(alloc: CpuAllocator, dx: CpuStorage, sumA: Float64Array, sumB: Float64Array, av: View, bv: View) {
  const dnumerator = alloc.alloc(av.dtype, sumA.length), ddenominator = alloc.alloc(bv.dtype, sumB.length);
  dnumerator.array.set(sumA);
  ddenominator.array.set(sumB);
  return { dx, dnumerator, ddenominator };
}

/** The backward loop of pauBackward for degrees (5, 4) (pau_54.ts): the same sums in the same order. */
function backward54(g: ArrayLike<number>, x: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, dx: Float32Array | Float64Array, sumA: Float64Array, sumB: Float64Array, L: Layout, p: PauParams): void {
  const c = new Float64Array(10), factors = new Float64Array(10), noise = p.noise, version = p.version;
  const exact = noise !== null && !noise.straightThrough;
  for (let block = 0; block < L.blocks; block++) {
    const row = block % L.rows, start = block * L.run, end = start + L.run, oa = row * 6, ob = row * 4;
    if (!noise) {
      load54(c, a, b, row, null, false);
      // each segment's sums in locals from 0, then added to the row's: the WebAssembly kernel's
      // order, whatever its thread count (pau_segments.ts)
      for (let first = start; first < end; first += PAU_SEGMENT) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        for (let i = first, last = Math.min(end, first + PAU_SEGMENT); i < last; i++) {
          evaluate54(x[i], c, version, true);
          const gi = g[i];
          dx[i] = gi * OUT[1];
          s0 += gi * OUT[2]; s1 += gi * OUT[3]; s2 += gi * OUT[4]; s3 += gi * OUT[5]; s4 += gi * OUT[6]; s5 += gi * OUT[7];
          t1 += gi * OUT[8]; t2 += gi * OUT[9]; t3 += gi * OUT[10]; t4 += gi * OUT[11];
        }
        sumA[oa] += s0; sumA[oa + 1] += s1; sumA[oa + 2] += s2; sumA[oa + 3] += s3; sumA[oa + 4] += s4; sumA[oa + 5] += s5;
        sumB[ob] += t1; sumB[ob + 1] += t2; sumB[ob + 2] += t3; sumB[ob + 3] += t4;
      }
      continue;
    }
    for (let i = start; i < end; i++) {
      drawFactors(noise, noise.perElement ? i : row, factors);
      load54(c, a, b, row, factors, noise.noisyDenominator);
      evaluate54(x[i], c, version, true);
      const gi = g[i];
      dx[i] = gi * OUT[1];
      if (!exact) {
        for (let j = 0; j < 6; j++) sumA[oa + j] += gi * OUT[2 + j];
        for (let k = 0; k < 4; k++) sumB[ob + k] += gi * OUT[8 + k];
      } else {
        // the exact variant carries ∂c̃/∂c, the noise factor (the denominator's only if noisy)
        for (let j = 0; j < 6; j++) sumA[oa + j] += gi * OUT[2 + j] * factors[j];
        for (let k = 0; k < 4; k++) sumB[ob + k] += gi * OUT[8 + k] * (noise.noisyDenominator ? factors[6 + k] : 1);
      }
    }
  }
}
