// The two-lane float64 exp, sin and cos of the DEU kernels (core/wasm/assembly/vmath.ts) against
// V8's Math.exp/sin/cos: within 2 float64 ulps where the result is not small, and within 2^−60
// absolutely for sin/cos near their zeros (where an absolute error is what the DEU formulas see:
// the values are multiplied and added, never divided by). Arguments across the whole range the
// vector path takes, its edges, and beyond them (the scalar fallback), NaN and ±∞ included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { heapOf } from '../../core/wasm/heap.js';

const rt = wasmRuntime();

/** The spacing of float64 values at v: 2^(e − 52), and 2^−1074 for subnormals (and 0, ±∞). */
function ulp64(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return Number.MIN_VALUE;
  return Math.max(2 ** (Math.floor(Math.log2(a)) - 52), Number.MIN_VALUE);
}

/** exp, sin and cos of xs by the wasm pairs (an even count is used: a pair per two values); sin and cos by sinCosPair, or with `separate` by sinOrCos. */
function lanes(xs: number[], separate = false): { exp: Float64Array; sin: Float64Array; cos: Float64Array } {
  const n = xs.length - (xs.length % 2);
  const heap = heapOf(rt!);
  const at = heap.alloc(8 * n + 8, false)!, out = heap.alloc(24 * n + 8, false)!;
  try {
    new Float64Array(rt!.memory.buffer, at, n).set(xs.slice(0, n));
    rt!.exports.vmathLanes(at, n, out, separate);
    const r = new Float64Array(rt!.memory.buffer, out, 3 * n).slice();
    return { exp: r.subarray(0, n), sin: r.subarray(n, 2 * n), cos: r.subarray(2 * n, 3 * n) };
  } finally {
    heap.release(at);
    heap.release(out);
  }
}

/** Why got is not within 2 ulps (or `absolute`) of want, or null. */
function mismatch(name: string, got: number, want: number, x: number, absolute: number): string | null {
  if (Number.isNaN(want)) return Number.isNaN(got) ? null : `${name}(${x}) is ${got}, Math.${name} gives NaN`;
  const d = Math.abs(got - want);
  if (got === want || d <= 2 * ulp64(want) || d <= absolute) return null;
  return `${name}(${x}) = ${got}, Math.${name} gives ${want} (${(d / ulp64(want)).toFixed(1)} ulps)`;
}

function check(name: string, got: number, want: number, x: number, absolute: number) {
  const why = mismatch(name, got, want, x, absolute);
  if (why) assert.unreachable(why);
}

const edges = [0, -0, 1e-300, -1e-300, 708, -708, 708.0000001, -708.0000001, 709, 709.5, -745, -746, 14, -14, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 1e5 * Math.PI, 823549.6, 823549.7, -823549.7, 1e6, 1e22, NaN, Infinity, -Infinity];

if (!rt) {
  test.skip('skipped: WebAssembly kernels unavailable here, so there is nothing to compare', () => {});
} else {
  test('exp, sin, cos by pairs: within 2 ulps of V8 (fast-check over the vector range and beyond)', () => {
    const arg = fc.oneof(
      fc.double({ min: -30, max: 30, noNaN: true }),
      fc.double({ min: -800, max: 800, noNaN: true }),
      fc.double({ min: -9e5, max: 9e5, noNaN: true }),
      fc.constantFrom(...edges),
    );
    fc.assert(fc.property(fc.array(arg, { minLength: 2, maxLength: 40 }), (xs) => {
      const r = lanes(xs);
      for (let i = 0; i < r.exp.length; i++) {
        const x = xs[i];
        check('exp', r.exp[i], Math.exp(x), x, 0);
        check('sin', r.sin[i], Math.sin(x), x, 2 ** -60);
        check('cos', r.cos[i], Math.cos(x), x, 2 ** -60);
      }
    }), { seed: 7, numRuns: 400 });
  });

  test('expBelowCap (the DEU\'s capped exponentials): expPair\'s bits for every argument up to 709, NaN and −∞ included', () => {
    const xs = [...edges.filter((x) => !(x > 709)), -1e300, -750, -745.1, -708.5, -707.9, 13.9, 14];
    for (let i = -3000; i <= 3000; i++) xs.push(i * 0.2357 + (i % 5) * 1e-7);
    if (xs.length % 2) xs.push(0.5);
    const heap = heapOf(rt!);
    const at = heap.alloc(8 * xs.length, false)!, out = heap.alloc(8 * xs.length, false)!;
    try {
      new Float64Array(rt!.memory.buffer, at, xs.length).set(xs);
      rt!.exports.expBelowCapLanes(at, xs.length, out);
      const got = new Float64Array(rt!.memory.buffer, out, xs.length).slice();
      const want = lanes(xs).exp;
      for (let i = 0; i < xs.length; i++) {
        if (!Object.is(got[i], want[i])) assert.unreachable(`expBelowCap(${xs[i]}) = ${got[i]}, expPair gives ${want[i]}`);
      }
    } finally {
      heap.release(at);
      heap.release(out);
    }
  });

  test('a grid of sin/cos arguments across many quadrants and both signs', () => {
    const xs: number[] = [];
    for (let i = -4000; i <= 4000; i++) xs.push(i * 0.7853981633974483 + (i % 7) * 1e-9, i * 197.3);
    const r = lanes(xs);
    for (let i = 0; i < xs.length; i++) {
      check('sin', r.sin[i], Math.sin(xs[i]), xs[i], 2 ** -60);
      check('cos', r.cos[i], Math.cos(xs[i]), xs[i], 2 ** -60);
    }
  });

  test('beyond the vector reduction (2^19·π/2 up to 2^24 and far beyond): the host library, right quadrant', () => {
    // AssemblyScript's own Math.sin/cos get the quadrant wrong for 2^20·π/2 ≤ |x| < 2^22
    const xs: number[] = [];
    for (let i = 0; i < 4000; i++) xs.push((i % 2 ? -1 : 1) * (823550 + i * 4100.37), 2 ** 22 + i * 977.1, 1e9 + i * 1e5, 1e300 / (i + 1));
    const r = lanes(xs);
    for (let i = 0; i < xs.length; i++) {
      check('sin', r.sin[i], Math.sin(xs[i]), xs[i], 2 ** -60);
      check('cos', r.cos[i], Math.cos(xs[i]), xs[i], 2 ** -60);
    }
  });

  test('sinOrCos (sin and cos computed apart, as the DEU backward pass does) is sinCosPair bit for bit, across the vector range, beyond it and at NaN/±∞', () => {
    const xs: number[] = [0, -0, NaN, Infinity, -Infinity, 1e-300, 823549, 823550, -823551, 2 ** 22 + 3.5, 1e300];
    for (let i = 0; i < 3000; i++) xs.push((i - 1500) * 0.73 + Math.sin(i), (i % 2 ? -1 : 1) * (1e5 + i * 977.3));
    const together = lanes(xs), apart = lanes(xs, true);
    const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.slice().buffer), String);
    assert.equal(bits(apart.sin), bits(together.sin), 'sin');
    assert.equal(bits(apart.cos), bits(together.cos), 'cos');
  });

  test('exp beyond the vector range (subnormal results, overflow, ±∞, NaN) by its second vector path: within 2 ulps of V8, and a lane in range paired with one beyond gets the bits it gets in range', () => {
    // V8's exp rounds twice into the subnormals as this path does, so the two may differ by 2 of their spacing
    const beyond: number[] = [NaN, Infinity, -Infinity, -1e300, 1e300, -745.2, -745.1, -744.4, 709.7826, 709.7828];
    for (let i = 0; i < 6000; i++) beyond.push(-760 + 52 * (i / 6000) + 1e-9 * (i % 7), 709 + 1.5 * (i / 6000));
    const inRange = beyond.map((_, i) => -700 + 1409 * ((i * 0.618034) % 1));
    const mixed = beyond.flatMap((x, i) => [inRange[i], x]), alone = inRange.flatMap((x) => [x, x]);
    const r = lanes(mixed), reference = lanes(alone);
    for (let i = 0; i < mixed.length; i++) check('exp', r.exp[i], Math.exp(mixed[i]), mixed[i], 0);
    for (let i = 0; i < mixed.length; i += 2) {
      if (!Object.is(r.exp[i], reference.exp[i])) assert.unreachable(`exp(${mixed[i]}) beside exp(${mixed[i + 1]}) is ${r.exp[i]}, alone ${reference.exp[i]}`);
    }
  });

  test('the harness catches a wrong quadrant (cos for sin) and an exp 8 ulps off', () => {
    const xs = [1.0, 2.0];
    const r = lanes(xs);
    assert.match(mismatch('sin', r.cos[0], Math.sin(xs[0]), xs[0], 2 ** -60) ?? '', /ulps/);
    assert.match(mismatch('exp', r.exp[0] * (1 + 2 ** -50), Math.exp(xs[0]), xs[0], 0) ?? '', /ulps/, 'an error of 8 ulps in exp is caught');
  });
}

test.run();
