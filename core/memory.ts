// Live-tensor accounting per backend, so leaks are testable: memory() before and after a
// training step must agree. And the one place a tensor's storage is let go of: by dispose()
// (tidy calls it), or by the garbage collector when a tensor is dropped without dispose().
import { getBackend, backendNames, type Backend, type Storage } from './backend.js';

const liveTensors = new Map<string, number>();

export function countTensor(backendName: string, delta: number): void {
  liveTensors.set(backendName, (liveTensors.get(backendName) ?? 0) + delta);
}

/**
 * What one tensor owns: its storage (shared with views by the storage's reference count) and
 * who still needs it. It is a separate object from the Tensor so that a FinalizationRegistry can
 * hold it, and free it when the tensor is garbage, without keeping the tensor alive.
 */
export class Allocation {
  /** How many live tape entries saved the tensor for their backward; it is not freed before 0. */
  holds = 0;
  /** dispose() was called; the free waits for `holds` to reach 0. */
  disposeRequested = false;

  /** null once freed. */
  storage: Storage | null;

  constructor(storage: Storage, readonly backend: Backend) {
    this.storage = storage;
    storage.refs++;
    countTensor(backend.name, +1);
  }
}

/** Drops the tensor's share of its storage (the buffer goes with its last tensor). Idempotent. */
export function freeAllocation(allocation: Allocation): void {
  const storage = allocation.storage;
  if (storage === null) return;
  allocation.storage = null;
  collected.unregister(allocation); // else the registry would keep an entry for it until a GC
  countTensor(allocation.backend.name, -1);
  storage.refs--;
  if (storage.refs === 0) allocation.backend.free(storage);
}

/** A tape entry saved the tensor: disposing it now only marks it. */
export function holdAllocation(allocation: Allocation): void {
  allocation.holds++;
}

/** The entry that saved the tensor was released: a disposal that waited for it happens now. */
export function unholdAllocation(allocation: Allocation): void {
  allocation.holds--;
  if (allocation.holds === 0 && allocation.disposeRequested) freeAllocation(allocation);
}

// A tensor that became garbage without dispose() can no longer be used by anyone, so its storage
// is freed (as PyTorch frees a tensor whose last reference dies). JavaScript runs these callbacks
// only between tasks, after a collection: inside one synchronous loop, tidy is what frees memory.
const collected = new FinalizationRegistry<Allocation>((allocation) => freeingLate(() => freeAllocation(allocation)));

/**
 * Runs a free that the garbage collector triggered. It happens at an arbitrary later moment, when
 * its backend may be gone (a gpu.js context destroyed meanwhile); an error thrown there would
 * crash the process far from any cause, so the backend's error is dropped: the memory it would
 * have freed went with the backend.
 */
export function freeingLate(free: () => void): void {
  try {
    free();
  } catch {
    // see above
  }
}

/** Frees `allocation` once `owner` (its tensor) is garbage-collected, if dispose() did not. */
export function freeWhenCollected(owner: object, allocation: Allocation): void {
  collected.register(owner, allocation, allocation);
}

export interface MemoryReport {
  backend: string;
  /** Tensors whose storage has not been disposed. */
  tensors: number;
  /** Distinct buffers (views share one) and their bytes. */
  buffers: number;
  bytes: number;
  peakBytes: number;
}

/** Live tensors and bytes on one backend (the active one by default). */
export function memory(backendName?: string): MemoryReport {
  const backend = getBackend(backendName);
  return { backend: backend.name, tensors: liveTensors.get(backend.name) ?? 0, ...backend.memory() };
}

/** Restarts peak tracking from the current number of bytes. */
export function resetPeakMemory(backendName?: string): void {
  getBackend(backendName).resetPeak();
}

export { backendNames };
