// The gradient property of every differentiable op: fast-check draws shapes (broadcasting,
// size-1 axes, 0-d scalars, empty axes where legal), values kept away from kinks, and
// attributes (axes, keepDim, steps...); each drawn case is gradchecked in float64.
// gradients.test.ts runs them all; gradient_harness.test.ts proves they can fail.
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { DeuPoint, evaluate, subspaceOf } from '../../core/cpu/deu_solutions.js';
import { BINARY } from '../../ops/binary.js';
import { kinkDistance, noisy, uniform } from '../pau/reference.js';
import { UNARY } from '../../ops/unary_table.js';

export interface GradCase {
  inputs: Tensor[];
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  options?: tg.GradcheckOptions;
}

export interface GradProperty<S = unknown> {
  arb: fc.Arbitrary<S>;
  build: (spec: S) => GradCase;
}

function property<S>(arb: fc.Arbitrary<S>, build: (spec: S) => GradCase): GradProperty {
  return { arb, build } as GradProperty;
}

// ---- generators ------------------------------------------------------------------------

const MARGIN = 0.1;

/** Moves a value that lies within MARGIN of a kink to MARGIN away, on its own side. */
function awayFromKinks(v: number, kinks: readonly number[]): number {
  for (const k of kinks) {
    if (Math.abs(v - k) < MARGIN) return v >= k ? k + MARGIN : k - MARGIN;
  }
  return v;
}

export function shapeArb(minRank = 0, maxRank = 3, minDim = 0, maxDim = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function valuesArb(shape: readonly number[], domain: readonly [number, number], kinks: readonly number[] = []): fc.Arbitrary<number[]> {
  const n = sizeOf(shape);
  return fc
    .array(fc.double({ min: domain[0], max: domain[1], noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
    .map((vs) => vs.map((v) => awayFromKinks(v, kinks)));
}

/** Values with distinct magnitudes ≥ 0.3 apart and ≥ 0.3 from 0, alternating in sign (ties and 0 are kinks of max, min and abs). */
function distinctValuesArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  const n = sizeOf(shape);
  return fc
    .tuple(fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }), fc.double({ min: 0, max: 0.1, noNaN: true }))
    .map(([order, jitter]) => order.map((k) => (k % 2 === 0 ? 1 : -1) * ((k + 1) * 0.3 + jitter)));
}

/** An output shape and input shapes that broadcast to it (dropped leading axes, axes set to 1). */
function broadcastShapesArb(count: number, allowEmpty = true): fc.Arbitrary<number[][]> {
  return shapeArb(0, 3, allowEmpty ? 0 : 1, 3).chain((out) =>
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })).map(([drop, ones]) =>
        out.map((d, i) => (ones[i] ? 1 : d)).slice(drop),
      ),
      { minLength: count, maxLength: count },
    ),
  );
}

/**
 * How the cases build their tensors: float64 for the gradcheck suite; float32 for the parity suite
 * of the WebAssembly kernels (tests/wasm/gradient_parity.test.ts).
 */
export const caseBuild: { dtype: tg.DType } = { dtype: 'float64' };

export function f64(values: readonly number[], shape: readonly number[], requiresGrad = true): Tensor {
  return tg.tensor(caseBuild.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), { shape, dtype: caseBuild.dtype, requiresGrad });
}

const withValues = (shape: number[], domain: readonly [number, number] = [-2, 2], kinks: readonly number[] = []) =>
  valuesArb(shape, domain, kinks).map((values) => ({ shape, values }));

/** A random non-empty subset of axes (or undefined = all), and keepDim. */
function axesArb(rank: number): fc.Arbitrary<{ axes: number[] | undefined; keepDim: boolean }> {
  const axes = rank === 0
    ? fc.constant(undefined)
    : fc.oneof(fc.constant(undefined), fc.subarray(Array.from({ length: rank }, (_, i) => i), { minLength: 1 }));
  return fc.record({ axes, keepDim: fc.boolean() });
}

// ---- properties ----------------------------------------------------------------------------

export const GRADIENT_PROPERTIES: Record<string, GradProperty> = {};

for (const def of Object.values(UNARY)) {
  if (def.gradKind === 'none') continue;
  GRADIENT_PROPERTIES[def.name] = property(shapeArb().chain((shape) => withValues(shape, def.domain, def.kinks)), ({ shape, values }) => ({
    inputs: [f64(values, shape)],
    fn: (x) => tg.unary(def, x),
  }));
}

for (const def of Object.values(BINARY)) {
  const tieFree = def.name === 'maximum' || def.name === 'minimum';
  GRADIENT_PROPERTIES[def.name] = property(
    broadcastShapesArb(2).chain(([sa, sb]) =>
      fc.record({ sa: fc.constant(sa), sb: fc.constant(sb), a: valuesArb(sa, def.domainA), b: valuesArb(sb, def.domainB) }),
    ).filter(({ sa, sb, a, b }) => !tieFree || !hasNearTie(sa, a, sb, b)),
    ({ sa, sb, a, b }) => ({ inputs: [f64(a, sa), f64(b, sb)], fn: (x, y) => tg.binary(def, x, y) }),
  );
}

/** True when some broadcast pair of a and b lies within MARGIN (a kink of maximum/minimum). */
function hasNearTie(sa: number[], a: number[], sb: number[], b: number[]): boolean {
  const x = f64(a, sa, false), y = f64(b, sb, false);
  const close = tg.sub(x, y).abs().lt(MARGIN).sum().item();
  return close > 0;
}

GRADIENT_PROPERTIES.where = property(
  broadcastShapesArb(3).chain(([sc, sa, sb]) =>
    fc.record({
      sc: fc.constant(sc), sa: fc.constant(sa), sb: fc.constant(sb),
      c: fc.array(fc.constantFrom(0, 1), { minLength: sizeOf(sc), maxLength: sizeOf(sc) }),
      a: valuesArb(sa, [-2, 2]), b: valuesArb(sb, [-2, 2]),
    }),
  ),
  ({ sc, sa, sb, c, a, b }) => ({ inputs: [f64(a, sa), f64(b, sb)], fn: (x, y) => tg.where(f64(c, sc, false), x, y) }),
);

GRADIENT_PROPERTIES.clone = property(shapeArb().chain((s) => withValues(s)), ({ shape, values }) => ({ inputs: [f64(values, shape)], fn: (x) => x.clone().mul(x) }));
GRADIENT_PROPERTIES.cast = property(shapeArb(0, 2, 1, 3).chain((s) => withValues(s, [0.5, 2])), ({ shape, values }) => ({
  inputs: [f64(values, shape)],
  // through float32 and back: finite differences need a larger eps and float32 tolerances
  fn: (x) => x.to('float32').to('float64').mul(x),
  options: { eps: 1e-3, atol: 1e-4, rtol: 2e-3 },
}));

// reductions
const reduction = (domain: readonly [number, number], kinks: readonly number[] = [], distinct = false) =>
  shapeArb(0, 3, 1, 3).chain((shape) =>
    fc.record({ shape: fc.constant(shape), values: distinct ? distinctValuesArb(shape) : valuesArb(shape, domain, kinks), attrs: axesArb(shape.length) }),
  );

GRADIENT_PROPERTIES.sum = property(reduction([-2, 2]), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.sum(attrs.axes, { keepDim: attrs.keepDim }) }));
GRADIENT_PROPERTIES.mean = property(reduction([-2, 2]), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.mean(attrs.axes, { keepDim: attrs.keepDim }) }));
GRADIENT_PROPERTIES.prod = property(reduction([-2, 2]), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.prod(attrs.axes, { keepDim: attrs.keepDim }) }));
GRADIENT_PROPERTIES.max = property(reduction([-2, 2], [], true), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.max(attrs.axes, { keepDim: attrs.keepDim }) }));
GRADIENT_PROPERTIES.min = property(reduction([-2, 2], [], true), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.min(attrs.axes, { keepDim: attrs.keepDim }) }));
GRADIENT_PROPERTIES.logsumexp = property(reduction([-3, 3]), ({ shape, values, attrs }) => ({ inputs: [f64(values, shape)], fn: (x) => x.logsumexp(attrs.axes, { keepDim: attrs.keepDim }) }));
// var/std need at least two elements per group for correction 1 (else 0/0)
const spread = shapeArb(1, 3, 2, 3).chain((shape) =>
  fc.record({ shape: fc.constant(shape), values: distinctValuesArb(shape), attrs: axesArb(shape.length), correction: fc.constantFrom(0, 1) }),
);
GRADIENT_PROPERTIES.var = property(spread, ({ shape, values, attrs, correction }) => ({ inputs: [f64(values, shape)], fn: (x) => x.var(attrs.axes, { keepDim: attrs.keepDim, correction }) }));
GRADIENT_PROPERTIES.std = property(spread, ({ shape, values, attrs, correction }) => ({ inputs: [f64(values, shape)], fn: (x) => x.std(attrs.axes, { keepDim: attrs.keepDim, correction }) }));
GRADIENT_PROPERTIES.norm = property(
  reduction([-2, 2], [0], true).chain((spec) => fc.record({ spec: fc.constant(spec), p: fc.constantFrom(1, 2, Infinity) })),
  ({ spec: { shape, values, attrs }, p }) => ({ inputs: [f64(values, shape)], fn: (x) => x.norm(p, attrs.axes, { keepDim: attrs.keepDim }) }),
);

// matmul and linear
GRADIENT_PROPERTIES.matmul = property(
  fc.record({
    m: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }),
    batchA: shapeArb(0, 2, 1, 2), batchB: shapeArb(0, 2, 1, 2), vecA: fc.boolean(), vecB: fc.boolean(),
  }).filter(({ batchA, batchB }) => batchA.every((d, i) => { const j = batchB.length - batchA.length + i; return j < 0 || d === 1 || batchB[j] === 1 || batchB[j] === d; }))
    .chain((s) => {
      const sa = s.vecA ? [s.k] : [...s.batchA, s.m, s.k];
      const sb = s.vecB ? [s.k] : [...s.batchB, s.k, s.n];
      return fc.record({ sa: fc.constant(sa), sb: fc.constant(sb), a: valuesArb(sa, [-2, 2]), b: valuesArb(sb, [-2, 2]) });
    }),
  ({ sa, sb, a, b }) => ({ inputs: [f64(a, sa), f64(b, sb)], fn: (x, y) => tg.matmul(x, y) }),
);
GRADIENT_PROPERTIES.linear = property(
  fc.record({ batch: shapeArb(0, 2, 1, 3), inF: fc.integer({ min: 1, max: 3 }), outF: fc.integer({ min: 1, max: 3 }), bias: fc.boolean() }).chain((s) =>
    fc.record({
      s: fc.constant(s),
      x: valuesArb([...s.batch, s.inF], [-2, 2]), w: valuesArb([s.outF, s.inF], [-2, 2]), b: valuesArb([s.outF], [-2, 2]),
    }),
  ),
  ({ s, x, w, b }) => ({
    inputs: s.bias ? [f64(x, [...s.batch, s.inF]), f64(w, [s.outF, s.inF]), f64(b, [s.outF])] : [f64(x, [...s.batch, s.inF]), f64(w, [s.outF, s.inF])],
    fn: (xx, ww, bb) => tg.linear(xx, ww, bb),
  }),
);

// shape ops (each output is multiplied by fixed weights so that every element's gradient differs)
const weighted = (y: Tensor) => y.mul(tg.arange(1, y.size + 1, 1, { dtype: caseBuild.dtype }).reshape(y.shape as number[]).mul(0.25));
const anyTensor = (minDim = 0) => shapeArb(0, 3, minDim, 3).chain((s) => withValues(s));

GRADIENT_PROPERTIES.reshape = property(anyTensor(), ({ shape, values }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(x.reshape([-1])) }));
GRADIENT_PROPERTIES.flatten = property(anyTensor(1), ({ shape, values }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(x.flatten(shape.length > 1 ? 1 : 0)) }));
GRADIENT_PROPERTIES.permute = property(
  shapeArb(1, 3, 0, 3).chain((shape) => fc.record({ shape: fc.constant(shape), values: valuesArb(shape, [-2, 2]), order: fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }) })),
  ({ shape, values, order }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(x.permute(order)) }),
);
GRADIENT_PROPERTIES.transpose = property(shapeArb(2, 3, 1, 3).chain((s) => withValues(s)), ({ shape, values }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(x.transpose(0, -1)) }));
GRADIENT_PROPERTIES.expand = property(
  broadcastShapesArb(1).chain(([s]) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), extra: fc.integer({ min: 1, max: 3 }) })),
  ({ s, values, extra }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.expand([extra, ...s.map((d) => (d === 1 ? 2 : d))])) }),
);
GRADIENT_PROPERTIES.squeeze = property(
  shapeArb(0, 3, 1, 3).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), at: fc.integer({ min: 0, max: s.length }) })),
  ({ s, values, at }) => {
    const shape = [...s];
    shape.splice(at, 0, 1);
    return { inputs: [f64(values, shape)], fn: (x) => weighted(x.squeeze(at)) };
  },
);
GRADIENT_PROPERTIES.unsqueeze = property(
  shapeArb(0, 3, 1, 3).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), at: fc.integer({ min: 0, max: s.length }) })),
  ({ s, values, at }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.unsqueeze(at)) }),
);
GRADIENT_PROPERTIES.slice = property(
  shapeArb(1, 3, 1, 5).chain((s) =>
    fc.record({
      s: fc.constant(s),
      values: valuesArb(s, [-2, 2]),
      ranges: fc.tuple(...s.map((d) => fc.tuple(fc.integer({ min: -d, max: d }), fc.integer({ min: -d, max: d }), fc.integer({ min: 1, max: 3 })))),
    }),
  ),
  ({ s, values, ranges }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.slice(ranges as [number, number, number][])) }),
);
GRADIENT_PROPERTIES.narrow = property(
  shapeArb(1, 3, 1, 4).chain((s) =>
    fc.integer({ min: 0, max: s.length - 1 }).chain((dim) =>
      fc.integer({ min: 0, max: s[dim] }).chain((start) =>
        fc.record({ s: fc.constant(s), dim: fc.constant(dim), start: fc.constant(start), length: fc.integer({ min: 0, max: s[dim] - start }), values: valuesArb(s, [-2, 2]) }),
      ),
    ),
  ),
  ({ s, dim, start, length, values }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.narrow(dim, start, length)) }),
);
const concatArb = shapeArb(1, 3, 1, 3).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).chain((axis) =>
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }).chain((sizes) => {
      const shapes = sizes.map((d) => s.map((x, i) => (i === axis ? d : x)));
      return fc.record({ axis: fc.constant(axis), shapes: fc.constant(shapes), values: fc.tuple(...shapes.map((sh) => valuesArb(sh, [-2, 2]))) });
    }),
  ),
);
GRADIENT_PROPERTIES.concat = property(concatArb, ({ axis, shapes, values }) => ({
  inputs: shapes.map((sh, i) => f64(values[i], sh)),
  fn: (...xs) => weighted(tg.concat(xs, axis)),
}));
GRADIENT_PROPERTIES.stack = property(
  shapeArb(0, 2, 0, 3).chain((s) =>
    fc.record({ s: fc.constant(s), axis: fc.integer({ min: 0, max: s.length }), values: fc.array(valuesArb(s, [-2, 2]), { minLength: 1, maxLength: 3 }) }),
  ),
  ({ s, axis, values }) => ({ inputs: values.map((v) => f64(v, s)), fn: (...xs) => weighted(tg.stack(xs, axis)) }),
);
GRADIENT_PROPERTIES.split = property(
  shapeArb(1, 3, 1, 4).chain((s) => fc.record({ s: fc.constant(s), axis: fc.integer({ min: 0, max: s.length - 1 }), size: fc.integer({ min: 1, max: 3 }), values: valuesArb(s, [-2, 2]) })),
  ({ s, axis, size, values }) => ({ inputs: [f64(values, s)], fn: (x) => x.split(size, axis).map((piece, i) => piece.mul(i + 1)) }),
);
GRADIENT_PROPERTIES.chunk = property(
  shapeArb(1, 3, 1, 4).chain((s) => fc.record({ s: fc.constant(s), axis: fc.integer({ min: 0, max: s.length - 1 }), chunks: fc.integer({ min: 1, max: 3 }), values: valuesArb(s, [-2, 2]) })),
  ({ s, axis, chunks, values }) => ({ inputs: [f64(values, s)], fn: (x) => x.chunk(chunks, axis).map((piece, i) => piece.mul(i + 2)) }),
);
GRADIENT_PROPERTIES.pad = property(
  shapeArb(1, 3, 1, 4).chain((s) =>
    fc.constantFrom('constant', 'reflect', 'replicate').chain((mode) => {
      const lastAxes = s.slice(-Math.min(s.length, 2)).reverse();
      const limit = (d: number) => (mode === 'reflect' ? d - 1 : 3);
      return fc.record({
        s: fc.constant(s), mode: fc.constant(mode as 'constant' | 'reflect' | 'replicate'), values: valuesArb(s, [-2, 2]),
        pads: fc.tuple(...lastAxes.flatMap((d) => [fc.integer({ min: 0, max: limit(d) }), fc.integer({ min: 0, max: limit(d) })])),
        value: fc.double({ min: -1, max: 1, noNaN: true }),
      });
    }),
  ),
  ({ s, mode, values, pads, value }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.pad(pads, mode, value)) }),
);
GRADIENT_PROPERTIES.flip = property(
  shapeArb(1, 3, 0, 3).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), axes: fc.subarray(s.map((_, i) => i), { minLength: 1 }) })),
  ({ s, values, axes }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.flip(axes)) }),
);
GRADIENT_PROPERTIES.repeat = property(
  shapeArb(0, 2, 1, 3).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), reps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length + 1 }) })),
  ({ s, values, reps }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.repeat(reps)) }),
);
GRADIENT_PROPERTIES.tile = property(
  shapeArb(1, 3, 1, 3).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), reps: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: s.length }) })),
  ({ s, values, reps }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.tile(reps)) }),
);
const indexed = shapeArb(1, 3, 1, 3).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).chain((dim) => {
    const idxShape = s.map((d, i) => (i === dim ? d + 1 : d));
    return fc.record({
      s: fc.constant(s), dim: fc.constant(dim), idxShape: fc.constant(idxShape), values: valuesArb(s, [-2, 2]),
      index: fc.array(fc.integer({ min: 0, max: s[dim] - 1 }), { minLength: sizeOf(idxShape), maxLength: sizeOf(idxShape) }),
      src: valuesArb(idxShape, [-2, 2]),
    });
  }),
);
GRADIENT_PROPERTIES.gather = property(indexed, ({ s, dim, idxShape, values, index }) => ({
  inputs: [f64(values, s)],
  fn: (x) => weighted(x.gather(dim, f64(index, idxShape, false))),
}));
GRADIENT_PROPERTIES.scatterAdd = property(indexed, ({ s, dim, idxShape, values, index, src }) => ({
  inputs: [f64(values, s), f64(src, idxShape)],
  fn: (x, y) => weighted(x.scatterAdd(dim, f64(index, idxShape, false), y)),
}));
GRADIENT_PROPERTIES.indexSelect = property(
  shapeArb(1, 3, 1, 3).chain((s) =>
    fc.integer({ min: 0, max: s.length - 1 }).chain((dim) =>
      fc.record({ s: fc.constant(s), dim: fc.constant(dim), values: valuesArb(s, [-2, 2]), index: fc.array(fc.integer({ min: 0, max: s[dim] - 1 }), { maxLength: 4 }) }),
    ),
  ),
  ({ s, dim, values, index }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.indexSelect(dim, index)) }),
);

// softmax and losses
const softmaxArb = shapeArb(1, 3, 1, 4).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-3, 3]), axis: fc.integer({ min: -s.length, max: s.length - 1 }) }));
GRADIENT_PROPERTIES.softmax = property(softmaxArb, ({ s, values, axis }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.softmax(axis)) }));
GRADIENT_PROPERTIES.logSoftmax = property(softmaxArb, ({ s, values, axis }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.logSoftmax(axis)) }));

const reductionArb = fc.constantFrom('none', 'mean', 'sum') as fc.Arbitrary<'none' | 'mean' | 'sum'>;
const pairArb = (kinkFree: boolean) =>
  shapeArb(0, 3, 1, 3).chain((s) =>
    fc.record({ s: fc.constant(s), a: valuesArb(s, [-2, 2]), b: valuesArb(s, [-2, 2]), reduction: reductionArb, param: fc.double({ min: 0.3, max: 2, noNaN: true }) }),
  ).filter(({ a, b, param }) => !kinkFree || a.every((v, i) => Math.abs(Math.abs(v - b[i]) - param) > MARGIN && Math.abs(v - b[i]) > MARGIN));
GRADIENT_PROPERTIES.mseLoss = property(pairArb(false), ({ s, a, b, reduction }) => ({ inputs: [f64(a, s), f64(b, s)], fn: (x, y) => tg.mseLoss(x, y, { reduction }) }));
GRADIENT_PROPERTIES.l1Loss = property(pairArb(true), ({ s, a, b, reduction }) => ({ inputs: [f64(a, s), f64(b, s)], fn: (x, y) => tg.l1Loss(x, y, { reduction }) }));
GRADIENT_PROPERTIES.smoothL1Loss = property(pairArb(true), ({ s, a, b, reduction, param }) => ({ inputs: [f64(a, s), f64(b, s)], fn: (x, y) => tg.smoothL1Loss(x, y, { reduction, beta: param }) }));
GRADIENT_PROPERTIES.huberLoss = property(pairArb(true), ({ s, a, b, reduction, param }) => ({ inputs: [f64(a, s), f64(b, s)], fn: (x, y) => tg.huberLoss(x, y, { reduction, delta: param }) }));
GRADIENT_PROPERTIES.bceWithLogits = property(
  shapeArb(0, 3, 1, 3).chain((s) => fc.record({
    s: fc.constant(s), a: valuesArb(s, [-4, 4]), b: valuesArb(s, [0, 1]), reduction: reductionArb,
    // posWeight per class (the last axis), weight per element; both differentiated when drawn
    p: fc.option(valuesArb(s.slice(-1), [0.2, 3]), { nil: undefined }), w: fc.option(valuesArb(s, [0, 2]), { nil: undefined }),
  })),
  ({ s, a, b, reduction, p, w }) => ({
    inputs: [f64(a, s), f64(b, s), ...(p ? [f64(p, s.slice(-1))] : []), ...(w ? [f64(w, s)] : [])],
    fn: (x, y, ...rest) => tg.bceWithLogits(x, y, { reduction, posWeight: p ? rest[0] : undefined, weight: w ? rest[rest.length - 1] : undefined }),
  }),
);
const classification = fc
  .record({ n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 2, max: 4 }), extra: shapeArb(0, 1, 1, 2), reduction: reductionArb, smoothing: fc.constantFrom(0, 0.1, 0.5), ignore: fc.boolean() })
  .chain((s) => {
    const inputShape = [s.n, s.c, ...s.extra];
    const targetSize = s.n * sizeOf(s.extra);
    return fc.record({
      s: fc.constant(s), inputShape: fc.constant(inputShape), logits: valuesArb(inputShape, [-3, 3]),
      target: fc.array(fc.integer({ min: s.ignore ? -1 : 0, max: s.c - 1 }), { minLength: targetSize, maxLength: targetSize }),
    });
  })
  // a mean over zero valid targets is 0/0 in PyTorch too; keep at least one
  .filter(({ target }) => target.some((t) => t >= 0));
// crossEntropy with or without class weights, on class indices or on probabilities (both differentiated)
GRADIENT_PROPERTIES.crossEntropy = property(
  classification.chain((d) => fc.record({ d: fc.constant(d), weight: fc.option(valuesArb([d.s.c], [0.2, 2]), { nil: undefined }), soft: fc.boolean(), q: valuesArb(d.inputShape, [0, 1]) })),
  ({ d: { s, inputShape, logits, target }, weight, soft, q }) => ({
    inputs: [f64(logits, inputShape), ...(weight ? [f64(weight, [s.c])] : []), ...(soft ? [f64(q, inputShape)] : [])],
    fn: (x, ...rest) => {
      const w = weight ? rest[0] : undefined;
      const t = soft ? rest[rest.length - 1] : f64(target, [s.n, ...s.extra], false);
      return tg.crossEntropy(x, t, { reduction: s.reduction, labelSmoothing: s.smoothing, ignoreIndex: soft ? undefined : -1, weight: w });
    },
  }),
);
GRADIENT_PROPERTIES.nllLoss = property(
  classification.chain((d) => fc.record({ d: fc.constant(d), weight: fc.option(valuesArb([d.s.c], [0.2, 2]), { nil: undefined }) })),
  ({ d: { s, inputShape, logits, target }, weight }) => ({
    inputs: [f64(logits, inputShape)],
    fn: (x) => tg.nllLoss(x, f64(target, [s.n, ...s.extra], false), { reduction: s.reduction, ignoreIndex: -1, weight: weight && f64(weight, [s.c], false) }),
  }),
);
GRADIENT_PROPERTIES.binaryCrossEntropy = property(
  shapeArb(0, 3, 1, 3).chain((s) => fc.record({ s: fc.constant(s), a: valuesArb(s, [0.05, 0.95]), b: valuesArb(s, [0, 1]), w: valuesArb(s, [0.2, 2]), reduction: reductionArb })),
  ({ s, a, b, w, reduction }) => ({
    inputs: [f64(a, s), f64(b, s)],
    fn: (x, y) => tg.binaryCrossEntropy(x, y, { reduction, weight: f64(w, s, false) }),
  }),
);
GRADIENT_PROPERTIES.klDiv = property(
  shapeArb(1, 3, 1, 3).chain((s) => fc.record({
    s: fc.constant(s), a: valuesArb(s, [-3, 0]), b: valuesArb(s, [0.05, 1]), logTarget: fc.boolean(),
    reduction: fc.constantFrom('none', 'mean', 'sum', 'batchmean') as fc.Arbitrary<'none' | 'mean' | 'sum' | 'batchmean'>,
  })),
  ({ s, a, b, logTarget, reduction }) => ({
    inputs: [f64(a, s), f64(logTarget ? b.map(Math.log) : b, s)],
    fn: (x, t) => tg.klDiv(x, t, { reduction, logTarget }),
  }),
);

// the activations that are not one scalar function (issue 17)
const evenAxisArb = shapeArb(1, 3, 1, 3).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).chain((axis) => {
    const shape = s.map((d, i) => (i === axis ? 2 * d : d));
    return fc.record({ shape: fc.constant(shape), axis: fc.constant(axis), values: valuesArb(shape, [-3, 3]) });
  }),
);
GRADIENT_PROPERTIES.glu = property(evenAxisArb, ({ shape, axis, values }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(tg.glu(x, axis)) }));
GRADIENT_PROPERTIES.softmin = property(softmaxArb, ({ s, values, axis }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(x.softmin(axis)) }));

// convolution, pooling, group norm (fused kernels)
GRADIENT_PROPERTIES.conv2d = property(
  fc.record({
    n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 2 }), og: fc.integer({ min: 1, max: 2 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }),
    padding: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant('same' as const)), extraH: fc.integer({ min: 0, max: 3 }), extraW: fc.integer({ min: 0, max: 3 }), bias: fc.boolean(),
  }).chain((s) => {
    const pad = s.padding === 'same' ? 0 : s.padding;
    const H = Math.max(1, s.dilation * (s.kh - 1) + 1 - 2 * pad + s.extraH);
    const W = Math.max(1, s.dilation * (s.kw - 1) + 1 - 2 * pad + s.extraW);
    const xs = [s.n, s.cg * s.groups, H, W], ws = [s.og * s.groups, s.cg, s.kh, s.kw];
    return fc.record({ s: fc.constant(s), xs: fc.constant(xs), ws: fc.constant(ws), x: valuesArb(xs, [-1, 1]), w: valuesArb(ws, [-1, 1]), b: valuesArb([ws[0]], [-1, 1]) });
  }),
  ({ s, xs, ws, x, w, b }) => {
    const stride = s.padding === 'same' ? 1 : s.stride;
    const opts = { stride, padding: s.padding, dilation: s.dilation, groups: s.groups };
    return {
      inputs: s.bias ? [f64(x, xs), f64(w, ws), f64(b, [ws[0]])] : [f64(x, xs), f64(w, ws)],
      fn: (xx, ww, bb) => weighted(tg.conv2d(xx, ww, bb ?? null, opts)),
    };
  },
);
const poolArb = (maxPool: boolean) =>
  fc.record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }), k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }),
    dilation: maxPool ? fc.integer({ min: 1, max: 2 }) : fc.constant(1), padFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    extra: fc.integer({ min: 0, max: 3 }), ceilMode: fc.boolean(), countIncludePad: fc.boolean(),
  }).chain((s) => {
    const effective = s.dilation * (s.k - 1) + 1;
    const padding = Math.floor(s.padFraction * Math.floor(effective / 2));
    const H = Math.max(1, effective - 2 * padding + s.extra), W = Math.max(1, effective - 2 * padding + ((s.extra + 1) % 4));
    const shape = [s.n, s.c, H, W];
    return fc.record({ s: fc.constant({ ...s, padding }), shape: fc.constant(shape), values: maxPool ? distinctValuesArb(shape) : valuesArb(shape, [-2, 2]) });
  });
GRADIENT_PROPERTIES.maxPool2d = property(poolArb(true), ({ s, shape, values }) => ({
  inputs: [f64(values, shape)],
  fn: (x) => weighted(tg.maxPool2d(x, { kernelSize: s.k, stride: s.stride, padding: s.padding, dilation: s.dilation, ceilMode: s.ceilMode })),
}));
GRADIENT_PROPERTIES.avgPool2d = property(poolArb(false), ({ s, shape, values }) => ({
  inputs: [f64(values, shape)],
  fn: (x) => weighted(tg.avgPool2d(x, { kernelSize: s.k, stride: s.stride, padding: s.padding, ceilMode: s.ceilMode, countIncludePad: s.countIncludePad })),
}));
GRADIENT_PROPERTIES.adaptiveAvgPool2d = property(
  fc.record({ shape: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })), out: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })) })
    .chain(({ shape, out }) => fc.record({ shape: fc.constant(shape), out: fc.constant(out), values: valuesArb(shape, [-2, 2]) })),
  ({ shape, out, values }) => ({ inputs: [f64(values, shape)], fn: (x) => weighted(tg.adaptiveAvgPool2d(x, out)) }),
);
GRADIENT_PROPERTIES.groupNorm = property(
  fc.record({ n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), spatial: shapeArb(0, 2, 1, 3), affine: fc.boolean() })
    .chain((s) => {
      const shape = [s.n, s.groups * s.cg, ...s.spatial];
      const C = s.groups * s.cg;
      return fc.record({ s: fc.constant(s), shape: fc.constant(shape), values: valuesArb(shape, [-2, 2]), w: valuesArb([C], [0.5, 2]), b: valuesArb([C], [-1, 1]) });
    }),
  ({ s, shape, values, w, b }) => ({
    inputs: s.affine ? [f64(values, shape), f64(w, [shape[1]]), f64(b, [shape[1]])] : [f64(values, shape)],
    fn: (x, ww, bb) => weighted(tg.groupNorm(x, s.groups, ww ?? null, bb ?? null)),
  }),
);

// DEU: one subspace pattern per draw (which of a, b, c are below ε), shared by every neuron. Finite
// differences are exact only away from the subspace boundaries, so coefficients are ≥ 0.5 in
// magnitude or below ε, |Δ| ≥ 0.05 (outside the forced band, whose gradients are pseudo-gradients),
// t ∈ [0.2, 1.5] (past δ_s's bump at 0 and its floor below −0.14), exponents below the cap, and
// draws where y or a partial nears the ±1000 clip are dropped. A coefficient below ε is a constant
// here: outward gravitation borrows its gradient, which is not a derivative of the forward map.
const deuCoeff = (on: boolean) =>
  on ? fc.tuple(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v)) : fc.double({ min: -0.009, max: 0.009, noNaN: true });
GRADIENT_PROPERTIES.deu = property(
  fc.record({ on: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), n: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 3 }), spatial: fc.constantFrom([], [1, 2], [2, 2]), matrix: fc.boolean() })
    .chain((s) => {
      const shape = [s.n, s.f, ...s.spatial];
      const coeffs = fc.array(fc.tuple(deuCoeff(s.on[0]), deuCoeff(s.on[1]), deuCoeff(s.on[2]), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: s.f, maxLength: s.f });
      return fc.record({ s: fc.constant(s), shape: fc.constant(shape), x: valuesArb(shape, [0.2, 1.5]), coeffs });
    })
    .filter(({ s, x, coeffs }) => coeffs.every(([a, b, c, c1, c2], f) => {
      if (s.on.every(Boolean) && Math.abs(b * b - 4 * a * c) < 0.05) return false;
      const sub = subspaceOf(a, b, c, 0.01)!;
      const point = new DeuPoint();
      return x.filter((_, i) => Math.floor(i / (x.length / s.n / s.f)) % s.f === f).every((t) => {
        const p = evaluate(sub, t, { a, b, c, c1, c2 }, 100, point, true);
        return [p.y, p.dt, p.da, p.db, p.dc, p.dc1, p.dc2].every((v) => Math.abs(v) < 500);
      });
    })),
  ({ s, shape, x, coeffs }) => {
    const columns = [0, 1, 2, 3, 4].map((j) => f64(coeffs.map((row) => row[j]), [s.f], j > 2 || s.on[j]));
    const matrix = s.matrix && s.on.every(Boolean);
    const params = matrix ? [f64(coeffs.flat(), [s.f, 5])] : columns.filter((t) => t.requiresGrad);
    return {
      inputs: [f64(x, shape), ...params],
      fn: (xx, ...ps) => {
        let k = 0;
        return weighted(tg.deu(xx, matrix ? ps[0] : columns.map((t) => (t.requiresGrad ? ps[k++] : t))));
      },
    };
  },
);

// PAU: every version and degree, shared or per-channel coefficients. Finite differences are
// exact only away from kinks (A: x = 0 or b_k = 0; B, C: where the polynomial inside |·| is 0) and
// poles (N), so draws within 0.05 of one (|Q| < 0.3 for N) are dropped. rpau is checked with a
// fixed noise key and the exact coefficient gradient (straightThrough: false), the only variant
// that is a derivative of the forward map; its kinks are those of the noisy coefficients.
const pauValues = (n: number, limit: number) => fc.array(uniform(-limit, limit), { minLength: n, maxLength: n });
const pauArb = (versions: readonly tg.PauVersion[]) => fc
  .record({ version: fc.constantFrom(...versions), m: fc.integer({ min: 1, max: 5 }), n: fc.integer({ min: 1, max: 4 }), perChannel: fc.boolean(), shape: shapeArb(0, 3, 1, 3), channels: fc.integer({ min: 1, max: 3 }) })
  .chain((s) => {
    const shape = s.perChannel ? [s.shape[0] ?? 1, s.channels, ...s.shape.slice(1, 2)] : s.shape;
    const rows = s.perChannel ? s.channels : 1, nb = s.version === 'C' ? s.n + 1 : s.n;
    return fc.record({
      // uniform in value: valuesArb's fc.double is uniform over bit patterns, i.e. almost always ≈ 0
      s: fc.constant({ ...s, shape, rows, nb }), x: pauValues(sizeOf(shape), 2),
      a: pauValues(rows * (s.m + 1), 1.5), b: pauValues(rows * nb, 1.5),
      key: fc.integer({ min: 0, max: 0xffffffff }), alpha: fc.double({ min: 0, max: 0.5, noNaN: true }),
      perElement: fc.boolean(), noisyDenominator: fc.boolean(),
    });
  });
type PauDraw = ReturnType<typeof pauArb> extends fc.Arbitrary<infer T> ? T : never;
/** Row r's coefficients for element i, noisy when `noise` (the draw index is i, or r if not per element). */
function pauCoefficients(d: PauDraw, i: number, noise: boolean) {
  const perRow = sizeOf(d.s.shape) / (d.s.perChannel ? d.s.shape[0] * d.s.rows : 1);
  const r = d.s.perChannel ? Math.floor(i / perRow) % d.s.rows : 0;
  const a = d.a.slice(r * (d.s.m + 1), (r + 1) * (d.s.m + 1)), b = d.b.slice(r * d.s.nb, (r + 1) * d.s.nb);
  return noise ? noisy(d.alpha, d.key, d.perElement ? i : r, a, b, d.noisyDenominator) : { a, b };
}
const pauKinkFree = (noise: boolean) => (d: PauDraw) => d.x.every((x, i) => {
  const { b } = pauCoefficients(d, i, noise);
  return d.s.version === 'N' ? kinkDistance('N', x, b) >= 0.3 : kinkDistance(d.s.version, x, b) >= 0.05;
});
const pauInputs = (d: PauDraw) => {
  const coefficientShape = (k: number) => (d.s.perChannel ? [d.s.rows, k] : [k]);
  return [f64(d.x, d.s.shape), f64(d.a, coefficientShape(d.s.m + 1)), f64(d.b, coefficientShape(d.s.nb))];
};
GRADIENT_PROPERTIES.pau = property(pauArb(['A', 'B', 'C', 'N']).filter(pauKinkFree(false)), (d) => ({
  inputs: pauInputs(d),
  fn: (x, a, b) => weighted(tg.pau(x, a, b, { version: d.s.version })),
}));
GRADIENT_PROPERTIES.rpau = property(pauArb(['B']).filter(pauKinkFree(true)), (d) => ({
  inputs: pauInputs(d),
  fn: (x, a, b) => weighted(tg.rpau(x, a, b, { key: d.key, alpha: d.alpha, perElement: d.perElement, noisyDenominator: d.noisyDenominator, straightThrough: false })),
}));

/** Runs one property: every drawn case must pass gradcheck. */
export function checkGradientProperty(name: string, options: { numRuns?: number; seed?: number } = {}): void {
  const prop = GRADIENT_PROPERTIES[name];
  if (!prop) throw new Error(`no gradient property for '${name}'`);
  fc.assert(
    fc.property(prop.arb, (spec) => {
      tg.tidy(() => {
        const c = prop.build(spec);
        tg.gradcheck(c.fn, c.inputs, c.options);
      });
    }),
    { numRuns: options.numRuns ?? 25, seed: options.seed ?? 7, endOnFailure: true },
  );
}

// cumsum, einsum and outer (issue 17): composites, checked with every axis and a set of equations
GRADIENT_PROPERTIES.cumsum = property(
  shapeArb(0, 3, 0, 5).chain((s) => fc.record({ s: fc.constant(s), values: valuesArb(s, [-2, 2]), dim: fc.integer({ min: -Math.max(1, s.length), max: Math.max(1, s.length) - 1 }) })),
  ({ s, values, dim }) => ({ inputs: [f64(values, s)], fn: (x) => weighted(tg.cumsum(x, dim)) }),
);
GRADIENT_PROPERTIES.outer = property(
  fc.tuple(shapeArb(1, 1, 0, 4), shapeArb(1, 1, 0, 4)).chain(([sa, sb]) => fc.record({ sa: fc.constant(sa), sb: fc.constant(sb), a: valuesArb(sa, [-2, 2]), b: valuesArb(sb, [-2, 2]) })),
  ({ sa, sb, a, b }) => ({ inputs: [f64(a, sa), f64(b, sb)], fn: (x, y) => weighted(tg.outer(x, y)) }),
);
// each equation's letters get sizes 1–3; '...' stands for 0–2 leading axes shared by the operands
const EINSUM_EQUATIONS = ['ij,jk->ik', 'bij,bjk->bik', 'ii->i', 'ii', 'i,j->ij', '...ij->...ji', 'ij->', 'ijk,ik->j', 'i,i->', 'ij,jk,kl->il', 'ba,ca', '...i,...i->...'];
GRADIENT_PROPERTIES.einsum = property(
  fc.record({ equation: fc.constantFrom(...EINSUM_EQUATIONS), sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 12, maxLength: 12 }), batch: shapeArb(0, 2, 1, 2) })
    .chain(({ equation, sizes, batch }) => {
      const size = (l: string) => sizes['abcdefghijkl'.indexOf(l)];
      const shapes = equation.split('->')[0].split(',').map((t) => [...(t.startsWith('...') ? batch : []), ...[...t.replace('...', '')].map(size)]);
      return fc.record({ equation: fc.constant(equation), shapes: fc.constant(shapes), values: fc.tuple(...shapes.map((s) => valuesArb(s, [-2, 2]))) });
    }),
  ({ equation, shapes, values }) => ({ inputs: shapes.map((s, i) => f64(values[i], s)), fn: (...xs) => weighted(tg.einsum(equation, ...xs)) }),
);
