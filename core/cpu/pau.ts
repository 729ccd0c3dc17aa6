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
// element order whatever the dtype: a fixed order, so the same inputs give the same gradients
// bit for bit (the reference CUDA kernel's atomics do not).
//
// RPAU (version D) is version B with each element's coefficients multiplied by a fresh noise
// factor (pau_noise.ts); the backward pass recomputes the very same factors from the saved key.
import type { PauNoise, PauParams, View } from '../backend.js';
import { sizeOf } from '../shape.js';
import { noiseFactor } from './pau_noise.js';
import { RationalPoint } from './pau_rational.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';

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

export function pauForward(alloc: CpuAllocator, xv: View, av: View, bv: View, p: PauParams): CpuStorage {
  const x = arrayOf(xv.storage), a = arrayOf(av.storage), b = arrayOf(bv.storage);
  const L = layoutOf(xv, av, bv);
  const y = alloc.alloc(xv.dtype, x.length), out = y.array;
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
  const dnumerator = alloc.alloc(av.dtype, sumA.length), ddenominator = alloc.alloc(bv.dtype, sumB.length);
  dnumerator.array.set(sumA);
  ddenominator.array.set(sumB);
  return { dx, dnumerator, ddenominator };
}
