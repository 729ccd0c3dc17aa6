// pau and rpau: Padé activation units (Molina, Schramowski, Kersting, ICLR 2020; specs/pau.md).
// A PAU is a learned rational function F(x) = P(x)/Q(x) of orders (m, n), (5, 4) in the paper,
// whose denominator is kept away from zero ("safe"); RPAU perturbs its coefficients during
// training, as RReLU does its slope. Both are one fused op each way (core/cpu/pau.ts): a
// composition of abs, mul, add and div would be slower, and its abs′(0) = 0 would leave
// coefficients that start at exactly 0 stuck there (§1.5). Under createGraph the gradients are
// recorded ops with closed-form second derivatives (ops/pau_grad.ts, core/cpu/pau_second.ts).
//
// Choices made here, against the reference code (ml-research/rational_activations) and paper:
//   - sgn(0) = +1 wherever |·| is differentiated (CUDA's copysign(1, +0); its PyTorch CPU path
//     gives 0). Unlike CUDA, −0 counts as +0: shaders cannot tell them apart.
//   - Coefficient gradients are summed in float64 in a fixed order, and returned in the
//     coefficients' dtype (CUDA: atomics, float32 even for float64 inputs).
//   - The powers are scaled by max(1, |x|)^−d, so F and its gradients stay finite wherever the
//     true values are (the reference overflows in float32 from |x| ≈ 5e7).
//   - Degrees are free (the reference's CUDA path silently uses 5/4), and coefficients may be
//     per channel ([C, m+1], [C, n]: the paper's follow-up request, pau#1).
//   - RPAU draws all ten coefficients' noise per element (the CUDA version D) from a counter-based
//     hash keyed per call, so backward replays the forward's draws exactly, in eval mode too
//     (the reference regenerates training noise there).
import type { PauNoise, PauParams, PauVersion } from '../core/backend.js';
import { checkFinite, checkOptions, fail, formatShape } from '../core/errors.js';
import { currentGenerator } from '../core/rng.js';
import { isGradEnabled, record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { fusedKernel } from './fused.js';
import { pauGradients } from './pau_grad.js';
import { registerOp } from './registry.js';
import { checkCompatible, checkTensor } from './util.js';

export type { PauVersion } from '../core/backend.js';

// twice differentiable: under createGraph the backward records itself (ops/pau_grad.ts)
registerOp('pau', 'primitive', true);
registerOp('rpau', 'primitive', true);

export interface PauOptions {
  /** Which denominator (specs/pau.md §1.2); default 'B', the paper's safe PAU. */
  version?: PauVersion;
}

export interface RpauOptions {
  /** Half-width of the multiplicative noise: c̃ ∈ [(1 − α)c, (1 + α)c]. Default 0.1. */
  alpha?: number;
  /** false: no noise, exactly pau(..., {version: 'B'}) (eval mode). Default true. */
  training?: boolean;
  /** Fresh noise for every element (default), or one draw per coefficient per call. */
  perElement?: boolean;
  /** Noise on the denominator too (default), or on the numerator only. */
  noisyDenominator?: boolean;
  /** Coefficient gradient without the noise factor ∂c̃/∂c (default, the paper's); false: exact. */
  straightThrough?: boolean;
  /** The 32-bit noise key; default: a fresh draw from the seeded generator (tg.manualSeed). */
  key?: number;
}

const VERSIONS: readonly PauVersion[] = ['A', 'B', 'C', 'N'];

/**
 * F(x) = P(x)/Q(x) elementwise. Shared: numerator [m+1] (a_0 … a_m), denominator [n] (b_1 … b_n;
 * version C: [n+1], b_0 … b_n). Per channel: numerator [C, m+1], denominator [C, n], row c applied
 * to x[:, c, ...] of x [N, C, ...].
 */
export function pau(x: Tensor, numerator: Tensor, denominator: Tensor, options: PauOptions = {}): Tensor {
  checkOptions('pau', options, ['version']);
  const version = options.version ?? 'B';
  if (!VERSIONS.includes(version)) fail('pau', `version must be one of ${VERSIONS.join(', ')}, got ${String(version)}`);
  return rational('pau', x, numerator, denominator, { version, noise: null });
}

/**
 * Randomized PAU (version D, spec §3.3): in training, version B with every coefficient of every
 * element multiplied by its own uniform draw from [1 − α, 1 + α); in eval, exactly version B.
 */
export function rpau(x: Tensor, numerator: Tensor, denominator: Tensor, options: RpauOptions = {}): Tensor {
  checkOptions('rpau', options, ['alpha', 'training', 'perElement', 'noisyDenominator', 'straightThrough', 'key']);
  const alpha = checkFinite('rpau', 'alpha', options.alpha ?? 0.1);
  if (alpha < 0 || alpha > 1) fail('rpau', `alpha must be in [0, 1] so that noisy coefficients keep their sign, got ${alpha}`);
  if (options.training === false) return pau(x, numerator, denominator, { version: 'B' });
  const key = options.key ?? currentGenerator().nextUint32();
  if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) fail('rpau', `key must be an integer in [0, 2^32), got ${key}`);
  const noise: PauNoise = {
    alpha,
    key,
    perElement: options.perElement ?? true,
    noisyDenominator: options.noisyDenominator ?? true,
    straightThrough: options.straightThrough ?? true,
  };
  return rational('rpau', x, numerator, denominator, { version: 'B', noise });
}

/** Checks the arguments, runs the forward kernel and records the backward kernel. */
function rational(op: string, x: Tensor, a: Tensor, b: Tensor, params: PauParams): Tensor {
  checkTensor(op, 'x', x);
  checkTensor(op, 'numerator', a);
  checkTensor(op, 'denominator', b);
  checkShapes(op, x, a, b, params.version);
  checkCompatible(op, [x, a, b]);
  const y = fromStorage(fusedKernel(op, x, 'pauForward')(x.kernelView(), a.kernelView(), b.kernelView(), params), x.shape, x.dtype, x.backend);
  return record(op, [x, a, b], y, (g, needs) => {
    // recording on means createGraph: the gradients become ops with second derivatives (pau_grad.ts)
    if (isGradEnabled()) return pauGradients(op, g, x, a, b, params, needs);
    const grads = fusedKernel(op, x, 'pauBackward')(g.kernelView(), x.kernelView(), a.kernelView(), b.kernelView(), params);
    return [
      fromStorage(grads.dx, x.shape, x.dtype, x.backend),
      fromStorage(grads.dnumerator, a.shape, a.dtype, a.backend),
      fromStorage(grads.ddenominator, b.shape, b.dtype, b.backend),
    ];
  }, [x, a, b]);
}

function checkShapes(op: string, x: Tensor, a: Tensor, b: Tensor, version: PauVersion): void {
  const expected = version === 'C' ? 'n+1 (b_0 … b_n)' : 'n (b_1 … b_n)';
  if (a.rank !== b.rank || a.rank < 1 || a.rank > 2) {
    fail(op, `numerator and denominator must both be rank 1 (shared: [m+1], [${expected}]) or both rank 2 (per channel: [C, m+1], [C, ${expected}]), got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const m1 = a.shape[a.rank - 1];
  if (m1 < 1) fail(op, `the numerator needs at least a_0, got ${formatShape(a.shape)}`);
  if (a.rank === 2) {
    const C = a.shape[0];
    if (x.rank < 2 || x.shape[1] !== C) fail(op, `per-channel coefficients ${formatShape(a.shape)} need x [N, ${C}, ...], got ${formatShape(x.shape)}`);
    if (b.shape[0] !== C) fail(op, `the denominator must have the numerator's ${C} rows, got ${formatShape(b.shape)}`);
  }
}
