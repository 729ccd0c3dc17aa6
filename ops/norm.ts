// group_norm as torch.nn.functional.group_norm: x [N, C, ...] normalised over each sample's
// groups of C/numGroups channels, then scaled and shifted per channel. One fused kernel each
// way; the backward kernel gives the input, weight and bias gradients together. Under createGraph
// the backward is recomposed from primitive ops instead (norm_grad.ts), so it is twice differentiable.
import { checkFinite, fail, formatShape } from '../core/errors.js';
import { isGradEnabled, record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { fusedKernel } from './fused.js';
import { groupNormGradients } from './norm_grad.js';
import { registerOp } from './registry.js';
import { checkCompatible, checkTensor } from './util.js';

registerOp('groupNorm', 'primitive', true);

export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkTensor('groupNorm', 'x', x);
  if (x.rank < 2) fail('groupNorm', `expected input [N, C, ...], got ${formatShape(x.shape)}`);
  const C = x.shape[1];
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    fail('groupNorm', `numGroups must be a positive divisor of the ${C} channels, got ${numGroups} (input ${formatShape(x.shape)})`);
  }
  if (checkFinite('groupNorm', 'eps', eps) <= 0) fail('groupNorm', `eps must be positive, got ${eps}`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== C)) fail('groupNorm', `${name} must be [${C}], got ${formatShape(t.shape)}`);
  }
  const params = [weight, bias].filter((t): t is Tensor => !!t);
  checkCompatible('groupNorm', [x, ...params]);
  const w = weight ?? null, b = bias ?? null;
  const out = fusedKernel('groupNorm', x, 'groupNorm')(x.kernelView(), w?.kernelView() ?? null, b?.kernelView() ?? null, numGroups, eps);
  const stats = [x.shape[0], numGroups];
  const y = fromStorage(out.y, x.shape, x.dtype, x.backend);
  const mean = fromStorage(out.mean, stats, x.dtype, x.backend);
  const rstd = fromStorage(out.rstd, stats, x.dtype, x.backend);
  const inputs = [x, ...params];
  record('groupNorm', inputs, y, (g, needs) => {
    // recording on means createGraph: the backward in recorded primitive ops (norm_grad.ts)
    if (isGradEnabled()) return groupNormGradients(g, x, w, b, numGroups, eps, needs);
    const grads = fusedKernel('groupNorm', x, 'groupNormGrad')(g.kernelView(), x.kernelView(), w?.kernelView() ?? null, mean.kernelView(), rstd.kernelView(), numGroups);
    const dx = fromStorage(grads.dx, x.shape, x.dtype, x.backend);
    const dw = fromStorage(grads.dweight, [C], x.dtype, x.backend);
    const db = fromStorage(grads.dbias, [C], x.dtype, x.backend);
    return [dx, ...(w ? [dw] : []), ...(b ? [db] : [])];
  }, [x, ...(w ? [w] : []), mean, rstd]);
  mean.dispose(); // freed when the tape releases them (or now, without grad)
  rstd.dispose();
  return y;
}
