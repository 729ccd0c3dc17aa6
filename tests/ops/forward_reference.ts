// Naive references for the forward-value tests: row-major index arithmetic written out loop by
// loop, NumPy broadcasting from its definition, and fast-check generators of shapes and values.
// Nothing here calls the library except the tensor constructors.
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

export interface Nd {
  shape: number[];
  values: number[];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/** The multi-index of a flat row-major position. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = shape.map(() => 0);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((acc, v, i) => acc * shape[i] + v, 0);
}

export function get(x: Nd, index: readonly number[]): number {
  return x.values[ravel(index, x.shape)];
}

/** Builds an Nd by evaluating fn at every multi-index of shape. */
export function build(shape: readonly number[], fn: (index: number[]) => number): Nd {
  return { shape: [...shape], values: Array.from({ length: sizeOf(shape) }, (_, i) => fn(unravel(i, shape))) };
}

/** NumPy's rule, from its definition: align right, sizes equal or one of them 1. */
export function broadcastShape(...shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let o = 0; o < rank; o++) {
    const sizes = shapes.map((s) => s[s.length - rank + o] ?? 1);
    const big = sizes.filter((d) => d !== 1);
    if (new Set(big).size > 1) throw new Error(`not broadcastable: ${JSON.stringify(shapes)}`);
    out.push(big.length > 0 ? big[0] : 1);
  }
  return out;
}

/** f applied at every position of the broadcast shape, each input read at its own index. */
export function naiveMap(f: (...args: number[]) => number, inputs: Nd[]): Nd {
  const shape = broadcastShape(...inputs.map((x) => x.shape));
  return build(shape, (index) =>
    f(...inputs.map((x) => get(x, x.shape.map((d, i) => (d === 1 ? 0 : index[shape.length - x.shape.length + i]))))),
  );
}

/** The groups of a reduction: one array per kept position (row-major), its members in order. */
export function groups(x: Nd, axes: readonly number[]): { shape: number[]; members: number[][] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const members: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let flat = 0; flat < x.values.length; flat++) {
    const index = unravel(flat, x.shape);
    members[ravel(index.map((v, i) => (axes.includes(i) ? 0 : v)), keptShape)].push(x.values[flat]);
  }
  return { shape: keptShape, members };
}

export function f64(x: Nd, requiresGrad = false): Tensor {
  return tg.tensor(Float64Array.from(x.values), { shape: x.shape, dtype: 'float64', requiresGrad });
}

export function f32(x: Nd): Tensor {
  return tg.tensor(Float32Array.from(x.values), { shape: x.shape, dtype: 'float32' });
}

/** Values rounded to float32 (so a float32 tensor holds them exactly). */
export function fround(x: Nd): Nd {
  return { shape: x.shape, values: x.values.map(Math.fround) };
}

// ---- generators ----------------------------------------------------------------------------

export function shapeArb(minRank = 0, maxRank = 3, minDim = 0, maxDim = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

export function valuesArb(n: number, min = -3, max = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
}

export function ndArb(shape: fc.Arbitrary<number[]>, min = -3, max = 3): fc.Arbitrary<Nd> {
  return shape.chain((s) => valuesArb(sizeOf(s), min, max).map((values) => ({ shape: s, values })));
}

/** Small integers, so that ties (for max, argmax, comparisons) are common. */
export function tiedNdArb(shape: fc.Arbitrary<number[]>): fc.Arbitrary<Nd> {
  return shape.chain((s) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: sizeOf(s), maxLength: sizeOf(s) }).map((values) => ({ shape: s, values })));
}

/**
 * `count` shapes that broadcast together: an output shape (rank ≤ 4, sizes 0–3) and, per input,
 * some leading axes dropped (all of them gives a 0-d scalar) and some axes set to 1.
 */
export function broadcastShapesArb(count: number): fc.Arbitrary<number[][]> {
  return shapeArb(0, 4, 0, 3).chain((out) =>
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })).map(([drop, ones]) =>
        out.map((d, i) => (ones[i] ? 1 : d)).slice(drop),
      ),
      { minLength: count, maxLength: count },
    ),
  );
}

/** A random subset of the axes of a rank, each written either way (axis or axis − rank). */
export function axesArb(rank: number): fc.Arbitrary<number[]> {
  return fc.array(fc.boolean(), { minLength: rank, maxLength: rank }).chain((chosen) => {
    const axes = chosen.flatMap((c, i) => (c ? [i] : []));
    return fc.array(fc.boolean(), { minLength: axes.length, maxLength: axes.length }).map((negative) => axes.map((a, i) => (negative[i] ? a - rank : a)));
  });
}

export const normalize = (axes: readonly number[], rank: number): number[] => axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);

/** The expected result shape of a reduction. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDim: boolean): number[] {
  return keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}
