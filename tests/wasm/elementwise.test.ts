// The WebAssembly elementwise maps and reductions (core/wasm/assembly/elementwise.ts) against the
// JavaScript kernels they replace for float32 (the reference): fast-check over shapes with odd
// sizes around the 4-lane vectors, broadcasting in every position, empty tensors, and values
// that include NaN, ±Infinity, ±0 and subnormals. add/sub/mul/div/neg/abs/sqrt/relu must be bit
// for bit the JavaScript results; exp (computed in float64 then rounded, like Math.exp) within
// one float32 ulp; sums (float64 accumulation in another order) within one float32 ulp.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { inJavaScript } from './in_javascript.js';

const special = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -3e-39, 88.7, 89, -104, -87.3, 3.4e38];

/** float32 values: mostly ordinary, some special. */
const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -50, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...special) },
);

const shapeArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 3 });

function valuesFor(shape: number[]) {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.array(valueArb, { minLength: size, maxLength: size });
}

/** A shape and one that broadcasts against it (axes dropped from the left or set to 1). */
const pairArb = shapeArb.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    other: fc.tuple(fc.integer({ min: 0, max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
      .map(([drop, ones]) => shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))),
    swap: fc.boolean(),
  }),
).chain(({ shape, other, swap }) => fc.record({ a: fc.constant(swap ? other : shape), b: fc.constant(swap ? shape : other), av: valuesFor(swap ? other : shape), bv: valuesFor(swap ? shape : other) }));

function ulpsApart(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
  if (x === y) return 0;
  const bits = new Int32Array(new Float32Array([x, y]).buffer);
  const ordered = (b: number) => (b < 0 ? -(b & 0x7fffffff) : b);
  return Math.abs(ordered(bits[0]) - ordered(bits[1]));
}

function assertSame(got: ArrayLike<number>, want: ArrayLike<number>, ulps: number, what: string) {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    const apart = ulpsApart(got[i], want[i]);
    // bit for bit (ulps 0) means -0 and +0 differ too
    const same = ulps === 0 ? Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])) : apart <= ulps;
    if (!same) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${want[i]} (${apart} ulp apart)`);
  }
}

function runsOf(name: string): number {
  return cpuInfo().kernelRuns[name] ?? 0;
}

for (const op of ['add', 'sub', 'mul', 'div'] as const) {
  test(`${op}: bit for bit the JavaScript kernel, with broadcasting, empty and special values`, () => {
    const before = runsOf(op);
    fc.assert(fc.property(pairArb, ({ a, b, av, bv }) => {
      const x = tg.tensor(av, { shape: a }), y = tg.tensor(bv, { shape: b });
      const got = tg[op](x, y).data();
      const want = inJavaScript(() => tg[op](x, y).data());
      assertSame(got, want, 0, `${op} ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }), { seed: 14, numRuns: 150 });
    assert.ok(runsOf(op) > before, `the WebAssembly ${op} ran`);
  });
}

for (const [op, ulps] of [['neg', 0], ['abs', 0], ['sqrt', 0], ['relu', 0], ['exp', 1]] as const) {
  test(`${op}: ${ulps === 0 ? 'bit for bit' : `within ${ulps} ulp of`} the JavaScript kernel`, () => {
    const before = runsOf(op);
    fc.assert(fc.property(shapeArb.chain((s) => fc.tuple(fc.constant(s), valuesFor(s))), ([shape, values]) => {
      const x = tg.tensor(values, { shape });
      const got = (x[op] as () => tg.Tensor).call(x).data();
      const want = inJavaScript(() => (x[op] as () => tg.Tensor).call(x).data());
      assertSame(got, want, ulps, `${op} ${JSON.stringify(shape)}`);
    }), { seed: 15, numRuns: 150 });
    assert.ok(runsOf(op) > before, `the WebAssembly ${op} ran`);
  });
}

test("relu's and the arithmetic ops' first-order gradients: bit for bit the JavaScript kernels", () => {
  const before = runsOf('reluGrad');
  fc.assert(fc.property(pairArb, ({ a, b, av, bv }) => {
    const grads = () => {
      const x = tg.tensor(av, { shape: a, requiresGrad: true }), y = tg.tensor(bv, { shape: b, requiresGrad: true });
      x.relu().mul(y).sub(y).add(x).div(y.abs().add(1)).sum().backward();
      return [x.grad!.data(), y.grad!.data()];
    };
    const got = grads();
    const want = inJavaScript(grads);
    assertSame(got[0], want[0], 0, `dx ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    assertSame(got[1], want[1], 0, `dy ${JSON.stringify(a)} ${JSON.stringify(b)}`);
  }), { seed: 17, numRuns: 120 });
  assert.ok(runsOf('reluGrad') > before, 'the WebAssembly reluGrad ran');
});

test("the first-order shortcuts (add/sub/mul/div, relu's native rule) equal the table's rules, which createGraph runs", () => {
  fc.assert(fc.property(pairArb, ({ a, b, av, bv }) => {
    const grads = (createGraph: boolean) => {
      const x = tg.tensor(av, { shape: a, requiresGrad: true }), y = tg.tensor(bv, { shape: b, requiresGrad: true });
      x.relu().mul(y).sub(y).add(x).div(y.abs().add(1)).sum().backward(undefined, { createGraph });
      return [x.grad!.detach().data(), y.grad!.detach().data()];
    };
    const fast = grads(false), table = grads(true);
    assertSame(fast[0], table[0], 0, `dx ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    assertSame(fast[1], table[1], 0, `dy ${JSON.stringify(a)} ${JSON.stringify(b)}`);
  }), { seed: 18, numRuns: 100 });
});

test('exp over its whole float32 range: within 1 ulp, overflow to ∞ and underflow to 0 where Math.exp does', () => {
  const values = Float32Array.from({ length: 40001 }, (_, i) => -104 + (i * 193) / 40000);
  const x = tg.tensor(values);
  assertSame(x.exp().data(), inJavaScript(() => x.exp().data()), 1, 'exp sweep');
});

test('sum, max and min over trailing axes and whole tensors: within 1 ulp (sum), exactly (max, min), NaN propagating', () => {
  const before = runsOf('sum');
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }).chain((s) => fc.tuple(fc.constant(s), valuesFor(s), fc.integer({ min: 1, max: s.length }))),
    ([shape, values, trailing]) => {
      const x = tg.tensor(values, { shape });
      const axes = shape.map((_, i) => i).slice(shape.length - trailing);
      for (const op of ['sum', 'max', 'min'] as const) {
        const got = x[op](axes).data();
        const want = inJavaScript(() => x[op](axes).data());
        // ±0 extremes may differ in sign (WebAssembly's max(−0, +0) is +0): compare as numbers
        for (let i = 0; i < got.length; i++) {
          if (op !== 'sum' && got[i] === 0 && want[i] === 0) continue;
          if (ulpsApart(got[i], want[i]) > (op === 'sum' ? 1 : 0)) assert.unreachable(`${op} over ${JSON.stringify(axes)} of ${JSON.stringify(shape)}: ${got[i]} vs ${want[i]}`);
        }
      }
    },
  ), { seed: 16, numRuns: 150 });
  assert.ok(runsOf('sum') > before, 'the WebAssembly sum ran');
});

test('sums over every axis but a block of kept axes (bias gradients): within 1 ulp, NaN propagating', () => {
  const before = runsOf('sum');
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 4 })
      .chain((s) => fc.tuple(fc.constant(s), valuesFor(s), fc.integer({ min: 1, max: s.length - 1 }), fc.integer({ min: 1, max: s.length - 1 }))),
    ([shape, values, first, count]) => {
      const last = Math.min(shape.length - 1, first + count - 1);
      const axes = shape.map((_, i) => i).filter((i) => i < first || i > last);
      const x = tg.tensor(values, { shape });
      const got = x.sum(axes).data(), want = inJavaScript(() => x.sum(axes).data());
      for (let i = 0; i < got.length; i++) {
        if (ulpsApart(got[i], want[i]) > 1) assert.unreachable(`sum over ${JSON.stringify(axes)} of ${JSON.stringify(shape)}: ${got[i]} vs ${want[i]}`);
      }
    },
  ), { seed: 17, numRuns: 150 });
  assert.ok(runsOf('sum') > before, 'the WebAssembly sum ran');
});

test('column sums (a Linear layer\'s bias gradient, sum over axis 0 of [A, C]): bit for bit the JavaScript kernel, NaN and ±∞ included', () => {
  const before = runsOf('sum');
  for (const [A, C] of [[1, 1], [3, 8], [7, 13], [37, 29], [256, 1030]]) {
    const values = Array.from({ length: A * C }, (_, i) => (i % 97 === 5 ? NaN : i % 89 === 7 ? Infinity : Math.sin(i) * 10 ** ((i % 7) - 3)));
    const x = tg.tensor(values, { shape: [A, C] });
    const got = Array.from(x.sum(0).data() as Float32Array), want = Array.from(inJavaScript(() => x.sum(0).data()) as Float32Array);
    assert.equal(got.map((v) => (Number.isNaN(v) ? 'NaN' : v)), want.map((v) => (Number.isNaN(v) ? 'NaN' : v)), `[${A}, ${C}]`);
  }
  assert.ok(runsOf('sum') > before, 'the WebAssembly sum ran');
});

test('a float64 tensor and an unlisted op run the JavaScript kernels', () => {
  const before = runsOf('add');
  tg.tensor([1, 2], { dtype: 'float64' }).add(tg.tensor([3, 4], { dtype: 'float64' }));
  assert.is(runsOf('add'), before);
  assert.equal([...tg.tensor([1, 4]).pow(0.5).data()], [1, 2]);
});

test.run();
