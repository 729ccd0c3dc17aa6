// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. Both rescale the
// gradients in place (Tensor.assign keeps each `.grad`'s identity) and skip null gradients.
import '../ops/methods.js'; // norm, mul, clamp as tensor methods
import { checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';
import { nonNegative } from './checks.js';

function gradients(fn: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : params !== null && typeof params === 'object' && Symbol.iterator in params ? [...params] : null;
  if (list === null) fail(fn, `params must be a Tensor or an iterable of Tensors, got ${String(params)}`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) fail(fn, `params[${i}] is not a Tensor, got ${String(p)}`);
  });
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by a NaN coefficient. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint norm (the normType-norm of the per-tensor
 * norms) is at most maxNorm: coefficient min(1, maxNorm / (total + 1e-6)), the 1e-6 as PyTorch,
 * which keeps a zero gradient finite. Returns the total norm before clipping, as a number.
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType: 1 | 2 | number = 2, options: ClipGradNormOptions = {}): number {
  const fn = 'clipGradNorm';
  checkOptions(fn, options, ['errorIfNonfinite']);
  nonNegative(fn, 'maxNorm', maxNorm);
  if (normType !== 1 && normType !== 2 && normType !== Infinity) fail(fn, `normType must be 1, 2 or Infinity, got ${String(normType)}`);
  const grads = gradients(fn, params);
  if (grads.length === 0) return 0;
  // one read-back per gradient; the total is combined on the host in float64
  const norms = grads.map((g) => noGrad(() => tidy(() => g.norm(normType).item())));
  const total = normType === Infinity ? Math.max(...norms) : normType === 1 ? norms.reduce((a, b) => a + b, 0) : Math.sqrt(norms.reduce((a, n) => a + n * n, 0));
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    fail(fn, `the total ${normType}-norm of the gradients is ${total}; pass errorIfNonfinite: false to scale anyway`);
  }
  const coefficient = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN, as torch.clamp
  if (coefficient !== 1) for (const g of grads) noGrad(() => tidy(() => void g.assign(g.mul(coefficient))));
  return total;
}

/** Clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const fn = 'clipGradValue';
  nonNegative(fn, 'clipValue', clipValue);
  for (const g of gradients(fn, params)) noGrad(() => tidy(() => void g.assign(g.clamp(-clipValue, clipValue))));
}
