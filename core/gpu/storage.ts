// GPU storage: what a kernel returned, kept where gpu.js left it. On the GL modes that is a
// texture (pipeline mode, immutable outputs), so tensors stay on the device between kernels and
// are read back only by read(). On the host modes (webasm, cpu) gpu.js has no device memory and
// its pipelined output is a plain Float32Array. Byte accounting mirrors core/cpu/storage.ts.
//
// JavaScript's garbage collector cannot see device memory, so tensors must be disposed (tidy
// does it). As a backstop, a FinalizationRegistry frees the texture of a storage that was
// garbage-collected without free(), and counts it (backendInfo().finalized), so such a leak
// costs device memory only until the next collection — and shows up in the statistics.
import type { MemoryInfo, Storage, View } from '../backend.js';
import { fail, formatShape } from '../errors.js';
import type { KernelValue } from './runtime.js';

/** What the finalizer needs: the value and size, never the storage itself (that would keep it alive). */
interface Cell {
  value: KernelValue | null;
  size: number;
  freed: boolean;
}

export class GpuStorage implements Storage {
  readonly dtype = 'float32' as const;
  refs = 0;
  constructor(readonly backendName: string, readonly size: number, readonly cell: Cell) {}
  /** null for empty tensors (gpu.js has no zero-sized outputs) and after free. */
  get value(): KernelValue | null {
    return this.cell.value;
  }
  set value(v: KernelValue | null) {
    this.cell.value = v;
  }
}

export class GpuAllocator {
  private info: MemoryInfo = { buffers: 0, bytes: 0, peakBytes: 0 };
  /** Storages freed by the garbage-collection backstop instead of free(). */
  finalized = 0;
  private readonly registry: FinalizationRegistry<Cell> | null;

  constructor(private readonly backendName: string, drop: (value: KernelValue) => void) {
    this.registry = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry<Cell>((cell) => {
        if (cell.freed) return;
        cell.freed = true;
        if (cell.value !== null) drop(cell.value);
        cell.value = null;
        this.finalized++;
        this.info.buffers--;
        this.info.bytes -= cell.size * 4;
      })
      : null;
  }

  adopt(size: number, value: KernelValue | null): GpuStorage {
    this.info.buffers++;
    this.info.bytes += size * 4;
    if (this.info.bytes > this.info.peakBytes) this.info.peakBytes = this.info.bytes;
    const storage = new GpuStorage(this.backendName, size, { value, size, freed: false });
    this.registry?.register(storage, storage.cell, storage);
    return storage;
  }

  release(storage: GpuStorage): void {
    storage.cell.freed = true;
    this.registry?.unregister(storage);
    this.info.buffers--;
    this.info.bytes -= storage.size * 4;
  }

  memory(): MemoryInfo {
    return { ...this.info };
  }

  resetPeak(): void {
    this.info.peakBytes = this.info.bytes;
  }
}

/** The gpu.js value behind a view, checked to belong to this backend and to be alive. */
export function valueOf(backendName: string, view: View, kernel: string): KernelValue {
  const s = view.storage as GpuStorage;
  if (s.backendName !== backendName) {
    fail(kernel, `a tensor of shape ${formatShape(view.shape)} lives on backend '${s.backendName}', not '${backendName}'; move it with toBackend('${backendName}')`);
  }
  if (s.value === null && s.size === 0) return new Float32Array(0);
  if (s.value === null) fail(kernel, `a tensor of shape ${formatShape(view.shape)} has no data on '${backendName}' (empty or freed)`);
  return s.value;
}
