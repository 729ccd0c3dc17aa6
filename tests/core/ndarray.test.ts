// Interop with scijs ndarray: fromNdarray shares a contiguous row-major float buffer on the CPU
// (writes go both ways) and copies any other layout (transposed, strided, reversed views) with the
// right values; toNdarray shares the tensor's storage.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ndarray from 'ndarray';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

/** A 3 × 4 ndarray holding 10·i + j at [i, j]. */
function grid(ArrayType: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array) {
  const data = new ArrayType(12);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) data[i * 4 + j] = 10 * i + j;
  return ndarray(data, [3, 4]);
}

/** The ndarray's values read through its own get(), nested like toArray(). */
function valuesOf(nd: ndarray.NdArray): unknown {
  const walk = (prefix: number[]): unknown =>
    prefix.length === nd.shape.length ? nd.get(...prefix) : Array.from({ length: nd.shape[prefix.length] }, (_, k) => walk([...prefix, k]));
  return walk([]);
}

test('a contiguous Float64Array ndarray is shared, not copied: writes go both ways', () => {
  const nd = grid(Float64Array);
  const t = tg.fromNdarray(nd);
  assert.is(t.dtype, 'float64');
  assert.equal([...t.shape], [3, 4]);
  assert.equal(t.toArray(), valuesOf(nd));
  nd.set(1, 2, -5);
  assert.equal((t.toArray() as number[][])[1][2], -5, 'ndarray → tensor');
  t.toNdarray().set(2, 3, 99);
  assert.is(nd.get(2, 3), 99, 'tensor → ndarray');
  assert.is(nd.data[11], 99);
});

test('a contiguous Float32Array ndarray is shared as float32', () => {
  const nd = grid(Float32Array);
  const t = tg.fromNdarray(nd);
  assert.is(t.dtype, 'float32');
  nd.set(0, 0, 0.5);
  assert.is(t.data()[0], 0.5);
});

test('a contiguous view with an offset (lo/hi on the first axis) is shared from its offset', () => {
  const nd = grid();
  const rows = nd.lo(1, 0).hi(1, 4); // row 1 only: offset 4, strides still [4, 1]
  const t = tg.fromNdarray(rows);
  assert.equal([...t.shape], [1, 4]);
  assert.equal(t.toArray(), [[10, 11, 12, 13]]);
  nd.set(1, 0, -1);
  assert.is(t.data()[0], -1, 'shared');
  const top = tg.fromNdarray(nd.hi(2, 4));
  assert.equal(top.toArray(), [[-1, 1, 2, 3].map((v, j) => (j === 0 ? 0 : v)), [-1, 11, 12, 13]]);
});

test('transposed, strided and reversed views are copied with the right values', () => {
  const nd = grid();
  const views: [string, ndarray.NdArray][] = [
    ['transpose', nd.transpose(1, 0)],
    ['hi on the last axis', nd.hi(3, 2)],
    ['lo on the last axis', nd.lo(0, 1)],
    ['step 2 on the last axis', nd.step(1, 2)],
    ['reversed rows', nd.step(-1)],
    ['reversed both', nd.step(-1, -1)],
    ['transpose of a strided view', nd.step(2, 3).transpose(1, 0)],
    ['pick a column', nd.pick(null, 2)],
  ];
  for (const [name, view] of views) {
    const t = tg.fromNdarray(view);
    assert.equal([...t.shape], view.shape, `${name}: shape`);
    assert.equal(t.toArray(), valuesOf(view), `${name}: values`);
  }
  // a copy: writing to the source does not reach it
  const t = tg.fromNdarray(nd.transpose(1, 0));
  nd.set(0, 1, 1000);
  assert.equal((t.toArray() as number[][])[1][0], 1);
  assert.equal(tg.fromNdarray(nd.transpose(1, 0)).toArray(), [[0, 10, 20], [1000, 11, 21], [2, 12, 22], [3, 13, 23]]);
});

test('a dtype other than the buffer\'s, or a non-float buffer, copies and casts', () => {
  const nd = grid(Float64Array);
  nd.set(0, 1, 0.1);
  const t = tg.fromNdarray(nd, { dtype: 'float32' });
  assert.is(t.dtype, 'float32');
  assert.is(t.data()[1], Math.fround(0.1));
  nd.set(0, 0, 7);
  assert.is(t.data()[0], 0, 'a copy');
  const plain = tg.fromNdarray(ndarray([1, 2, 3, 4, 5, 6], [2, 3]));
  assert.is(plain.dtype, 'float32');
  assert.equal(plain.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const ints = tg.fromNdarray(ndarray(new Int16Array([1, -2]), [2]), { dtype: 'float64' });
  assert.equal(ints.toArray(), [1, -2]);
});

test('toNdarray shares the tensor\'s storage and has row-major strides', () => {
  const t = tg.arange(6, undefined, 1, { dtype: 'float64' }).reshape([2, 3]);
  const nd = t.toNdarray();
  assert.equal(nd.shape, [2, 3]);
  assert.equal(nd.stride, [3, 1]);
  assert.is(nd.get(1, 2), 5);
  nd.set(0, 1, -7);
  assert.equal(t.toArray(), [[0, -7, 2], [3, 4, 5]]);
  assert.equal(valuesOf(nd.transpose(1, 0)), [[0, 3], [-7, 4], [2, 5]]);
  // round trip through a transposed view gives the transpose
  assert.equal(tg.fromNdarray(nd.transpose(1, 0)).toArray(), t.transpose().toArray());
  // a 0-d tensor
  const s = tg.tensor(4, { dtype: 'float64' }).toNdarray();
  assert.equal(s.shape, []);
  assert.is(s.get(), 4);
});

test('fromNdarray of an empty ndarray, and bad input', () => {
  const e = tg.fromNdarray(ndarray(new Float32Array(0), [0, 3]));
  assert.equal([...e.shape], [0, 3]);
  assertThrows(() => tg.fromNdarray(null as unknown as ndarray.NdArray), 'fromNdarray');
  assertThrows(() => tg.fromNdarray({ shape: [2] } as unknown as ndarray.NdArray), 'fromNdarray');
  const t = tg.ones([2]);
  t.dispose();
  assertThrows(() => t.toNdarray(), 'dispose');
});

test.run();
