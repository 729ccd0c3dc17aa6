// The gpu.js modes the gpu tests run on: cpu and webasm always (in Node), headlessgl when the
// optional `gl` package is built and a display exists (CI runs the suite under xvfb-run). A
// mode that cannot run here is reported as skipped with its reason, never as passed.
import { gpuModes, registerGpuBackend } from '../../core/gpu/index.js';
import type { GpuMode } from '../../core/gpu/index.js';

export const TEST_MODES: readonly Exclude<GpuMode, 'auto'>[] = ['cpu', 'webasm', 'headlessgl'];

export interface ModeCase {
  mode: Exclude<GpuMode, 'auto'>;
  /** null when the mode runs here. */
  skip: string | null;
  /** A backend registered for this mode (strict: a gpu.js fallback is an error). */
  backend: string;
}

export function modeCases(prefix: string): ModeCase[] {
  const available = gpuModes();
  return TEST_MODES.map((mode) => {
    const skip = available[mode] ?? null;
    const backend = `${prefix}-${mode}`;
    if (skip === null) registerGpuBackend(backend, { mode, strict: true });
    return { mode, skip, backend };
  });
}
