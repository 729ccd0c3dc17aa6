// Group normalisation, fused: statistics, normalisation and the per-channel affine in one kernel,
// and the whole backward (input, weight and bias gradients) in another, two passes over each
// group. The variance is computed around the mean (two passes), so a constant input gives
// variance 0, rstd = 1/√eps, x̂ = 0 and y = bias — never NaN.
//   x̂ = (x − μ)·rstd,  y = x̂·γ + β
//   dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = dy·γ, means over the group
// For float32 in the WebAssembly memory the same arithmetic runs in core/wasm/assembly/group_norm.ts.
import type { View } from '../backend.js';
import { sizeOf } from '../shape.js';
import { countRun } from '../wasm/runtime.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';

export function groupNorm(alloc: CpuAllocator, xv: View, wv: View | null, bv: View | null, groups: number, eps: number): { y: CpuStorage; mean: CpuStorage; rstd: CpuStorage } {
  const x = arrayOf(xv.storage);
  const gamma = wv ? arrayOf(wv.storage) : null, beta = bv ? arrayOf(bv.storage) : null;
  const [N, C] = xv.shape;
  const S = sizeOf(xv.shape.slice(2));
  const Cg = C / groups, M = Cg * S;
  const y = alloc.alloc(xv.dtype, x.length, false), mean = alloc.alloc(xv.dtype, N * groups, false), rstd = alloc.alloc(xv.dtype, N * groups, false);
  const native = residentKernels(x, gamma, beta, y.array, mean.array, rstd.array);
  if (native) {
    const { rt, at } = native;
    countRun('groupNorm');
    rt.exports.groupNormForward(at[0], at[1], at[2], N, C, S, groups, eps, at[3], at[4], at[5]);
    return { y, mean, rstd };
  }
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      const start = (n * C + g * Cg) * S;
      let sum = 0;
      for (let i = 0; i < M; i++) sum += x[start + i];
      const mu = sum / M;
      let sq = 0;
      for (let i = 0; i < M; i++) {
        const d = x[start + i] - mu;
        sq += d * d;
      }
      const r = 1 / Math.sqrt(sq / M + eps);
      mean.array[n * groups + g] = mu;
      rstd.array[n * groups + g] = r;
      for (let c = 0; c < Cg; c++) {
        const channel = g * Cg + c;
        const scale = gamma ? gamma[channel] * r : r;
        const shift = beta ? beta[channel] : 0;
        const base = start + c * S;
        for (let s = 0; s < S; s++) y.array[base + s] = (x[base + s] - mu) * scale + shift;
      }
    }
  }
  return { y, mean, rstd };
}

export function groupNormGrad(alloc: CpuAllocator, gv: View, xv: View, wv: View | null, meanv: View, rstdv: View, groups: number): { dx: CpuStorage; dweight: CpuStorage; dbias: CpuStorage } {
  const dy = arrayOf(gv.storage), x = arrayOf(xv.storage);
  const gamma = wv ? arrayOf(wv.storage) : null;
  const mean = arrayOf(meanv.storage), rstd = arrayOf(rstdv.storage);
  const [N, C] = xv.shape;
  const S = sizeOf(xv.shape.slice(2));
  const Cg = C / groups, M = Cg * S;
  const dx = alloc.alloc(xv.dtype, x.length, false), dweight = alloc.alloc(xv.dtype, C), dbias = alloc.alloc(xv.dtype, C);
  const native = residentKernels(dy, x, gamma, mean, rstd, dx.array, dweight.array, dbias.array);
  if (native) {
    const { rt, at } = native;
    countRun('groupNormGrad');
    rt.exports.groupNormBackward(at[0], at[1], at[2], at[3], at[4], N, C, S, groups, at[5], at[6], at[7]);
    return { dx, dweight, dbias };
  }
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      const mu = mean[n * groups + g], r = rstd[n * groups + g];
      const start = (n * C + g * Cg) * S;
      // pass 1: the group means of dx̂ and dx̂·x̂, and the affine parameters' gradients
      let sumDxhat = 0, sumDxhatXhat = 0;
      for (let c = 0; c < Cg; c++) {
        const channel = g * Cg + c;
        const gm = gamma ? gamma[channel] : 1;
        const base = start + c * S;
        let dGamma = 0, dBeta = 0;
        for (let s = 0; s < S; s++) {
          const xhat = (x[base + s] - mu) * r;
          const d = dy[base + s];
          dGamma += d * xhat;
          dBeta += d;
          sumDxhat += d * gm;
          sumDxhatXhat += d * gm * xhat;
        }
        dweight.array[channel] += dGamma;
        dbias.array[channel] += dBeta;
      }
      const meanDxhat = sumDxhat / M, meanDxhatXhat = sumDxhatXhat / M;
      // pass 2: the input gradient
      for (let c = 0; c < Cg; c++) {
        const gm = gamma ? gamma[g * Cg + c] : 1;
        const base = start + c * S;
        for (let s = 0; s < S; s++) {
          const xhat = (x[base + s] - mu) * r;
          dx.array[base + s] = r * (dy[base + s] * gm - meanDxhat - xhat * meanDxhatXhat);
        }
      }
    }
  }
  return { dx, dweight, dbias };
}
