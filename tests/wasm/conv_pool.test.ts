// conv2d (WebAssembly im2col/col2im around the WebAssembly gemm) and 2-D pooling
// (core/wasm/assembly/pool.ts) against the JavaScript kernels for float32, over fast-check
// draws of every geometry option: stride, padding, dilation, groups, ceil mode, average with and
// without the padded positions, adaptive average, NaN in a max window, tied maxima. Pooling is bit for bit
// the JavaScript result; conv2d is held to the float32 summation bound of its products (the
// gemm accumulates in float32, the JavaScript kernel in float64), with each tap placed exactly
// where the JavaScript im2col puts it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { inJavaScript } from './in_javascript.js';

const runs = (name: string) => cpuInfo().kernelRuns[name] ?? 0;

function same(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
}

const poolArb = fc.record({
  n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
  kind: fc.constantFrom('max', 'avg', 'adaptive'),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), padding: fc.integer({ min: 0, max: 1 }), dilation: fc.integer({ min: 1, max: 2 }),
  ceilMode: fc.boolean(), countIncludePad: fc.boolean(), nan: fc.boolean(), ties: fc.boolean(), seed: fc.integer({ min: 0, max: 999 }),
});

test('max, average and adaptive average pooling, forward and backward: bit for bit the JavaScript kernels', () => {
  const before = runs('pool2dGrad');
  let ran = 0;
  fc.assert(fc.property(poolArb, (c) => {
    const k = Math.min(c.k, c.h, c.w);
    const padding = Math.min(c.padding, Math.floor(k / 2));
    // the output must be non-empty
    if ((c.h + 2 * padding - c.dilation * (k - 1) - 1) < 0 || (c.w + 2 * padding - c.dilation * (k - 1) - 1) < 0) return;
    tg.manualSeed(c.seed);
    const values = tg.randn([c.n, c.c, c.h, c.w]).data();
    // coarse values tie within windows: the gradient goes to the first maximum
    if (c.ties) values.forEach((v, i) => (values[i] = Math.round(v)));
    if (c.nan) values[c.seed % values.length] = NaN;
    const u = tg.randn([1]).data()[0];
    const pass = () => {
      const x = tg.tensor(values, { shape: [c.n, c.c, c.h, c.w], requiresGrad: true });
      const y = c.kind === 'max' ? tg.maxPool2d(x, { kernelSize: k, stride: c.stride, padding, dilation: c.dilation, ceilMode: c.ceilMode })
        : c.kind === 'avg' ? tg.avgPool2d(x, { kernelSize: k, stride: c.stride, padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad })
        : tg.adaptiveAvgPool2d(x, [Math.max(1, c.h - 2), Math.max(1, c.w - 1)]);
      y.mul(y.detach().abs().add(u)).sum().backward();
      return [y.data(), x.grad!.data()];
    };
    const got = pass();
    const want = inJavaScript(pass);
    same(got[0], want[0], `${c.kind} forward ${JSON.stringify(c)}`);
    same(got[1], want[1], `${c.kind} backward ${JSON.stringify(c)}`);
    ran++;
  }), { seed: 31, numRuns: 150 });
  assert.ok(ran > 50, `${ran} cases ran`);
  assert.ok(runs('pool2dGrad') > before, 'the WebAssembly pooling ran');
});

const convArb = fc.record({
  n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), og: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }), seed: fc.integer({ min: 0, max: 999 }),
});

test('conv2d forward and both gradients: within the float32 bound of the JavaScript kernel', () => {
  const before = runs('matmul'), unrolled = runs('im2col'), rolled = runs('col2im');
  fc.assert(fc.property(convArb, (c) => {
    if (c.h + 2 * c.padding < c.dilation * (c.k - 1) + 1 || c.w + 2 * c.padding < c.dilation * (c.k - 1) + 1) return;
    tg.manualSeed(c.seed);
    const C = c.cg * c.groups, O = c.og * c.groups;
    const xv = tg.randn([c.n, C, c.h, c.w]).data(), wv = tg.randn([O, c.cg, c.k, c.k]).data();
    const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
    const pass = (abs: boolean) => {
      const x = tg.tensor(xv.map((v) => (abs ? Math.abs(v) : v)), { shape: [c.n, C, c.h, c.w], requiresGrad: true });
      const w = tg.tensor(wv.map((v) => (abs ? Math.abs(v) : v)), { shape: [O, c.cg, c.k, c.k], requiresGrad: true });
      const y = tg.conv2d(x, w, null, options);
      y.sum().backward();
      return [y.data(), x.grad!.data(), w.grad!.data()];
    };
    const got = pass(false);
    const [want, bound] = inJavaScript(() => [pass(false), pass(true)]);
    const taps = c.cg * c.k * c.k, positions = Math.max(1, got[0].length / (c.n * O));
    ['y', 'dx', 'dw'].forEach((name, t) => {
      const terms = name === 'dw' ? c.n * positions : name === 'dx' ? c.og * c.k * c.k : taps;
      for (let i = 0; i < got[t].length; i++) {
        const tol = (terms + 2) * 2 ** -23 * bound[t][i] + 1e-30;
        if (!(Math.abs(got[t][i] - want[t][i]) <= tol)) assert.unreachable(`${name} ${JSON.stringify(c)}: element ${i} is ${got[t][i]}, the JavaScript kernel gives ${want[t][i]} (bound ${tol})`);
      }
    });
  }), { seed: 32, numRuns: 100 });
  assert.ok(runs('matmul') > before, 'the WebAssembly products ran');
  assert.ok(runs('im2col') > unrolled && runs('col2im') > rolled, 'the WebAssembly im2col and col2im ran (and backendInfo counts them)');
});

test.run();
