// The browser side of the parity check: bundled by esbuild (serve.ts) into a page that runs
// tapegrad's gpu backend on the browser's WebGL2 (gpu.js mode 'webgl2') against the CPU backend
// in the same page, with the same parity cases as the Node suite (tests/gpu), then trains a small
// MLP. Everything is exposed on window for the driver (tests/gpu/browser.test.ts) or a person
// with the page open: await tapegradParity('webgl2', 3), await tapegradTrain('webgl2', 20).
import fc from 'fast-check';
import * as tg from '../../index.js';
import { CpuBackend } from '../../core/cpu/backend.js';
import { backendInfo, gpuBackend, gpuModes, registerGpuBackend, type GpuMode } from '../../core/gpu/index.js';
import { PARITY_CASES } from '../../tests/gpu/parity_cases.js';
import { checkParity } from '../../tests/gpu/parity_check.js';

const cpu = new CpuBackend();

function backendFor(mode: Exclude<GpuMode, 'auto'>): string {
  const name = `gpu-page-${mode}`;
  registerGpuBackend(name, { mode, strict: true });
  return name;
}

/** Every kernel's parity case, `runs` draws each; returns per kernel 'ok' or the failure. */
function parity(mode: Exclude<GpuMode, 'auto'>, runs: number, seed = 20261123): { results: Record<string, string>; info: unknown } {
  const name = backendFor(mode);
  const gpu = gpuBackend(name);
  const results: Record<string, string> = {};
  for (const [kernel, pc] of Object.entries(PARITY_CASES)) {
    try {
      fc.assert(fc.property(pc.arb, (c) => checkParity(kernel, pc, c, cpu, gpu)), { numRuns: runs, seed, endOnFailure: true });
      results[kernel] = 'ok';
    } catch (e) {
      const cause = (e as Error).cause as Error | undefined;
      results[kernel] = `${cause?.message ?? ''} ${(e as Error).message}`.slice(0, 2000);
    }
  }
  return { results, info: backendInfo(name) };
}

/** `steps` SGD steps of an MLP; live tensors/bytes per step, and the compiles and readbacks of steps 3.. (the loss is read after each step). */
function train(mode: Exclude<GpuMode, 'auto'>, steps: number) {
  const name = backendFor(mode);
  const backend = gpuBackend(name);
  tg.manualSeed(3);
  const sizes = [8, 16, 16, 4];
  const params: tg.Tensor[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    params.push(tg.randn([sizes[i + 1], sizes[i]], { backend: name }).mul(1 / Math.sqrt(sizes[i])).detach().requiresGrad_());
    params.push(tg.zeros([sizes[i + 1]], { backend: name, requiresGrad: true }));
  }
  const x = tg.randn([32, 8], { backend: name });
  const target = tg.randn([32, 4], { backend: name });
  const opt = new tg.optim.SGD(params, { lr: 0.05, momentum: 0.9 });
  const step = () =>
    tg.tidy(() => {
      opt.zeroGrad();
      let h = x;
      for (let i = 0; i < params.length; i += 2) {
        h = tg.linear(h, params[i], params[i + 1]);
        if (i + 2 < params.length) h = h.relu();
      }
      const loss = tg.mseLoss(h, target);
      loss.backward();
      opt.step();
      return loss;
    });
  const losses: number[] = [];
  const memory: { tensors: number; bytes: number }[] = [];
  let compiles = 0, reads = 0;
  for (let i = 0; i < steps; i++) {
    const c0 = backend.cacheStats().compiles, r0 = backend.traffic.reads;
    const loss = step();
    if (i >= 2) {
      compiles += backend.cacheStats().compiles - c0;
      reads += backend.traffic.reads - r0;
    }
    losses.push(loss.item());
    loss.dispose();
    const m = tg.memory(name);
    memory.push({ tensors: m.tensors, bytes: m.bytes });
  }
  for (const p of params) p.dispose();
  opt.zeroGrad();
  x.dispose();
  target.dispose();
  return { losses, memory, steadyCompiles: compiles, steadyReads: reads, info: backendInfo(name) };
}

/** Loses the WebGL context of a mode's backend (WEBGL_lose_context), then tries to compute. */
function loseContext(mode: Exclude<GpuMode, 'auto'>): string {
  const name = backendFor(mode);
  const x = tg.ones([4], { backend: name });
  const ctx = (gpuBackend(name).runtime.gpu.context as unknown as WebGLRenderingContext | null);
  const ext = ctx?.getExtension('WEBGL_lose_context');
  if (!ext) return 'no WEBGL_lose_context';
  ext.loseContext();
  try {
    x.mul(2).item();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

Object.assign(globalThis, { tapegradParity: parity, tapegradTrain: train, tapegradLoseContext: loseContext, tapegradModes: gpuModes, tapegrad: tg });
(globalThis as { tapegradReady?: boolean }).tapegradReady = true;
