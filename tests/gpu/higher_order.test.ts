// The recorded backward (createGraph) on the gpu.js backend, in every gpu.js mode available here,
// against the CPU backend in float32: a Hessian-vector product of an MLP loss (matmul, tanh,
// softmax cross-entropy, broadcasting — all twice differentiable), a gradient-penalty step, and
// the second derivative of every unary op with a second-order rule (each grad2 compiles as a
// gpu.js kernel). A mode that cannot run here is reported as skipped with its reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { UNARY } from '../../ops/unary_table.js';
import { assertClose } from '../helpers.js';
import { scaleOf, testEveryMode } from './modes.js';

const SIZES = [6, 8, 5];

/** Host arrays, the same on every backend (seeded here, not by a backend's generator). */
function problem() {
  const rng = new tg.Generator(17);
  const draw = (n: number, scale: number) => Array.from({ length: n }, () => (2 * rng.uniform() - 1) * scale);
  const params: { values: number[]; shape: number[] }[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    params.push({ values: draw(SIZES[i + 1] * SIZES[i], 1 / Math.sqrt(SIZES[i])), shape: [SIZES[i + 1], SIZES[i]] });
    params.push({ values: draw(SIZES[i + 1], 0.3), shape: [SIZES[i + 1]] });
  }
  return { params, v: params.map((p) => ({ values: draw(p.values.length, 1), shape: p.shape })), x: draw(10 * SIZES[0], 1.5), labels: Array.from({ length: 10 }, (_, i) => i % SIZES[SIZES.length - 1]) };
}

function onBackend(backend: string, spec: { values: number[]; shape: number[] }, requiresGrad = false): Tensor {
  return tg.tensor(spec.values, { shape: spec.shape, backend, requiresGrad });
}

function forward(ps: readonly Tensor[], x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i < ps.length; i += 2) {
    h = tg.linear(h, ps[i], ps[i + 1]);
    if (i + 2 < ps.length) h = h.tanh();
  }
  return h;
}

/** H·v of the cross-entropy loss (double backward), flattened, on `backend`. */
function hvp(backend: string): number[] {
  const p = problem();
  return tg.tidy(() => {
    const params = p.params.map((s) => onBackend(backend, s, true));
    const x = onBackend(backend, { values: p.x, shape: [10, SIZES[0]] });
    const loss = tg.crossEntropy(forward(params, x), p.labels);
    const grads = tg.grad(loss, params, { createGraph: true });
    const dot = grads.map((g, i) => g!.mul(onBackend(backend, p.v[i])).sum()).reduce((a, b) => a.add(b));
    return tg.grad(dot, params).flatMap((h) => Array.from(h!.data()));
  });
}

/** One gradient-penalty loss and its parameter gradient (∇ₓ of the critic inside), flattened. */
function penaltyGradient(backend: string): number[] {
  const p = problem();
  return tg.tidy(() => {
    const params = p.params.map((s) => onBackend(backend, s, true));
    const x = onBackend(backend, { values: p.x, shape: [10, SIZES[0]] }, true);
    const [dx] = tg.grad(forward(params, x).sum(), [x], { createGraph: true });
    const penalty = dx!.norm(2, 1).sub(1).square().mean();
    return [penalty.item(), ...tg.grad(penalty, params).flatMap((g) => Array.from(g!.data()))];
  });
}

/** d²/dx² Σ f(x) for every unary op with a second-order rule, at points inside its domain. */
function secondDerivatives(backend: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const def of Object.values(UNARY)) {
    if (!def.grad2) continue;
    const [lo, hi] = def.domain;
    const kinks = def.kinks ?? [];
    const points = [0.13, 0.37, 0.61, 0.89].map((t) => lo + t * (hi - lo)).map((v) => (kinks.some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v));
    out[def.name] = tg.tidy(() => {
      const x = tg.tensor(points, { backend, requiresGrad: true });
      const [g] = tg.grad(tg.unary(def, x).sum(), [x], { createGraph: true });
      return Array.from(tg.grad(g!.sum(), [x])[0]!.data());
    });
  }
  return out;
}

testEveryMode('gpu-higher-order', (mode) => `createGraph on gpu mode ${mode}: Hessian-vector product, gradient penalty and every unary second derivative match the CPU (float32)`, (c) => {
    const [cpuHv, gpuHv] = [hvp('cpu'), hvp(c.backend)];
    assert.ok(cpuHv.some((v) => v !== 0));
    assertClose(gpuHv, cpuHv, 2e-4 * scaleOf(cpuHv), 2e-3, 'H·v');
    const [cpuPen, gpuPen] = [penaltyGradient('cpu'), penaltyGradient(c.backend)];
    assertClose(gpuPen, cpuPen, 2e-4 * scaleOf(cpuPen), 2e-3, 'gradient penalty and its gradient');
    const [cpu2, gpu2] = [secondDerivatives('cpu'), secondDerivatives(c.backend)];
    for (const op of Object.keys(cpu2)) assertClose(gpu2[op], cpu2[op], 2e-4 * Math.max(1, scaleOf(cpu2[op])), 2e-3, `d²/dx² ${op}`);
});

test.run();
