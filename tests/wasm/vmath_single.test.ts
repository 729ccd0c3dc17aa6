// The four-lane float32 exp, sin and cos of the DEU kernels' float32 arithmetic
// (core/wasm/assembly/vmath_single.ts, setBackend('cpu', { deuArithmetic: 'float32' })) against
// V8's float64 Math.exp/sin/cos: exp within 2 float32 ulps of e^x on [−87.5, 14] (the DEU
// exponents are capped at 14), 0 below; sin and cos within 2 ulps, or 2^−26 absolutely near their
// zeros, for |x| ≤ 2^19·π/2 (the kernels take the float64 loops beyond). NaN stays NaN.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { heapOf } from '../../core/wasm/heap.js';

const rt = wasmRuntime();

/** The spacing of float32 values at v (2^−149 for subnormals and 0). */
function ulp32(v: number): number {
  const a = Math.fround(Math.abs(v));
  if (a === 0 || !Number.isFinite(a)) return 2 ** -149;
  return Math.max(2 ** (Math.floor(Math.log2(a)) - 23), 2 ** -149);
}

/** op (0 exp, 1 sin, 2 cos) of xs (float32, a multiple of four used) by the kernels' vectors. */
function quad(op: number, xs: number[]): Float32Array {
  const n = xs.length - (xs.length % 4);
  const heap = heapOf(rt!);
  const at = heap.alloc(4 * n + 16, false)!, out = heap.alloc(4 * n + 16, false)!;
  try {
    new Float32Array(rt!.memory.buffer, at, n).set(xs.slice(0, n));
    rt!.exports.vmathSingleLanes(op, at, out, n);
    return new Float32Array(rt!.memory.buffer, out, n).slice();
  } finally {
    heap.release(at);
    heap.release(out);
  }
}

const NAMES = ['exp', 'sin', 'cos'] as const;

/** Why got is not within 2 float32 ulps (or `absolute`) of Math[op](x), or null. */
function mismatch(op: number, got: number, x: number, absolute: number): string | null {
  const want = Math[NAMES[op]](x);
  if (Number.isNaN(want)) return Number.isNaN(got) ? null : `${NAMES[op]}(${x}) is ${got}, Math.${NAMES[op]} gives NaN`;
  const d = Math.abs(got - want);
  if (d <= 2 * ulp32(want) || d <= absolute) return null;
  return `${NAMES[op]}(${x}) = ${got}, Math.${NAMES[op]} gives ${want} (${(d / ulp32(want)).toFixed(1)} float32 ulps)`;
}

function checkAll(op: number, xs: number[], absolute: number) {
  const got = quad(op, xs);
  for (let i = 0; i < got.length; i++) {
    const why = mismatch(op, got[i], Math.fround(xs[i]), absolute);
    if (why) assert.unreachable(why);
  }
}

const float32In = (min: number, max: number) => fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true });

if (!rt) {
  test.skip('skipped: WebAssembly kernels unavailable here, so there is nothing to compare', () => {});
} else {
  test('float32 exp by fours: within 2 ulps of e^x on [−87.5, 14], 0 below, NaN kept (fast-check)', () => {
    fc.assert(fc.property(fc.array(float32In(-87.5, 14), { minLength: 4, maxLength: 64 }), (xs) => checkAll(0, xs, 0)), { seed: 3, numRuns: 300 });
    checkAll(0, [0, -0, 1e-30, -1e-30, 14, -14, -87.5, -87.33, 0.5, -0.5, 0.34657359, -0.34657359], 0);
    const below = quad(0, [-87.6, -100, -1e30, -Infinity]);
    assert.equal(Array.from(below), [0, 0, 0, 0], 'flushed below −87.5');
    assert.ok(quad(0, [NaN, 1, NaN, 2]).every((v, i) => (i % 2 === 0 ? Number.isNaN(v) : Number.isFinite(v))), 'NaN stays NaN, its neighbours are computed');
  });

  test('float32 sin and cos by fours (float64 reduction): within 2 ulps, or 2^−26 near their zeros, up to 2^19·π/2 (fast-check)', () => {
    const arg = fc.oneof(float32In(-10, 10), float32In(-1000, 1000), float32In(-823549, 823549), fc.constantFrom(0, -0, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 1e5 * Math.PI, 823549));
    for (const op of [1, 2]) {
      fc.assert(fc.property(fc.array(arg, { minLength: 4, maxLength: 64 }), (xs) => checkAll(op, xs, 2 ** -26)), { seed: 4 + op, numRuns: 300 });
      assert.ok(quad(op, [NaN, 1, 2, 3]).every((v, i) => (i === 0 ? Number.isNaN(v) : Number.isFinite(v))), `${NAMES[op]}: NaN stays NaN`);
    }
  });

  test('harness: a sin 4 float32 ulps off is caught', () => {
    assert.is(mismatch(1, Math.fround(Math.sin(1) + 4 * ulp32(Math.sin(1))), 1, 2 ** -26) !== null, true);
    assert.is(mismatch(0, Math.fround(Math.exp(3) * (1 + 2 ** -21)), 3, 0) !== null, true);
  });
}

test.run();
