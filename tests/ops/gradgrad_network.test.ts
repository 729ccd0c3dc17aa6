// Second derivatives of the network ops (issue 18.2): conv2d, maxPool2d, avgPool2d,
// adaptiveAvgPool2d and groupNorm pass gradgradcheck over fast-check draws of their geometry
// (float64), their first-order gradients are unchanged by createGraph, and a perturbed
// second-order rule is caught.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setBackwardPerturbation } from '../../core/autograd.js';
import type { Pool2dParams } from '../../core/backend.js';
import * as tg from '../../index.js';
import { maxWinners } from '../../ops/pool_grad.js';

const f64 = { dtype: 'float64' as const };


/** A float64 tensor of uniform values in [−1, 1] from a fast-check seed, requiring grad. */
function leaf(shape: number[], seed: number): tg.Tensor {
  const g = new tg.Generator(seed);
  return tg.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * g.uniform() - 1), { ...f64, shape }).requiresGrad_();
}

/** Distinct values (a shuffled grid, gaps 0.05 ≫ the finite-difference step): max pooling has no ties. */
function distinct(shape: number[], seed: number): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1), g = new tg.Generator(seed);
  const values = Array.from({ length: n }, (_, i) => 0.05 * (i - n / 2));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return tg.tensor(values, { ...f64, shape }).requiresGrad_();
}

const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 2 }), og: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 5 }), w: fc.integer({ min: 3, max: 5 }), k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }), dilation: fc.integer({ min: 1, max: 2 }),
  bias: fc.boolean(), seed: fc.integer({ min: 0, max: 1e6 }),
}).filter((c) => c.h + 2 * c.padding >= c.dilation * (c.k - 1) + 1 && c.w + 2 * c.padding >= c.dilation * (c.k - 1) + 1);

test('conv2d: gradgradcheck in input, weight and bias (strides, padding, dilation, groups)', () => {
  fc.assert(fc.property(convCase, (c) => {
    tg.tidy(() => {
      const x = leaf([c.n, c.groups * c.cg, c.h, c.w], c.seed);
      const w = leaf([c.groups * c.og, c.cg, c.k, c.k], c.seed + 1);
      const b = leaf([c.groups * c.og], c.seed + 2);
      const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      // tanh makes the second derivative in x non-zero (conv2d alone is bilinear)
      const fn = (xx: tg.Tensor, ww: tg.Tensor, bb: tg.Tensor) => tg.tanh(tg.conv2d(xx, ww, c.bias ? bb : null, options));
      tg.gradgradcheck(fn, c.bias ? [x, w, b] : [x, w, b.detach()]);
    });
  }), { numRuns: 12, seed: 1 });
});

test("conv2d with padding 'same' and an even kernel (asymmetric padding): gradgradcheck", () => {
  const x = leaf([1, 2, 4, 5], 3), w = leaf([2, 2, 2, 2], 4);
  tg.gradgradcheck((xx, ww) => tg.tanh(tg.conv2d(xx, ww, null, { padding: 'same' })), [x, w]);
});

const poolCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 3, max: 6 }), w: fc.integer({ min: 3, max: 6 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), padding: fc.integer({ min: 0, max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }), ceilMode: fc.boolean(), countIncludePad: fc.boolean(), seed: fc.integer({ min: 0, max: 1e6 }),
}).filter((c) => 2 * c.padding <= c.dilation * (c.k - 1) + 1 && c.h + 2 * c.padding >= c.dilation * (c.k - 1) + 1 && c.w + 2 * c.padding >= c.dilation * (c.k - 1) + 1);

test('maxPool2d: gradgradcheck (squared output: the gradient depends on x through the winners)', () => {
  fc.assert(fc.property(poolCase, (c) => {
    tg.tidy(() => {
      const x = distinct([c.n, c.c, c.h, c.w], c.seed);
      const options = { kernelSize: c.k, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode };
      tg.gradgradcheck((xx) => tg.square(tg.maxPool2d(xx, options)), [x]);
    });
  }), { numRuns: 15, seed: 2 });
});

test('avgPool2d and adaptiveAvgPool2d: gradgradcheck', () => {
  fc.assert(fc.property(poolCase, (c) => {
    tg.tidy(() => {
      const x = leaf([c.n, c.c, c.h, c.w], c.seed);
      const padding = Math.min(c.padding, Math.floor(c.k / 2));
      const options = { kernelSize: c.k, stride: c.stride, padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad };
      tg.gradgradcheck((xx) => tg.square(tg.avgPool2d(xx, options)), [x]);
      tg.gradgradcheck((xx) => tg.square(tg.adaptiveAvgPool2d(xx, [Math.min(c.k + 1, c.h), 2])), [x]);
    });
  }), { numRuns: 10, seed: 3 });
});

test('pooling a 3-D input [C, H, W]: gradgradcheck', () => {
  const x = distinct([2, 4, 5], 5);
  tg.gradgradcheck((xx) => tg.square(tg.maxPool2d(xx, { kernelSize: 2, stride: 1 })), [x]);
  tg.gradgradcheck((xx) => tg.square(tg.avgPool2d(xx, { kernelSize: 2 })), [x]);
});

test("max pooling's winners are the exact adjoint of the backend's gradient kernel (ties and NaN too)", () => {
  fc.assert(fc.property(poolCase, fc.integer({ min: 0, max: 1e6 }), (c, seed) => {
    const g = new tg.Generator(seed);
    // few distinct values: ties are frequent; now and then a NaN or −∞
    const values = Array.from({ length: c.n * c.c * c.h * c.w }, () => {
      const r = g.uniform();
      return r < 0.05 ? NaN : r < 0.1 ? -Infinity : Math.floor(r * 4);
    });
    const x = tg.tensor(values, { ...f64, shape: [c.n, c.c, c.h, c.w] });
    const y = tg.maxPool2d(x, { kernelSize: c.k, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode });
    const p: Pool2dParams = { kind: 'max', kernel: [c.k, c.k], stride: [c.stride, c.stride], padding: [c.padding, c.padding], dilation: [c.dilation, c.dilation], countIncludePad: false };
    const winners = maxWinners(x.data(), x.shape, p, y.shape);
    // the kernel's gradient for a one-hot upstream at output o lands exactly on winners[o]
    for (let o = 0; o < y.size; o++) {
      const oneHot = tg.zeros(y.shape, f64).data();
      oneHot[o] = 1;
      const dx = x.backend.read(x.backend.kernels.pool2dGrad!(tg.tensor(oneHot, { ...f64, shape: y.shape }).kernelView(), x.kernelView(), p));
      const hit = [...dx].findIndex((v) => v !== 0);
      if (hit !== winners[o]) return false;
    }
    return true;
  }), { numRuns: 20, seed: 4 });
});

test('groupNorm: gradgradcheck in input, weight and bias', () => {
  const shapes: [number[], number][] = [[[2, 4, 3], 2], [[3, 6], 3], [[1, 4, 2, 3], 1], [[2, 4, 2, 2], 4]];
  shapes.forEach(([shape, groups], i) => {
    tg.tidy(() => {
      const x = leaf(shape, 10 + i), w = leaf([shape[1]], 20 + i), b = leaf([shape[1]], 30 + i);
      tg.gradgradcheck((xx, ww, bb) => tg.groupNorm(xx, groups, ww, bb), [x, w, b]);
      tg.gradgradcheck((xx) => tg.groupNorm(xx, groups), [x]);
    });
  });
});

test('pooling a 3-D input inside tidy, backward after it: the [1, C, H, W] view the backward reads is held (it was freed)', () => {
  const x = leaf([2, 4, 4], 80);
  const loss = tg.tidy(() => tg.maxPool2d(x, { kernelSize: 2 }).sum());
  loss.backward();
  assert.equal([...x.grad!.shape], [2, 4, 4]);
});

test('the recorded pooling gradients hold the input they read, beyond the forward entry (retainGraph false)', () => {
  for (const pool of [(t: tg.Tensor) => tg.maxPool2d(t, { kernelSize: 2 }), (t: tg.Tensor) => tg.avgPool2d(t, { kernelSize: 2 })]) {
    const x = leaf([2, 4, 4], 81), w = leaf([2, 2, 2], 82);
    const second = (retainGraph: boolean) => {
      const gx = tg.tidy(() => tg.grad(pool(x.mul(2)).mul(w).sum(), [x], { createGraph: true, retainGraph })[0]!);
      // ∂/∂w of Σ gx², through the gradient's own entries only (gx = 2·Pᵀw does not depend on x)
      return [...tg.grad(gx.square().sum(), [w])[0]!.data()];
    };
    const released = second(false);
    assert.equal(released, second(true));
    assert.ok(released.some((v) => v !== 0));
  }
});

test('BatchNorm2d (training and eval) and LayerNorm, composed of primitives: gradgradcheck', () => {
  const x = leaf([3, 2, 2, 2], 70);
  const bn = new tg.nn.BatchNorm2d(2);
  bn.double();
  tg.noGrad(() => {
    bn.weight!.assign(leaf([2], 71).detach());
    bn.bias!.assign(leaf([2], 72).detach());
  });
  tg.gradgradcheck((xx) => bn.forward(xx), [x]);
  bn.eval();
  tg.gradgradcheck((xx) => tg.square(bn.forward(xx)), [x]);
  const ln = new tg.nn.LayerNorm([2, 2]);
  ln.double();
  tg.noGrad(() => ln.weight!.assign(leaf([2, 2], 73).detach()));
  tg.gradgradcheck((xx) => ln.forward(xx), [x]);
});

test('first-order gradients are bit-identical with and without createGraph (conv2d, pooling)', () => {
  const x = leaf([2, 2, 6, 6], 40), w = leaf([4, 1, 3, 3], 41), b = leaf([4], 42);
  const forward = () => tg.sum(tg.square(tg.maxPool2d(tg.conv2d(x, w, b, { padding: 1, groups: 2 }), { kernelSize: 2 })).add(tg.avgPool2d(tg.conv2d(x, w, b, { padding: 1, groups: 2 }), { kernelSize: 2 })));
  const plain = tg.grad(forward(), [x, w, b]).map((t) => [...t!.data()]);
  const recorded = tg.grad(forward(), [x, w, b], { createGraph: true }).map((t) => [...t!.data()]);
  assert.equal(recorded, plain);
});

test('groupNorm: the first order without createGraph is the fused kernel; with it, the same values to rounding', () => {
  const x = leaf([2, 4, 3], 50), w = leaf([4], 51), b = leaf([4], 52), g = leaf([2, 4, 3], 53).detach();
  const plain = tg.grad(tg.groupNorm(x, 2, w, b), [x, w, b], { gradOutputs: [g] });
  const out = x.backend.kernels.groupNorm!(x.kernelView(), w.kernelView(), b.kernelView(), 2, 1e-5);
  const stats = (storage: typeof out.mean) => ({ storage, shape: [2, 2], dtype: 'float64' as const });
  const kernel = x.backend.kernels.groupNormGrad!(g.kernelView(), x.kernelView(), w.kernelView(), stats(out.mean), stats(out.rstd), 2);
  assert.equal([...plain[0]!.data()], [...x.backend.read(kernel.dx)]);
  const recorded = tg.grad(tg.groupNorm(x, 2, w, b), [x, w, b], { gradOutputs: [g], createGraph: true });
  recorded.forEach((r, i) => {
    const [p, q] = [plain[i]!.data(), r!.data()];
    p.forEach((v, j) => assert.ok(Math.abs(v - q[j]) <= 1e-12 * (1 + Math.abs(v)), `input ${i} element ${j}: ${v} vs ${q[j]}`));
  });
});

test('a perturbed second-order rule is caught (conv2d, pooling)', () => {
  const x = leaf([1, 2, 4, 4], 60), w = leaf([2, 2, 3, 3], 61);
  const cases: [string, () => boolean][] = [
    ['conv2dGradInput', () => tg.gradgradcheck((xx, ww) => tg.tanh(tg.conv2d(xx, ww, null, { padding: 1 })), [x, w], { raiseException: false }).ok],
    ['conv2dGradWeight', () => tg.gradgradcheck((xx, ww) => tg.tanh(tg.conv2d(xx, ww, null, { padding: 1 })), [x, w], { raiseException: false }).ok],
    ['maxPool2dGrad', () => tg.gradgradcheck((xx) => tg.square(tg.maxPool2d(xx, { kernelSize: 2 })), [distinct([1, 2, 4, 4], 62)], { raiseException: false }).ok],
    ['avgPool2dGrad', () => tg.gradgradcheck((xx) => tg.square(tg.avgPool2d(xx, { kernelSize: 2 })), [x], { raiseException: false }).ok],
  ];
  for (const [op, check] of cases) {
    assert.ok(check(), `${op} unperturbed`);
    setBackwardPerturbation({ op, mode: 'scale' });
    try {
      assert.not.ok(check(), `${op} perturbed`);
    } finally {
      setBackwardPerturbation(null);
    }
  }
});

test.run();
