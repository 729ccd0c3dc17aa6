// groupNorm's gradients as recorded ops, for createGraph (issue 18): the fused kernels stay the
// first-order path, and under createGraph the backward is written with primitive ops, each twice
// differentiable, so the gradients can be differentiated again. With x̂ = (x − μ)·rstd per sample
// and group (rstd = 1/√(var + eps), the biased variance), y = x̂·w + b and ĝ = g·w:
//   dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))   (means over the group)
//   dw = Σ g·x̂,  db = Σ g                     (sums over everything but the channel axis)
// μ and rstd are recomputed from x with recorded ops, so their dependence on x is differentiated.
import type { Tensor } from '../core/tensor.js';
import { add, mul, sub } from './binary.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt, square } from './unary.js';

/** [dx, dw (if weight), db (if bias)], each null where `needs` says it is not wanted. */
export function groupNormGradients(g: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null, groups: number, eps: number, needs: readonly boolean[]): (Tensor | null)[] {
  const [N, C] = x.shape;
  const K = x.size / (N * groups);
  const keepDim = { keepDim: true };
  const channel = x.shape.map((d, i) => (i === 1 ? C : 1));
  const others = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const xr = reshape(x, [N, groups, K]);
  const xc = sub(xr, mean(xr, 2, keepDim));
  const rstd = rsqrt(add(mean(square(xc), 2, keepDim), eps));
  const xhat = mul(xc, rstd);
  const out: (Tensor | null)[] = [];
  if (needs[0]) {
    const gr = reshape(weight ? mul(g, reshape(weight, channel)) : g, [N, groups, K]);
    const centred = sub(sub(gr, mean(gr, 2, keepDim)), mul(xhat, mean(mul(gr, xhat), 2, keepDim)));
    out.push(reshape(mul(rstd, centred), x.shape));
  } else out.push(null);
  let k = 1;
  if (weight) out.push(needs[k++] ? sum(mul(g, reshape(xhat, x.shape)), others) : null);
  if (bias) out.push(needs[k++] ? sum(g, others) : null);
  return out;
}
