// Weight initialisation, as torch.nn.init: the same fan computation, gains and formulas, drawn
// from the seeded generator (tg.manualSeed). Each initialiser overwrites its tensor in place —
// under noGrad, rebinding the tensor's storage with Tensor.assign, so a parameter keeps its
// identity — and returns it. The trailing underscore is PyTorch's mark of an in-place function.
import '../ops/methods.js'; // x.mul(...).add(...)
import { full, rand, randn } from '../core/creation.js';
import { checkFinite, checkOptions, fail, formatShape } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';

export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  /** fan_in (default) preserves the variance of activations forward, fan_out of gradients backward. */
  mode?: FanMode;
  /** Default 'leaky_relu', as PyTorch. */
  nonlinearity?: Nonlinearity;
}

/** The factor that keeps activations' variance steady through `nonlinearity` (torch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid':
    case 'conv1d': case 'conv2d': case 'conv3d': case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      checkFinite('calculateGain', 'negative slope', slope);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4; // PyTorch's choice for self-normalising networks
    default:
      fail('calculateGain', `unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * [fanIn, fanOut] of a weight shaped [out, in, ...kernel]: in·∏kernel and out·∏kernel
 * (torch's _calculate_fan_in_and_fan_out). Needs at least two axes.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.rank < 2) fail('calculateFanInAndFanOut', `fan in and fan out need a tensor of at least 2 dimensions, got ${formatShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Overwrites t with make(t)'s values, without recording and without leaking temporaries. */
function fill(fn: string, t: Tensor, make: (like: { dtype: Tensor['dtype']; backend: string }) => Tensor): Tensor {
  if (!(t instanceof Tensor)) fail(fn, `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  noGrad(() => tidy(() => void t.assign(make({ dtype: t.dtype, backend: t.backend.name }))));
  return t;
}

/** Uniform on [a, b). */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  checkFinite('uniform_', 'a', a);
  checkFinite('uniform_', 'b', b);
  if (a > b) fail('uniform_', `expected a ≤ b, got a=${a}, b=${b}`);
  return fill('uniform_', t, (like) => rand(t.shape, like).mul(b - a).add(a));
}

/** Normal with the given mean and standard deviation. */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  checkFinite('normal_', 'mean', mean);
  if (checkFinite('normal_', 'std', std) < 0) fail('normal_', `std must be non-negative, got ${std}`);
  return fill('normal_', t, (like) => randn(t.shape, like).mul(std).add(mean));
}

export function constant_(t: Tensor, value: number): Tensor {
  checkFinite('constant_', 'value', value);
  return fill('constant_', t, (like) => full(t.shape, value, like));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot & Bengio (2010): U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = checkFinite('xavierUniform_', 'gain', gain) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/** Glorot & Bengio (2010): N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, checkFinite('xavierNormal_', 'gain', gain) * Math.sqrt(2 / (fanIn + fanOut)));
}

function kaimingStd(fn: string, t: Tensor, options: KaimingOptions): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = checkOptions(fn, options, ['a', 'mode', 'nonlinearity']);
  if (mode !== 'fan_in' && mode !== 'fan_out') fail(fn, `mode must be 'fan_in' or 'fan_out', got ${JSON.stringify(mode)}`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) fail(fn, `cannot initialise a tensor with a zero fan (${formatShape(t.shape)})`);
  return calculateGain(nonlinearity, checkFinite(fn, 'a', a)) / Math.sqrt(fan);
}

/** He et al. (2015): U(−b, b) with b = √3·gain/√fan, so the variance is gain²/fan. */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
  return uniform_(t, -bound, bound);
}

/** He et al. (2015): N(0, gain²/fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, options));
}
