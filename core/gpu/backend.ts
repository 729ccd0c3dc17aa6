// The gpu backend: tapegrad's kernels on gpu.js. Tensors stay where gpu.js leaves them between
// kernels (textures on the GL modes, typed arrays on the host modes) and are read back only by
// read(). Every kernel is generated per shape signature, compiled once and cached (runtime.ts).
// float32 only: float64 is CPU-only, because gpu.js computes in float32.
import type { Backend, Kernels, MemoryInfo, Storage, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { fail, formatShape } from '../errors.js';
import { type Shape, sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { elementwise } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { concat, flip, pad, padGrad, permute, slice, sliceGrad } from './movement.js';
import { prodOthers, reduce } from './reduce.js';
import { type CacheStats, type FallbackRecord, type GpuMode, GpuRuntime, type KernelArg, type KernelSpec, type KernelValue, modeAvailability, resolveMode } from './runtime.js';
import { kernelSource, MAX_ELEMENTS } from './source.js';
import { GpuAllocator, GpuStorage, valueOf } from './storage.js';
import { fusedKernels } from './fused.js';

export interface GpuBackendOptions {
  /** 'auto' (gpu.js's order: headlessgl → webgl2 → webgl → webasm → cpu) or a forced mode. */
  mode?: GpuMode;
  /** Throw when gpu.js silently runs a kernel on another kernel class (default true). */
  strict?: boolean;
  /** Compiled kernels kept (least recently used are destroyed beyond this). */
  maxKernels?: number;
}

export interface GpuBackendInfo {
  backend: string;
  requestedMode: GpuMode;
  /** The gpu.js mode that runs the kernels (e.g. 'headlessgl', 'webasm'). */
  mode: string;
  /** The gpu.js kernel class that ran the kernels, with run counts. */
  kernelClasses: Record<string, number>;
  /** Runs per kernel family (e.g. 'mm' the generic matmul, 'mm4' the texel matmul on WebGL). */
  kernelRuns: Record<string, number>;
  /** True only for modes that run on a graphics device (GL), never for webasm or cpu. */
  onDevice: boolean;
  precision: 'single';
  tactic: 'precision';
  /** Where tensors live between kernels. */
  residency: 'textures' | 'host typed arrays';
  maxTextureSize: number;
  /** Largest tensor accepted (float32 index arithmetic is exact below 2^24). */
  maxElements: number;
  renderer: string | null;
  glVersion: string | null;
  /** Kernels that gpu.js ran on another kernel class than the mode's, with its reason. */
  fallbacks: FallbackRecord[];
  /** Why the other modes were not chosen (null = available). */
  availability: Record<string, string | null>;
  cache: CacheStats;
  /** read() calls (device → host) and upload()/write() calls (host → device). */
  traffic: { reads: number; uploads: number };
  memory: MemoryInfo;
  /** Storages garbage-collected without free(), whose device memory the backstop released. */
  finalized: number;
}

export class GpuBackend implements Backend, GpuContext {
  readonly name: string;
  readonly kernels: Kernels;
  readonly runtime: GpuRuntime;
  readonly requestedMode: GpuMode;
  private readonly allocator: GpuAllocator;
  /** Host↔device traffic: read() calls (readbacks) and upload()/write() calls. */
  readonly traffic = { reads: 0, uploads: 0 };

  constructor(name = 'gpu', options: GpuBackendOptions = {}) {
    this.name = name;
    this.requestedMode = options.mode ?? 'auto';
    const mode = resolveMode(this.requestedMode);
    this.runtime = new GpuRuntime({ mode, strict: options.strict ?? true, maxKernels: options.maxKernels ?? 512 });
    this.allocator = new GpuAllocator(name, (value) => this.drop(value));
    const c: GpuContext = this;
    this.kernels = {
      elementwise: (fn, inputs, outShape, dtype, params) => {
        this.checkDType('elementwise', dtype);
        return elementwise(c, fn, inputs, outShape, params);
      },
      reduce: (op, x, axes) => reduce(c, op, x, axes),
      prodOthers: (x, axes) => prodOthers(c, x, axes),
      matmul: (a, b, transA, transB, outShape) => matmul(c, a, b, transA, transB, outShape),
      permute: (x, axes) => permute(c, x, axes),
      slice: (x, starts, steps, outShape) => slice(c, x, starts, steps, outShape),
      sliceGrad: (g, inShape, starts, steps) => sliceGrad(c, g, inShape, starts, steps),
      pad: (x, pads, mode, value) => pad(c, x, pads, mode, value),
      padGrad: (g, inShape, pads, mode) => padGrad(c, g, inShape, pads, mode),
      gather: (x, dim, index) => gather(c, x, dim, index),
      scatterAdd: (base, dim, index, src) => scatterAdd(c, base, dim, index, src),
      concat: (inputs, axis, outShape) => concat(c, inputs, axis, outShape),
      flip: (x, axes) => flip(c, x, axes),
      ...fusedKernels(c),
    };
  }

  get mode(): string {
    return this.runtime.mode;
  }

  get glsl(): 1 | 3 | null {
    return this.runtime.glsl;
  }

  // ---- storage -------------------------------------------------------------------------------

  upload(array: TypedArray): Storage {
    if (!(array instanceof Float32Array)) {
      if (array instanceof Float64Array) fail('gpu backend', `float64 is CPU-only (gpu.js computes in float32); cast with .to('float32') first, or keep this tensor on the 'cpu' backend`);
      fail('gpu backend', 'expected a Float32Array');
    }
    this.checkSize('upload', [array.length]);
    if (array.length === 0) return this.allocator.adopt(0, null);
    return this.allocator.adopt(array.length, this.uploadValue(array));
  }

  uploadValue(array: Float32Array): KernelValue {
    this.traffic.uploads++;
    if (!this.runtime.isDevice) return array.slice();
    return this.run({ key: `upload|${array.length}`, source: () => kernelSource(['a'], ['return a[f];']), output: array.length }, [array]);
  }

  readValue(value: KernelValue, size: number): Float32Array {
    this.traffic.reads++;
    if (value instanceof Float32Array) return value.slice(0, size);
    this.runtime.checkContext();
    const values = value.toArray();
    if (!(values instanceof Float32Array)) fail('gpu backend', `expected a flat Float32Array from gpu.js, got ${Object.prototype.toString.call(values)}`);
    return values.length === size ? values : values.slice(0, size);
  }

  fill(size: number, dtype: DType, value: number): Storage {
    this.checkDType('fill', dtype);
    return this.filled(size, value);
  }

  read(storage: Storage): TypedArray {
    const s = this.own(storage, 'read');
    if (s.size === 0) return new Float32Array(0);
    if (s.value === null) fail('gpu backend', 'read of a freed tensor');
    return this.readValue(s.value, s.size);
  }

  write(storage: Storage, array: TypedArray): void {
    const s = this.own(storage, 'write');
    if (!(array instanceof Float32Array)) fail('gpu backend', `write: float64 is CPU-only; expected a Float32Array of ${s.size} values`);
    if (array.length !== s.size) fail('write', `expected ${s.size} values, got ${array.length}`);
    if (s.size === 0) return;
    if (s.value instanceof Float32Array) {
      this.traffic.uploads++;
      s.value.set(array);
      return;
    }
    // textures are immutable here: upload a new one and swap it in (views share the storage)
    const fresh = this.uploadValue(array);
    if (s.value) this.drop(s.value);
    s.value = fresh;
  }

  free(storage: Storage): void {
    const s = this.own(storage, 'free');
    if (s.cell.freed) fail('gpu backend', 'free: this storage was already freed');
    if (s.value !== null) this.drop(s.value);
    s.value = null;
    this.allocator.release(s);
  }

  memory(): MemoryInfo {
    return this.allocator.memory();
  }

  resetPeak(): void {
    this.allocator.resetPeak();
  }

  // ---- GpuContext ----------------------------------------------------------------------------

  input(view: View, kernel: string): KernelValue {
    this.checkDType(kernel, view.dtype);
    return valueOf(this.name, view, kernel);
  }

  run(spec: KernelSpec, args: readonly KernelArg[]): KernelValue {
    if (spec.output > MAX_ELEMENTS) this.tooLarge(spec.key.split('|')[0], [spec.output]);
    if (this.runtime.isDevice) {
      // gpu.js packs 4 floats per texel into a near-square texture (utils.closestSquareDimensions);
      // an 'Array(4)' kernel's output counts texels
      const side = Math.ceil(Math.sqrt(spec.returnType ? spec.output : Math.ceil(spec.output / 4)));
      const limit = this.runtime.maxTextureSize();
      if (side > limit) {
        fail(spec.key.split('|')[0], `an output of ${spec.output} elements needs a ${side}×${side} texture, above this device's MAX_TEXTURE_SIZE ${limit}`);
      }
    }
    return this.runtime.run(spec, args);
  }

  wrap(value: KernelValue, size: number): GpuStorage {
    return this.allocator.adopt(size, value);
  }

  filled(size: number, value: number): GpuStorage {
    this.checkSize('fill', [size]);
    if (size === 0) return this.allocator.adopt(0, null);
    if (!this.runtime.isDevice) return this.allocator.adopt(size, new Float32Array(size).fill(value));
    const v = this.run({ key: `fill|${size}`, source: () => kernelSource(['v'], ['return v;']), output: size }, [value]);
    return this.allocator.adopt(size, v);
  }

  drop(value: KernelValue): void {
    if (value instanceof Float32Array) return;
    value.delete();
    this.runtime.released(value);
  }

  checkSize(kernel: string, shape: Shape): number {
    const n = sizeOf(shape);
    if (n > MAX_ELEMENTS) this.tooLarge(kernel, shape);
    return n;
  }

  // ---- info ----------------------------------------------------------------------------------

  info(): GpuBackendInfo {
    const gl = this.runtime.glInfo();
    return {
      backend: this.name,
      requestedMode: this.requestedMode,
      mode: this.runtime.mode,
      kernelClasses: { ...this.runtime.ranOn },
      kernelRuns: { ...this.runtime.runsByKernel },
      onDevice: this.runtime.isDevice && this.runtime.fallbacks.length === 0,
      precision: 'single',
      tactic: 'precision',
      residency: this.runtime.isDevice ? 'textures' : 'host typed arrays',
      maxTextureSize: gl?.maxTextureSize ?? this.runtime.maxTextureSize(),
      maxElements: MAX_ELEMENTS,
      renderer: gl?.renderer ?? null,
      glVersion: gl?.version ?? null,
      fallbacks: [...this.runtime.fallbacks],
      availability: modeAvailability(),
      cache: { ...this.runtime.stats },
      traffic: { ...this.traffic },
      memory: this.memory(),
      finalized: this.allocator.finalized,
    };
  }

  cacheStats(): CacheStats {
    return { ...this.runtime.stats };
  }

  private own(storage: Storage, op: string): GpuStorage {
    if (!(storage instanceof GpuStorage) || storage.backendName !== this.name) {
      fail('gpu backend', `${op}: the storage belongs to backend '${storage.backendName}', not '${this.name}'`);
    }
    return storage;
  }

  private checkDType(kernel: string, dtype: DType): void {
    if (dtype !== 'float32') fail(kernel, `float64 is CPU-only: the '${this.name}' backend computes in float32 (gpu.js); cast with .to('float32') or use the 'cpu' backend`);
  }

  private tooLarge(kernel: string, shape: Shape): never {
    return fail(kernel, `the '${this.name}' backend takes tensors of at most ${MAX_ELEMENTS} elements (2^24: float32 index arithmetic in shaders is exact only below it); got ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
}
