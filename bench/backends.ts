// The backends a benchmark runs on: the CPU backend and the gpu.js modes Node offers here (webasm,
// and headlessgl when `gl` is built and an X display exists), each gpu mode registered as
// bench-<mode> in strict mode (a gpu.js fallback is an error). A mode that cannot run is listed
// with the reason, never silently dropped.
import { backendInfo, gpuModes, registerGpuBackend } from '../core/gpu/index.js';

export interface BenchBackend {
  /** The backend name to pass to tensors and Module.to. */
  name: string;
  /** 'CPU backend' or 'gpu.js <mode>'. */
  label: string;
}

/** The requested backends ('cpu', 'webasm', 'headlessgl') that exist here, and why not the others. */
export function benchBackends(requested: readonly string[]): { run: BenchBackend[]; skipped: string[] } {
  const available = gpuModes();
  const run: BenchBackend[] = [], skipped: string[] = [];
  for (const b of requested) {
    if (b === 'cpu') run.push({ name: 'cpu', label: 'CPU backend' });
    else if (b !== 'webasm' && b !== 'headlessgl') throw new Error(`--backends: unknown '${b}'; expected cpu, webasm or headlessgl`);
    else if (available[b] !== null) skipped.push(`${b}: ${available[b]}`);
    else {
      registerGpuBackend(`bench-${b}`, { mode: b, strict: true });
      run.push({ name: `bench-${b}`, label: `gpu.js ${b}` });
    }
  }
  return { run, skipped };
}

/** What really ran on a gpu backend: the gpu.js mode, its kernel classes and fallbacks. */
export function whatRan(name: string): string {
  const info = backendInfo(name);
  return `what ran: mode ${info.mode}, kernel classes ${Object.keys(info.kernelClasses).join('/')}, fallbacks ${info.fallbacks.length}`;
}
