// The WebAssembly PAU of any degrees and version C (core/wasm/assembly/pau_general.ts) against
// the JavaScript kernel (core/cpu/pau_rational.ts's RationalPoint, the reference) for float32:
// versions A, B, C and N, numerator and denominator lengths from 1 (0 for the denominator) up to
// GENERAL_MAX_LENGTH, shared and per-channel coefficients, odd and empty shapes, values around the
// poles' neighbourhood, ±0, NaN and beyond 2^32 (those calls stay in JavaScript, on the scaled
// path). Forward, dx and both coefficient gradients must be bit for bit the JavaScript results,
// for 1, 2 and 3 threads: the same float64 operations in the same order, and the coefficient sums
// in element order within segments of 4096, added segment by segment on both sides.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { GENERAL_MAX_LENGTH, PAU_SEGMENT } from '../../core/cpu/pau_segments.js';
import { RationalPoint } from '../../core/cpu/pau_rational.js';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { heapOf } from '../../core/wasm/heap.js';
import { inJavaScript } from './in_javascript.js';
import { cancellingUpstream, same, valueArb } from './pau_cases.js';

interface Case { version: tg.PauVersion; m: number; n: number; perChannel: boolean; shape: number[]; seed: number }

/** The stored denominator's length: n (b_1…b_n), or n + 1 for C (b_0…b_n). */
const denominatorLength = (c: Case) => (c.version === 'C' ? c.n + 1 : c.n);

/** y, dx, dnumerator, ddenominator of one pau pass with the active kernels. */
function pass(c: Case, values: ArrayLike<number>, av: ArrayLike<number>, bv: ArrayLike<number>, uv: ArrayLike<number>) {
  const rows = c.perChannel ? [c.shape[1]] : [];
  const x = tg.tensor(Array.from(values), { shape: c.shape, requiresGrad: true });
  const a = tg.tensor(Array.from(av), { shape: [...rows, c.m + 1], requiresGrad: true });
  const b = tg.tensor(Array.from(bv), { shape: [...rows, denominatorLength(c)], requiresGrad: true });
  const y = tg.pau(x, a, b, { version: c.version });
  y.mul(tg.tensor(Array.from(uv), { shape: c.shape })).sum().backward();
  return [y.data(), x.grad!.data(), a.grad!.data(), b.grad!.data()];
}

/** Coefficients of case c, drawn from its seed (the denominator scaled down: fewer poles for N). */
function coefficients(c: Case) {
  tg.manualSeed(c.seed);
  const rows = c.perChannel ? [c.shape[1]] : [];
  return { av: tg.randn([...rows, c.m + 1]).data(), bv: tg.randn([...rows, denominatorLength(c)]).mul(0.5).data(), uv: tg.randn(c.shape).data() };
}

function checkParity(c: Case, values: ArrayLike<number>, what: string): void {
  const { av, bv, uv } = coefficients(c);
  const want = inJavaScript(() => pass(c, values, av, bv, uv));
  const got = pass(c, values, av, bv, uv);
  ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${what}`));
}

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const runs = (name: string) => cpuInfo().kernelRuns[name] ?? 0;
const splits = (name: string) => cpuInfo().threads.splitRuns[name] ?? 0;

// m: the numerator's degree (length m + 1); n: the denominator's (length n, or n + 1 for C)
const degreesArb = fc.oneof(
  fc.constantFrom([3, 2], [5, 4], [7, 6], [1, 1], [0, 0], [2, 5]),
  fc.tuple(fc.integer({ min: 0, max: GENERAL_MAX_LENGTH - 1 }), fc.integer({ min: 0, max: GENERAL_MAX_LENGTH - 1 })),
);
const caseArb = fc.record({
  version: fc.constantFrom<tg.PauVersion>('A', 'B', 'C', 'N'),
  degrees: degreesArb,
  perChannel: fc.boolean(),
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 0, max: 13 }),
  seed: fc.integer({ min: 0, max: 999 }),
}).map(({ version, degrees: [m, n], perChannel, n: batch, c: channels, s, seed }): Case => ({ version, m, n, perChannel, shape: [batch, channels, s], seed }))
  .chain((c) => fc.record({ c: fc.constant(c), values: fc.array(valueArb, { minLength: sizeOf(c.shape), maxLength: sizeOf(c.shape) }) }));

test('pau, any degrees and version C: forward and every gradient bit for bit the JavaScript kernel', () => {
  const forward = runs('pauGeneral'), backward = runs('pauGeneralGrad');
  fc.assert(fc.property(caseArb, ({ c, values }) => {
    // (5, 4) in A, B, N is pau.ts's kernel (tests/wasm/pau.test.ts); the lengths stay in bounds
    fc.pre(!(c.m === 5 && c.n === 4 && c.version !== 'C') && denominatorLength(c) <= GENERAL_MAX_LENGTH);
    checkParity(c, values, JSON.stringify(c));
  }), { seed: 47, numRuns: 200 });
  assert.ok(runs('pauGeneral') > forward, 'the WebAssembly general forward ran');
  assert.ok(runs('pauGeneralGrad') > backward, 'the WebAssembly general backward ran');
});

// The float32 results round the kernel's float64 sums once, which hides most last-bit changes in
// them (a different association, a different summation order). So the kernel is also called
// directly here, one segment, and its float64 sums compared with RationalPoint's, bit for bit.
const VERSION_CODE = { A: 0, B: 1, N: 2, C: 3 } as const;
test('pau_general.ts: one segment\'s float64 coefficient sums bit for bit those of RationalPoint in element order', () => {
  const rt = wasmRuntime()!, heap = heapOf(rt);
  const near = fc.oneof(fc.float({ min: -6, max: 6, noNaN: true }), fc.constantFrom(0, -0, NaN, 1e5, -3e7));
  const arb = fc.record({ version: fc.constantFrom<tg.PauVersion>('A', 'B', 'C', 'N'), m1: fc.integer({ min: 1, max: GENERAL_MAX_LENGTH }), nb: fc.integer({ min: 0, max: GENERAL_MAX_LENGTH }), count: fc.integer({ min: 1, max: 40 }) })
    .chain((d) => fc.record({ d: fc.constant(d), x: fc.array(near, { minLength: d.count, maxLength: d.count }), g: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: d.count, maxLength: d.count }),
      a: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: d.m1, maxLength: d.m1 }), b: fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: d.nb, maxLength: d.nb }) }));
  fc.assert(fc.property(arb, ({ d, x, g, a, b }) => {
    const width = d.m1 + d.nb, n = d.count;
    const block = heap.alloc(4 * (4 * n + width) + 8 * width + 64, false)!;
    try {
      const f32 = new Float32Array(rt.memory.buffer, block, 4 * n + width);
      const [xAt, gAt, dxAt, aAt] = [0, n, 2 * n, 4 * n].map((k) => block + 4 * k), bAt = aAt + 4 * d.m1;
      f32.set(x, 0); f32.set(g, n); f32.set(a, 4 * n); f32.set(b, 4 * n + d.m1);
      const partials = block + 4 * (4 * n + width) + 64 - ((block + 4 * (4 * n + width)) % 8);
      const shape = VERSION_CODE[d.version] | (d.m1 << 8) | (d.nb << 16);
      rt.exports.pauBackwardGeneral(shape, gAt, xAt, aAt, bAt, 1, 1, n, dxAt, partials, 0, 1);
      const got = new Float64Array(rt.memory.buffer, partials, width).slice();
      // the reference: pau.ts's JavaScript loop for one segment
      const xs = f32.slice(0, n), gs = f32.slice(n, 2 * n), as = f32.slice(4 * n, 4 * n + d.m1), bs = f32.slice(4 * n + d.m1, 4 * n + width);
      const point = new RationalPoint(d.version, d.m1, d.nb), want = new Float64Array(width);
      for (let i = 0; i < n; i++) {
        point.evaluate(xs[i], as, bs, true);
        for (let j = 0; j < d.m1; j++) want[j] += gs[i] * point.da[j] * 1;
        for (let k = 0; k < d.nb; k++) want[d.m1 + k] += gs[i] * point.db[k] * 1;
      }
      same(got, want, `float64 sums ${JSON.stringify(d)}`);
    } finally {
      heap.release(block);
    }
  }), { seed: 53, numRuns: 300 });
});

// (an empty tensor's storage is a zero-length array on the JavaScript heap, so the call takes the
// JavaScript loop; with the kernels on or off the results must be the same)
test('pau, any degrees: empty tensors give empty outputs and zero coefficient gradients, as in JavaScript', () => {
  for (const [shape, perChannel] of [[[0], false], [[2, 3, 0], true], [[0, 2], true]] as const) {
    const c: Case = { version: 'C', m: 3, n: 2, perChannel, shape: [...shape], seed: 5 };
    checkParity(c, [], JSON.stringify(shape));
    const { av, bv, uv } = coefficients(c);
    const [y, dx, da, db] = pass(c, [], av, bv, uv);
    assert.is(y.length + dx.length, 0, 'empty outputs');
    assert.ok([...da, ...db].every((v) => Object.is(v, 0)), 'zero coefficient gradients');
  }
});

// Past one segment (core/cpu/pau_segments.ts: 4096 elements each, within a block) the sums are
// added segment by segment, on every thread count, and the JavaScript loop adds them the same way.
test('pau, any degrees and version C, across segments and threads: bit for bit the JavaScript kernel for 1, 2 and 3 threads', () => {
  const cases: Case[] = [
    { version: 'C', m: 5, n: 4, perChannel: true, shape: [3, 4, 9001], seed: 1 },
    { version: 'A', m: 3, n: 2, perChannel: false, shape: [2, 12307], seed: 2 },
    { version: 'N', m: 7, n: 6, perChannel: true, shape: [2, 2, 8193], seed: 3 },
    { version: 'B', m: 1, n: 1, perChannel: true, shape: [5, 3, 11], seed: 4 },
  ];
  try {
    for (const c of cases) {
      tg.manualSeed(100 + c.seed);
      const values = tg.randn(c.shape).mul(1.5).data();
      const { av, bv, uv } = coefficients(c);
      const want = inJavaScript(() => pass(c, values, av, bv, uv));
      for (const threads of [1, 2, 3]) {
        tg.setBackend('cpu', { threads });
        const before = { f: runs('pauGeneral'), g: runs('pauGeneralGrad'), sf: splits('pauGeneral'), sg: splits('pauGeneralGrad') };
        const got = pass(c, values, av, bv, uv);
        const what = `${c.version} (${c.m}, ${c.n}) ${JSON.stringify(c.shape)}, ${threads} thread(s)`;
        ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${what}`));
        assert.is(runs('pauGeneral'), before.f + 1, `the WebAssembly general forward ran: ${what}`);
        assert.is(runs('pauGeneralGrad'), before.g + 1, `the WebAssembly general backward ran: ${what}`);
        // large enough to share: with 2 or 3 threads both kernels were split (else the
        // thread-count independence above would be untested)
        const large = sizeOf(c.shape) >= 1 << 14;
        if (large) assert.is(splits('pauGeneral') - before.sf + splits('pauGeneralGrad') - before.sg, threads > 1 ? 2 : 0, `split across threads: ${what}`);
      }
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
});

// Rounded to float32, a different summation order rarely shows; with cancellingUpstream it does.
test('pau, any degrees: the coefficient sums go segment by segment, in JavaScript and in WebAssembly for 1, 2 and 3 threads', () => {
  const size = 5 * PAU_SEGMENT + 3, g = cancellingUpstream(size), x = new Float32Array(size);
  try {
    for (const version of ['C', 'A'] as const) {
      const c: Case = { version, m: 3, n: 2, perChannel: false, shape: [size], seed: 8 };
      const { av, bv } = coefficients(c);
      const want = inJavaScript(() => pass(c, x, av, bv, g));
      assert.is(want[2][0], 0, `${version}, JavaScript: the two segments cancel (in element order the sum would be 3/Q)`);
      for (const threads of [1, 2, 3]) {
        tg.setBackend('cpu', { threads });
        const before = runs('pauGeneralGrad');
        const got = pass(c, x, av, bv, g);
        assert.is(runs('pauGeneralGrad'), before + 1, 'the WebAssembly general backward ran');
        same(got[2], want[2], `dnumerator ${version}, ${threads} thread(s)`);
      }
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
});

test('pau: lengths beyond GENERAL_MAX_LENGTH, and RPAU at degrees other than (5, 4), run the JavaScript loop (the documented bound)', () => {
  const c: Case = { version: 'B', m: GENERAL_MAX_LENGTH, n: 2, perChannel: false, shape: [2, 5], seed: 6 };
  const before = runs('pauGeneral') + runs('pauGeneralGrad');
  checkParity(c, tg.randn(c.shape).mul(0.5).data(), 'numerator of 17');
  checkParity({ ...c, m: 2, n: GENERAL_MAX_LENGTH, version: 'C' }, tg.randn(c.shape).mul(0.5).data(), 'C, denominator of 17');
  const x = tg.randn([2, 5]);
  tg.rpau(x, tg.randn([4]), tg.randn([3]), { key: 9 }).data();
  assert.is(runs('pauGeneral') + runs('pauGeneralGrad'), before, 'no general WebAssembly run');
});

test('pau, any degrees: the segment sums go back to the WebAssembly heap (live bytes and memory size constant over 200 steps)', () => {
  tg.manualSeed(3);
  const x = tg.randn([2, 3, 70], { requiresGrad: true }), a = tg.randn([3, 4], { requiresGrad: true }), b = tg.randn([3, 3], { requiresGrad: true });
  const step = () => tg.tidy(() => {
    tg.pau(x, a, b, { version: 'C' }).sum().backward();
    for (const t of [x, a, b]) {
      t.grad!.dispose();
      t.grad = null;
    }
  });
  step();
  const before = cpuInfo().wasmHeap!, backward = runs('pauGeneralGrad');
  for (let i = 0; i < 200; i++) step();
  const after = cpuInfo().wasmHeap!;
  assert.is(runs('pauGeneralGrad'), backward + 200, 'every step ran the WebAssembly general backward');
  assert.is(after.liveBytes, before.liveBytes, 'live bytes in the WebAssembly heap');
  assert.is(after.memoryBytes, before.memoryBytes, 'WebAssembly memory size');
});

test.run();
