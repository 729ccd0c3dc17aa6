// The fused kernels' forward against direct loops written from the definitions, over
// fast-check draws of stride, padding, dilation, groups, kernel size and batch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

function values(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 1.5);
}

/** out[n,o,i,j] = b[o] + Σ_{c,kh,kw} x[n, g·Cg + c, i·s − p + kh·d, j·s − p + kw·d] · w[o, c, kh, kw] */
function naiveConv(x: Float64Array, xs: number[], w: Float64Array, ws: number[], b: Float64Array | null, s: number[], p: number[], d: number[], groups: number) {
  const [N, C, H, W] = xs, [O, Cg, kH, kW] = ws;
  const Ho = Math.floor((H + 2 * p[0] - d[0] * (kH - 1) - 1) / s[0]) + 1;
  const Wo = Math.floor((W + 2 * p[1] - d[1] * (kW - 1) - 1) / s[1]) + 1;
  const out = new Float64Array(N * O * Ho * Wo);
  const Og = O / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    const g = Math.floor(o / Og);
    let acc = b ? b[o] : 0;
    for (let c = 0; c < Cg; c++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      const ih = i * s[0] - p[0] + kh * d[0], iw = j * s[1] - p[1] + kw * d[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      acc += x[((n * C + g * Cg + c) * H + ih) * W + iw] * w[((o * Cg + c) * kH + kh) * kW + kw];
    }
    out[((n * O + o) * Ho + i) * Wo + j] = acc;
  }
  return { out, shape: [N, O, Ho, Wo] };
}

test('conv2d forward equals the direct loop (float64 and float32)', () => {
  fc.assert(fc.property(
    fc.record({
      n: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }), cg: fc.integer({ min: 1, max: 3 }), og: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
      ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 0, max: 6 }), w: fc.integer({ min: 0, max: 6 }), bias: fc.boolean(), f32: fc.boolean(),
    }),
    (s) => {
      const H = s.dh * (s.kh - 1) + 1 + s.h, W = s.dw * (s.kw - 1) + 1 + s.w;
      const xs = [s.n, s.cg * s.groups, H, W], ws = [s.og * s.groups, s.cg, s.kh, s.kw];
      const x = values(xs.reduce((a, b) => a * b), 1), w = values(ws.reduce((a, b) => a * b), 2), b = values(ws[0], 3);
      const expected = naiveConv(x, xs, w, ws, s.bias ? b : null, [s.sh, s.sw], [s.ph, s.pw], [s.dh, s.dw], s.groups);
      const dtype = s.f32 ? 'float32' : 'float64';
      tg.tidy(() => {
        const y = tg.conv2d(tg.tensor(x, { shape: xs, dtype }), tg.tensor(w, { shape: ws, dtype }), s.bias ? tg.tensor(b, { dtype }) : null, {
          stride: [s.sh, s.sw], padding: [s.ph, s.pw], dilation: [s.dh, s.dw], groups: s.groups,
        });
        assert.equal([...y.shape], expected.shape);
        assertClose(y.data(), expected.out, s.f32 ? 1e-5 : 1e-12, s.f32 ? 1e-5 : 1e-12);
      });
    },
  ), { numRuns: 60, seed: 3 });
});

test("conv2d padding 'same' keeps the spatial size (odd total padding goes bottom/right, as PyTorch)", () => {
  const x = tg.tensor(values(1 * 2 * 5 * 6, 4), { shape: [1, 2, 5, 6], dtype: 'float64' });
  const w = tg.tensor(values(3 * 2 * 2 * 3, 5), { shape: [3, 2, 2, 3], dtype: 'float64' });
  const y = tg.conv2d(x, w, null, { padding: 'same', dilation: [1, 2] });
  assert.equal([...y.shape], [1, 3, 5, 6]);
  // kernel height 2: total padding 1 → 0 on top, 1 at the bottom; width 3 with dilation 2: 2 each side
  const manual = tg.conv2d(tg.pad(x, [2, 2, 0, 1]), w, null, { dilation: [1, 2] });
  assertClose(y.data(), manual.data(), 1e-12, 1e-12);
});

function naivePool(kind: 'max' | 'avg', x: Float64Array, shape: number[], k: number, s: number, p: number, d: number, ceil: boolean, includePad: boolean) {
  const [N, C, H, W] = shape;
  const size = (L: number) => {
    let o = (ceil ? Math.ceil : Math.floor)((L + 2 * p - d * (k - 1) - 1) / s) + 1;
    if (ceil && (o - 1) * s >= L + p) o--;
    return o;
  };
  const Ho = size(H), Wo = size(W);
  const out: number[] = [];
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let best = -Infinity, sum = 0, count = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      const h = i * s - p + a * d, w = j * s - p + b * d;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      const v = x[(nc * H + h) * W + w];
      best = Math.max(best, v);
      sum += v;
      count++;
    }
    const hs = i * s - p, ws = j * s - p;
    const padded = (Math.min(hs + k, H + p) - hs) * (Math.min(ws + k, W + p) - ws);
    out.push(kind === 'max' ? best : sum / (includePad ? padded : count));
  }
  return { out, shape: [N, C, Ho, Wo] };
}

test('max and average pooling forward equal the direct loop', () => {
  fc.assert(fc.property(
    fc.record({
      kind: fc.constantFrom('max', 'avg') as fc.Arbitrary<'max' | 'avg'>, n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), pf: fc.double({ min: 0, max: 1, noNaN: true }),
      extra: fc.integer({ min: 0, max: 5 }), ceil: fc.boolean(), includePad: fc.boolean(),
    }),
    (s) => {
      const d = s.kind === 'avg' ? 1 : s.d;
      const eff = d * (s.k - 1) + 1;
      const p = Math.floor(s.pf * Math.floor(eff / 2));
      const shape = [s.n, s.c, Math.max(1, eff - 2 * p + s.extra), Math.max(1, eff - 2 * p + 5 - s.extra)];
      const x = values(shape.reduce((a, b) => a * b), 7);
      const expected = naivePool(s.kind, x, shape, s.k, s.s, p, d, s.ceil, s.includePad);
      tg.tidy(() => {
        const t = tg.tensor(x, { shape, dtype: 'float64' });
        const y = s.kind === 'max'
          ? tg.maxPool2d(t, { kernelSize: s.k, stride: s.s, padding: p, dilation: d, ceilMode: s.ceil })
          : tg.avgPool2d(t, { kernelSize: s.k, stride: s.s, padding: p, ceilMode: s.ceil, countIncludePad: s.includePad });
        assert.equal([...y.shape], expected.shape);
        assertClose(y.data(), expected.out, 1e-12, 1e-12);
      });
    },
  ), { numRuns: 80, seed: 5 });
});

test('adaptive average pooling uses PyTorch windows; global pooling is the mean', () => {
  const x = tg.tensor(values(2 * 3 * 5 * 7, 9), { shape: [2, 3, 5, 7], dtype: 'float64' });
  assertClose(tg.adaptiveAvgPool2d(x, 1).data(), x.mean([2, 3]).data(), 1e-12, 1e-12);
  const y = tg.adaptiveAvgPool2d(x, [2, 3]);
  // row windows [0, 3) and [2, 5); column windows [0, 3), [2, 5), [4, 7)
  const expected = tg.avgPool2d(x.slice([null, null, [2, 5], [4, 7]]), { kernelSize: 3 }).data()[0];
  assertClose([(y.toArray() as number[][][][])[0][0][1][2]], [expected], 1e-12, 1e-12);
});

test('group norm forward equals the formula; a constant input returns beta, never NaN', () => {
  const shape = [2, 6, 3, 2];
  const x = tg.tensor(values(72, 11), { shape, dtype: 'float64' });
  const w = tg.tensor(values(6, 12), { dtype: 'float64' });
  const b = tg.tensor(values(6, 13), { dtype: 'float64' });
  const y = tg.groupNorm(x, 3, w, b, 1e-5);
  const grouped = x.reshape([2, 3, 12]);
  const mean = grouped.mean(2, { keepDim: true });
  const variance = grouped.var(2, { keepDim: true, correction: 0 });
  const expected = grouped.sub(mean).div(variance.add(1e-5).sqrt()).reshape(shape).mul(w.reshape([1, 6, 1, 1])).add(b.reshape([1, 6, 1, 1]));
  assertClose(y.data(), expected.data(), 1e-12, 1e-12);
  for (const dtype of ['float32', 'float64'] as const) {
    const constant = tg.full([2, 4, 3, 3], 7.25, { dtype, requiresGrad: true });
    const beta = tg.tensor([0.5, -1, 2, 3], { dtype, requiresGrad: true });
    const gamma = tg.tensor([1, 2, 3, 4], { dtype, requiresGrad: true });
    const out = tg.groupNorm(constant, 2, gamma, beta);
    assertClose(out.data(), Array.from({ length: 72 }, (_, i) => [0.5, -1, 2, 3][Math.floor(i / 9) % 4]), 0, 0);
    out.mul(tg.arange(72, undefined, 1, { dtype }).reshape([2, 4, 3, 3])).sum().backward();
    for (const t of [constant.grad!, gamma.grad!, beta.grad!]) assert.ok(Array.from(t.data()).every(Number.isFinite), 'gradients must be finite');
  }
});

test('bad input names the op, what was expected and what came', () => {
  const x = tg.zeros([1, 4, 5, 5]);
  assertThrows(() => tg.conv2d(tg.zeros([4, 5, 5]), tg.zeros([2, 4, 3, 3])), 'conv2d', '[N, C, H, W]', '[4, 5, 5]');
  assertThrows(() => tg.conv2d(x, tg.zeros([2, 3, 3, 3])), 'conv2d', '4 channels', '[2, 3, 3, 3]');
  assertThrows(() => tg.conv2d(x, tg.zeros([3, 2, 3, 3]), null, { groups: 2 }), 'conv2d', 'out channels 3', 'groups 2');
  assertThrows(() => tg.conv2d(x, tg.zeros([2, 4, 3, 3]), null, { stride: 0 }), 'conv2d', 'stride');
  assertThrows(() => tg.conv2d(x, tg.zeros([2, 4, 7, 7])), 'conv2d', 'smaller than the dilated kernel');
  assertThrows(() => tg.conv2d(x, tg.zeros([2, 4, 3, 3]), null, { padding: 'same', stride: 2 }), 'conv2d', "'same'", 'stride 1');
  assertThrows(() => tg.maxPool2d(x, { kernelSize: 2, padding: 2 }), 'maxPool2d', 'padding 2', 'half');
  assertThrows(() => tg.avgPool2d(tg.zeros([5, 5]), { kernelSize: 2 }), 'avgPool2d', '[5, 5]');
  assertThrows(() => tg.groupNorm(x, 3), 'groupNorm', 'divisor of the 4 channels', '[1, 4, 5, 5]');
  assertThrows(() => tg.groupNorm(x, 2, tg.ones([3])), 'groupNorm', 'weight must be [4]', '[3]');
  assertThrows(() => tg.groupNorm(x, 2, null, null, NaN), 'groupNorm', 'eps');
});

test.run();
