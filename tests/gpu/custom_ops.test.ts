// A student's own ops on the gpu backend, in every gpu.js mode available here: a defineUnary
// activation written as arrow functions in this file (so gpu.js transpiles the source the test
// runner produced, as it would a student's), with a parameter, and a customOp, forward and
// backward, against the CPU backend in float32.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { gpuBackend } from '../../core/gpu/index.js';
import { assertClose } from '../helpers.js';
import { modeCases } from './modes.js';

const xs = Array.from({ length: 24 }, (_, i) => -3 + (i * 6) / 23);

function forwardBackward(op: (x: Tensor) => Tensor, backend: string): { y: number[]; dx: number[] } {
  return tg.tidy(() => {
    const x = tg.tensor(xs, { shape: [4, 6], backend, requiresGrad: true });
    const y = op(x);
    // a non-uniform gradOutput, so that the backward's use of g is checked too
    y.backward(tg.tensor(xs.map((_, i) => 1 + (i % 5) / 4), { shape: [4, 6], backend }));
    return { y: Array.from(y.data()), dx: Array.from(x.grad!.data()) };
  });
}

for (const c of modeCases('gpu-custom')) {
  if (c.skip !== null) {
    console.log(`skipped: gpu mode ${c.mode}: ${c.skip}`);
    test.skip(`custom ops on gpu mode ${c.mode} (skipped: ${c.skip})`, () => {});
    continue;
  }
  test(`gpu mode ${c.mode}: a defineUnary activation transpiles and matches the CPU, forward and backward`, () => {
    // a learnable-activation student's first try: a smooth leaky unit with a slope parameter
    const smoothLeaky = tg.defineUnary({
      name: `smoothLeaky_${c.mode}`,
      f: (x, a) => {
        const s = 1 / (1 + Math.exp(-x));
        return a * x + (1 - a) * x * s;
      },
      grad: (g, x, y, a) => {
        const s = 1 / (1 + Math.exp(-x));
        return g * (a + (1 - a) * (s + x * s * (1 - s)));
      },
      params: [0.1],
    });
    const cpu = forwardBackward((x) => smoothLeaky(x, 0.2), 'cpu');
    const gpu = forwardBackward((x) => smoothLeaky(x, 0.2), c.backend);
    assertClose(gpu.y, cpu.y, 2e-5, 1e-4, 'forward');
    assertClose(gpu.dx, cpu.dx, 2e-5, 1e-4, 'backward');
    assert.equal(gpuBackend(c.backend).info().fallbacks, [], 'gpu.js fell back to another kernel class');
  });

  test(`gpu mode ${c.mode}: a customOp runs its forward and backward on the gpu`, () => {
    const softClip = tg.customOp({
      name: `softClip_${c.mode}`,
      forward: (ctx, x: Tensor) => {
        const t = x.tanh();
        ctx.save(t);
        return t.mul(2);
      },
      backward: (ctx, g) => [g.mul(ctx.saved[0].square().neg().add(1)).mul(2)],
    });
    const cpu = forwardBackward(softClip, 'cpu');
    const gpu = forwardBackward(softClip, c.backend);
    assertClose(gpu.y, cpu.y, 2e-5, 1e-4, 'forward');
    assertClose(gpu.dx, cpu.dx, 2e-5, 1e-4, 'backward');
  });
}

test.run();
