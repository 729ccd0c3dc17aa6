// The CPU matmul kernel (core/cpu/matmul.ts) against a naive triple loop: every transA/transB
// combination, sizes around the register tile (not multiples of 3 or 4), a broadcast batch, and
// the gemmABt entry point conv2d uses, in float64 and float32. float32 products run on the
// WebAssembly kernel, which accumulates in float32 (as PyTorch and BLAS do), so they are held to
// the standard bound k·u·Σ|a||b| (u = 2⁻²⁴); tests/wasm/ compares it with the JavaScript kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { View } from '../../core/backend.js';
import type { DType, TypedArray } from '../../core/dtype.js';
import { arrayOf, CpuAllocator } from '../../core/cpu/storage.js';
import { gemmABt, matmul } from '../../core/cpu/matmul.js';
import type { Shape } from '../../core/shape.js';

const alloc = new CpuAllocator();

function view(dtype: DType, shape: Shape, values: readonly number[]): View {
  const array = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return { storage: alloc.adopt(array), shape, dtype };
}

/** op(A)·op(B) by definition, batch axes broadcast; A is [..., m, k] or [..., k, m] when transA. */
function naive(a: View, av: TypedArray, b: View, bv: TypedArray, transA: boolean, transB: boolean, outShape: Shape, absSums?: Float64Array): Float64Array {
  const [ra, rb, ro] = [a.shape.length, b.shape.length, outShape.length];
  const [m, n] = [outShape[ro - 2], outShape[ro - 1]];
  const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const batch = outShape.slice(0, -2);
  const out = new Float64Array(outShape.reduce((s, d) => s * d, 1));
  const matrixIndex = (own: Shape, index: number[]) => {
    const ownBatch = own.slice(0, -2);
    let flat = 0;
    ownBatch.forEach((d, i) => { flat = flat * d + (d === 1 ? 0 : index[batch.length - ownBatch.length + i]); });
    return flat;
  };
  const batches = batch.reduce((s, d) => s * d, 1);
  for (let t = 0; t < batches; t++) {
    const index: number[] = [];
    let rest = t;
    for (let d = batch.length - 1; d >= 0; d--) { index.unshift(rest % batch[d]); rest = Math.floor(rest / batch[d]); }
    const aOff = matrixIndex(a.shape, index) * m * k, bOff = matrixIndex(b.shape, index) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const x = av[aOff + (transA ? p * m + i : i * k + p)];
        const y = bv[bOff + (transB ? j * k + p : p * n + j)];
        s += x * y;
        abs += Math.abs(x * y);
      }
      out[t * m * n + i * n + j] = s;
      if (absSums) absSums[t * m * n + i * n + j] = abs;
    }
  }
  return out;
}

function check(dtype: DType, batchA: number[], batchB: number[], m: number, n: number, k: number, transA: boolean, transB: boolean, seed: number) {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const aShape = [...batchA, ...(transA ? [k, m] : [m, k])];
  const bShape = [...batchB, ...(transB ? [n, k] : [k, n])];
  const a = view(dtype, aShape, Array.from({ length: aShape.reduce((s, d) => s * d, 1) }, rand));
  const b = view(dtype, bShape, Array.from({ length: bShape.reduce((s, d) => s * d, 1) }, rand));
  const rank = Math.max(batchA.length, batchB.length);
  const pad = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
  const batch = pad(batchA).map((d, i) => Math.max(d, pad(batchB)[i]));
  const outShape = [...batch, m, n];
  const got = matmul(alloc, a, b, transA, transB, outShape).array;
  const absSums = new Float64Array(got.length);
  const expected = naive(a, arrayOf(a.storage), b, arrayOf(b.storage), transA, transB, outShape, absSums);
  assert.is(got.length, expected.length);
  for (let i = 0; i < got.length; i++) {
    const e = dtype === 'float32' ? Math.fround(expected[i]) : expected[i];
    const bound = dtype === 'float32' ? (k + 1) * 2 ** -24 * absSums[i] + 1e-30 : 1e-13 * (1 + Math.abs(e));
    if (Math.abs(got[i] - e) > bound) {
      assert.unreachable(`${dtype} ${JSON.stringify(aShape)}${transA ? 'ᵀ' : ''}·${JSON.stringify(bShape)}${transB ? 'ᵀ' : ''}: element ${i} is ${got[i]}, expected ${e}`);
    }
  }
}

const size = fc.integer({ min: 1, max: 13 });
const flags = fc.record({ transA: fc.boolean(), transB: fc.boolean(), f32: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }) });

test('2-D products match the naive loop for m, n, k in 1..13 and every transA/transB', () => {
  fc.assert(fc.property(size, size, size, flags, (m, n, k, f) => {
    check(f.f32 ? 'float32' : 'float64', [], [], m, n, k, f.transA, f.transB, f.seed);
  }), { numRuns: 300, seed: 7 });
});

test('every transA/transB combination on every m, n in 1..9 (k = 5) and both dtypes', () => {
  for (const dtype of ['float32', 'float64'] as const) for (const transA of [false, true]) for (const transB of [false, true]) {
    for (let m = 1; m <= 9; m++) for (let n = 1; n <= 9; n++) check(dtype, [], [], m, n, 5, transA, transB, m * 31 + n);
  }
});

test('batched products with broadcast batch axes (each side broadcast, and both)', () => {
  const batches = fc.constantFrom<[number[], number[]]>([[3], [3]], [[1], [4]], [[2], [1]], [[2, 1], [3]], [[], [2, 2]], [[2, 3], [2, 1]], [[1, 3], [2, 1]]);
  fc.assert(fc.property(batches, size, size, size, flags, ([ba, bb], m, n, k, f) => {
    check(f.f32 ? 'float32' : 'float64', ba, bb, m, n, k, f.transA, f.transB, f.seed);
  }), { numRuns: 150, seed: 11 });
});

test('empty axes: k = 0 gives zeros, m = 0 or n = 0 gives an empty result', () => {
  const z = matmul(alloc, view('float64', [2, 0], []), view('float64', [0, 3], []), false, false, [2, 3]).array;
  assert.equal([...z], [0, 0, 0, 0, 0, 0]);
  assert.is(matmul(alloc, view('float32', [0, 4], []), view('float32', [4, 3], Array(12).fill(1)), false, false, [0, 3]).array.length, 0);
  assert.is(matmul(alloc, view('float32', [2, 4], Array(8).fill(1)), view('float32', [4, 0], []), false, false, [2, 0]).array.length, 0);
});

test('gemmABt writes C = A·Btᵀ at the given offsets and leaves the rest alone', () => {
  const [m, n, k] = [5, 7, 6];
  const A = Float64Array.from({ length: 2 + m * k }, (_, i) => Math.sin(i));
  const Bt = Float64Array.from({ length: 3 + n * k }, (_, i) => Math.cos(i));
  const C = new Float64Array(4 + m * n).fill(-9);
  gemmABt(A, 2, Bt, 3, C, 4, m, n, k);
  for (let i = 0; i < 4; i++) assert.is(C[i], -9);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += A[2 + i * k + p] * Bt[3 + j * k + p];
    assert.ok(Math.abs(C[4 + i * n + j] - s) < 1e-13, `C[${i},${j}]`);
  }
});

test('larger products (many panels, long k) agree with the naive loop', () => {
  check('float32', [], [], 67, 45, 130, true, false, 5);
  check('float64', [2], [1], 33, 29, 71, false, true, 9);
  check('float32', [], [], 64, 64, 64, false, false, 3);
});

test.run();
