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
// a fixed order whatever the dtype — element order within segments of 4096 elements (inside a
// block), each segment's sums added to its row's in segment order, so that threads can share the
// segments (pau_segments.ts) — so the same inputs give the same gradients bit for bit, for any
// thread count (the reference CUDA kernel's atomics do not).
//
// RPAU (version D) is version B with each element's coefficients multiplied by a fresh noise
// factor (pau_noise.ts); the backward pass recomputes the very same factors from the saved key.
//
// What runs where. float64, and float32 tensors outside the WebAssembly memory, run the
// JavaScript loops below. For float32 in the WebAssembly memory, split across threads by
// segments (pau_segments.ts), with the same arithmetic in the same order (bit for bit):
//   degrees (5, 4), versions A, B, N, no noise: core/wasm/assembly/pau.ts;
//   RPAU's noisy (5, 4): core/wasm/assembly/rpau.ts, which computes the noise factors itself with
//     pau_noise.ts's hash;
//   any other degrees, or version C, no noise, numerator and denominator lengths up to
//     GENERAL_MAX_LENGTH (16): core/wasm/assembly/pau_general.ts, RationalPoint's arithmetic.
// In JavaScript still: a call with any |x| ≥ 2^32 (pau_far.ts's scaled path), RPAU's noise at
// degrees other than (5, 4), and lengths beyond GENERAL_MAX_LENGTH.
import type { PauNoise, PauParams, View } from '../backend.js';
import { sizeOf } from '../shape.js';
import { evaluate54, is54, OUT } from './pau_54.js';
import { coefficientUniform, elementHash, noiseFactor } from './pau_noise.js';
import { RationalPoint, UNSCALED_BELOW } from './pau_rational.js';
import type { TypedArray } from '../dtype.js';
import { countRun } from '../wasm/runtime.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';
import { GENERAL_MAX_LENGTH, PAU_SEGMENT, wasmPauBackward, wasmPauForward, wasmPauGeneralBackward, wasmPauGeneralForward, wasmRpauBackward, wasmRpauForward } from './pau_segments.js';

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

/** The kernels' version codes (pau.ts takes A, B, N; pau_general.ts all four). */
const VERSION_CODE: Record<PauParams['version'], number> = { A: 0, B: 1, N: 2, C: 3 };

/**
 * A WebAssembly kernel can take this call: float32 arrays in its memory, no |x| ≥ 2^32 (the
 * scaled path), and either degrees (5, 4) in version A/B/N (pau.ts, rpau.ts with noise) or, without
 * noise, any other degrees or version C with both lengths up to GENERAL_MAX_LENGTH (pau_general.ts).
 */
function wasmPau(p: PauParams, L: Layout, arrays: readonly TypedArray[], x: TypedArray) {
  const general = !is54(p.version, L.m1, L.nb);
  if (general && (p.noise !== null || L.m1 > GENERAL_MAX_LENGTH || L.nb > GENERAL_MAX_LENGTH)) return null;
  const native = residentKernels(...arrays);
  if (!native || native.rt.exports.anyAtLeast(native.at[arrays.indexOf(x)], x.length, UNSCALED_BELOW)) return null;
  return { ...native, version: VERSION_CODE[p.version], general };
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
  if (native?.general) {
    countRun('pauGeneral');
    wasmPauGeneralForward(native, L);
    return y;
  } else if (native && p.noise) {
    if (wasmRpauForward(native, L, { key: p.noise.key, alpha: p.noise.alpha, flags: noiseFlags(p.noise) })) {
      countRun('rpau');
      return y;
    } // else the memory cannot hold the scratch: the JavaScript loop below
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
  // each returns false, having run nothing, when the memory cannot hold its sums: the JavaScript loops below
  if (native?.general) {
    countRun('pauGeneralGrad');
    if (wasmPauGeneralBackward(native, L, sumA, sumB)) return finish(alloc, dx, sumA, sumB, av, bv);
  } else if (native && !noise) {
    countRun('pauGrad');
    if (wasmPauBackward(native, L, sumA, sumB)) return finish(alloc, dx, sumA, sumB, av, bv);
  } else if (native && noise) {
    if (wasmRpauBackward(native, L, { key: noise.key, alpha: noise.alpha, flags: noiseFlags(noise) }, sumA, sumB)) {
      countRun('rpauGrad');
      return finish(alloc, dx, sumA, sumB, av, bv);
    }
  }
  if (is54(p.version, L.m1, L.nb)) {
    backward54(g, x, a, b, dx.array, sumA, sumB, L, p);
    return finish(alloc, dx, sumA, sumB, av, bv);
  }
  // each segment's sums from 0, then added to the row's: pau_segments.ts's order
  const segmentA = new Float64Array(L.m1), segmentB = new Float64Array(L.nb);
  // the exact (not straight-through) variant also carries ∂c̃/∂c = c̃/c, the noise factor
  const exact = noise !== null && !noise.straightThrough;
  for (let block = 0; block < L.blocks; block++) {
    const row = block % L.rows;
    const ar = a.subarray(row * L.m1, (row + 1) * L.m1), br = b.subarray(row * L.nb, (row + 1) * L.nb);
    const oa = row * L.m1, ob = row * L.nb;
    const start = block * L.run, end = start + L.run;
    for (let first = start; first < end; first += PAU_SEGMENT) {
      segmentA.fill(0);
      segmentB.fill(0);
      for (let i = first, last = Math.min(end, first + PAU_SEGMENT); i < last; i++) {
        const draw = noise ? (noise.perElement ? i : row) : 0;
        if (noise) {
          drawCoefficients(noise, draw, ar, br, noisyA, noisyB);
          point.evaluate(x[i], noisyA, noisyB, true);
        } else {
          point.evaluate(x[i], ar, br, true);
        }
        const gi = g[i];
        dx.array[i] = gi * point.dx;
        for (let j = 0; j < L.m1; j++) {
          const chain = exact ? noiseFactor(noise.alpha, noise.key, draw, j) : 1;
          segmentA[j] += gi * point.da[j] * chain;
        }
        for (let k = 0; k < L.nb; k++) {
          const chain = exact && noise.noisyDenominator ? noiseFactor(noise.alpha, noise.key, draw, L.m1 + k) : 1;
          segmentB[k] += gi * point.db[k] * chain;
        }
      }
      for (let j = 0; j < L.m1; j++) sumA[oa + j] += segmentA[j];
      for (let k = 0; k < L.nb; k++) sumB[ob + k] += segmentB[k];
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
  const c = new Float64Array(10), factors = new Float64Array(10), segment = new Float64Array(10), noise = p.noise, version = p.version;
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
    // with noise, the same segments (rpau.ts's order)
    for (let first = start; first < end; first += PAU_SEGMENT) {
      segment.fill(0);
      for (let i = first, last = Math.min(end, first + PAU_SEGMENT); i < last; i++) {
        drawFactors(noise, noise.perElement ? i : row, factors);
        load54(c, a, b, row, factors, noise.noisyDenominator);
        evaluate54(x[i], c, version, true);
        const gi = g[i];
        dx[i] = gi * OUT[1];
        if (!exact) {
          for (let j = 0; j < 10; j++) segment[j] += gi * OUT[2 + j];
        } else {
          // the exact variant carries ∂c̃/∂c, the noise factor (the denominator's only if noisy)
          for (let j = 0; j < 6; j++) segment[j] += gi * OUT[2 + j] * factors[j];
          for (let k = 0; k < 4; k++) segment[6 + k] += gi * OUT[8 + k] * (noise.noisyDenominator ? factors[6 + k] : 1);
        }
      }
      for (let j = 0; j < 6; j++) sumA[oa + j] += segment[j];
      for (let k = 0; k < 4; k++) sumB[ob + k] += segment[6 + k];
    }
  }
}
