// The fused kernels of the gpu backend, one file per family (conv.ts, pool.ts, group_norm.ts,
// deu.ts, pau.ts). Like every gpu kernel they are gathers — each output element computes its own
// value from what it depends on — because gpu.js kernels cannot scatter.
import type { FusedKernels } from '../backend.js';
import type { GpuContext } from './context.js';
import { conv2d, conv2dGradInput, conv2dGradWeight } from './conv.js';
import { deuBackward, deuForward } from './deu.js';
import { groupNorm, groupNormGrad } from './group_norm.js';
import { pauBackward, pauForward } from './pau.js';
import { pool2d, pool2dGrad } from './pool.js';

export function fusedKernels(ctx: GpuContext): Partial<FusedKernels> {
  return {
    conv2d: (x, w, p, outShape) => conv2d(ctx, x, w, p, outShape),
    conv2dGradInput: (g, w, p, inShape) => conv2dGradInput(ctx, g, w, p, inShape),
    conv2dGradWeight: (g, x, p, wShape) => conv2dGradWeight(ctx, g, x, p, wShape),
    pool2d: (x, p, outShape) => pool2d(ctx, x, p, outShape),
    pool2dGrad: (g, x, p) => pool2dGrad(ctx, g, x, p),
    groupNorm: (x, w, b, groups, eps) => groupNorm(ctx, x, w, b, groups, eps),
    groupNormGrad: (g, x, w, mean, rstd, groups) => groupNormGrad(ctx, g, x, w, mean, rstd, groups),
    // the gpu kernels keep nothing for the backward pass (it recomputes in float32)
    deuForward: (x, params, p) => ({ y: deuForward(ctx, x, params, p), saved: null }),
    deuBackward: (g, x, params, p) => deuBackward(ctx, g, x, params, p),
    pauForward: (x, a, b, p) => pauForward(ctx, x, a, b, p),
    pauBackward: (g, x, a, b, p) => pauBackward(ctx, g, x, a, b, p),
  };
}
