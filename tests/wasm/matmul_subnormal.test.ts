// Products below float32's normal range in the WebAssembly matmul (core/wasm/assembly/gemm.ts,
// point 4 of its header): in products with m and n of at least 16, where an A block's and a B
// micro-panel's smallest magnitudes multiply to below 2^−100, the kernel multiplies the A block by
// a power of two and its results back. The bits must be the plain kernel's wherever nothing
// underflows (checked against a float32 emulation of the kernel's summation order), more precise
// where products are subnormal (where the plain kernel rounds each one onto the subnormal grid),
// the same for any thread count, and the scaling must never make a finite product overflow;
// smaller products keep the plain kernel's bits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';

const KC = 256; // the kernel's slices of k: each element is summed slice by slice

/**
 * C = A·B in the kernel's float32 order: each slice of k summed from 0, product by product
 * (Math.fround after every multiplication and addition), then added to the slices before it.
 */
function kernelOrder(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let p0 = 0; p0 < k; p0 += KC) {
        let slice = 0;
        for (let p = p0; p < Math.min(k, p0 + KC); p++) slice = Math.fround(slice + Math.fround(a[i * k + p] * b[p * n + j]));
        total = p0 === 0 ? slice : Math.fround(total + slice);
      }
      c[i * n + j] = total;
    }
  }
  return c;
}

/** m×k values from `value(i)`, as a float32 tensor and its data. */
function matrix(rows: number, cols: number, value: (i: number) => number): { t: tg.Tensor; data: Float32Array } {
  const data = Float32Array.from({ length: rows * cols }, (_, i) => value(i));
  return { t: tg.tensor(data, { shape: [rows, cols] }), data };
}

/** A deterministic value in ±[0.5, 1.5) for index i and a seed. */
function unit(i: number, seed: number): number {
  const h = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  const f = h - Math.floor(h);
  return (f < 0.5 ? -1 : 1) * (0.5 + 2 * Math.abs(f - 0.5));
}

function firstDifference(got: Float32Array, want: Float32Array): string | null {
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return `element ${i}: ${got[i]}, expected ${want[i]}`;
  return null;
}

test('the products here run in WebAssembly', () => {
  assert.is(cpuInfo().float32Kernels, 'wasm-simd', cpuInfo().wasmReason ?? '');
});

test('tiny values whose products stay normal: the scaled blocks give the plain kernel’s bits', () => {
  // every 7th value of A is ~1e-28, B's magnitudes are in [0.5e-5, 1.5e-5): the smallest
  // magnitudes multiply to ~5e-34 < 2^−100, so every block is scaled, and every product is above
  // 1e-38 (normal); two slices of k, edge tiles in m and n
  const m = 70, k = 300, n = 21;
  const A = matrix(m, k, (i) => unit(i, 1) * (i % 7 === 0 ? 1e-28 : 1));
  const B = matrix(k, n, (i) => unit(i, 2) * 1e-5);
  const got = A.t.matmul(B.t).data() as Float32Array;
  const diff = firstDifference(got, kernelOrder(A.data, B.data, m, k, n));
  assert.is(diff, null, `${diff}`);
});

test('subnormal products: each element within two subnormal steps of the exact sum (the plain kernel is not)', () => {
  // A ~1e-30, B ~1e-12: every product (~1e-42) is below float32's normal range, where the plain
  // kernel keeps 2–3 bits of each; the scaled kernel keeps 24 until the sum is brought back
  const m = 17, k = 300, n = 19, step = 2 ** -149;
  const A = matrix(m, k, (i) => unit(i, 3) * 1e-30);
  const B = matrix(k, n, (i) => unit(i, 4) * 1e-12);
  const got = A.t.matmul(B.t).data() as Float32Array;
  let plainOff = 0;
  const plain = kernelOrder(A.data, B.data, m, k, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0; // float64: every product and the sum are far above float64's subnormals
      for (let p = 0; p < k; p++) exact += A.data[i * k + p] * B.data[p * n + j];
      const e = i * n + j;
      assert.ok(Math.abs(got[e] - exact) <= 2 * step, `C[${i}, ${j}] = ${got[e]}, exact sum ${exact}: ${Math.abs(got[e] - exact) / step} subnormal steps apart`);
      if (Math.abs(plain[e] - exact) > 2 * step) plainOff++;
    }
  }
  // the test can tell: most elements of the plain kernel's order are further off
  assert.ok(plainOff > (m * n) / 2, `the plain kernel's order is off by more than two steps at only ${plainOff} of ${m * n} elements`);
});

test('with tiny values the results are bit-identical for 1, 2 and 3 threads', () => {
  // large enough to be split across threads (core/wasm/threads.ts), with panels scaled and not
  const m = 131, k = 300, n = 203;
  const A = matrix(m, k, (i) => unit(i, 5) * (i % 5 === 0 ? 1e-30 : 1));
  const B = matrix(k, n, (i) => unit(i, 6) * (i % 3 === 0 ? 1e-12 : i % 17 === 0 ? 1e30 : 1));
  const results: string[] = [];
  for (const threads of [1, 2, 3]) {
    tg.setBackend('cpu', { threads });
    results.push(Buffer.from((A.t.matmul(B.t).data() as Float32Array).buffer).toString('base64'));
    assert.is(cpuInfo().threads.running, threads);
  }
  tg.setBackend('cpu', { threads: 2 });
  assert.is(results[1], results[0], '2 threads differ from 1');
  assert.is(results[2], results[0], '3 threads differ from 1');
});

test('a B panel with values near 1e30 is not scaled: products that fit float32 stay finite, with the plain kernel’s bits', () => {
  // A: magnitudes ~1 with every 9th ~1e-35 (its blocks would be raised to ~2^62); every B
  // micro-panel holds a value ~1e30, so raising A would overflow (2^62·1e30 > 3.4e38): the kernel
  // must leave them unscaled. Products ≤ ~1.5e30 and sums over 300 stay below float32's maximum.
  const m = 20, k = 300, n = 16;
  const A = matrix(m, k, (i) => unit(i, 7) * (i % 9 === 0 ? 1e-35 : 1));
  const B = matrix(k, n, (i) => unit(i, 8) * (i % 29 === 0 ? 1e30 : 1e-6));
  const got = A.t.matmul(B.t).data() as Float32Array;
  assert.ok(got.every(Number.isFinite), 'a product overflowed');
  const diff = firstDifference(got, kernelOrder(A.data, B.data, m, k, n));
  assert.is(diff, null, `${diff}`);
});

test('below 16 rows or columns the product is not scaled: subnormal products keep the plain kernel’s bits', () => {
  // the subnormal case above with m = 9: the ranges would cost more than they save (gemm.ts)
  const m = 9, k = 300, n = 19;
  const A = matrix(m, k, (i) => unit(i, 3) * 1e-30);
  const B = matrix(k, n, (i) => unit(i, 4) * 1e-12);
  const got = A.t.matmul(B.t).data() as Float32Array;
  const diff = firstDifference(got, kernelOrder(A.data, B.data, m, k, n));
  assert.is(diff, null, `${diff}`);
});

test.run();
