// The CPU backend: the reference implementation of every kernel, on Float32Array/Float64Array.
import { registerBackend, type Backend, type Kernels, type Storage } from '../backend.js';
import { allocArray, dtypeOfArray, type DType, type TypedArray } from '../dtype.js';
import { fail } from '../errors.js';
import { conv2d, conv2dGradInput, conv2dGradWeight } from './conv.js';
import { deuBackward, deuForward } from './deu.js';
import { elementwise } from './elementwise.js';
import { groupNorm, groupNormGrad } from './group_norm.js';
import { gather, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { concat, flip, pad, padGrad, permute, slice, sliceGrad } from './movement.js';
import { pauBackward, pauForward } from './pau.js';
import { pool2d, pool2dGrad } from './pool.js';
import { prodOthers, reduce } from './reduce.js';
import { arrayOf, CpuAllocator, type CpuStorage } from './storage.js';
import { configureCpu, cpuInfo, type CpuBackendInfo } from './wasm_switch.js';

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly allocator = new CpuAllocator();
  readonly kernels: Kernels;

  constructor() {
    const a = this.allocator;
    this.kernels = {
      elementwise: (fn, inputs, outShape, dtype, params) => elementwise(a, fn, inputs, outShape, dtype, params),
      reduce: (op, x, axes) => reduce(a, op, x, axes),
      prodOthers: (x, axes) => prodOthers(a, x, axes),
      matmul: (x, y, transA, transB, outShape) => matmul(a, x, y, transA, transB, outShape),
      permute: (x, axes) => permute(a, x, axes),
      slice: (x, starts, steps, outShape) => slice(a, x, starts, steps, outShape),
      sliceGrad: (g, inShape, starts, steps) => sliceGrad(a, g, inShape, starts, steps),
      pad: (x, pads, mode, value) => pad(a, x, pads, mode, value),
      padGrad: (g, inShape, pads, mode) => padGrad(a, g, inShape, pads, mode),
      gather: (x, dim, index) => gather(a, x, dim, index),
      scatterAdd: (base, dim, index, src) => scatterAdd(a, base, dim, index, src),
      concat: (inputs, axis, outShape) => concat(a, inputs, axis, outShape),
      flip: (x, axes) => flip(a, x, axes),
      conv2d: (x, w, p, outShape) => conv2d(a, x, w, p, outShape),
      conv2dGradInput: (g, w, p, inShape) => conv2dGradInput(a, g, w, p, inShape),
      conv2dGradWeight: (g, x, p, wShape) => conv2dGradWeight(a, g, x, p, wShape),
      pool2d: (x, p, outShape) => pool2d(a, x, p, outShape),
      pool2dGrad: (g, x, p) => pool2dGrad(a, g, x, p),
      groupNorm: (x, w, b, groups, eps) => groupNorm(a, x, w, b, groups, eps),
      groupNormGrad: (g, x, w, mean, rstd, groups) => groupNormGrad(a, g, x, w, mean, rstd, groups),
      deuForward: (x, params, p, save) => deuForward(a, x, params, p, save ?? false),
      deuBackward: (g, x, params, p, saved) => deuBackward(a, g, x, params, p, saved ?? null),
      pauForward: (x, numerator, denominator, p) => pauForward(a, x, numerator, denominator, p),
      pauBackward: (g, x, numerator, denominator, p) => pauBackward(a, g, x, numerator, denominator, p),
    };
  }

  upload(array: TypedArray): Storage {
    // through alloc, so a float32 copy lands in the WebAssembly memory where the kernels read it
    const copy = this.allocator.alloc(dtypeOfArray(array), array.length);
    copy.array.set(array);
    return copy;
  }

  fill(size: number, dtype: DType, value: number): Storage {
    const s = this.allocator.alloc(dtype, size);
    if (value !== 0) s.array.fill(value);
    return s;
  }

  read(storage: Storage): TypedArray {
    // the typed-array constructor, not slice(): V8 copies a SharedArrayBuffer view element by
    // element in slice() (30× slower for 4 MB), and float32 storage lives in the shared
    // WebAssembly memory; the constructor copies in one pass (no zeroing first, unlike new + set)
    const source = arrayOf(storage);
    return source instanceof Float32Array ? new Float32Array(source) : new Float64Array(source);
  }

  write(storage: Storage, array: TypedArray): void {
    const target = arrayOf(storage);
    if (array.length !== target.length) fail('write', `expected ${target.length} values, got ${array.length}`);
    target.set(array);
  }

  hostArray(storage: Storage): TypedArray {
    return arrayOf(storage);
  }

  free(storage: Storage): void {
    this.allocator.release(storage as CpuStorage);
  }

  memory() {
    return this.allocator.memory();
  }

  resetPeak(): void {
    this.allocator.resetPeak();
  }

  /** Which kernels run (WebAssembly or JavaScript), threads, and why anything fell back. */
  info(): CpuBackendInfo {
    return cpuInfo();
  }
}

registerBackend('cpu', () => new CpuBackend(), configureCpu);
