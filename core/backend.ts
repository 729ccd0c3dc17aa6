// A backend is storage (upload, read, write, free) plus a table of kernels. Kernels take
// contiguous row-major views and return new storage; they know nothing about autograd.
// The CPU backend is the reference every other backend is tested against.
import type { DType, TypedArray } from './dtype.js';
import { fail } from './errors.js';
import type { Shape } from './shape.js';

/** A backend-owned buffer. `refs` counts the tensors that share it (views share storage). */
export interface Storage {
  readonly backendName: string;
  readonly size: number;
  readonly dtype: DType;
  refs: number;
}

export interface View {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * A scalar function mapped elementwise: the arguments are one value per input tensor, then the
 * op's numeric parameters. It must be self-contained (Math.* only, no outer variables) so the
 * gpu.js backend can transpile its source to a shader.
 */
export interface ElementwiseFn {
  readonly name: string;
  readonly fn: (...args: number[]) => number;
  /**
   * A native kernel computing the same values as fn, which a backend may run instead (the CPU
   * backend's WebAssembly kernels for float32, core/wasm/elementwise.ts); fn stays the reference.
   */
  readonly native?: NativeElementwise;
}

/**
 * The maps with native kernels: binary add/sub/mul/div and reluGrad (g, x) ↦ (x > 0 or NaN ? g : 0),
 * unary exp/relu/neg/abs/sqrt.
 */
export type NativeElementwise = 'add' | 'sub' | 'mul' | 'div' | 'reluGrad' | 'exp' | 'relu' | 'neg' | 'abs' | 'sqrt';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';
export type PadMode = 'constant' | 'reflect' | 'replicate';
/** [before, after] per axis, for every axis of the input. */
export type Pads = readonly (readonly [number, number])[];

export interface Conv2dParams {
  readonly stride: readonly [number, number];
  /** Zero padding added on both sides of each spatial axis. */
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

export type PoolKind = 'max' | 'avg' | 'adaptiveAvg';

export interface Pool2dParams {
  readonly kind: PoolKind;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** avg only: count padded positions in the divisor (PyTorch's count_include_pad). */
  readonly countIncludePad: boolean;
}

/**
 * The two hyperparameters of Differential Equation Units (specs/deu.md §0): coefficients below
 * `eps` in magnitude count as zero, and `s` is the steepness of the smoothed step and delta. The
 * fixed constants (clip 1000, exponent cap 14, gravitation's Δt = 1e-3 and ridge 1e-9) are
 * DEU_NUMERICS in core/cpu/deu_solutions.ts, shared by every backend.
 */
export interface DeuParams {
  readonly eps: number;
  readonly s: number;
}

/**
 * Padé activation units (specs/pau.md §1.2): F(x) = P(x)/Q(x) with P = Σ_{j=0}^{m} a_j x^j and
 *   A: Q = 1 + Σ_{k=1}^{n} |b_k||x|^k     B: Q = 1 + |Σ_{k=1}^{n} b_k x^k|
 *   C: Q = 0.1 + |Σ_{k=0}^{n} b_k x^k|    N: Q = 1 + Σ_{k=1}^{n} b_k x^k (unsafe: poles possible)
 */
export type PauVersion = 'A' | 'B' | 'C' | 'N';

/**
 * RPAU's coefficient noise (spec §3.3): coefficient j of element i is multiplied by
 * 1 − α + 2α·u(key, i, j), u the counter-based hash of core/cpu/pau_noise.ts, which every backend
 * must reproduce bit for bit so that backward replays the forward's draws without storing them.
 */
export interface PauNoise {
  readonly alpha: number;
  /** 32-bit key drawn once per forward call from the seeded generator. */
  readonly key: number;
  /** false: one draw per coefficient (per channel) for the whole call instead of per element. */
  readonly perElement: boolean;
  /** false: only the numerator is noisy. */
  readonly noisyDenominator: boolean;
  /** true: coefficient gradients are ∂F/∂c̃ at the noisy c̃ (the paper's); false: times ∂c̃/∂c. */
  readonly straightThrough: boolean;
}

export interface PauParams {
  readonly version: PauVersion;
  /** null for a plain PAU; RPAU (version D) is version B with noise. */
  readonly noise: PauNoise | null;
}

/** Fused kernels: one forward and its backward per backend, for memory-bound or gemm-shaped work. */
export interface FusedKernels {
  /** x [N, C, H, W] ⋆ w [O, C/groups, kH, kW] → [N, O, Ho, Wo] (no bias: the op adds it). */
  conv2d(x: View, w: View, p: Conv2dParams, outShape: Shape): Storage;
  conv2dGradInput(g: View, w: View, p: Conv2dParams, inShape: Shape): Storage;
  conv2dGradWeight(g: View, x: View, p: Conv2dParams, wShape: Shape): Storage;
  /** Pooling over the last two axes of [N, C, H, W] into outShape. */
  pool2d(x: View, p: Pool2dParams, outShape: Shape): Storage;
  /** Max pooling routes each gradient to the first maximum of its window; average spreads it. */
  pool2dGrad(g: View, x: View, p: Pool2dParams): Storage;
  /**
   * Group normalisation of x [N, C, ...] over (C/G channels × spatial) per sample and group,
   * then the per-channel affine (weight, bias may be null). mean and rstd are [N, G].
   */
  groupNorm(x: View, weight: View | null, bias: View | null, groups: number, eps: number): { y: Storage; mean: Storage; rstd: Storage };
  groupNormGrad(g: View, x: View, weight: View | null, mean: View, rstd: View, groups: number): { dx: Storage; dweight: Storage; dbias: Storage };
  /**
   * DEU activations (specs/deu.md §1): x [N, F, ...] holds the inputs t of neuron f along axis 1,
   * params [F, 5] its columns (a, b, c, c1, c2); y has x's shape. Each neuron's subspace is chosen
   * once from its own (a, b, c), and only that formula runs for it (select, never mask-multiply).
   * Non-finite a, b or c give NaN for that neuron. The CPU kernel is the reference: core/cpu/deu.ts.
   * With `save` (a backward pass will follow) a backend may also return what its deuBackward can
   * reuse instead of computing again (`saved`, opaque: the CPU's WebAssembly kernel keeps each
   * element's φ1, φ2); null when it keeps nothing.
   */
  deuForward(x: View, params: View, p: DeuParams, save?: boolean): { y: Storage; saved: Storage | null };
  /**
   * dx = g·∂y/∂t (x's shape) and dparams [F, 5] = Σ over N and the trailing axes of g·∂y/∂θ (§2),
   * where the columns of a, b, c below eps are borrowed by outward gravitation (§3), with t* the
   * mean of neuron f's inputs.
   */
  deuBackward(g: View, x: View, params: View, p: DeuParams, saved?: View | null): { dx: Storage; dparams: Storage };
  /**
   * PAU (specs/pau.md): y = F(x) elementwise, x's shape. Shared coefficients: numerator [m+1],
   * denominator [n] ([n+1] for version C, b_0 first). Per channel: numerator [C, m+1] and
   * denominator [C, n] (or [C, n+1]), row c applied to x[:, c, ...] of x [N, C, ...]. Evaluated
   * on powers scaled by max(1, |x|)^-d (d the top degree) so nothing overflows before F does;
   * sgn(z) = (z < 0 ? −1 : +1) wherever |·| is differentiated (§1.5). CPU reference: core/cpu/pau.ts.
   */
  pauForward(x: View, numerator: View, denominator: View, p: PauParams): Storage;
  /**
   * dx = g·∂F/∂x (x's shape), and the coefficient gradients Σ_i g_i·∂F/∂c (§1.4), shaped like
   * the coefficients, summed over every element sharing them in a fixed order (deterministic).
   */
  pauBackward(g: View, x: View, numerator: View, denominator: View, p: PauParams): { dx: Storage; dnumerator: Storage; ddenominator: Storage };
}

export interface Kernels extends Partial<FusedKernels> {
  /** out[i] = fn(inputs[0][i], ..., params...) with NumPy broadcasting of the inputs to outShape. */
  elementwise(fn: ElementwiseFn, inputs: readonly View[], outShape: Shape, dtype: DType, params: readonly number[]): Storage;
  /** Reduces `axes` (sorted); the output has the reduced axes kept as size 1. arg* give indices. */
  reduce(op: ReduceOp, x: View, axes: readonly number[]): Storage;
  /** For each element, the product of the other elements of its reduction group (prod's gradient). */
  prodOthers(x: View, axes: readonly number[]): Storage;
  /** Batched matmul with broadcast batch axes; a is [..., m, k] (or [..., k, m] if transA). */
  matmul(a: View, b: View, transA: boolean, transB: boolean, outShape: Shape): Storage;
  permute(x: View, axes: readonly number[]): Storage;
  /** out[j] = x[start + j*step] per axis (steps may be negative). */
  slice(x: View, starts: readonly number[], steps: readonly number[], outShape: Shape): Storage;
  /** The adjoint of slice: zeros of inShape with g written at the sliced positions. */
  sliceGrad(g: View, inShape: Shape, starts: readonly number[], steps: readonly number[]): Storage;
  pad(x: View, pads: Pads, mode: PadMode, value: number): Storage;
  /** The adjoint of pad: each output position's gradient flows back to the input it copied. */
  padGrad(g: View, inShape: Shape, pads: Pads, mode: PadMode): Storage;
  /** out[..., j, ...] = x[..., index[..., j, ...], ...] along dim; index has the output's shape. */
  gather(x: View, dim: number, index: View): Storage;
  /** A copy of base with src added at base[..., index[...], ...] along dim. */
  scatterAdd(base: View, dim: number, index: View, src: View): Storage;
  concat(inputs: readonly View[], axis: number, outShape: Shape): Storage;
  flip(x: View, axes: readonly number[]): Storage;
}

export interface MemoryInfo {
  /** Buffers currently allocated and their bytes. */
  buffers: number;
  bytes: number;
  /** The most bytes held at once since the last resetPeak(). */
  peakBytes: number;
}

export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
  upload(array: TypedArray): Storage;
  fill(size: number, dtype: DType, value: number): Storage;
  /** A copy of the values: the only way data leaves a backend. */
  read(storage: Storage): TypedArray;
  /** Overwrites storage in place (used by gradcheck's perturbations and by optimizers). */
  write(storage: Storage, array: TypedArray): void;
  free(storage: Storage): void;
  /** Host backends only: the live array behind storage, for zero-copy interop (toNdarray). */
  hostArray?(storage: Storage): TypedArray;
  memory(): MemoryInfo;
  resetPeak(): void;
}

const backends = new Map<string, Backend>();
const factories = new Map<string, () => Backend>();
const configurers = new Map<string, (options: object) => void>();
let active: Backend | null = null;
let defaultName = 'cpu';

/**
 * Backends register a factory; they are only created when first used. `configure` receives the
 * options of setBackend(name, options) (e.g. the gpu backend's mode).
 */
export function registerBackend(name: string, factory: () => Backend, configure?: (options: object) => void): void {
  factories.set(name, factory);
  if (configure) configurers.set(name, configure);
}

export function getBackend(name?: string): Backend {
  if (name === undefined) {
    if (!active) active = getBackend(defaultName);
    return active;
  }
  let backend = backends.get(name);
  if (!backend) {
    const factory = factories.get(name);
    if (!factory) fail('getBackend', `no backend named '${name}'; registered: ${[...factories.keys()].join(', ')}`);
    backend = factory();
    backends.set(name, backend);
  }
  return backend;
}

/**
 * Makes `name` the backend new tensors are created on, e.g. setBackend('gpu', {mode: 'webgl2'}).
 * Options configure a backend before its first use.
 */
export function setBackend(name: string, options?: object): Backend {
  if (options !== undefined) {
    const configure = configurers.get(name);
    if (!configure) fail('setBackend', `backend '${name}' takes no options, got ${JSON.stringify(options)}`);
    configure(options);
  }
  active = getBackend(name);
  defaultName = name;
  return active;
}

export function backendNames(): string[] {
  return [...factories.keys()];
}
