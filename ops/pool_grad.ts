// Pooling's gradients as ops of their own, for createGraph (issue 18). Each pooling gradient is
// linear in the upstream gradient g:
//   average (and adaptive average): dx = Pᵀ·g, P the pooling itself, independent of x;
//   max: dx routes g[o] to the first maximum of window o, a 0/1 matrix that depends on x only
//        through which element wins (piecewise constant: its x-derivative is 0).
// Recorded as linear maps with their adjoints (as grad_ops.ts linearMap), they are differentiable to
// any order: the adjoint of average pooling's gradient is average pooling; that of max pooling's
// is the gather of each window's winner, computed here from the input's values.
import { declareDifferentiableBackward } from '../core/autograd.js';
import type { Pool2dParams } from '../core/backend.js';
import { allocArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import { record } from '../core/tape.js';
import { fromHost, fromStorage, type Tensor } from '../core/tensor.js';
import { fusedKernel } from './fused.js';
import { reshapeView } from './util.js';

/**
 * The gradient of pooling x4 [N, C, H, W] into outShape, for upstream g (of the op's output
 * shape), as a recorded op; returned in `xShape` (x4's or the 3-D input's).
 */
export function poolGradRecorded(op: string, g: Tensor, x4: Tensor, p: Pool2dParams, outShape: Shape, xShape: Shape): Tensor {
  const grad = (t: Tensor) => fromStorage(fusedKernel(op, x4, 'pool2dGrad')(reshapeView(t, outShape).kernelView(), x4.kernelView(), p), xShape, x4.dtype, x4.backend);
  const adjoint = p.kind === 'max' ? gatherWinners(op, x4, p, outShape, g.shape) : (u: Tensor) => fromStorage(fusedKernel(op, x4, 'pool2d')(reshapeView(u, x4.shape).kernelView(), p, outShape), g.shape, u.dtype, u.backend);
  return linearMapSaving(`${op}Grad`, `${op}GradAdjoint`, g, grad, adjoint, x4);
}

/**
 * grad_ops.ts's linearMap, with the pooled input saved by every entry: both maps read it, and the
 * entries may outlive the forward's (a createGraph backward without retainGraph releases that one).
 */
function linearMapSaving(name: string, adjointName: string, g: Tensor, map: (t: Tensor) => Tensor, adjoint: (t: Tensor) => Tensor, x4: Tensor): Tensor {
  for (const n of [name, adjointName]) if (!declared.has(n)) {
    declared.add(n);
    declareDifferentiableBackward(n);
  }
  return record(name, [g], map(g), (u) => [linearMapSaving(adjointName, name, u, adjoint, map, x4)], [x4]);
}

const declared = new Set<string>();

/** u ↦ u[winner of each window] (0 for a window without one), the adjoint of max pooling's gradient. */
function gatherWinners(op: string, x4: Tensor, p: Pool2dParams, outShape: Shape, gShape: Shape): (u: Tensor) => Tensor {
  let winners: Int32Array | null = null; // computed once, on first use
  return (u) => {
    winners ??= maxWinners(x4.data(), x4.shape, p, outShape);
    const values = u.data(), out = allocArray(u.dtype, winners.length);
    for (let o = 0; o < winners.length; o++) out[o] = winners[o] < 0 ? 0 : values[winners[o]];
    return fromHost(out, gShape, u.backend);
  };
}

/**
 * For each output of max pooling, the flat index into x of the element its gradient goes to (−1
 * if none): the window geometry and tie rule of core/cpu/pool.ts (PyTorch's), the first maximum,
 * a NaN winning over numbers. The tests check it as the exact adjoint of the backend's kernel.
 */
export function maxWinners(x: ArrayLike<number>, [N, C, H, W]: Shape, p: Pool2dParams, [, , Ho, Wo]: Shape): Int32Array {
  const winners = new Int32Array(N * C * Ho * Wo).fill(-1);
  const [kH, kW] = p.kernel, [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  for (let oh = 0; oh < Ho; oh++) {
    for (let ow = 0; ow < Wo; ow++) {
      let h0 = oh * sH - pH, w0 = ow * sW - pW;
      const h1 = Math.min(h0 + (kH - 1) * dH + 1, H), w1 = Math.min(w0 + (kW - 1) * dW + 1, W);
      while (h0 < 0) h0 += dH;
      while (w0 < 0) w0 += dW;
      for (let plane = 0; plane < N * C; plane++) {
        const base = plane * H * W;
        let best = -Infinity, at = -1;
        for (let h = h0; h < h1; h += dH) {
          for (let w = w0; w < w1; w += dW) {
            const v = x[base + h * W + w];
            if (v > best || (v !== v && best === best)) {
              best = v;
              at = base + h * W + w;
            }
          }
        }
        winners[plane * Ho * Wo + oh * Wo + ow] = at;
      }
    }
  }
  return winners;
}
