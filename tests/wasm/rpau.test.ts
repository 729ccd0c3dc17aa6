// RPAU's noisy (5, 4) kernel in WebAssembly (core/wasm/assembly/rpau.ts) against the JavaScript
// kernel (core/cpu/pau.ts, the reference) for float32: noise per element and per channel, on the
// denominator or not, straight-through and exact coefficient gradients, shared and per-channel
// coefficients, odd and empty shapes, ±0, NaN, and inputs beyond 2^32 (those calls stay in
// JavaScript). The wasm kernel hashes the noise itself, so forward, dx and both coefficient
// gradients must be bit for bit the JavaScript results, for 1, 2 and 3 threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { inJavaScript } from './in_javascript.js';
import { cancellingUpstream, same, valueArb } from './pau_cases.js';
import { PAU_SEGMENT } from '../../core/cpu/pau_segments.js';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { heapOf } from '../../core/wasm/heap.js';


const caseArb = fc.record({
  perChannel: fc.boolean(),
  perElement: fc.boolean(),
  noisyDenominator: fc.boolean(),
  straightThrough: fc.boolean(),
  alpha: fc.constantFrom(0, 0.1, 0.5, 1, 0.3333, 2 ** -989, 2 ** -995, 1e-300, 3e-17),
  key: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x61c88647)),
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 0, max: 11 }),
  seed: fc.integer({ min: 0, max: 999 }),
}).chain((c) => fc.record({ c: fc.constant(c), values: fc.array(valueArb, { minLength: c.n * c.c * c.s, maxLength: c.n * c.c * c.s }) }));

interface Case { perChannel: boolean; perElement: boolean; noisyDenominator: boolean; straightThrough: boolean; alpha: number; key: number; n: number; c: number; s: number; seed: number }

/** y, dx, dnumerator, ddenominator of one rpau pass with the active kernels. */
function pass(c: Case, values: number[], av: ArrayLike<number>, bv: ArrayLike<number>, uv: ArrayLike<number>) {
  const rows = c.perChannel ? [c.c] : [];
  const x = tg.tensor(Array.from(values), { shape: [c.n, c.c, c.s], requiresGrad: true });
  const a = tg.tensor(Array.from(av), { shape: [...rows, 6], requiresGrad: true }), b = tg.tensor(Array.from(bv), { shape: [...rows, 4], requiresGrad: true });
  const { perElement, noisyDenominator, straightThrough, alpha, key } = c;
  const y = tg.rpau(x, a, b, { perElement, noisyDenominator, straightThrough, alpha, key });
  y.mul(tg.tensor(Array.from(uv), { shape: [c.n, c.c, c.s] })).sum().backward();
  return [y.data(), x.grad!.data(), a.grad!.data(), b.grad!.data()];
}

test('rpau (5, 4), every noise mode: forward and every gradient bit for bit the JavaScript kernel', () => {
  const before = cpuInfo().kernelRuns.rpauGrad ?? 0, beforeForward = cpuInfo().kernelRuns.rpau ?? 0;
  fc.assert(fc.property(caseArb, ({ c, values }) => {
    tg.manualSeed(c.seed);
    const rows = c.perChannel ? [c.c] : [];
    const av = tg.randn([...rows, 6]).data(), bv = tg.randn([...rows, 4]).data(), uv = tg.randn([c.n, c.c, c.s]).data();
    const got = pass(c, values, av, bv, uv);
    const want = inJavaScript(() => pass(c, values, av, bv, uv));
    ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${JSON.stringify(c)}`));
  }), { seed: 43, numRuns: 200 });
  assert.ok((cpuInfo().kernelRuns.rpauGrad ?? 0) > before, 'the WebAssembly RPAU backward ran');
  assert.ok((cpuInfo().kernelRuns.rpau ?? 0) > beforeForward, 'the WebAssembly RPAU forward ran');
});

test('rpau: a larger tensor (many hashed draws, long runs) bit for bit, and each noise mode changes the result', () => {
  tg.manualSeed(7);
  const c: Case = { perChannel: true, perElement: true, noisyDenominator: true, straightThrough: false, alpha: 0.25, key: 0xdeadbeef, n: 4, c: 5, s: 257, seed: 7 };
  const values = Array.from(tg.randn([c.n, c.c, c.s]).mul(2).data());
  const av = tg.randn([c.c, 6]).data(), bv = tg.randn([c.c, 4]).data(), uv = tg.randn([c.n, c.c, c.s]).data();
  const runs = cpuInfo().kernelRuns.rpauGrad ?? 0;
  const got = pass(c, values, av, bv, uv);
  assert.is(cpuInfo().kernelRuns.rpauGrad ?? 0, runs + 1, 'the WebAssembly RPAU backward ran once');
  const want = inJavaScript(() => pass(c, values, av, bv, uv));
  ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], name));
  // each flag reaches the kernel: flipping it changes some output (else the parity above could
  // hold with the flag ignored on both sides)
  for (const flip of ['perElement', 'noisyDenominator', 'straightThrough'] as const) {
    const other = pass({ ...c, [flip]: !c[flip] }, values, av, bv, uv);
    const changed = [0, 1, 2, 3].some((k) => got[k].some((v, i) => !Object.is(v, other[k][i])));
    assert.ok(changed, `flipping ${flip} changes the result`);
  }
});

// Past one segment (core/cpu/pau_segments.ts: 4096 elements each, within a block) the kernels are
// split across threads, each with its own scratch; the noise is a hash of the element's index (or
// row) and the key, and the sums are added segment by segment on both sides.
test('rpau across segments and threads: bit for bit the JavaScript kernel for 1, 2 and 3 threads', () => {
  const cases: Case[] = [
    { perChannel: true, perElement: true, noisyDenominator: true, straightThrough: false, alpha: 0.25, key: 0xdeadbeef, n: 3, c: 4, s: 9001, seed: 1 },
    { perChannel: false, perElement: true, noisyDenominator: false, straightThrough: true, alpha: 0.1, key: 0x61c88647, n: 1, c: 2, s: 12307, seed: 2 },
    { perChannel: true, perElement: false, noisyDenominator: true, straightThrough: false, alpha: 0.5, key: 7, n: 2, c: 2, s: 8193, seed: 3 },
  ];
  const splits = (name: string) => cpuInfo().threads.splitRuns[name] ?? 0;
  try {
    for (const c of cases) {
      tg.manualSeed(c.seed);
      const rows = c.perChannel ? [c.c] : [];
      const values = Array.from(tg.randn([c.n, c.c, c.s]).mul(2).data());
      const av = tg.randn([...rows, 6]).data(), bv = tg.randn([...rows, 4]).data(), uv = tg.randn([c.n, c.c, c.s]).data();
      const want = inJavaScript(() => pass(c, values, av, bv, uv));
      for (const threads of [1, 2, 3]) {
        tg.setBackend('cpu', { threads });
        const before = { f: cpuInfo().kernelRuns.rpau ?? 0, g: cpuInfo().kernelRuns.rpauGrad ?? 0, split: splits('rpau') + splits('rpauGrad') };
        const got = pass(c, values, av, bv, uv);
        const what = `${JSON.stringify(c)}, ${threads} thread(s)`;
        ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${what}`));
        assert.is(cpuInfo().kernelRuns.rpau ?? 0, before.f + 1, `the WebAssembly RPAU forward ran: ${what}`);
        assert.is(cpuInfo().kernelRuns.rpauGrad ?? 0, before.g + 1, `the WebAssembly RPAU backward ran: ${what}`);
        assert.is(splits('rpau') + splits('rpauGrad') - before.split, threads > 1 ? 2 : 0, `both kernels split across threads: ${what}`);
      }
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
});

// Rounded to float32, a different summation order rarely shows; with cancellingUpstream it does
// (straight-through: every element's ∂F/∂ã_0 at x = 0 is 1).
test('rpau: the coefficient sums go segment by segment, in JavaScript and in WebAssembly for 1, 2 and 3 threads', () => {
  const c: Case = { perChannel: false, perElement: true, noisyDenominator: true, straightThrough: true, alpha: 0.3, key: 99, n: 1, c: 1, s: 5 * PAU_SEGMENT + 3, seed: 4 };
  tg.manualSeed(c.seed);
  const av = tg.randn([6]).data(), bv = tg.randn([4]).data(), values = new Array<number>(c.s).fill(0), g = cancellingUpstream(c.s);
  const want = inJavaScript(() => pass(c, values, av, bv, g));
  assert.is(want[2][0], 0, 'JavaScript: the two segments cancel (in element order the sum would be 3)');
  try {
    for (const threads of [1, 2, 3]) {
      tg.setBackend('cpu', { threads });
      const before = cpuInfo().kernelRuns.rpauGrad ?? 0;
      const got = pass(c, values, av, bv, g);
      assert.is(cpuInfo().kernelRuns.rpauGrad ?? 0, before + 1, 'the WebAssembly RPAU backward ran');
      same(got[2], want[2], `dnumerator, ${threads} thread(s)`);
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
});

// The float32 results round the kernel's float64 sums once, which hides most last-bit changes in
// them (another association of (g·∂F/∂c̃)·φ, say). So the kernel is also called directly here,
// one segment, and its float64 sums compared with the JavaScript kernel's on float64 tensors that
// hold the same float32 values: the same arithmetic, with nothing rounded at the end.
test('rpau.ts: one segment\'s float64 coefficient sums bit for bit the JavaScript float64 kernel\'s', () => {
  const rt = wasmRuntime()!, heap = heapOf(rt), scratchBytes = rt.exports.rpauScratchBytes();
  const f32 = (min: number, max: number) => fc.float({ min, max, noNaN: true }).map(Math.fround);
  const arb = fc.record({ count: fc.integer({ min: 1, max: 150 }), perElement: fc.boolean(), noisyDenominator: fc.boolean(), straightThrough: fc.boolean(), alpha: fc.constantFrom(0.1, 0.3333, 1), key: fc.integer({ min: 0, max: 0xffffffff }) })
    .chain((d) => fc.record({ d: fc.constant(d), x: fc.array(fc.oneof(f32(-6, 6), fc.constantFrom(0, -0, NaN, 1e5)), { minLength: d.count, maxLength: d.count }),
      g: fc.array(f32(-2, 2), { minLength: d.count, maxLength: d.count }), a: fc.array(f32(-2, 2), { minLength: 6, maxLength: 6 }), b: fc.array(f32(-1, 1), { minLength: 4, maxLength: 4 }) }));
  fc.assert(fc.property(arb, ({ d, x, g, a, b }) => {
    const n = d.count, floats = 3 * n + 10;
    const block = heap.alloc(4 * floats + 80 + scratchBytes + 128, false)!;
    try {
      const view = new Float32Array(rt.memory.buffer, block, floats);
      view.set(x, 0); view.set(g, n); view.set(a, 3 * n); view.set(b, 3 * n + 6);
      const [xAt, gAt, dxAt, aAt, bAt] = [0, n, 2 * n, 3 * n, 3 * n + 6].map((k) => block + 4 * k);
      const partials = Math.ceil((block + 4 * floats) / 64) * 64, scratch = partials + 128;
      const flags = (d.perElement ? 1 : 0) | (d.noisyDenominator ? 2 : 0) | (d.straightThrough ? 0 : 4);
      rt.exports.rpauBackward54(1, gAt, xAt, aAt, bAt, 1, 1, n, dxAt, partials, d.key, d.alpha, flags, scratch, 0, 1);
      const got = Array.from(new Float64Array(rt.memory.buffer, partials, 10), (v) => 0 + v); // JavaScript adds each segment to 0
      const t = (v: number[], requiresGrad = false) => tg.tensor(v, { shape: [v.length], dtype: 'float64', requiresGrad });
      const xt = t(x, true), at = t(a, true), bt = t(b, true);
      const { perElement, noisyDenominator, straightThrough, alpha, key } = d;
      tg.rpau(xt, at, bt, { perElement, noisyDenominator, straightThrough, alpha, key }).mul(t(g)).sum().backward();
      same(got, [...at.grad!.data(), ...bt.grad!.data()], `float64 sums ${JSON.stringify(d)}`);
    } finally {
      heap.release(block);
    }
  }), { seed: 59, numRuns: 200 });
});

test('rpau: the scratch and the sums go back to the WebAssembly heap (live bytes and memory size constant over 200 steps)', () => {
  tg.manualSeed(3);
  const x = tg.randn([2, 3, 70], { requiresGrad: true }), a = tg.randn([3, 6], { requiresGrad: true }), b = tg.randn([3, 4], { requiresGrad: true });
  const step = (straightThrough: boolean) => tg.tidy(() => {
    tg.rpau(x, a, b, { straightThrough }).sum().backward();
    for (const t of [x, a, b]) {
      t.grad!.dispose();
      t.grad = null;
    }
  });
  step(true);
  step(false);
  const before = cpuInfo().wasmHeap!, runs = cpuInfo().kernelRuns.rpauGrad ?? 0;
  for (let i = 0; i < 200; i++) step(i % 2 === 0);
  const after = cpuInfo().wasmHeap!;
  assert.is(cpuInfo().kernelRuns.rpauGrad ?? 0, runs + 200, 'every step ran the WebAssembly RPAU');
  assert.is(after.liveBytes, before.liveBytes, 'live bytes in the WebAssembly heap');
  assert.is(after.memoryBytes, before.memoryBytes, 'WebAssembly memory size');
});

test.run();
