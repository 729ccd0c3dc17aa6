// float32 DEU results below float32's normal range (|v| < 2^−126) are flushed to ±0 on every CPU
// path — the JavaScript kernels, WebAssembly with its float64 and its float32 arithmetic — as
// torch.set_flush_denormal(True) does (core/cpu/deu.ts says why: subnormal gradients slowed the
// next layer's matmuls by 10–25 %). Every other value is what it was: each result is the float64
// computation rounded to float32, or ±0 of its sign where that is subnormal. float64 layers keep
// their subnormals. Inputs that make subnormals: a c1 near 2^−129 (y), an upstream gradient near
// 2^−130 (dx and the coefficient gradients).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';

const SMALLEST_NORMAL = 2 ** -126;
const isSubnormal = (v: number) => v !== 0 && Math.abs(v) < SMALLEST_NORMAL;

// two oscillation and two real-roots neurons with a tiny c1 (one at rest), inputs both sides of 0
const neurons = [[0.7, 0.5, 0.6, 1.5e-39, 0], [0.8, 0.4, 0.5, -2e-39, 1e-3], [0.3, 1.5, 0.4, 1.5e-39, 0], [0.35, 1.4, 0.4, 0, 0]];
const F = neurons.length, N = 6;
const values = Array.from({ length: N * F }, (_, i) => 0.6 * Math.sin(1.7 * i));
const upstream = Array.from({ length: N * F }, (_, i) => (i % 3 === 0 ? 1 : 3e-39 * Math.cos(i)));

function pass(dtype: 'float32' | 'float64'): number[][] {
  const x = tg.tensor(values, { shape: [N, F], dtype, requiresGrad: true });
  const p = tg.tensor(neurons, { dtype, requiresGrad: true });
  const y = tg.deu(x, p);
  y.mul(tg.tensor(upstream, { shape: [N, F], dtype })).sum().backward();
  return [y, x.grad!, p.grad!].map((t) => Array.from(t.data() as ArrayLike<number>));
}

const reference = pass('float64');

test('the float64 computation has subnormal float32 values in y, dx and the coefficient gradients (the case is one)', () => {
  reference.forEach((values, k) => assert.ok(values.some((v) => isSubnormal(Math.fround(v))), `output ${k}`));
  assert.ok(reference.some((values) => values.some((v) => v !== 0 && Math.abs(v) < SMALLEST_NORMAL)), 'float64 layers keep subnormals');
});

const paths: [string, object][] = [['JavaScript', { wasm: false }]];
if (wasmRuntime()) paths.push(['WebAssembly, float64 arithmetic', { wasm: true, deuArithmetic: 'float64' }], ['WebAssembly, float32 arithmetic', { wasm: true, deuArithmetic: 'float32' }]);
else test.skip('skipped: WebAssembly kernels unavailable here, so only the JavaScript path is checked', () => {});

for (const [name, options] of paths) {
  test(`${name}: float32 results below 2^−126 are ±0 of their sign, the rest as before`, () => {
    const arithmetic = cpuInfo().deuArithmetic;
    tg.setBackend('cpu', options);
    let got: number[][];
    try {
      got = pass('float32');
    } finally {
      tg.setBackend('cpu', { wasm: true, deuArithmetic: arithmetic });
    }
    const tolerance = name.endsWith('float32 arithmetic') ? 1e-4 : 1e-6;
    got.forEach((values, k) => values.forEach((v, i) => {
      const want = Math.fround(reference[k][i]);
      assert.not.ok(isSubnormal(v), `output ${k}, element ${i}: ${v} is subnormal`);
      if (isSubnormal(want)) assert.ok(v === 0 && Object.is(v, want < 0 ? -0 : 0), `output ${k}, element ${i}: ${v}, expected ${want < 0 ? '-0' : '0'} for ${want}`);
      else assert.ok(Math.abs(v - want) <= tolerance * (1 + Math.abs(want)), `output ${k}, element ${i}: ${v}, the float64 computation gives ${want}`);
    }));
  });
}

// what this file sets is put back: the files after it run in the arithmetic they would have run in
const arithmeticAtStart = cpuInfo().deuArithmetic;
test('the DEU arithmetic set before these tests is set again after them', () => {
  assert.is(cpuInfo().deuArithmetic, arithmeticAtStart);
});

test.run();
