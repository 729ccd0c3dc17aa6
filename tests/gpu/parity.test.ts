// Parity of the gpu backend with the CPU reference: fast-check drives every kernel of the
// Kernels interface with random shapes, values and attributes on the CPU backend (float32) and
// on the gpu backend, in every gpu.js mode available here, and compares the results at the
// float32 tolerances documented in parity_cases.ts. A mode that cannot run here is reported as
// skipped, with the reason, and never counts as passed.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CpuBackend } from '../../core/cpu/backend.js';
import { GpuBackend, gpuBackend } from '../../core/gpu/index.js';
import { modeCases } from './modes.js';
import { allScalarsCase, PARITY_CASES, type ParityCase, SCALAR_COUNT } from './parity_cases.js';
import { type Backendish, checkParity, ParityMismatch } from './parity_check.js';

const cpu = new CpuBackend();
const NUM_RUNS = Number(process.env.TAPEGRAD_PARITY_RUNS ?? 12);
const SEED = Number(process.env.TAPEGRAD_PARITY_SEED ?? 20261123);

test('every kernel of the Kernels interface (the CPU backend\'s table) has a parity case', () => {
  const kernels = Object.keys(cpu.kernels);
  const missing = kernels.filter((k) => !PARITY_CASES[k]);
  assert.equal(missing, [], `kernels without a gpu parity case: ${missing.join(', ')}`);
  // a case may be a variant of a kernel's: 'matmul (texel-aligned)'
  const unknown = Object.keys(PARITY_CASES).filter((k) => !kernels.includes(k.split(' ')[0]));
  assert.equal(unknown, [], `parity cases for kernels the CPU backend does not have: ${unknown.join(', ')}`);
  const gpu = new GpuBackend('gpu-kernel-table', { mode: 'cpu' });
  const absent = kernels.filter((k) => typeof (gpu.kernels as unknown as Record<string, unknown>)[k] !== 'function');
  assert.equal(absent, [], `kernels the gpu backend does not implement: ${absent.join(', ')}`);
  gpu.runtime.destroy();
});

function checkOne<T>(name: string, pc: ParityCase<T>, c: T, gpu: Backendish): void {
  try {
    checkParity(name, pc, c, cpu, gpu);
  } catch (e) {
    if (e instanceof ParityMismatch) assert.unreachable(e.message);
    throw e;
  }
}

for (const mode of modeCases('gpu-parity')) {
  if (mode.skip !== null) {
    console.log(`skipped: gpu parity in mode ${mode.mode}: ${mode.skip}`);
    test.skip(`gpu parity, mode ${mode.mode} (skipped: ${mode.skip})`, () => {});
    continue;
  }
  for (const [name, pc] of Object.entries(PARITY_CASES)) {
    test(`gpu parity, mode ${mode.mode}: ${name} matches the CPU backend in float32`, () => {
      const gpu = gpuBackend(mode.backend);
      const before = gpu.memory().buffers;
      try {
        fc.assert(fc.property(pc.arb, (c) => checkOne(name, pc, c, gpu)), { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true });
      } catch (e) {
        // fast-check keeps the failing assertion as the cause: put its message in front
        const cause = (e as Error).cause as Error | undefined;
        throw new Error(`${cause?.message ?? ''}\n${(e as Error).message}`);
      }
      assert.is(gpu.memory().buffers, before, `${name}: the kernel left buffers allocated`);
      assert.equal(gpu.info().fallbacks, [], 'gpu.js fell back to another kernel class');
    });
  }
  test(`gpu parity, mode ${mode.mode}: all ${SCALAR_COUNT} scalar functions of the ops transpile and match`, () => {
    const gpu = gpuBackend(mode.backend);
    for (let entry = 0; entry < SCALAR_COUNT; entry++) checkOne('elementwise', allScalarsCase, { entry, seed: entry * 2 + 2 }, gpu);
    for (let entry = 0; entry < SCALAR_COUNT; entry++) checkOne('elementwise', allScalarsCase, { entry, seed: entry * 2 + 3 }, gpu);
  });
  test(`gpu parity, mode ${mode.mode}: the kernels really ran on the mode's gpu.js kernel class`, () => {
    const info = gpuBackend(mode.backend).info();
    assert.is(info.mode, mode.mode);
    const expected = { cpu: 'CPUKernel', webasm: 'WebAssemblyKernel', headlessgl: 'HeadlessGLKernel' }[mode.mode as 'cpu' | 'webasm' | 'headlessgl'];
    assert.equal(Object.keys(info.kernelClasses), [expected]);
    assert.is(info.onDevice, mode.mode === 'headlessgl');
  });
}

test.run();
