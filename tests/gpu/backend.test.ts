// The gpu backend's contract beyond kernel parity: mode selection and backendInfo(), silent
// gpu.js fallbacks caught, the kernel cache (hits, LRU eviction), bad input (float64, mixed
// backends, oversized tensors), memory accounting and the garbage-collection backstop.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { backendInfo, GpuBackend, gpuBackend, gpuModes, MAX_ELEMENTS, registerGpuBackend } from '../../core/gpu/index.js';
import { AUTO_ORDER, GpuRuntime, type KernelShortcut } from '../../core/gpu/runtime.js';
import { kernelSource } from '../../core/gpu/source.js';
import { matmulT } from '../../ops/matmul.js';
import { assertClose, assertThrows } from '../helpers.js';
import { modeCases } from './modes.js';

const CLASS = { cpu: 'CPUKernel', webasm: 'WebAssemblyKernel', headlessgl: 'HeadlessGLKernel' } as Record<string, string>;

test("mode 'auto' takes the first available mode in gpu.js's order, and says why the others are not", () => {
  const modes = gpuModes();
  const expected = AUTO_ORDER.find((m) => modes[m] === null);
  const backend = new GpuBackend('gpu-auto-test', { mode: 'auto' });
  const info = backend.info();
  assert.is(info.requestedMode, 'auto');
  assert.is(info.mode, expected);
  for (const [mode, why] of Object.entries(info.availability)) if (why !== null) assert.ok(why.length > 10, `${mode}: ${why}`);
  assert.is(modes.cpu, null);
  assert.is(modes.webasm, null);
  backend.runtime.destroy();
});

test('unknown and unavailable modes are refused with the reason', () => {
  assertThrows(() => new GpuBackend('x', { mode: 'webgpu' as never }), "unknown mode 'webgpu'", 'Promises');
  assertThrows(() => new GpuBackend('x', { mode: 'gpu' as never }), "use 'auto'");
  // webgl2 needs a browser
  assertThrows(() => new GpuBackend('x', { mode: 'webgl2' }), "mode 'webgl2' is not available", 'browser');
  const headless = gpuModes().headlessgl;
  if (headless !== null) assertThrows(() => new GpuBackend('x', { mode: 'headlessgl' }), "mode 'headlessgl' is not available", headless);
});

for (const c of modeCases('gpu-contract')) {
  if (c.skip !== null) {
    console.log(`skipped: gpu backend contract in mode ${c.mode}: ${c.skip}`);
    test.skip(`gpu backend contract, mode ${c.mode} (skipped: ${c.skip})`, () => {});
    continue;
  }
  const name = (what: string) => `gpu backend, mode ${c.mode}: ${what}`;

  test(name('backendInfo reports the mode that ran, precision, residency and limits'), () => {
    tg.tensor([1, 2, 3], { backend: c.backend }).mul(2).sum().item();
    const info = backendInfo(c.backend);
    assert.is(info.mode, c.mode);
    assert.is(info.precision, 'single');
    assert.is(info.tactic, 'precision');
    assert.equal(Object.keys(info.kernelClasses), [CLASS[c.mode]]);
    assert.is(info.onDevice, c.mode === 'headlessgl');
    assert.is(info.residency, c.mode === 'headlessgl' ? 'textures' : 'host typed arrays');
    assert.is(info.maxElements, MAX_ELEMENTS);
    if (c.mode === 'headlessgl') {
      assert.ok(info.maxTextureSize >= 2048 && Number.isFinite(info.maxTextureSize));
      assert.ok(info.renderer && info.glVersion, 'GL renderer and version are reported');
    }
    assert.equal(info.fallbacks, []);
  });

  test(name('matmul reads whole texels on WebGL when the rows are texel-aligned, and agrees with the CPU'), () => {
    const runs = () => ({ ...backendInfo(c.backend).kernelRuns });
    const product = (a: number[], b: number[], ta: boolean, tb: boolean) => {
      const x = tg.randn(a), y = tg.randn(b);
      const before = runs();
      const got = tg.tidy(() => matmulT(x.toBackend(c.backend), y.toBackend(c.backend), ta, tb).toBackend('cpu'));
      const want = matmulT(x, y, ta, tb);
      assertClose(got.data() as Float32Array, want.data() as Float32Array, 1e-4, 1e-4);
      const after = runs();
      return (family: string) => (after[family] ?? 0) - (before[family] ?? 0);
    };
    const gl = c.mode === 'headlessgl';
    // A·B, A·Bᵀ (a Linear layer's forward) and Aᵀ·B (its weight gradient; k = 64 copies Aᵀ out
    // first, k = 30 reads it in place), all texel-aligned
    for (const [a, b, ta, tb] of [[[24, 64], [64, 40], false, false], [[24, 64], [40, 64], false, true], [[64, 24], [64, 40], true, false], [[30, 24], [30, 40], true, false]] as const) {
      const ran = product([...a], [...b], ta, tb);
      assert.is(ran('mm4'), gl ? 1 : 0, `${a}·${b} (transA ${ta}, transB ${tb}): texel kernel runs`);
      assert.is(ran('mm'), gl ? 0 : 1, `${a}·${b}: generic kernel runs`);
    }
    // n = 10 is not a multiple of 4: the generic kernel
    assert.is(product([24, 64], [64, 10], false, false)('mm'), 1);
  });

  test(name('float64 is refused as CPU-only; mixing backends names both'), () => {
    assertThrows(() => tg.tensor(new Float64Array([1, 2]), { backend: c.backend }), 'float64 is CPU-only');
    assertThrows(() => tg.zeros([2], { backend: c.backend, dtype: 'float64' }), 'float64 is CPU-only');
    const x = tg.tensor([1, 2], { backend: c.backend });
    assertThrows(() => x.to('float64'), 'float64 is CPU-only');
    const y = tg.tensor([1, 2]);
    assertThrows(() => tg.add(x, y), 'different backends', `'${c.backend}'`, "'cpu'");
    const moved = y.toBackend(c.backend);
    assert.equal(tg.add(x, moved).toArray(), [2, 4]);
  });

  test(name('tensors above 2^24 elements are refused, naming the limit'), () => {
    assertThrows(() => tg.zeros([4097, 4097], { backend: c.backend }), String(MAX_ELEMENTS), '2^24', '16785409 elements');
    const x = tg.zeros([1 << 12, 1 << 12], { backend: c.backend }); // exactly 2^24 is allowed
    assert.is(x.size, MAX_ELEMENTS);
    x.dispose();
  });

  test(name('kernels compile once per shape signature; the LRU bound evicts, and outputs of evicted kernels stay readable'), () => {
    const backend = new GpuBackend(`${c.backend}-lru`, { mode: c.mode, maxKernels: 4 });
    const outs = [];
    for (let n = 1; n <= 10; n++) {
      const spec = { key: `ramp|${n}`, source: () => kernelSource([], ['return f * 2;']), output: n };
      outs.push(backend.wrap(backend.run(spec, []), n));
      outs.push(backend.wrap(backend.run(spec, []), n));
    }
    const stats = backend.cacheStats();
    assert.is(stats.misses, 10);
    assert.is(stats.compiles, 10);
    assert.is(stats.hits, 10);
    assert.is(stats.evictions, 6);
    assert.is(stats.size, 4);
    outs.forEach((s, i) => assert.equal(Array.from(backend.read(s)), Array.from({ length: Math.floor(i / 2) + 1 }, (_, k) => 2 * k)));
    for (const s of outs) backend.free(s);
    assert.is(backend.memory().buffers, 0);
    backend.runtime.destroy();
  });

  test(name('upload, fill, write, read and free keep the byte accounting'), () => {
    const backend = gpuBackend(c.backend);
    const before = backend.memory();
    const s = backend.upload(new Float32Array([1, 2, 3]));
    const z = backend.fill(5, 'float32', 0.5);
    const e = backend.upload(new Float32Array(0));
    assert.is(backend.memory().buffers, before.buffers + 3);
    assert.is(backend.memory().bytes, before.bytes + 32);
    backend.write(s, new Float32Array([4, 5, 6]));
    assert.equal(Array.from(backend.read(s)), [4, 5, 6]);
    assert.equal(Array.from(backend.read(z)), [0.5, 0.5, 0.5, 0.5, 0.5]);
    assert.equal(Array.from(backend.read(e)), []);
    assertThrows(() => backend.write(s, new Float32Array(2)), 'expected 3 values');
    backend.free(s);
    backend.free(z);
    backend.free(e);
    assert.is(backend.memory().buffers, before.buffers);
    assert.is(backend.memory().bytes, before.bytes);
  });

  test(name('ops end to end: a forward and backward through the public API match the CPU'), () => {
    tg.manualSeed(5);
    const run = (backend: string) => {
      const x = tg.randn([4, 3], { backend: 'cpu' }).toBackend(backend).requiresGrad_();
      const w = tg.randn([2, 3], { backend: 'cpu' }).toBackend(backend).requiresGrad_();
      const y = tg.linear(x, w).tanh().logSoftmax(1).sum();
      y.backward();
      return [y.item(), Array.from(x.grad!.data()), Array.from(w.grad!.data())] as const;
    };
    const [yc, gxc, gwc] = run('cpu');
    tg.manualSeed(5);
    const [yg, gxg, gwg] = run(c.backend);
    assertClose([yg], [yc], 1e-5, 1e-5);
    assertClose(gxg, gxc, 1e-5, 1e-4);
    assertClose(gwg, gwc, 1e-5, 1e-4);
  });
}

test('a tensor garbage-collected without dispose() has its device memory released; a storage dropped without a tensor, by the backstop', async () => {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const name = 'gpu-finalizer-test';
  registerGpuBackend(name, { mode: 'cpu' });
  const backend = gpuBackend(name);
  const before = backend.memory().bytes;
  const tensorsBefore = tg.memory(name).tensors;
  (() => {
    for (let i = 0; i < 20; i++) tg.ones([256], { backend: name }).mul(3); // never disposed
  })();
  assert.ok(backend.memory().bytes > before);
  // the tensors' own finalizer (core/memory.ts) frees their storages through free()
  for (let i = 0; i < 50 && backend.memory().bytes > before; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.is(backend.memory().bytes, before);
  assert.is(tg.memory(name).tensors, tensorsBefore);
  // a storage no tensor ever owned is left to the backstop
  const finalized = backend.info().finalized;
  (() => {
    for (let i = 0; i < 5; i++) backend.upload(new Float32Array(256));
  })();
  for (let i = 0; i < 50 && backend.info().finalized < finalized + 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.is(backend.info().finalized, finalized + 5, 'every storage without a tensor was finalized');
  assert.is(backend.memory().bytes, before);
});

test("a silent gpu.js fallback to its CPU kernel is an error when strict, and reported otherwise (webasm, the mode with one)", () => {
  // gpu.js's webasm kernels cannot do kernel maps and quietly hand them to its CPU kernel (with
  // one console warning). tapegrad never builds kernel maps, so a runtime that does stands in
  // for any kernel gpu.js degrades; the detection is the same code for every mode.
  class KernelMapRuntime extends GpuRuntime {
    protected override create(): KernelShortcut {
      const gpu = this.gpu as unknown as { createKernelMap(map: object, fn: string, settings: object): KernelShortcut };
      return gpu.createKernelMap({ doubled: 'function (a) { return a * 2; }' }, 'function () { doubled(this.thread.x); return this.thread.x + 1; }', { output: [3], precision: 'single', pipeline: true, immutable: true });
    }
  }
  const spec = { key: 'kernel-map-probe', source: () => '', output: 3 };
  const warn = console.warn;
  console.warn = () => {};
  try {
    const strict = new KernelMapRuntime({ mode: 'webasm', strict: true, maxKernels: 8 });
    assertThrows(() => strict.run(spec, []), "gpu.js ran kernel kernel-map-probe on CPUKernel instead of WebAssemblyKernel (mode 'webasm')", 'kernel maps are not supported');
    const lenient = new KernelMapRuntime({ mode: 'webasm', strict: false, maxKernels: 8 });
    lenient.run(spec, []);
    lenient.run(spec, []);
    assert.equal(lenient.fallbacks, [{ kernel: 'kernel-map-probe', ranOn: 'CPUKernel', reason: 'kernel maps are not supported on the webasm backend' }]);
    assert.equal(lenient.ranOn, { CPUKernel: 2 });
    strict.destroy();
    lenient.destroy();
  } finally {
    console.warn = warn;
  }
});

test.run();
