// The gpu.js modes the gpu tests run on: cpu and webasm always (in Node), headlessgl when the
// optional `gl` package is built and a display exists (CI runs the suite under xvfb-run). A
// mode that cannot run here is reported as skipped with its reason, never as passed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { gpuBackend, gpuModes, registerGpuBackend } from '../../core/gpu/index.js';
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

/**
 * One test per gpu.js mode: skipped with the reason where the mode cannot run, else `body` on the
 * mode's backend, followed by the checks every such test ends with — no tensor left behind on the
 * gpu backend, and no silent gpu.js fallback.
 */
export function testEveryMode(prefix: string, name: (mode: string) => string, body: (c: ModeCase) => void): void {
  for (const c of modeCases(prefix)) {
    if (c.skip !== null) {
      console.log(`skipped: gpu mode ${c.mode}: ${c.skip}`);
      test.skip(`${name(c.mode)} (skipped: ${c.skip})`, () => {});
      continue;
    }
    test(name(c.mode), () => {
      const before = tg.memory(c.backend).tensors;
      body(c);
      assert.is(tg.memory(c.backend).tensors, before, 'the double backward left tensors on the gpu backend');
      assert.equal(gpuBackend(c.backend).info().fallbacks, [], 'gpu.js fell back to another kernel class');
    });
  }
}

/** The largest magnitude of some values (at least 1e-30): the scale a tolerance is relative to. */
export const scaleOf = (values: number[]) => Math.max(1e-30, ...values.map(Math.abs));
