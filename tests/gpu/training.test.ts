// 200 training steps of a small MLP on the gpu backend, in every available gpu.js mode: live
// tensors and bytes stay flat, and from the second step on a step compiles no kernel and reads
// nothing back (except the loss when the test asks for it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { gpuBackend } from '../../core/gpu/index.js';
import { modeCases } from './modes.js';

const STEPS = 200;

function mlp(backend: string, sizes: number[]): Tensor[] {
  tg.manualSeed(3);
  const params: Tensor[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    params.push(tg.randn([sizes[i + 1], sizes[i]], { backend }).mul(1 / Math.sqrt(sizes[i])).detach().requiresGrad_());
    params.push(tg.zeros([sizes[i + 1]], { backend, requiresGrad: true }));
  }
  return params;
}

function forward(params: Tensor[], x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = tg.linear(h, params[i], params[i + 1]);
    if (i + 2 < params.length) h = h.relu();
  }
  return h;
}

for (const c of modeCases('gpu-train')) {
  const name = `MLP 8-16-16-4, ${STEPS} SGD steps on gpu mode ${c.mode}: memory flat, steady state compiles and reads nothing`;
  if (c.skip !== null) {
    console.log(`skipped: gpu mode ${c.mode}: ${c.skip}`);
    test.skip(`${name} (skipped: ${c.skip})`, () => {});
    continue;
  }
  test(name, () => {
    const backend = gpuBackend(c.backend);
    const params = mlp(c.backend, [8, 16, 16, 4]);
    const x = tg.randn([32, 8], { backend: c.backend });
    const target = tg.randn([32, 4], { backend: c.backend });
    const opt = new tg.optim.SGD(params, { lr: 0.05, momentum: 0.9 });
    const step = (): Tensor =>
      tg.tidy(() => {
        opt.zeroGrad();
        const loss = tg.mseLoss(forward(params, x), target);
        loss.backward();
        opt.step();
        return loss;
      });
    const first = step();
    const firstLoss = first.item();
    first.dispose();
    step().dispose(); // momentum buffers exist from the second step on
    const before = tg.memory(c.backend);
    const stats = backend.cacheStats();
    const traffic = { ...backend.traffic };
    let last = 0;
    for (let i = 2; i < STEPS; i++) {
      const loss = step();
      if (i === STEPS - 1) {
        const readsBefore = backend.traffic.reads;
        last = loss.item();
        assert.is(backend.traffic.reads, readsBefore + 1);
      }
      loss.dispose();
      const now = tg.memory(c.backend);
      assert.is(now.tensors, before.tensors, `step ${i}: live tensors ${now.tensors} vs ${before.tensors}`);
      assert.is(now.bytes, before.bytes, `step ${i}: live bytes ${now.bytes} vs ${before.bytes}`);
    }
    const after = backend.cacheStats();
    assert.is(after.compiles, stats.compiles, `steady-state steps compiled ${after.compiles - stats.compiles} kernels`);
    assert.is(after.misses, stats.misses);
    assert.ok(after.hits > stats.hits);
    // the only readback was the loss we asked for; uploads are the scalar hyperparameters
    assert.is(backend.traffic.reads - traffic.reads, 1, 'a steady-state step read data back from the device');
    assert.ok(Number.isFinite(last) && last < firstLoss, `loss should fall: ${firstLoss} → ${last}`);
    const info = backend.info();
    assert.is(info.mode, c.mode);
    assert.equal(info.fallbacks, []);
    assert.equal(Object.keys(info.kernelClasses), [{ cpu: 'CPUKernel', webasm: 'WebAssemblyKernel', headlessgl: 'HeadlessGLKernel' }[c.mode as 'cpu' | 'webasm' | 'headlessgl']]);
    assert.is(info.onDevice, c.mode === 'headlessgl');
    for (const p of params) p.dispose();
    opt.zeroGrad();
    x.dispose();
    target.dispose();
  });
}

test.run();
