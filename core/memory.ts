// Live-tensor accounting per backend, so leaks are testable: memory() before and after a
// training step must agree.
import { getBackend, backendNames } from './backend.js';

const liveTensors = new Map<string, number>();

export function countTensor(backendName: string, delta: number): void {
  liveTensors.set(backendName, (liveTensors.get(backendName) ?? 0) + delta);
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
