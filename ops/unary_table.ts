// Every elementwise function of one variable, declared once: its value f(x, p0, p1) and its
// gradient rule grad(g, x, y, p0, p1) = g · dy/dx (y = f(x) is passed in, so rules such as
// exp' = y cost nothing). Both are plain, self-contained scalar functions — the CPU backend
// maps them over typed arrays and the gpu.js backend transpiles their source to shaders.
// `domain` and `kinks` tell the gradient property suite where finite differences are valid.
//
// Subgradients at kinks are pinned (tests/ops/subgradients.test.ts):
//   relu'(0) = 0, abs'(0) = 0, relu6'(0) = relu6'(6) = 0, leakyRelu'(0) = slope,
//   clamp and hardtanh pass 0 at a bound (PyTorch's clamp passes 1 there; its hardtanh passes 0;
//   we choose 0 for both so that clamp(x, 0) has relu's gradient).
// NaN propagates as in PyTorch (tests/ops/nan.test.ts). Functions that branch test NaN first,
// as `x !== x`: JavaScript's comparisons with NaN are false, but GLSL compilers may rewrite
// `x <= 0` as `!(x > 0)`, which is true at NaN (headless-gl gave relu(NaN) = 0 and relu6(NaN)
// = 6). The gradients at NaN follow PyTorch's backward kernels: relu, relu6, hardtanh and the
// ELUs pass g through (threshold_backward is `x <= 0 ? 0 : g`), clamp passes 0 (its mask is
// lo ≤ x ≤ hi); heaviside(NaN) = 0 and sign(NaN) = 0 as torch.heaviside and torch.sign.
//
// Second order (createGraph, tests/higher_order): each entry with a `grad` also gives
// grad2(g, x, y, p0, p1) = g · d²y/dx², a plain scalar function like grad. The gradient g·f'(x) is
// then an op of its own (ops/grad_ops.ts) whose backward is grad again (towards g) and grad2
// (towards x); gradgradcheck compares grad2 with finite differences of grad, so grad stays the one
// source of truth for the first derivative. An entry without grad2 is differentiable once only.
import type { NativeElementwise } from '../core/backend.js';
import type { GradKind } from './registry.js';

export interface UnaryDef {
  readonly name: string;
  readonly f: (x: number, p0: number, p1: number) => number;
  /** g · dy/dx; absent for ops whose gradient is zero or undefined. */
  readonly grad?: (g: number, x: number, y: number, p0: number, p1: number) => number;
  /**
   * g · d²y/dx², with y = f(x) as in grad (so exp'' = y): the second-order rule that makes the op
   * twice differentiable (createGraph, gradgradcheck). Absent: a second backward through the op
   * throws, naming it. 0·g where f'' is zero (piecewise-linear ops), to keep NaN propagating.
   */
  readonly grad2?: (g: number, x: number, y: number, p0: number, p1: number) => number;
  readonly gradKind: Exclude<GradKind, 'composite'>;
  /** The backend's native kernel for f, if it has one (the CPU's WebAssembly exp, relu, ...). */
  readonly native?: NativeElementwise;
  /** A native kernel for the first-order grad as a function of (g, x) only (relu's), if any. */
  readonly nativeGrad?: NativeElementwise;
  /** Default parameters (p0, p1). */
  readonly params?: readonly number[];
  readonly domain: readonly [number, number];
  readonly kinks?: readonly number[];
}

export const UNARY: Record<string, UnaryDef> = {
  neg: { name: 'neg', native: 'neg', f: (x) => -x, grad: (g) => -g, grad2: (g) => 0 * g, gradKind: 'primitive', domain: [-3, 3] },
  abs: { name: 'abs', native: 'abs', f: (x) => Math.abs(x), grad: (g, x) => (x > 0 ? g : x < 0 ? -g : 0), grad2: (g) => 0 * g, gradKind: 'primitive', domain: [-3, 3], kinks: [0] },
  sign: { name: 'sign', f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), gradKind: 'zero', domain: [-3, 3], kinks: [0] },
  exp: { name: 'exp', native: 'exp', f: (x) => Math.exp(x), grad: (g, x, y) => g * y, grad2: (g, x, y) => g * y, gradKind: 'primitive', domain: [-3, 3] },
  log: { name: 'log', f: (x) => Math.log(x), grad: (g, x) => g / x, grad2: (g, x) => -g / (x * x), gradKind: 'primitive', domain: [0.2, 5] },
  log1p: { name: 'log1p', f: (x) => Math.log1p(x), grad: (g, x) => g / (1 + x), grad2: (g, x) => -g / ((1 + x) * (1 + x)), gradKind: 'primitive', domain: [-0.8, 5] },
  expm1: { name: 'expm1', f: (x) => Math.expm1(x), grad: (g, x, y) => g * (y + 1), grad2: (g, x, y) => g * (y + 1), gradKind: 'primitive', domain: [-3, 3] },
  sqrt: { name: 'sqrt', native: 'sqrt', f: (x) => Math.sqrt(x), grad: (g, x, y) => (0.5 * g) / y, grad2: (g, x, y) => (-0.25 * g) / (x * y), gradKind: 'primitive', domain: [0.2, 5] },
  rsqrt: { name: 'rsqrt', f: (x) => 1 / Math.sqrt(x), grad: (g, x, y) => (-0.5 * g * y) / x, grad2: (g, x, y) => (0.75 * g * y) / (x * x), gradKind: 'primitive', domain: [0.2, 5] },
  square: { name: 'square', f: (x) => x * x, grad: (g, x) => 2 * g * x, grad2: (g) => 2 * g, gradKind: 'primitive', domain: [-3, 3] },
  reciprocal: { name: 'reciprocal', f: (x) => 1 / x, grad: (g, x, y) => -g * y * y, grad2: (g, x, y) => 2 * g * y * y * y, gradKind: 'primitive', domain: [-3, 3], kinks: [0] },
  sin: { name: 'sin', f: (x) => Math.sin(x), grad: (g, x) => g * Math.cos(x), grad2: (g, x, y) => -g * y, gradKind: 'primitive', domain: [-3, 3] },
  cos: { name: 'cos', f: (x) => Math.cos(x), grad: (g, x) => -g * Math.sin(x), grad2: (g, x, y) => -g * y, gradKind: 'primitive', domain: [-3, 3] },
  tan: { name: 'tan', f: (x) => Math.tan(x), grad: (g, x, y) => g * (1 + y * y), grad2: (g, x, y) => 2 * g * y * (1 + y * y), gradKind: 'primitive', domain: [-1.2, 1.2] },
  tanh: { name: 'tanh', f: (x) => Math.tanh(x), grad: (g, x, y) => g * (1 - y * y), grad2: (g, x, y) => -2 * g * y * (1 - y * y), gradKind: 'primitive', domain: [-3, 3] },
  sigmoid: {
    name: 'sigmoid',
    // split by sign so that exp never overflows
    f: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    grad: (g, x, y) => g * y * (1 - y),
    grad2: (g, x, y) => g * y * (1 - y) * (1 - 2 * y), gradKind: 'primitive',
    domain: [-4, 4],
  },
  relu: { name: 'relu', native: 'relu', nativeGrad: 'reluGrad', f: (x) => (x > 0 || x !== x ? x : 0), grad: (g, x) => (x > 0 || x !== x ? g : 0), grad2: (g) => 0 * g, gradKind: 'primitive', domain: [-3, 3], kinks: [0] },
  leakyRelu: {
    name: 'leakyRelu', f: (x, slope) => (x > 0 ? x : slope * x), grad: (g, x, y, slope) => (x > 0 ? g : slope * g),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [0.01], domain: [-3, 3], kinks: [0],
  },
  elu: {
    name: 'elu', f: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)), grad: (g, x, y, alpha) => (x > 0 || x !== x ? g : g * (y + alpha)),
    grad2: (g, x, y, alpha) => (x > 0 ? 0 * g : g * (y + alpha)), gradKind: 'primitive', params: [1], domain: [-3, 3], kinks: [0],
  },
  selu: {
    name: 'selu',
    f: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
    grad: (g, x) => (x > 0 || x !== x ? 1.0507009873554805 * g : 1.0507009873554805 * 1.6732632423543772 * g * Math.exp(x)),
    grad2: (g, x) => (x > 0 ? 0 * g : 1.0507009873554805 * 1.6732632423543772 * g * Math.exp(x)), gradKind: 'primitive', domain: [-3, 3], kinks: [0],
  },
  celu: {
    name: 'celu', f: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x / alpha)), grad: (g, x, y, alpha) => (x > 0 || x !== x ? g : g * Math.exp(x / alpha)),
    grad2: (g, x, y, alpha) => (x > 0 ? 0 * g : (g * Math.exp(x / alpha)) / alpha), gradKind: 'primitive', params: [1], domain: [-3, 3], kinks: [0],
  },
  softplus: {
    name: 'softplus',
    // PyTorch's form: linear above the threshold; log1p(exp(·)) is exact below it
    f: (x, beta, threshold) => (x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta),
    grad: (g, x, y, beta, threshold) => (x * beta > threshold ? g : g / (1 + Math.exp(-beta * x))),
    grad2: (g, x, y, beta, threshold) => {
      if (x * beta > threshold) return 0 * g;
      const s = 1 / (1 + Math.exp(-beta * x));
      return g * beta * s * (1 - s);
    }, gradKind: 'primitive', params: [1, 20], domain: [-4, 4],
  },
  silu: {
    name: 'silu',
    f: (x) => x / (1 + Math.exp(-x)),
    grad: (g, x) => {
      const s = 1 / (1 + Math.exp(-x));
      return g * s * (1 + x * (1 - s));
    },
    grad2: (g, x) => {
      const s = 1 / (1 + Math.exp(-x));
      return g * s * (1 - s) * (2 + x * (1 - 2 * s));
    }, gradKind: 'primitive', domain: [-4, 4],
  },
  gelu: {
    name: 'gelu',
    // x·Φ(x) with Φ(x) = erfc(−x/√2)/2 to ~1e-16, since float64 users and gradcheck need more
    // than a float32-grade erf. erfc(z), z = |x|/√2: below 2 as 1 − erf(z) from the series
    // erf(z) = 2/√π·e^{−z²}·Σ (2z²)ⁿ·z/(1·3···(2n+1)), whose terms are all positive (no
    // cancellation); above 2 from Laplace's continued fraction e^{−z²}/√π / (z + ½/(z + 1/(z + ...))).
    f: (x) => {
      const z = Math.abs(x) / Math.SQRT2;
      let erfc = 0;
      if (z < 2) {
        let term = z;
        let sum = z;
        for (let n = 0; n < 40; n++) {
          term *= (2 * z * z) / (2 * n + 3);
          sum += term;
          if (term < 1e-17 * sum) break;
        }
        erfc = 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
      } else {
        let fraction = z;
        for (let k = 40; k >= 1; k--) fraction = z + k / 2 / fraction;
        erfc = Math.exp(-z * z) / (Math.sqrt(Math.PI) * fraction);
      }
      return x * (x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc);
    },
    grad: (g, x) => {
      const z = Math.abs(x) / Math.SQRT2;
      let erfc = 0;
      if (z < 2) {
        let term = z;
        let sum = z;
        for (let n = 0; n < 40; n++) {
          term *= (2 * z * z) / (2 * n + 3);
          sum += term;
          if (term < 1e-17 * sum) break;
        }
        erfc = 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
      } else {
        let fraction = z;
        for (let k = 40; k >= 1; k--) fraction = z + k / 2 / fraction;
        erfc = Math.exp(-z * z) / (Math.sqrt(Math.PI) * fraction);
      }
      const cdf = x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
      return g * (cdf + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI));
    },
    grad2: (g, x) => (g * Math.exp(-0.5 * x * x) * (2 - x * x)) / Math.sqrt(2 * Math.PI), gradKind: 'primitive', domain: [-4, 4],
  },
  geluTanh: {
    name: 'geluTanh',
    f: (x) => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))),
    grad: (g, x) => {
      const th = Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x));
      return g * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * 0.7978845608028654 * (1 + 3 * 0.044715 * x * x));
    },
    grad2: (g, x) => {
      const th = Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x));
      const du = 0.7978845608028654 * (1 + 3 * 0.044715 * x * x);
      return g * (1 - th * th) * (du - x * th * du * du + 3 * 0.7978845608028654 * 0.044715 * x * x);
    }, gradKind: 'primitive', domain: [-4, 4],
  },
  relu6: {
    name: 'relu6', f: (x) => (x !== x ? x : x > 0 ? (x < 6 ? x : 6) : 0), grad: (g, x) => (x !== x || (x > 0 && x < 6) ? g : 0),
    grad2: (g) => 0 * g, gradKind: 'primitive', domain: [-2, 8], kinks: [0, 6],
  },
  hardtanh: {
    name: 'hardtanh', f: (x, lo, hi) => (x !== x ? x : x < lo ? lo : x > hi ? hi : x), grad: (g, x, y, lo, hi) => (x !== x || (x > lo && x < hi) ? g : 0),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [-1, 1], domain: [-3, 3], kinks: [-1, 1],
  },
  clamp: {
    name: 'clamp', f: (x, lo, hi) => (x !== x ? x : x < lo ? lo : x > hi ? hi : x), grad: (g, x, y, lo, hi) => (x === x && x > lo && x < hi ? g : 0),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [-1, 1], domain: [-3, 3], kinks: [-1, 1],
  },
  heaviside: {
    name: 'heaviside', f: (x, atZero) => (x === 0 ? atZero : x > 0 ? 1 : 0), gradKind: 'none', params: [0], domain: [-3, 3], kinks: [0],
  },
  floor: { name: 'floor', f: (x) => Math.floor(x), gradKind: 'zero', domain: [-3, 3], kinks: [-3, -2, -1, 0, 1, 2, 3] },
  ceil: { name: 'ceil', f: (x) => Math.ceil(x), gradKind: 'zero', domain: [-3, 3], kinks: [-3, -2, -1, 0, 1, 2, 3] },
  round: {
    name: 'round',
    // round half to even, as torch.round (Math.round rounds halves up)
    f: (x) => {
      const r = Math.round(x);
      return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
    },
    gradKind: 'zero', domain: [-3, 3], kinks: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5],
  },
  // ---- the rest of PyTorch's elementwise math (torch.erf, torch.asin, ...) ----
  erf: {
    name: 'erf',
    // Below |x| = 2 from the all-positive series 2/√π·e^{−x²}·Σ (2x²)ⁿ·x/(1·3···(2n+1)) (exact
    // near 0, where 1 − erfc would cancel); above, 1 − erfc from Laplace's continued fraction,
    // as in gelu. Self-contained, so that gpu.js can transpile it.
    f: (x) => {
      const z = Math.abs(x);
      let r = 0;
      if (z < 2) {
        let term = z;
        let sum = z;
        for (let n = 0; n < 40; n++) {
          term *= (2 * z * z) / (2 * n + 3);
          sum += term;
          if (term < 1e-17 * sum) break;
        }
        r = (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
      } else {
        let fraction = z;
        for (let k = 40; k >= 1; k--) fraction = z + k / 2 / fraction;
        r = 1 - Math.exp(-z * z) / (Math.sqrt(Math.PI) * fraction);
      }
      return x < 0 ? -r : r;
    },
    grad: (g, x) => g * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
    grad2: (g, x) => (-4 * g * x * Math.exp(-x * x)) / Math.sqrt(Math.PI), gradKind: 'primitive', domain: [-3, 3],
  },
  erfc: {
    name: 'erfc',
    // erfc(|x|) from the continued fraction above 2 (no cancellation in the tail), else 1 − erf
    f: (x) => {
      const z = Math.abs(x);
      let r = 0;
      if (z < 2) {
        let term = z;
        let sum = z;
        for (let n = 0; n < 40; n++) {
          term *= (2 * z * z) / (2 * n + 3);
          sum += term;
          if (term < 1e-17 * sum) break;
        }
        r = 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
      } else {
        let fraction = z;
        for (let k = 40; k >= 1; k--) fraction = z + k / 2 / fraction;
        r = Math.exp(-z * z) / (Math.sqrt(Math.PI) * fraction);
      }
      return x < 0 ? 2 - r : r;
    },
    grad: (g, x) => -g * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
    grad2: (g, x) => (4 * g * x * Math.exp(-x * x)) / Math.sqrt(Math.PI), gradKind: 'primitive', domain: [-3, 3],
  },
  // asin and acos through atan: headless-gl's GLSL asin and acos were off by 1e-4, its atan is
  // float32-exact; (1 − x)(1 + x) rather than 1 − x² keeps full precision near ±1. The NaN test
  // is explicit: Mesa's GLSL atan(NaN) is 0 (tests/ops/nan_semantics.test.ts)
  asin: { name: 'asin', f: (x) => (x !== x ? x : Math.atan(x / Math.sqrt((1 - x) * (1 + x)))), grad: (g, x) => g / Math.sqrt((1 - x) * (1 + x)), grad2: (g, x) => (g * x) / ((1 - x * x) * Math.sqrt(1 - x * x)), gradKind: 'primitive', domain: [-0.8, 0.8] },
  acos: { name: 'acos', f: (x) => (x !== x ? x : 2 * Math.atan(Math.sqrt((1 - x) / (1 + x)))), grad: (g, x) => -g / Math.sqrt((1 - x) * (1 + x)), grad2: (g, x) => (-g * x) / ((1 - x * x) * Math.sqrt(1 - x * x)), gradKind: 'primitive', domain: [-0.8, 0.8] },
  atan: { name: 'atan', f: (x) => (x !== x ? x : Math.atan(x)), grad: (g, x) => g / (1 + x * x), grad2: (g, x) => (-2 * g * x) / ((1 + x * x) * (1 + x * x)), gradKind: 'primitive', domain: [-3, 3] },
  sinh: { name: 'sinh', f: (x) => Math.sinh(x), grad: (g, x) => g * Math.cosh(x), grad2: (g, x, y) => g * y, gradKind: 'primitive', domain: [-3, 3] },
  cosh: { name: 'cosh', f: (x) => Math.cosh(x), grad: (g, x) => g * Math.sinh(x), grad2: (g, x, y) => g * y, gradKind: 'primitive', domain: [-3, 3] },
  asinh: { name: 'asinh', f: (x) => Math.asinh(x), grad: (g, x) => g / Math.sqrt(x * x + 1), grad2: (g, x) => (-g * x) / ((x * x + 1) * Math.sqrt(x * x + 1)), gradKind: 'primitive', domain: [-3, 3] },
  acosh: { name: 'acosh', f: (x) => Math.acosh(x), grad: (g, x) => g / Math.sqrt(x * x - 1), grad2: (g, x) => (-g * x) / ((x * x - 1) * Math.sqrt(x * x - 1)), gradKind: 'primitive', domain: [1.2, 5] },
  atanh: { name: 'atanh', f: (x) => Math.atanh(x), grad: (g, x) => g / (1 - x * x), grad2: (g, x) => (2 * g * x) / ((1 - x * x) * (1 - x * x)), gradKind: 'primitive', domain: [-0.8, 0.8] },
  log2: { name: 'log2', f: (x) => Math.log2(x), grad: (g, x) => g / (x * Math.LN2), grad2: (g, x) => -g / (x * x * Math.LN2), gradKind: 'primitive', domain: [0.2, 5] },
  log10: { name: 'log10', f: (x) => Math.log10(x), grad: (g, x) => g / (x * Math.LN10), grad2: (g, x) => -g / (x * x * Math.LN10), gradKind: 'primitive', domain: [0.2, 5] },
  exp2: { name: 'exp2', f: (x) => Math.pow(2, x), grad: (g, x, y) => g * y * Math.LN2, grad2: (g, x, y) => g * y * Math.LN2 * Math.LN2, gradKind: 'primitive', domain: [-3, 3] },
  // ---- the rest of torch.nn's elementwise activations (torch.nn.functional's formulas) ----
  logsigmoid: {
    name: 'logsigmoid',
    // −softplus(−x), split by sign so that exp never overflows and x − log1p(eˣ) keeps x exact
    f: (x) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x))),
    grad: (g, x) => (x < 0 ? g / (1 + Math.exp(x)) : (g * Math.exp(-x)) / (1 + Math.exp(-x))),
    // −σ(x)·σ(−x), with σ(x) from the side where exp cannot overflow
    grad2: (g, x) => {
      const s = x < 0 ? Math.exp(x) / (1 + Math.exp(x)) : 1 / (1 + Math.exp(-x));
      return -g * s * (1 - s);
    },
    gradKind: 'primitive', domain: [-4, 4],
  },
  hardsigmoid: {
    name: 'hardsigmoid', f: (x) => (x !== x ? x : x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5),
    grad: (g, x) => (x === x && x > -3 && x < 3 ? g / 6 : 0),
    grad2: (g) => 0 * g, gradKind: 'primitive', domain: [-5, 5], kinks: [-3, 3],
  },
  hardswish: {
    name: 'hardswish',
    // x·relu6(x + 3)/6; x·0 below −3 gives PyTorch's −0 (and NaN at −∞)
    f: (x) => (x !== x ? x : x <= -3 ? x * 0 : x >= 3 ? x : (x * (x + 3)) / 6),
    // PyTorch's hardswish_backward, whose slope at x = 3 is the left one, 1.5
    grad: (g, x) => (x !== x ? g : x < -3 ? 0 : x <= 3 ? g * (x / 3 + 0.5) : g),
    grad2: (g, x) => (x > -3 && x < 3 ? g / 3 : 0 * g), gradKind: 'primitive', domain: [-5, 5], kinks: [-3, 3],
  },
  mish: {
    name: 'mish',
    // x·tanh(softplus(x)); softplus is x itself above 20, where tanh of either is 1 in float64
    f: (x) => x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x))),
    grad: (g, x) => {
      const t = Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x)));
      return g * (t + (x * (1 - t * t)) / (1 + Math.exp(-x)));
    },
    // with t = tanh(softplus x) and σ = sigmoid x (softplus' = σ, tanh' = 1 − t²):
    // (1 − t²)·σ·(2 + x·(1 − σ) − 2·x·t·σ)
    grad2: (g, x) => {
      const t = Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x)));
      const s = 1 / (1 + Math.exp(-x));
      return g * (1 - t * t) * s * (2 + x * (1 - s) - 2 * x * t * s);
    },
    gradKind: 'primitive', domain: [-4, 4],
  },
  softsign: {
    name: 'softsign', f: (x) => x / (1 + Math.abs(x)),
    grad: (g, x) => g / ((1 + Math.abs(x)) * (1 + Math.abs(x))),
    grad2: (g, x) => (x > 0 ? -2 * g : x < 0 ? 2 * g : 0 * g) / ((1 + Math.abs(x)) * (1 + Math.abs(x)) * (1 + Math.abs(x))),
    gradKind: 'primitive', domain: [-3, 3],
  },
  tanhshrink: {
    name: 'tanhshrink', f: (x) => x - Math.tanh(x),
    grad: (g, x) => g * Math.tanh(x) * Math.tanh(x),
    grad2: (g, x) => 2 * g * Math.tanh(x) * (1 - Math.tanh(x) * Math.tanh(x)),
    gradKind: 'primitive', domain: [-3, 3],
  },
  softshrink: {
    name: 'softshrink', f: (x, lambd) => (x !== x ? x : x > lambd ? x - lambd : x < -lambd ? x + lambd : x * 0),
    grad: (g, x, y, lambd) => (x !== x ? g : x >= -lambd && x <= lambd ? 0 : g),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [0.5], domain: [-3, 3], kinks: [-0.5, 0.5],
  },
  hardshrink: {
    name: 'hardshrink', f: (x, lambd) => (x !== x ? x : x >= -lambd && x <= lambd ? 0 : x),
    grad: (g, x, y, lambd) => (x !== x ? g : x >= -lambd && x <= lambd ? 0 : g),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [0.5], domain: [-3, 3], kinks: [-0.5, 0.5],
  },
  threshold: {
    // torch.nn.functional.threshold(x, threshold, value) has no defaults; these are the suite's
    name: 'threshold', f: (x, threshold, value) => (x !== x ? x : x <= threshold ? value : x),
    grad: (g, x, y, threshold) => (x !== x ? g : x <= threshold ? 0 : g),
    grad2: (g) => 0 * g, gradKind: 'primitive', params: [0.5, -1], domain: [-3, 3], kinks: [0.5],
  },
};
