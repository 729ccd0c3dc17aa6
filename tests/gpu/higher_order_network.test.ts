// The recorded backward (createGraph) of the network ops and the papers' activations on the gpu.js
// backend, in every gpu.js mode available here, against the CPU backend in float32: second
// derivatives and Hessian-vector products through deu, pau, rpau, conv2d, maxPool2d, avgPool2d and
// groupNorm. Their first-order gradients run the backend's fused kernels; the second-order
// kernels of deu and pau (and max pooling's winners) run on values read back to the host, so this
// checks that those paths give the CPU's numbers on another backend and leave nothing behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';
import { scaleOf, testEveryMode } from './modes.js';

function values(n: number, seed: number, scale = 1): number[] {
  const rng = new tg.Generator(seed);
  return Array.from({ length: n }, () => (2 * rng.uniform() - 1) * scale);
}

const on = (backend: string, vs: number[], shape: number[], requiresGrad = true) => tg.tensor(vs, { shape, backend, requiresGrad });

/** Σ_i vᵢ·(∂/∂inputs of ⟨∂f/∂inputs, w⟩): a Hessian-vector product of the scalar f, flattened. */
function hvp(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): number[] {
  const grads = tg.grad(f(...inputs), inputs, { createGraph: true });
  const dot = grads.map((g, i) => g!.mul(on(inputs[i].backend.name, values(g!.size, seed + i), [...g!.shape], false)).sum()).reduce((a, b) => a.add(b));
  return tg.grad(dot, inputs).flatMap((h) => Array.from(h!.data()));
}

/** Every case's Hessian-vector product on one backend. */
function cases(backend: string): Record<string, number[]> {
  return tg.tidy(() => {
    // DEU: one neuron per 1-1-1 branch and a ReLU, inputs away from 0
    const t = values(12, 1).map((v) => v * 1.5 + Math.sign(v) * 0.3);
    const deuX = on(backend, t, [4, 3]);
    const deuP = on(backend, [0.6, 0.5, 0.9, 0.3, -0.2, 0.6, 1.9, 0.4, 0.3, -0.2, 0.25, 1, 0.999, 0.1, 0.2], [3, 5]);
    const pauX = on(backend, values(10, 2, 2), [10]);
    const pauA = on(backend, [0.03, 0.5, 1.65, 2.0, 0.93, 0.15], [6]);
    const pauB = on(backend, [0.4, 3.98, 0.2, 0.3], [4]);
    const convX = on(backend, values(2 * 2 * 5 * 5, 3), [2, 2, 5, 5]);
    const convW = on(backend, values(3 * 2 * 3 * 3, 4, 0.5), [3, 2, 3, 3]);
    const poolX = on(backend, values(2 * 5 * 6, 5).map((v, i) => v + 0.01 * i), [1, 2, 5, 6]);
    const normX = on(backend, values(2 * 4 * 3, 6), [2, 4, 3]);
    const normW = on(backend, values(4, 7), [4]);
    return {
      deu: hvp((x, p) => tg.deu(x, p).square().sum(), [deuX, deuP], 10),
      pau: hvp((x, a, b) => tg.pau(x, a, b).square().sum(), [pauX, pauA, pauB], 20),
      rpau: hvp((x, a, b) => tg.rpau(x, a, b, { key: 5, straightThrough: false }).square().sum(), [pauX, pauA, pauB], 30),
      conv2d: hvp((x, w) => tg.conv2d(x, w, null, { padding: 1, stride: 2 }).tanh().sum(), [convX, convW], 40),
      maxPool2d: hvp((x) => tg.maxPool2d(x, { kernelSize: 2, stride: 1 }).square().sum(), [poolX], 50),
      avgPool2d: hvp((x) => tg.avgPool2d(x, { kernelSize: 3, padding: 1, stride: 2 }).square().sum(), [poolX], 60),
      groupNorm: hvp((x, w) => tg.groupNorm(x, 2, w).tanh().sum(), [normX, normW], 70),
    };
  });
}

testEveryMode('gpu-higher-order-network', (mode) => `createGraph on gpu mode ${mode}: Hessian-vector products through deu, pau, rpau, conv2d, pooling and groupNorm match the CPU (float32)`, (c) => {
    const [cpu, other] = [cases('cpu'), cases(c.backend)];
    for (const op of Object.keys(cpu)) {
      assert.ok(cpu[op].some((v) => v !== 0), `${op}: a zero Hessian-vector product checks nothing`);
      assertClose(other[op], cpu[op], 2e-4 * scaleOf(cpu[op]), 2e-3, `H·v through ${op}`);
    }
});

test.run();
