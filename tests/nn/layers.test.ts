// Linear, Conv2d, the pooling layers, Flatten, Identity and Dropout against direct formulas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';
import { adaptiveAvgRef, conv2dRef, pool2dRef } from './reference.js';

const { nn } = tg;
const f64 = { dtype: 'float64' as const };

test('Linear: y = x·Wᵀ + b over the last axis, for 1-D, 2-D and 3-D inputs', () => {
  tg.manualSeed(0);
  const lin = new nn.Linear(3, 2).double();
  const [W, b] = [lin.weight.toArray() as number[][], lin.bias!.toArray() as number[]];
  const row = (v: number[]) => W.map((w, o) => w.reduce((s, wi, i) => s + wi * v[i], b[o]));
  const x = [[1, -2, 0.5], [0, 3, -1]];
  assertClose(lin.forward(tg.tensor(x, f64)).toArray(), x.map(row), 1e-12);
  assertClose(lin.forward(tg.tensor(x[0], f64)).toArray(), row(x[0]), 1e-12);
  assert.equal(lin.forward(tg.randn([4, 5, 3], f64)).shape, [4, 5, 2]);
  const noBias = new nn.Linear(3, 2, { bias: false });
  assert.is(noBias.bias, null);
  assert.equal(noBias.namedParameters().map(([n]) => n), ['weight']);
});

test('Conv2d matches a direct convolution over draws of stride, padding, dilation, groups and bias', () => {
  fc.assert(fc.property(
    fc.record({
      n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 2 }), og: fc.integer({ min: 1, max: 2 }),
      kH: fc.integer({ min: 1, max: 3 }), kW: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }),
      padding: fc.integer({ min: 0, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }), bias: fc.boolean(), seed: fc.nat(1000),
    }),
    (c) => {
      tg.manualSeed(c.seed);
      const conv = new nn.Conv2d(c.cg * c.groups, c.og * c.groups, [c.kH, c.kW], { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias }).double();
      const xs = [c.n, c.cg * c.groups, 7, 6];
      const x = tg.randn(xs, f64);
      const y = conv.forward(x);
      const ref = conv2dRef(x.data(), xs, conv.weight.data(), [...conv.weight.shape], conv.bias?.data() ?? null, {
        stride: [c.stride, c.stride], pads: [c.padding, c.padding, c.padding, c.padding], dilation: [c.dilation, c.dilation], groups: c.groups,
      });
      assert.equal(y.shape, ref.shape);
      assertClose(y.data(), ref.y, 1e-12, 1e-12);
    },
  ), { numRuns: 40, seed: 7 });
});

test("Conv2d padding 'same' keeps the size (odd and even kernels, dilation), the extra zero at the bottom/right", () => {
  for (const [k, d] of [[3, 1], [4, 1], [2, 3], [5, 2]] as const) {
    const conv = new nn.Conv2d(2, 3, k, { padding: 'same', dilation: d }).double();
    const xs = [1, 2, 6, 5];
    const x = tg.randn(xs, f64);
    const y = conv.forward(x);
    assert.equal(y.shape, [1, 3, 6, 5]);
    const total = d * (k - 1);
    const before = Math.floor(total / 2);
    const ref = conv2dRef(x.data(), xs, conv.weight.data(), [...conv.weight.shape], conv.bias!.data(), {
      stride: [1, 1], pads: [before, total - before, before, total - before], dilation: [d, d], groups: 1,
    });
    assertClose(y.data(), ref.y, 1e-12, 1e-12, `k=${k} d=${d}`);
  }
  const valid = new nn.Conv2d(1, 1, 3, { padding: 'valid' });
  assert.equal(valid.forward(tg.zeros([1, 1, 5, 5])).shape, [1, 1, 3, 3]);
});

test('Conv2d accepts an unbatched [C, H, W] input, as PyTorch', () => {
  const conv = new nn.Conv2d(2, 4, 3, { padding: 1 });
  const x = tg.randn([2, 5, 5]);
  const y = conv.forward(x);
  assert.equal(y.shape, [4, 5, 5]);
  assertClose(y.data(), conv.forward(x.unsqueeze(0)).data(), 1e-6);
});

test('MaxPool2d and AvgPool2d match direct loops, with padding, dilation, ceil mode and countIncludePad', () => {
  fc.assert(fc.property(
    fc.record({
      k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), padFrac: fc.integer({ min: 0, max: 1 }),
      dilation: fc.integer({ min: 1, max: 2 }), ceilMode: fc.boolean(), countIncludePad: fc.boolean(), H: fc.integer({ min: 5, max: 8 }), seed: fc.nat(1000),
    }),
    (c) => {
      tg.manualSeed(c.seed);
      const xs = [2, 2, c.H, 7];
      const x = tg.randn(xs, f64);
      const maxPad = c.padFrac * Math.floor((c.dilation * (c.k - 1) + 1) / 2);
      const max = new nn.MaxPool2d(c.k, { stride: c.stride, padding: maxPad, dilation: c.dilation, ceilMode: c.ceilMode });
      const maxRef = pool2dRef('max', x.data(), xs, { kernel: [c.k, c.k], stride: [c.stride, c.stride], padding: [maxPad, maxPad], dilation: [c.dilation, c.dilation], ceilMode: c.ceilMode });
      const y = max.forward(x);
      assert.equal(y.shape, maxRef.shape);
      assertClose(y.data(), maxRef.y, 0, 0, 'max');
      const avgPad = c.padFrac * Math.floor(c.k / 2);
      const avg = new nn.AvgPool2d(c.k, { stride: c.stride, padding: avgPad, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad });
      const avgRef = pool2dRef('avg', x.data(), xs, { kernel: [c.k, c.k], stride: [c.stride, c.stride], padding: [avgPad, avgPad], ceilMode: c.ceilMode, countIncludePad: c.countIncludePad });
      const z = avg.forward(x);
      assert.equal(z.shape, avgRef.shape);
      assertClose(z.data(), avgRef.y, 1e-12, 1e-12, 'avg');
    },
  ), { numRuns: 40, seed: 11 });
});

test('pooling defaults: stride = kernel; unbatched [C, H, W] input', () => {
  const x = tg.arange(16).reshape([1, 4, 4]);
  assert.equal(new nn.MaxPool2d(2).forward(x).toArray(), [[[5, 7], [13, 15]]]);
  assert.equal(new nn.AvgPool2d(2).forward(x).toArray(), [[[2.5, 4.5], [10.5, 12.5]]]);
});

test('AdaptiveAvgPool2d averages PyTorch’s adaptive windows; null keeps an axis', () => {
  const xs = [2, 3, 7, 5];
  const x = tg.randn(xs, f64);
  for (const out of [[1, 1], [3, 2], [7, 5], [4, 4]] as [number, number][]) {
    const y = new nn.AdaptiveAvgPool2d(out).forward(x);
    assert.equal(y.shape, [2, 3, ...out]);
    assertClose(y.data(), adaptiveAvgRef(x.data(), xs, out), 1e-12, 1e-12, `out ${out}`);
  }
  assert.equal(new nn.AdaptiveAvgPool2d([null, 2]).forward(x).shape, [2, 3, 7, 2]);
  assert.equal(new nn.AdaptiveAvgPool2d(1).forward(x).shape, [2, 3, 1, 1]);
});

test('Flatten merges startDim..endDim; Identity returns its input', () => {
  const x = tg.zeros([2, 3, 4, 5]);
  assert.equal(new nn.Flatten().forward(x).shape, [2, 60]);
  assert.equal(new nn.Flatten(0, 1).forward(x).shape, [6, 4, 5]);
  assert.equal(new nn.Flatten(-2).forward(x).shape, [2, 3, 20]);
  assert.is(new nn.Identity().forward(x), x);
});

test('Dropout zeroes a fraction p and scales the rest by 1/(1 − p); the gradient is the same mask', () => {
  tg.manualSeed(5);
  const p = 0.3;
  const drop = new nn.Dropout(p);
  const x = tg.randn([200000]).add(3).detach().requiresGrad_();
  const y = drop.forward(x);
  const [xv, yv] = [x.data(), y.data()];
  let zeros = 0;
  for (let i = 0; i < xv.length; i++) {
    if (yv[i] === 0) zeros++;
    else if (Math.abs(yv[i] - xv[i] / (1 - p)) > 1e-5 * Math.abs(xv[i])) assert.unreachable(`element ${i}: ${yv[i]} is neither 0 nor x/(1 − p)`);
  }
  assertClose([zeros / xv.length], [p], 0.005, 0, 'dropped fraction');
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
  assertClose([mean(yv)], [mean(xv)], 0.02, 0, 'the expected value is kept');
  y.sum().backward();
  const g = x.grad!.data();
  for (let i = 0; i < 1000; i++) assertClose([g[i]], [yv[i] === 0 ? 0 : 1 / (1 - p)], 1e-6, 1e-6);
});

test('Dropout is the identity in eval mode and for p = 0, and reproducible under a seed', () => {
  const x = tg.randn([10]);
  const drop = new nn.Dropout(0.5);
  tg.manualSeed(9);
  const a = drop.forward(x).toArray();
  tg.manualSeed(9);
  assert.equal(drop.forward(x).toArray(), a);
  assert.is(drop.eval().forward(x), x);
  assert.is(new nn.Dropout(0).forward(x), x);
});

test.run();
