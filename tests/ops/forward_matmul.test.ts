// matmul (1-D, 2-D, batched with broadcast batch axes) and linear against naive triple loops,
// with torch.matmul's promotion rules for 1-D operands.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';
import { broadcastShape, build, f32, f64, fround, get, type Nd, shapeArb, sizeOf, valuesArb } from './forward_reference.js';

/** torch.matmul by definition: promote 1-D operands, broadcast batch axes, sum over k, drop promoted axes. */
function naiveMatmul(a: Nd, b: Nd): Nd {
  const A = a.shape.length === 1 ? { shape: [1, a.shape[0]], values: a.values } : a;
  const B = b.shape.length === 1 ? { shape: [b.shape[0], 1], values: b.values } : b;
  const [m, k] = A.shape.slice(-2);
  const n = B.shape[B.shape.length - 1];
  const batchA = A.shape.slice(0, -2), batchB = B.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB);
  const batchIndex = (own: number[], index: number[]) => own.map((d, i) => (d === 1 ? 0 : index[batch.length - own.length + i]));
  const out = build([...batch, m, n], (index) => {
    const bi = index.slice(0, batch.length);
    const [i, j] = index.slice(batch.length);
    let acc = 0;
    for (let p = 0; p < k; p++) acc += get(A, [...batchIndex(batchA, bi), i, p]) * get(B, [...batchIndex(batchB, bi), p, j]);
    return acc;
  });
  const shape = [...out.shape];
  if (b.shape.length === 1) shape.pop();
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return { shape, values: out.values };
}

/** Broadcast-compatible batch shapes, m, k, n (some 0), and whether each operand is a vector. */
const matmulArb = fc
  .record({
    batch: shapeArb(0, 3, 0, 3), dropA: fc.integer({ min: 0, max: 3 }), dropB: fc.integer({ min: 0, max: 3 }),
    onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    m: fc.integer({ min: 0, max: 5 }), k: fc.integer({ min: 0, max: 5 }), n: fc.integer({ min: 0, max: 5 }),
    vecA: fc.boolean(), vecB: fc.boolean(), f32: fc.boolean(),
  })
  .chain((s) => {
    const batchA = s.batch.map((d, i) => (s.onesA[i] ? 1 : d)).slice(s.dropA);
    const batchB = s.batch.map((d, i) => (s.onesB[i] ? 1 : d)).slice(s.dropB);
    const sa = s.vecA ? [s.k] : [...batchA, s.m, s.k];
    const sb = s.vecB ? [s.k] : [...batchB, s.k, s.n];
    return fc.record({
      a: valuesArb(sizeOf(sa)).map((values): Nd => ({ shape: sa, values })),
      b: valuesArb(sizeOf(sb)).map((values): Nd => ({ shape: sb, values })),
      f32: fc.constant(s.f32),
    });
  });

test('matmul equals the naive loop for 1-D, 2-D and broadcast batched operands', () => {
  fc.assert(fc.property(matmulArb, ({ a, b, f32: single }) => tg.tidy(() => {
    const [xa, xb] = single ? [fround(a), fround(b)] : [a, b];
    const expected = naiveMatmul(xa, xb);
    const y = single ? tg.matmul(f32(xa), f32(xb)) : f64(xa).matmul(f64(xb));
    assert.equal([...y.shape], expected.shape, `${JSON.stringify(a.shape)} @ ${JSON.stringify(b.shape)}`);
    if (single) assertClose(y.data(), expected.values, 1e-5, 1e-5);
    else assertClose(y.data(), expected.values, 1e-13, 1e-13);
  })), { numRuns: 150, seed: 31 });
});

test('matmul shapes follow torch.matmul', () => {
  const cases: [number[], number[], number[]][] = [
    [[3], [3], []],
    [[3], [3, 4], [4]],
    [[2, 3], [3], [2]],
    [[5, 2, 3], [3], [5, 2]],
    [[3], [5, 3, 4], [5, 4]],
    [[2, 1, 2, 3], [4, 3, 5], [2, 4, 2, 5]],
    [[2, 0], [0, 3], [2, 3]],
  ];
  for (const [sa, sb, expected] of cases) {
    assert.equal([...tg.matmul(tg.ones(sa), tg.ones(sb)).shape], expected, `${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`);
  }
  // an empty inner axis gives zeros
  assert.equal(tg.matmul(tg.ones([2, 0]), tg.ones([0, 3])).toArray(), [[0, 0, 0], [0, 0, 0]]);
});

test('a larger float32 matmul (past any blocking) stays within float32 accuracy', () => {
  const m = 70, k = 131, n = 67;
  const a: Nd = { shape: [m, k], values: Array.from({ length: m * k }, (_, i) => Math.fround(Math.sin(i * 0.37))) };
  const b: Nd = { shape: [k, n], values: Array.from({ length: k * n }, (_, i) => Math.fround(Math.cos(i * 0.11))) };
  assertClose(tg.matmul(f32(a), f32(b)).data(), naiveMatmul(a, b).values, 2e-5, 1e-5);
  assertClose(tg.matmul(f64(a), f64(b)).data(), naiveMatmul(a, b).values, 1e-12, 1e-12);
});

test('linear is x·Wᵀ + b over any leading axes, with and without bias', () => {
  const arb = fc.record({ batch: shapeArb(0, 3, 0, 3), inF: fc.integer({ min: 1, max: 4 }), outF: fc.integer({ min: 1, max: 4 }), bias: fc.boolean() }).chain((s) =>
    fc.record({
      s: fc.constant(s),
      x: valuesArb(sizeOf([...s.batch, s.inF])),
      w: valuesArb(s.outF * s.inF),
      b: valuesArb(s.outF),
    }),
  );
  fc.assert(fc.property(arb, ({ s, x, w, b }) => tg.tidy(() => {
    const X: Nd = { shape: [...s.batch, s.inF], values: x };
    const W: Nd = { shape: [s.outF, s.inF], values: w };
    const expected = build([...s.batch, s.outF], (index) => {
      const rows = index.slice(0, -1), o = index[index.length - 1];
      let acc = s.bias ? b[o] : 0;
      for (let i = 0; i < s.inF; i++) acc += get(X, [...rows, i]) * get(W, [o, i]);
      return acc;
    });
    const y = tg.linear(f64(X), f64(W), s.bias ? f64({ shape: [s.outF], values: b }) : undefined);
    assert.equal([...y.shape], expected.shape);
    assertClose(y.data(), expected.values, 1e-13, 1e-13);
  })), { numRuns: 80, seed: 32 });
});

test('linear with a null bias equals linear without one', () => {
  const x = tg.tensor([[1, 2]], { dtype: 'float64' });
  const w = tg.tensor([[3, 4], [5, 6]], { dtype: 'float64' });
  assert.equal(tg.linear(x, w, null).toArray(), [[11, 17]]);
  assert.equal(tg.linear(tg.tensor([1, 2], { dtype: 'float64' }), w, tg.tensor([1, -1], { dtype: 'float64' })).toArray(), [12, 16]);
});

test.run();
