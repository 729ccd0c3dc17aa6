// The WebAssembly PAU of degrees (5, 4) (core/wasm/assembly/pau.ts) against the JavaScript
// kernel (core/cpu/pau_54.ts, the reference) for float32: versions A, B and N, shared and
// per-channel coefficients, values around the poles' neighbourhood, ±0, NaN, and inputs beyond
// 2^32 (those calls stay in JavaScript, on the scaled path). Forward, dx and both coefficient
// gradients must be bit for bit the JavaScript results: the same float64 operations in the same
// order, and the coefficient sums in element order within segments, added segment by segment.
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
import { evaluate54, OUT } from '../../core/cpu/pau_54.js';


const caseArb = fc.record({
  version: fc.constantFrom('A', 'B', 'N'),
  perChannel: fc.boolean(),
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 0, max: 11 }),
  seed: fc.integer({ min: 0, max: 999 }),
}).chain((c) => fc.record({ c: fc.constant(c), values: fc.array(valueArb, { minLength: c.n * c.c * c.s, maxLength: c.n * c.c * c.s }) }));

test('pau (5, 4), versions A/B/N: forward and every gradient bit for bit the JavaScript kernel', () => {
  const before = cpuInfo().kernelRuns.pauGrad ?? 0;
  fc.assert(fc.property(caseArb, ({ c, values }) => {
    tg.manualSeed(c.seed);
    const rows = c.perChannel ? [c.c] : [];
    const av = tg.randn([...rows, 6]).data(), bv = tg.randn([...rows, 4]).data(), uv = tg.randn([c.n, c.c, c.s]).data();
    const pass = () => {
      const x = tg.tensor(values, { shape: [c.n, c.c, c.s], requiresGrad: true });
      const a = tg.tensor(av, { shape: [...rows, 6], requiresGrad: true }), b = tg.tensor(bv, { shape: [...rows, 4], requiresGrad: true });
      const y = tg.pau(x, a, b, { version: c.version });
      y.mul(tg.tensor(uv, { shape: [c.n, c.c, c.s] })).sum().backward();
      return [y.data(), x.grad!.data(), a.grad!.data(), b.grad!.data()];
    };
    const got = pass();
    const want = inJavaScript(pass);
    ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${JSON.stringify(c)}`));
  }), { seed: 41, numRuns: 150 });
  assert.ok((cpuInfo().kernelRuns.pauGrad ?? 0) > before, 'the WebAssembly PAU ran');
});

// Past one segment (core/cpu/pau_segments.ts: 4096 elements each, within a block) the sums are
// added segment by segment, on every thread count, and the JavaScript loop adds them the same way.
test('pau (5, 4) across segments and threads: bit for bit the JavaScript kernel, for 1, 2 and 3 threads', () => {
  for (const [shape, perChannel] of [[[3, 4, 9001], true], [[2, 12307], false], [[5, 3, 11], true]] as const) {
    tg.manualSeed(shape.length + shape[1]);
    const rows = perChannel ? [shape[1]] : [];
    const xv = tg.randn([...shape]).mul(1.5).data(), av = tg.randn([...rows, 6]).data(), bv = tg.randn([...rows, 4]).data(), uv = tg.randn([...shape]).data();
    const pass = () => {
      const x = tg.tensor(xv, { shape: [...shape], requiresGrad: true });
      const a = tg.tensor(av, { shape: [...rows, 6], requiresGrad: true }), b = tg.tensor(bv, { shape: [...rows, 4], requiresGrad: true });
      const y = tg.pau(x, a, b, { version: 'B' });
      y.mul(tg.tensor(uv, { shape: [...shape] })).sum().backward();
      return [y.data(), x.grad!.data(), a.grad!.data(), b.grad!.data()];
    };
    const want = inJavaScript(pass);
    try {
      for (const threads of [1, 2, 3]) {
        tg.setBackend('cpu', { threads });
        const got = pass();
        ['y', 'dx', 'dnumerator', 'ddenominator'].forEach((name, i) => same(got[i], want[i], `${name} ${JSON.stringify(shape)}, ${threads} thread(s)`));
      }
    } finally {
      tg.setBackend('cpu', { threads: 2 });
    }
  }
});

// Rounded to float32, a different summation order rarely shows; with cancellingUpstream it does.
test('pau (5, 4): the coefficient sums go segment by segment, in JavaScript and in WebAssembly for 1, 2 and 3 threads', () => {
  const size = 5 * PAU_SEGMENT + 3, g = Array.from(cancellingUpstream(size)), zeros = new Array<number>(size).fill(0);
  tg.manualSeed(9);
  const av = tg.randn([6]).data(), bv = tg.randn([4]).data();
  const pass = () => {
    const x = tg.tensor(zeros, { shape: [size], requiresGrad: true }), a = tg.tensor(av, { shape: [6], requiresGrad: true }), b = tg.tensor(bv, { shape: [4], requiresGrad: true });
    tg.pau(x, a, b, { version: 'B' }).mul(tg.tensor(g, { shape: [size] })).sum().backward();
    return a.grad!.data();
  };
  const want = inJavaScript(pass);
  assert.is(want[0], 0, 'JavaScript: the two segments cancel (in element order the sum would be 3)');
  try {
    for (const threads of [1, 2, 3]) {
      tg.setBackend('cpu', { threads });
      const before = cpuInfo().kernelRuns.pauGrad ?? 0;
      same(pass(), want, `dnumerator, ${threads} thread(s)`);
      assert.is(cpuInfo().kernelRuns.pauGrad ?? 0, before + 1, 'the WebAssembly PAU backward ran');
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
});

// The float32 results round the kernel's float64 sums once, which hides most last-bit changes in
// them (the lane order of a pair, an association): so one segment of pauBackward54 is called
// directly and its float64 sums compared with evaluate54's in element order, bit for bit; odd and
// even counts (the last element of an odd count takes the scalar path).
test('pau.ts: one segment\'s float64 coefficient sums bit for bit evaluate54\'s in element order', () => {
  const rt = wasmRuntime()!, heap = heapOf(rt);
  const VERSION_CODE = { A: 0, B: 1, N: 2 } as const;
  const near = fc.oneof(fc.float({ min: -6, max: 6, noNaN: true }), fc.constantFrom(0, -0, NaN, 1e5, -3e7));
  const arb = fc.record({ version: fc.constantFrom<'A' | 'B' | 'N'>('A', 'B', 'N'), count: fc.integer({ min: 1, max: 41 }) })
    .chain((d) => fc.record({ d: fc.constant(d), x: fc.array(near, { minLength: d.count, maxLength: d.count }), g: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: d.count, maxLength: d.count }),
      c: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 10, maxLength: 10 }) }));
  fc.assert(fc.property(arb, ({ d, x, g, c }) => {
    const n = d.count, block = heap.alloc(4 * (3 * n + 10) + 80 + 16, false)!;
    try {
      const f32 = new Float32Array(rt.memory.buffer, block, 3 * n + 10);
      const [xAt, gAt, dxAt, aAt] = [0, n, 2 * n, 3 * n].map((k) => block + 4 * k), bAt = aAt + 24;
      f32.set(x, 0); f32.set(g, n); f32.set(c, 3 * n);
      const partials = block + 4 * (3 * n + 10) + 16 - ((block + 4 * (3 * n + 10)) % 8);
      rt.exports.pauBackward54(VERSION_CODE[d.version], gAt, xAt, aAt, bAt, 1, 1, n, dxAt, partials, 0, 1);
      const got = new Float64Array(rt.memory.buffer, partials, 10).slice();
      const coefficients = Float64Array.from(f32.subarray(3 * n, 3 * n + 10)), want = new Float64Array(10);
      for (let i = 0; i < n; i++) {
        // evaluate54 leaves f, ∂F/∂x, then ∂F/∂a_0…a_5, ∂F/∂b_1…b_4 in OUT
        evaluate54(f32[i], coefficients, d.version, true);
        for (let j = 0; j < 10; j++) want[j] += f32[n + i] * OUT[2 + j];
      }
      same(got, want, `float64 sums ${JSON.stringify(d)}`);
    } finally {
      heap.release(block);
    }
  }), { seed: 54, numRuns: 300 });
});

test.run();
