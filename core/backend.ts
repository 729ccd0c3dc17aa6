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
}

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
let active: Backend | null = null;
let defaultName = 'cpu';

/** Backends register a factory; they are only created when first used. */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
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

/** Makes `name` the backend new tensors are created on. */
export function setBackend(name: string): Backend {
  active = getBackend(name);
  defaultName = name;
  return active;
}

export function backendNames(): string[] {
  return [...factories.keys()];
}
