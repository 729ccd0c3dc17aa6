// The gpu backend's public surface: registering it under 'gpu', choosing its mode, and
// backendInfo(). Importing this module registers the backend; nothing starts until first use.
import { getBackend, registerBackend } from '../backend.js';
import { CpuBackend } from '../cpu/backend.js';
import type { CpuBackendInfo } from '../cpu/wasm_switch.js';
import { fail } from '../errors.js';
import { GpuBackend, type GpuBackendInfo, type GpuBackendOptions } from './backend.js';
import { AUTO_ORDER, type CacheStats, GPU_MODES, type GpuMode, modeAvailability } from './runtime.js';

export { GpuBackend, type GpuBackendInfo, type GpuBackendOptions, type GpuMode, type CacheStats, GPU_MODES, AUTO_ORDER };
export { MAX_ELEMENTS } from './source.js';

const created = new Map<string, GpuBackend>();
const pending = new Map<string, GpuBackendOptions>();

function envMode(): GpuMode | undefined {
  const value = typeof process !== 'undefined' ? process.env?.TAPEGRAD_GPU_MODE : undefined;
  return value ? (value as GpuMode) : undefined;
}

/**
 * Registers a gpu backend under `name` (several may coexist, e.g. one per mode). It is created
 * on first use; until then its options may be changed by calling this again.
 */
export function registerGpuBackend(name: string, options: GpuBackendOptions = {}): void {
  const existing = created.get(name);
  if (existing) {
    const mode = options.mode ?? 'auto';
    if (mode !== existing.requestedMode) {
      fail('registerGpuBackend', `backend '${name}' already runs in mode '${existing.requestedMode}'; register another name for mode '${mode}'`);
    }
    return;
  }
  pending.set(name, options);
  registerBackend(
    name,
    () => {
      const backend = new GpuBackend(name, pending.get(name));
      created.set(name, backend);
      return backend;
    },
    (opts) => registerGpuBackend(name, opts as GpuBackendOptions),
  );
}

/** Sets the mode of the default 'gpu' backend (before its first use; TAPEGRAD_GPU_MODE also does). */
export function configureGpu(options: GpuBackendOptions): void {
  registerGpuBackend('gpu', options);
}

/** The gpu backend registered as `name` (created now if needed). */
export function gpuBackend(name = 'gpu'): GpuBackend {
  const backend = getBackend(name);
  if (!(backend instanceof GpuBackend)) fail('gpuBackend', `backend '${name}' is not a gpu backend`);
  return backend;
}

/**
 * What a backend really runs on. For a gpu backend: the gpu.js mode and kernel class that executed
 * the kernels, precision, texture limits, silent fallbacks, cache statistics and memory. For 'cpu':
 * whether the float32 kernels run in WebAssembly or JavaScript (and why), and its threads.
 */
export function backendInfo(name: 'cpu'): CpuBackendInfo;
export function backendInfo(name?: string): GpuBackendInfo;
export function backendInfo(name = 'gpu'): GpuBackendInfo | CpuBackendInfo {
  const backend = getBackend(name);
  if (backend instanceof CpuBackend) return backend.info();
  return gpuBackend(name).info();
}

/** Which gpu.js modes work here, and why the others do not (null = available). */
export function gpuModes(): Record<string, string | null> {
  return modeAvailability();
}

registerGpuBackend('gpu', { mode: envMode() });
