// CPU storage: a Float32Array or Float64Array, plus the byte accounting that memory() reports.
import type { Backend, MemoryInfo, Storage } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';

export class CpuStorage implements Storage {
  readonly backendName = 'cpu';
  refs = 0;
  constructor(readonly array: TypedArray) {}
  get size(): number {
    return this.array.length;
  }
  get dtype(): DType {
    return this.array instanceof Float64Array ? 'float64' : 'float32';
  }
}

/** Counts buffers and bytes; every CpuStorage is created through here. */
export class CpuAllocator {
  private info: MemoryInfo = { buffers: 0, bytes: 0, peakBytes: 0 };

  adopt(array: TypedArray): CpuStorage {
    this.info.buffers++;
    this.info.bytes += array.byteLength;
    if (this.info.bytes > this.info.peakBytes) this.info.peakBytes = this.info.bytes;
    return new CpuStorage(array);
  }

  alloc(dtype: DType, size: number): CpuStorage {
    return this.adopt(allocArray(dtype, size));
  }

  release(storage: CpuStorage): void {
    this.info.buffers--;
    this.info.bytes -= storage.array.byteLength;
  }

  memory(): MemoryInfo {
    return { ...this.info };
  }

  resetPeak(): void {
    this.info.peakBytes = this.info.bytes;
  }
}

/** Wraps an existing array without copying (fromNdarray's zero-copy path). */
export function wrapCpuArray(backend: Backend, array: TypedArray): Storage {
  return (backend as unknown as { allocator: CpuAllocator }).allocator.adopt(array);
}

export function arrayOf(storage: Storage): TypedArray {
  return (storage as CpuStorage).array;
}
