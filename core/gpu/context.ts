// What the gpu kernels need from their backend: inputs as gpu.js values, running a cached
// kernel, wrapping outputs as storage, and freeing the intermediates of multi-pass kernels.
import type { View } from '../backend.js';
import type { Shape } from '../shape.js';
import type { KernelArg, KernelSpec, KernelValue } from './runtime.js';
import type { GpuStorage } from './storage.js';

export interface GpuContext {
  readonly name: string;
  /** The GLSL ES version of the backend's shaders (3 for webgl2, 1 for webgl and headless-gl), null off GL. */
  readonly glsl: 1 | 3 | null;
  /** The input's gpu.js value (checked: this backend, alive, float32). */
  input(view: View, kernel: string): KernelValue;
  /** Runs a cached kernel with a flat output of spec.output elements. */
  run(spec: KernelSpec, args: readonly KernelArg[]): KernelValue;
  /** Wraps a kernel output as counted storage. */
  wrap(value: KernelValue, size: number): GpuStorage;
  /** A storage of `size` copies of value (empty storage for size 0). */
  filled(size: number, value: number): GpuStorage;
  /** Frees an intermediate value that never became storage. */
  drop(value: KernelValue): void;
  /** Rejects shapes the backend cannot index exactly; returns the element count. */
  checkSize(kernel: string, shape: Shape): number;
  /** Reads a value back to the host (counted as a readback). */
  readValue(value: KernelValue, size: number): Float32Array;
  /** Uploads host values as a kernel value (counted as an upload). */
  uploadValue(array: Float32Array): KernelValue;
}
