// The CPU elementwise kernel (core/cpu/elementwise.ts), which compiles a loop per scalar
// function, dtype and broadcast pattern, against a naive broadcasting loop that calls the same
// scalar function: every function of the unary table (value and gradient), the binary ops (value
// and both gradients) and the comparisons, on random broadcast shapes in float32 and float64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ElementwiseFn, View } from '../../core/backend.js';
import type { DType, TypedArray } from '../../core/dtype.js';
import { coalesce, elementwise } from '../../core/cpu/elementwise.js';
import { arrayOf, CpuAllocator } from '../../core/cpu/storage.js';
import { broadcastShapes, type Shape, sizeOf, stridesOf } from '../../core/shape.js';
import { UNARY } from '../../ops/unary_table.js';
import { BINARY } from '../../ops/binary.js';
import { COMPARISONS } from '../../ops/compare.js';

const alloc = new CpuAllocator();

function view(dtype: DType, shape: Shape, values: readonly number[]): View {
  const array = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return { storage: alloc.adopt(array), shape, dtype };
}

/** out[index] = fn(input_0[index broadcast], ..., p0, p1, p2), one output element at a time. */
function naive(fn: ElementwiseFn['fn'], inputs: readonly View[], outShape: Shape, dtype: DType, params: readonly number[]): TypedArray {
  const size = sizeOf(outShape);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  const outStrides = stridesOf(outShape);
  for (let flat = 0; flat < size; flat++) {
    const index = outShape.map((_, axis) => Math.floor(flat / outStrides[axis]) % outShape[axis]);
    const args = inputs.map((v) => {
      const own = stridesOf(v.shape);
      const offset = outShape.length - v.shape.length;
      let at = 0;
      v.shape.forEach((d, axis) => (at += (d === 1 ? 0 : index[axis + offset]) * own[axis]));
      return arrayOf(v.storage)[at];
    });
    out[flat] = fn(...args, params[0], params[1], params[2]);
  }
  return out;
}

function assertSame(got: TypedArray, expected: TypedArray, what: string): void {
  assert.is(got.constructor, expected.constructor, `${what}: output type`);
  assert.is(got.length, expected.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], expected[i]) && !(got[i] === 0 && expected[i] === 0)) {
      assert.unreachable(`${what}: element ${i} is ${got[i]}, expected ${expected[i]}`);
    }
  }
}

/** Every scalar function the ops hand to the kernel, with its number of tensor inputs and params. */
const FUNCTIONS: { f: ElementwiseFn; inputs: number; params: readonly number[] }[] = [
  ...Object.values(UNARY).flatMap((d) => [
    { f: { name: d.name, fn: d.f as ElementwiseFn['fn'] }, inputs: 1, params: d.params ?? [] },
    ...(d.grad ? [{ f: { name: `${d.name}Grad`, fn: d.grad as ElementwiseFn['fn'] }, inputs: 3, params: d.params ?? [] }] : []),
  ]),
  ...Object.values(BINARY).flatMap((d) => [
    { f: { name: d.name, fn: d.f as ElementwiseFn['fn'] }, inputs: 2, params: [] },
    { f: { name: `${d.name}GradA`, fn: d.gradA as ElementwiseFn['fn'] }, inputs: 4, params: [] },
    { f: { name: `${d.name}GradB`, fn: d.gradB as ElementwiseFn['fn'] }, inputs: 4, params: [] },
  ]),
  ...Object.values(COMPARISONS).map((f) => ({ f, inputs: 2, params: [] })),
];

/** A broadcast family: an output shape of rank ≤ 4 and `count` input shapes that broadcast to it. */
function shapesArb(count: number) {
  return fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) =>
    fc.array(
      fc.record({ drop: fc.integer({ min: 0, max: out.length }), ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }) })
        .map(({ drop, ones }) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop)),
      { minLength: count, maxLength: count },
    ),
  );
}

// values with exact zeros, ties and halves, so that every branch of the scalar functions is taken
const valueArb = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, -2.5, 6, 2));

test('every table function matches the naive loop on broadcast shapes, float32 and float64', () => {
  for (const { f, inputs, params } of FUNCTIONS) {
    fc.assert(fc.property(shapesArb(inputs), fc.boolean(), fc.array(valueArb, { minLength: 64, maxLength: 64 }), (shapes, single, pool) => {
      const dtype: DType = single ? 'float32' : 'float64';
      const views = shapes.map((s, t) => view(dtype, s, Array.from({ length: sizeOf(s) }, (_, i) => pool[(i * 7 + t * 13) % pool.length])));
      const outShape = broadcastShapes('test', ...shapes);
      const got = elementwise(alloc, f, views, outShape, dtype, params).array;
      assertSame(got, naive(f.fn, views, outShape, dtype, params), `${f.name} ${JSON.stringify(shapes)} ${dtype}`);
    }), { numRuns: 25, seed: 5 });
  }
});

test('hand-picked broadcasts: bias rows, columns, NCHW channels, scalars, outer products', () => {
  const add: ElementwiseFn = { name: 'add', fn: (a, b) => a + b };
  const where: ElementwiseFn = { name: 'where', fn: (c, a, b) => (c !== 0 ? a : b) };
  const cases: Shape[][] = [
    [[6, 5], [5]], [[6, 5], [6, 1]], [[2, 3, 4, 5], [1, 3, 1, 1]], [[], [3, 4]], [[3, 4], []], [[4, 1], [1, 3]],
    [[2, 1, 4], [3, 1]], [[1, 1, 1], [1]], [[2, 3, 1, 5], [3, 4, 5]], [[7], [7]],
  ];
  for (const [sa, sb] of cases) for (const dtype of ['float32', 'float64'] as const) {
    const a = view(dtype, sa, Array.from({ length: sizeOf(sa) }, (_, i) => i + 0.25));
    const b = view(dtype, sb, Array.from({ length: sizeOf(sb) }, (_, i) => 100 * i));
    const outShape = broadcastShapes('test', sa, sb);
    assertSame(elementwise(alloc, add, [a, b], outShape, dtype, []).array, naive(add.fn, [a, b], outShape, dtype, []), `add ${JSON.stringify([sa, sb])}`);
    const c = view(dtype, sb, Array.from({ length: sizeOf(sb) }, (_, i) => i % 2));
    const shape3 = broadcastShapes('test', sb, sa, sb);
    assertSame(elementwise(alloc, where, [c, a, b], shape3, dtype, []).array, naive(where.fn, [c, a, b], shape3, dtype, []), `where ${JSON.stringify([sa, sb])}`);
  }
});

test('the output dtype may differ from the inputs (casts), and inputs may mix dtypes', () => {
  const identity: ElementwiseFn = { name: 'identity', fn: (x) => x };
  const x = view('float64', [3], [1 / 3, 1e300, -0]);
  const y = elementwise(alloc, identity, [x], [3], 'float32', []).array;
  assert.ok(y instanceof Float32Array);
  assert.equal([...y], [Math.fround(1 / 3), Infinity, -0]);
  const back = elementwise(alloc, identity, [view('float32', [2], [0.1, 2])], [2], 'float64', []).array;
  assert.ok(back instanceof Float64Array);
  assert.equal([...back], [Math.fround(0.1), 2]);
  const mixed: ElementwiseFn = { name: 'mixed', fn: (a, b) => a + b };
  const z = elementwise(alloc, mixed, [view('float32', [2], [0.1, 0.2]), view('float64', [2], [0.1, 0.2])], [2], 'float64', []).array;
  assert.equal([...z], [Math.fround(0.1) + 0.1, Math.fround(0.2) + 0.2]);
});

test('functions sharing a name, or closing over variables, each get their own loop', () => {
  const scale = 3;
  const first: ElementwiseFn = { name: 'f', fn: (x) => x + 1 };
  const second: ElementwiseFn = { name: 'f', fn: (x) => x * scale };
  const x = view('float64', [4], [1, 2, 3, 4]);
  for (let round = 0; round < 3; round++) {
    assert.equal([...elementwise(alloc, first, [x], [4], 'float64', []).array], [2, 3, 4, 5]);
    assert.equal([...elementwise(alloc, second, [x], [4], 'float64', []).array], [3, 6, 9, 12]);
  }
});

test('functions re-created on every call (same source, other captured values) stay distinct', () => {
  const scaled = (s: number): ElementwiseFn => ({ name: 'scaled', fn: (x) => x * s });
  const x = view('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
  const b = view('float32', [3], [1, 1, 1]);
  for (let s = 1; s <= 4; s++) {
    assert.equal([...elementwise(alloc, scaled(s), [x], [2, 3], 'float32', []).array], [1, 2, 3, 4, 5, 6].map((v) => v * s));
    const shifted: ElementwiseFn = { name: 'shifted', fn: (u, v) => u + v * s };
    assert.equal([...elementwise(alloc, shifted, [x, b], [2, 3], 'float32', []).array], [1, 2, 3, 4, 5, 6].map((v) => v + s));
  }
});

test('params reach the function after the inputs; empty outputs are empty', () => {
  const affine: ElementwiseFn = { name: 'affine', fn: (x, a, b, c) => a * x + b + (c === undefined ? 0.5 : c) };
  const x = view('float32', [2, 2], [1, 2, 3, 4]);
  assert.equal([...elementwise(alloc, affine, [x], [2, 2], 'float32', [2, 10]).array], [12.5, 14.5, 16.5, 18.5]);
  assert.equal([...elementwise(alloc, affine, [x], [2, 2], 'float32', [2, 10, 1]).array], [13, 15, 17, 19]);
  const empty = view('float32', [0, 3], []);
  assert.is(elementwise(alloc, affine, [empty, x].slice(0, 1), [0, 3], 'float32', [1, 1]).array.length, 0);
});

test('coalesce merges axes walked contiguously and drops size-1 axes', () => {
  assert.equal(coalesce([[2, 3, 4], [2, 3, 4]], [2, 3, 4]), { dims: [24], strides: [[1], [1]] });
  assert.equal(coalesce([[2, 3, 4, 5], [1, 3, 1, 1]], [2, 3, 4, 5]), { dims: [2, 3, 20], strides: [[60, 20, 1], [0, 1, 0]] });
  assert.equal(coalesce([[6, 5], [5]], [6, 5]), { dims: [6, 5], strides: [[5, 1], [0, 1]] });
  assert.equal(coalesce([[6, 5], []], [6, 5]), { dims: [30], strides: [[1], [0]] });
  assert.equal(coalesce([[1, 1], [1]], [1, 1]), { dims: [1], strides: [[0], [0]] });
  assert.equal(coalesce([[4, 1], [1, 3]], [4, 3]), { dims: [4, 3], strides: [[1, 0], [0, 1]] });
});

test.run();
