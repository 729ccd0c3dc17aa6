// CPU storage: a Float32Array or Float64Array, plus the byte accounting that memory() reports.
// float32 arrays live in the WebAssembly kernels' memory when it is shared (core/wasm/heap.ts), so
// those kernels work on tensors in place; everything else is on the JavaScript heap.
import type { Backend, MemoryInfo, Storage } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { allocFloat32, type WasmHeap } from '../wasm/heap.js';
import { wasmRuntime } from '../wasm/runtime.js';

/** A WebAssembly block of a storage that was garbage-collected without release(). */
interface Block {
  heap: WasmHeap;
  ptr: number;
}

// Tensors dropped without dispose() give their block back when the garbage collector finds them.
// (It runs only between tasks, so a synchronous loop that never disposes fills the memory first;
// past its limit, new float32 arrays go to the JavaScript heap: slower, never wrong.)
const reclaim = typeof FinalizationRegistry === 'undefined' ? null : new FinalizationRegistry<Block>((b) => b.heap.release(b.ptr));

export class CpuStorage implements Storage {
  readonly backendName = 'cpu';
  refs = 0;
  /** The WebAssembly block holding `array`, or null when it is on the JavaScript heap. */
  block: Block | null = null;
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

  /** A zeroed array; with `zero` false the values are unspecified (for outputs written whole). */
  alloc(dtype: DType, size: number, zero = true): CpuStorage {
    const rt = dtype === 'float32' && size > 0 ? wasmRuntime() : null;
    const inWasm = rt ? allocFloat32(rt, size, zero) : null;
    if (inWasm === null) return this.adopt(allocArray(dtype, size));
    const storage = this.adopt(inWasm.array);
    storage.block = { heap: inWasm.heap, ptr: inWasm.ptr };
    // keyed on the array, not the storage: toNdarray() hands the array out, and its block must
    // not be reused while anything can still read or write through it
    reclaim?.register(inWasm.array, storage.block, storage);
    return storage;
  }

  release(storage: CpuStorage): void {
    this.info.buffers--;
    this.info.bytes -= storage.array.byteLength;
    if (storage.block) {
      reclaim?.unregister(storage);
      storage.block.heap.release(storage.block.ptr);
      storage.block = null;
    }
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
