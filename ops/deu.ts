// deu: Differential Equation Units (Torkamani, Shankar, Rooshenas, Wallis, AAAI; specs/deu.md).
// Each neuron's activation is the closed-form solution y(t) of  a·y'' + b·y' + c·y = u(t)  (u the
// unit step), with five learned coefficients per neuron; t is the neuron's pre-activation. The
// forward and the backward are fused kernels (core/cpu/deu.ts); the op records one tape entry with
// gradients to x and to every coefficient (summed over the batch). Under createGraph those
// gradients are recorded ops with second derivatives (ops/deu_grad.ts, core/cpu/deu_second.ts).
//
// What this port changes, against the reference code (github.com/rooshenas/deu @ e641683) and the
// paper; everything else follows the reference, whose behaviour the spec pins down:
//   Reference bugs fixed
//   - The forced band |Δ| < ε also requires sign(a) = sign(c), the paper's condition the reference
//     forgets: otherwise forcing a and c to ±|b|/2 does not give a repeated root. Outside it the
//     Δ > 0 formulas apply (Δ ≥ 5ε² there). This also reaches outward gravitation's all-zero case.
//   - Outward gravitation nudges an exact 0 to +ε deterministically (the reference draws a tiny
//     positive number first: an unseeded draw, zero with probability 2⁻²⁴), and always borrows the
//     nudged columns (the reference skips them if c̃1, c̃2 happen to equal c1, c2 exactly).
//   - Its ridge 2×2 solve keeps the determinant at its exact lower bound λ(p + q) + λ², which
//     rounding could otherwise take to 0 (then c̃ = ±Infinity and NaN gradients); c̃ stays float64
//     (the reference rounds it to float32).
//   - Non-finite a, b or c give NaN outputs and gradients (the reference's dispatch returns None
//     and crashes). The reference's environment bugs (legacy autograd Function, Python 2 script,
//     numpy matrices, CPU tensors on the GPU path) have no counterpart here.
//   Extensions
//   - [N, C, ...] input: one neuron per channel, its inputs every element of that channel; t*
//     is their mean. The reference takes [N, F] only (also accepted).
//   - ε and s are per call (module-level constants in the reference). The arithmetic is float64
//     for float64 tensors. For float32 tensors the WebAssembly CPU backend computes the 1-1-1
//     neurons (nearly all) in float32, as the reference does, with rounding errors like its own
//     in y and dx and mostly smaller in the coefficient gradients (bench/RESULTS.md; setBackend('cpu',
//     { deuArithmetic: 'float64' }) computes them in float64); the JavaScript kernels in float64.
//   - Per-neuron dispatch in one kernel instead of a Python loop over neurons; never mask-multiply.
//   Kept from the reference where the paper differs
//   - 0-0-0 (all of |a|, |b|, |c| < ε) is the identity y = t; the paper says "set b to ε".
//   - 0-0-1 is σ(s·t)/c with s = 100, a near-hard step; the paper's table says σ(t)/c.
//   - 1-0-0 is H·t²/(2a) + c1·t + c2; the paper's table swaps c1 and c2 (its text drops the ½).
//   - Hyperbolic 1-0-1's particular part is H·(1 − cosh κt)/c; the paper's (cosh κt − 1)/c solves
//     a·y'' + c·y = −1.
//   - The band forces a = sign(a)|b|/2, c = sign(c)|b|/2 (the paper: b/2·sign), and its a-, b-,
//     c-partials are the reference's pseudo-gradients (spec §2.9), not those of the forward map.
//   - δ_s replaces Dirac's delta only in ∂y/∂t (the paper says in the parametric derivatives).
//   - Outward gravitation nudges every small coefficient (the paper's example nudges one), uses
//     the batch mean as t* (the paper does not say), forward-difference slopes with Δt = 1e-3,
//     and runs in the backward pass only.
//   - Capped exponentials and the clip to ±1000 of y and of every partial, both straight-through.
import { checkFinite, checkOptions, fail, formatShape } from '../core/errors.js';
import { isGradEnabled, record } from '../core/tape.js';
import { fromStorage, Tensor } from '../core/tensor.js';
import { deuGradients } from './deu_grad.js';
import { fusedKernel } from './fused.js';
import { registerOp } from './registry.js';
import { stack } from './shape.js';
import { checkCompatible, checkTensor } from './util.js';

// twice differentiable: under createGraph the backward records itself (ops/deu_grad.ts)
registerOp('deu', 'primitive', true);

export interface DeuOptions {
  /** Coefficients below eps in magnitude count as zero (default 0.01). */
  eps?: number;
  /** Steepness of the smoothed step and delta (default 100). */
  s?: number;
}

/**
 * Applies neuron f's DEU to x[:, f, ...] for x [N, F] or [N, C, H, W] (any [N, C, ...]). params is
 * [F, 5] with columns (a, b, c, c1, c2), or the five columns as [F] tensors (stacked here, so each
 * gets its own gradient).
 */
export function deu(x: Tensor, params: Tensor | readonly Tensor[], options: DeuOptions = {}): Tensor {
  checkTensor('deu', 'x', x);
  checkOptions('deu', options, ['eps', 's']);
  if (x.rank < 2) fail('deu', `expected input [N, F] or [N, C, ...], got ${formatShape(x.shape)}`);
  const F = x.shape[1];
  const eps = checkFinite('deu', 'eps', options.eps ?? 0.01);
  const s = checkFinite('deu', 's', options.s ?? 100);
  if (eps <= 0) fail('deu', `eps must be positive, got ${eps}`);
  if (s <= 0) fail('deu', `s must be positive, got ${s}`);
  const p = Array.isArray(params) ? stackColumns(params, F) : checkTensor('deu', 'params', params);
  if (p.rank !== 2 || p.shape[0] !== F || p.shape[1] !== 5) {
    fail('deu', `params must be [${F}, 5] (columns a, b, c, c1, c2) for input ${formatShape(x.shape)}, got ${formatShape(p.shape)}`);
  }
  checkCompatible('deu', [x, p]);
  const hyper = { eps, s };
  // a backward pass can follow only where record() below keeps an entry: only then does the kernel
  // keep what its backward can reuse (opaque to this op: a flat tensor held by the tape entry)
  const save = isGradEnabled() && (x.requiresGrad || p.requiresGrad);
  const out = fusedKernel('deu', x, 'deuForward')(x.kernelView(), p.kernelView(), hyper, save);
  const y = fromStorage(out.y, x.shape, x.dtype, x.backend);
  const kept = out.saved ? fromStorage(out.saved, [out.saved.size], out.saved.dtype, x.backend) : null;
  record('deu', [x, p], y, (g, needs) => {
    // recording on means createGraph: the gradients become ops with second derivatives of their own
    if (isGradEnabled()) return deuGradients(g, x, p, hyper, needs);
    const grads = fusedKernel('deu', x, 'deuBackward')(g.kernelView(), x.kernelView(), p.kernelView(), hyper, kept?.kernelView() ?? null);
    return [fromStorage(grads.dx, x.shape, x.dtype, x.backend), fromStorage(grads.dparams, [F, 5], p.dtype, p.backend)];
  }, kept ? [x, p, kept] : [x, p]);
  kept?.dispose(); // freed when the tape releases it
  if (p !== params) p.dispose(); // the stacked columns: freed when the tape releases them
  return y;
}

function stackColumns(columns: readonly Tensor[], F: number): Tensor {
  if (columns.length !== 5) fail('deu', `expected params [${F}, 5] or five [${F}] tensors (a, b, c, c1, c2), got ${columns.length} tensors`);
  columns.forEach((t, i) => {
    checkTensor('deu', `params[${i}]`, t);
    if (t.rank !== 1 || t.shape[0] !== F) fail('deu', `params[${i}] must be [${F}] like the input's axis 1, got ${formatShape(t.shape)}`);
  });
  return stack(columns, 1);
}
