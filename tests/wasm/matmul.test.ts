// The WebAssembly matmul kernel (core/wasm/assembly/gemm.ts) against the JavaScript kernel it
// replaces for float32 (core/cpu/matmul.ts, the reference): fast-check over shapes with odd sizes
// around the 4×8 register tile, the MC = 64 row blocks and the KC = 256 slices of k, every
// transA/transB case, broadcast batch axes, empty axes, and NaN/Infinity placement. The JavaScript
// kernel accumulates in float64, the WebAssembly one in float32 (as PyTorch's CPU matmul does), so
// each element is held to the float32 summation bound (k + 1)·u·Σ|a||b| around the reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { inJavaScript } from './in_javascript.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { setMemoryLimitForTest, simulateWasmFailure } from '../../core/wasm/runtime.js';
import { gemmItems } from '../../core/cpu/matmul.js';

function product(a: tg.Tensor, b: tg.Tensor, transA: boolean, transB: boolean): Float32Array {
  const x = transA ? a.transpose(-1, -2) : a;
  const y = transB ? b.transpose(-1, -2) : b;
  return x.matmul(y).data() as Float32Array;
}

/** The float32 result of both kernels, and the per-element bound. */
function bothKernels(aShape: number[], bShape: number[], transA: boolean, transB: boolean, seed: number) {
  tg.manualSeed(seed);
  const a = tg.randn(aShape), b = tg.randn(bShape);
  const got = product(a, b, transA, transB);
  const { reference, absBound } = inJavaScript(() => ({ reference: product(a, b, transA, transB), absBound: product(a.abs(), b.abs(), transA, transB) }));
  return { got, reference, absBound };
}

function assertWithinBound(got: Float32Array, reference: Float32Array, absBound: Float32Array, k: number, what: string) {
  assert.is(got.length, reference.length, what);
  for (let i = 0; i < got.length; i++) {
    const bound = (k + 2) * 2 ** -24 * absBound[i] + 1e-30;
    if (!(Math.abs(got[i] - reference[i]) <= bound)) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${reference[i]} (bound ${bound})`);
  }
}

test('the float32 CPU kernels run in WebAssembly here', () => {
  assert.is(cpuInfo().float32Kernels, 'wasm-simd', cpuInfo().wasmReason ?? '');
});

const dim = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 60, max: 70 }));
test('2-D products match the JavaScript kernel for every transA/transB (fast-check)', () => {
  fc.assert(fc.property(dim, dim, fc.oneof(dim, fc.integer({ min: 250, max: 270 })), fc.boolean(), fc.boolean(), fc.nat(1000), (m, n, k, transA, transB, seed) => {
    const aShape = transA ? [k, m] : [m, k], bShape = transB ? [n, k] : [k, n];
    const { got, reference, absBound } = bothKernels(aShape, bShape, transA, transB, seed);
    assertWithinBound(got, reference, absBound, k, `${JSON.stringify(aShape)}·${JSON.stringify(bShape)}`);
  }), { numRuns: 60, seed: 3 });
});

test('the backend matmul kernel with transA/transB flags matches the JavaScript kernel', () => {
  const backend = tg.getBackend('cpu');
  for (const [m, n, k] of [[5, 9, 7], [67, 13, 300], [1, 17, 3], [64, 8, 256]]) {
    for (const transA of [false, true]) for (const transB of [false, true]) {
      tg.manualSeed(m * n + k);
      const a = tg.randn(transA ? [k, m] : [m, k]), b = tg.randn(transB ? [n, k] : [k, n]);
      const run = () => backend.read(backend.kernels.matmul(a.kernelView(), b.kernelView(), transA, transB, [m, n])) as Float32Array;
      const absRun = () => backend.read(backend.kernels.matmul(a.abs().kernelView(), b.abs().kernelView(), transA, transB, [m, n])) as Float32Array;
      const got = run();
      const [reference, absBound] = inJavaScript(() => [run(), absRun()]);
      assertWithinBound(got, reference, absBound, k, `m ${m} n ${n} k ${k} transA ${transA} transB ${transB}`);
    }
  }
});

test('batched products with broadcast batch axes match the JavaScript kernel', () => {
  const cases: [number[], number[]][] = [[[3, 5, 7], [3, 7, 9]], [[1, 5, 7], [4, 7, 9]], [[2, 1, 6, 10], [3, 10, 11]], [[6, 7], [2, 2, 7, 3]]];
  for (const [aShape, bShape] of cases) {
    const { got, reference, absBound } = bothKernels(aShape, bShape, false, false, 11);
    assertWithinBound(got, reference, absBound, aShape[aShape.length - 1], `${JSON.stringify(aShape)}·${JSON.stringify(bShape)}`);
  }
});

test('empty axes: k = 0 gives zeros, m = 0 or n = 0 an empty result', () => {
  assert.equal([...tg.zeros([2, 0]).matmul(tg.zeros([0, 3])).data()], [0, 0, 0, 0, 0, 0]);
  assert.is(tg.zeros([0, 4]).matmul(tg.ones([4, 3])).size, 0);
  assert.is(tg.ones([2, 4]).matmul(tg.zeros([4, 0])).size, 0);
});

test('NaN and Infinity reach exactly the elements they reach in the JavaScript kernel', () => {
  const a = tg.tensor([[1, NaN, 0], [2, 3, 4], [Infinity, 1, 1], [0, 0, 0]]);
  const b = tg.tensor([[1, 2, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1], [-Infinity, 1, 1, 1, 1, 1, 1, 1, 2]]);
  const got = [...a.matmul(b).data()];
  const reference = inJavaScript(() => [...a.matmul(b).data()]);
  assert.equal(got.map(String), reference.map(String));
});

test('a product too large for the WebAssembly memory runs in JavaScript and says so', () => {
  setMemoryLimitForTest(2 << 20);
  try {
    const { got, reference, absBound } = bothKernels([600, 600], [600, 600], false, false, 5);
    assertWithinBound(got, reference, absBound, 600, 'oversize');
    assert.match(cpuInfo().oversizeFallback ?? '', /600×600·600×600 .* ran in JavaScript/);
  } finally {
    setMemoryLimitForTest(null);
  }
});

test('a failed WebAssembly instantiation falls back to JavaScript with the reason in backendInfo', () => {
  simulateWasmFailure('WebAssembly.Module(): Wasm SIMD unsupported');
  try {
    const info = cpuInfo();
    assert.is(info.float32Kernels, 'javascript');
    assert.match(info.wasmReason ?? '', /Wasm SIMD unsupported/);
    assert.equal([...tg.tensor([[1, 2]]).matmul(tg.tensor([[3], [4]])).data()], [11]);
  } finally {
    simulateWasmFailure(null);
  }
  assert.is(cpuInfo().float32Kernels, 'wasm-simd');
});

test('setBackend("cpu") rejects unknown options and bad thread counts', () => {
  assert.throws(() => tg.setBackend('cpu', { thread: 2 }), /unknown option 'thread' for backend 'cpu'/);
  assert.throws(() => tg.setBackend('cpu', { threads: 0 }), /threads.*positive integer/);
  assert.throws(() => tg.setBackend('cpu', { wasm: 'yes' }), /'wasm'.*true or false/);
});

test('a product into part of a C outside the WebAssembly memory leaves the rest of C alone', () => {
  // plain Float32Arrays are copied into temporary blocks; C must be copied in too, or the copy
  // back writes the temporary block's other values over the rest of C
  const [m, n, k] = [5, 7, 6];
  const A = Float32Array.from({ length: 2 + m * k }, (_, i) => Math.sin(i));
  const Bt = Float32Array.from({ length: 3 + n * k }, (_, i) => Math.cos(i));
  const C = new Float32Array(4 + m * n + 5).fill(-9);
  const before = cpuInfo().kernelRuns.matmul ?? 0;
  gemmItems(A, false, Bt, true, C, m, n, k, [{ a: 2, b: 3, c: 4 }]);
  assert.ok((cpuInfo().kernelRuns.matmul ?? 0) > before, 'the WebAssembly kernel ran');
  for (const i of [0, 1, 2, 3, 39, 40, 41, 42, 43]) assert.is(C[i], -9, `C[${i}]`);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += A[2 + i * k + p] * Bt[3 + j * k + p];
    assert.ok(Math.abs(C[4 + i * n + j] - s) < 1e-5, `C[${i},${j}]`);
  }
});

test.run();
