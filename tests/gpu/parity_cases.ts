// One parity case per kernel of the Kernels interface: a fast-check arbitrary that draws shapes,
// values and attributes, a call of the kernel, and the float32 tolerance each output element is
// held to when the gpu backend's result is compared with the CPU backend's (float32 storage).
//
// Tolerances, and why:
//   exact (0)       — kernels that only move or select values (permute, slice, sliceGrad, pad,
//                     gather, concat, flip, max/min/argmax/argmin, constant padGrad): the gpu must
//                     return the identical float32 values and indices, ties included.
//   sums            — |gpu − cpu| ≤ 1e-5·Σ|terms| + 1e-6. The CPU accumulates in float64, the gpu in
//                     float32 blocks of ≤ 256 (error ≲ (B + log R)·2^-24·Σ|terms|, well inside).
//                     Used by reduce sum, matmul (Σ|a||b|), reflect/replicate padGrad, scatterAdd.
//   products        — relative 2e-6·(R + 2): float32 rounding of R factors.
//   elementwise     — |gpu − cpu| ≤ 2e-5 + 1e-4·|cpu|: the scalar function runs in float32 on the
//                     GL modes, where exp/log/sin/tanh are accurate to a few float32 ulps and
//                     gpu.js's expm1/log1p lose relative accuracy near 0 (absolute error ~1e-7).
import fc from 'fast-check';
import type { ElementwiseFn, Kernels, PadMode, PauNoise, PauVersion, ReduceOp, Storage, View } from '../../core/backend.js';
import { type Shape, broadcastShapes, sizeOf } from '../../core/shape.js';
import { BINARY } from '../../ops/binary.js';
import { COMPARISONS } from '../../ops/compare.js';
import { UNARY } from '../../ops/unary_table.js';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';
import { neuronIn } from '../deu/arbitraries.js';

/** Uploads a float32 array as a view on one backend. */
export type Upload = (shape: Shape, data: Float32Array) => View;

export interface ParityCase<T> {
  readonly arb: fc.Arbitrary<T>;
  /** Calls the kernel; several outputs come back as an object of storages. */
  readonly call: (k: Kernels, up: Upload, c: T) => Storage | Record<string, Storage>;
  /** Per output element, the allowed |gpu − cpu| (given the CPU kernels, for bounds like Σ|x|). */
  readonly tolerance: (c: T, cpu: Kernels, up: Upload, out: Record<string, Float32Array>) => Record<string, Float32Array | number>;
  readonly describe: (c: T) => string;
}

// ---- shared generators ------------------------------------------------------------------------

const dim = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constant(0) });
const dimNonEmpty = fc.integer({ min: 1, max: 5 });
export const shapeArb = (maxRank = 4, allowEmpty = true) => fc.array(allowEmpty ? dim : dimNonEmpty, { minLength: 0, maxLength: maxRank });

/** Values on a grid of 1/64 in [lo, hi]: exact in float32, with ties and zeros. */
export function gridValues(n: number, lo: number, hi: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round((lo + ((s / 2 ** 32) * (hi - lo))) * 64) / 64;
  }
  return out;
}

/** Uniform floats in [lo, hi] rounded to float32 (no grid: for transcendental functions). */
export function floatValues(n: number, lo: number, hi: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    out[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return out;
}

const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });

const sumTol = (absSums: Float32Array) => absSums.map((s) => 1e-5 * s + 1e-6);

function absOf(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

/** Reads CPU storages in tolerance functions (set by the test runner). */
export const cpuReader: { read: (s: Storage) => Float32Array } = { read: () => new Float32Array(0) };

// ---- elementwise --------------------------------------------------------------------------------

interface ScalarEntry {
  fn: ElementwiseFn;
  /** Number of tensor inputs (the rest of the arity are params). */
  inputs: number;
  params: number[];
  /** Draws input k's values. */
  values: (k: number, n: number, seed: number) => Float32Array;
}

/** Every scalar function the ops hand to the elementwise kernel, with inputs in its domain. */
export function scalarEntries(): ScalarEntry[] {
  const entries: ScalarEntry[] = [];
  for (const def of Object.values(UNARY)) {
    const params = [...(def.params ?? [])];
    const [lo, hi] = def.domain;
    entries.push({ fn: { name: def.name, fn: def.f }, inputs: 1, params, values: (_k, n, s) => gridOrFloat(n, lo, hi, s) });
    if (def.grad) {
      const grad = def.grad;
      entries.push({
        fn: { name: `${def.name}Grad`, fn: grad },
        inputs: 3,
        params,
        // g, x, y = f(x) (computed from the same x draw)
        values: (k, n, s) => {
          if (k === 0) return floatValues(n, -2, 2, s + 11);
          const x = gridOrFloat(n, lo, hi, s);
          return k === 1 ? x : x.map((v) => def.f(v, params[0], params[1]));
        },
      });
    }
  }
  for (const def of Object.values(BINARY)) {
    const ab = (k: number, n: number, s: number) => (k === 0 ? gridOrFloat(n, def.domainA[0], def.domainA[1], s) : gridOrFloat(n, def.domainB[0], def.domainB[1], s + 5));
    entries.push({ fn: { name: def.name, fn: def.f }, inputs: 2, params: [], values: ab });
    for (const [suffix, grad] of [['GradA', def.gradA], ['GradB', def.gradB]] as const) {
      entries.push({
        fn: { name: `${def.name}${suffix}`, fn: grad },
        inputs: 4,
        params: [],
        values: (k, n, s) => {
          if (k === 0) return floatValues(n, -2, 2, s + 11);
          if (k === 1 || k === 2) return ab(k - 1, n, s);
          const a = ab(0, n, s), b = ab(1, n, s);
          return a.map((v, i) => def.f(v, b[i]));
        },
      });
    }
  }
  for (const fn of Object.values(COMPARISONS)) entries.push({ fn, inputs: 2, params: [], values: (k, n, s) => gridValues(n, -1, 1, s + k) });
  // the small functions private to ops/ and core/ (same sources as there)
  const small: [ElementwiseFn, number, number[]][] = [
    [{ name: 'where', fn: (c: number, a: number, b: number) => (c !== 0 ? a : b) }, 3, []],
    [{ name: 'whereGradA', fn: (g: number, c: number) => (c !== 0 ? g : 0) }, 2, []],
    [{ name: 'whereGradB', fn: (g: number, c: number) => (c !== 0 ? 0 : g) }, 2, []],
    [{ name: 'identity', fn: (x: number) => x }, 1, []],
    [{ name: 'scale', fn: (a: number, s: number) => a * s }, 1, [0.37]],
    [{ name: 'zeroGrad', fn: (g: number) => 0 * g }, 1, []],
    [{ name: 'isFinite', fn: (v: number) => (v - v === 0 ? 1 : 0) }, 1, []],
    [{ name: 'normGrad', fn: (g: number, v: number, n: number) => (n === 0 ? 0 : (g * v) / n) }, 3, []],
  ];
  for (const [fn, inputs, params] of small) {
    entries.push({ fn, inputs, params, values: (k, n, s) => (fn.name === 'where' && k === 0 ? gridValues(n, -1, 1, s).map((v) => (v > 0 ? 1 : 0)) : gridValues(n, -2, 2, s + k)) });
  }
  return entries;
}

function gridOrFloat(n: number, lo: number, hi: number, seed: number): Float32Array {
  // half the draws on a grid (ties, zeros, halves for round), half arbitrary floats
  return seed % 2 === 0 ? gridValues(n, lo, hi, seed) : floatValues(n, lo, hi, seed);
}

const SCALARS = scalarEntries();

/** Shapes that broadcast to one output shape: each input drops leading axes or sets axes to 1. */
const broadcastArb = (inputs: number) =>
  shapeArb(4).chain((out) =>
    fc.tuple(
      ...Array.from({ length: inputs }, () =>
        fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })).map(([drop, ones]) =>
          out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)),
        ),
      ),
    ).map((shapes) => ({ out, shapes: shapes as number[][] })),
  );

export const elementwiseCase: ParityCase<{ entry: number; shapes: number[][]; out: number[]; seed: number }> = {
  arb: fc.integer({ min: 0, max: SCALARS.length - 1 }).chain((entry) =>
    fc.tuple(broadcastArb(SCALARS[entry].inputs), seedArb).map(([b, seed]) => ({ entry, shapes: b.shapes, out: broadcastShapes('test', ...b.shapes), seed })),
  ),
  call: (k, up, c) => {
    const e = SCALARS[c.entry];
    const views = c.shapes.map((s, i) => up(s, e.values(i, sizeOf(s), c.seed)));
    return k.elementwise(e.fn, views, c.out, 'float32', e.params);
  },
  tolerance: (_c, _cpu, _up, out) => ({ out: out.out.map((v) => 2e-5 + 1e-4 * Math.abs(v)) }),
  describe: (c) => `${SCALARS[c.entry].fn.name} over ${c.shapes.map((s) => `[${s}]`).join(' ')} → [${c.out}]`,
};

/** Every scalar function in the table is exercised at least once per mode by this case. */
export const allScalarsCase: ParityCase<{ entry: number; seed: number }> = {
  arb: fc.integer({ min: 0, max: SCALARS.length - 1 }).chain((entry) => seedArb.map((seed) => ({ entry, seed }))),
  call: (k, up, c) => {
    const e = SCALARS[c.entry];
    const shape = [3, 7];
    return k.elementwise(e.fn, Array.from({ length: e.inputs }, (_, i) => up(shape, e.values(i, 21, c.seed))), shape, 'float32', e.params);
  },
  tolerance: (_c, _cpu, _up, out) => ({ out: out.out.map((v) => 2e-5 + 1e-4 * Math.abs(v)) }),
  describe: (c) => SCALARS[c.entry].fn.name,
};
export const SCALAR_COUNT = SCALARS.length;

// ---- reductions -------------------------------------------------------------------------------

/** A shape, possibly with one long axis (to reach the blocked, multi-pass paths), and axes. */
const reduceArb = fc
  .tuple(shapeArb(4, false), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 100, max: 3000 }), fc.boolean(), seedArb)
  .chain(([shape, longAt, longSize, makeLong, seed]) => {
    const s = [...shape];
    if (makeLong && s.length > 0) s[longAt % s.length] = longSize;
    return fc.subarray(s.map((_, i) => i)).map((axes) => ({ shape: s, axes, seed }));
  });

export const reduceCase: ParityCase<{ op: ReduceOp; shape: number[]; axes: number[]; seed: number }> = {
  arb: fc.tuple(fc.constantFrom<ReduceOp>('sum', 'prod', 'max', 'min', 'argmax', 'argmin'), reduceArb).map(([op, r]) => ({ op, ...r })),
  call: (k, up, c) => k.reduce(c.op, up(c.shape, valuesFor(c.op, c.shape, c.seed)), c.axes),
  tolerance: (c, cpu, up, out) => {
    if (c.op === 'sum') {
      const abs = cpuReader.read(cpu.reduce('sum', up(c.shape, absOf(valuesFor(c.op, c.shape, c.seed))), c.axes));
      return { out: sumTol(abs) };
    }
    if (c.op === 'prod') {
      const R = sizeOf(c.shape) / Math.max(1, out.out.length);
      return { out: out.out.map((v) => 2e-6 * (R + 2) * Math.abs(v) + 1e-30) };
    }
    return { out: 0 };
  },
  describe: (c) => `${c.op} of [${c.shape}] over axes [${c.axes}]`,
};

/** prod-friendly values (magnitudes near 1, a few zeros); grid values elsewhere. */
function valuesFor(op: ReduceOp | 'prodOthers', shape: readonly number[], seed: number): Float32Array {
  const n = sizeOf(shape);
  if (op === 'prod' || op === 'prodOthers') {
    const v = floatValues(n, 0.9, 1.1, seed);
    const signs = gridValues(n, -1, 1, seed + 1);
    return v.map((x, i) => (signs[i] === 0 ? 0 : signs[i] < 0 ? -x : x));
  }
  return gridValues(n, -2, 2, seed);
}

export const prodOthersCase: ParityCase<{ shape: number[]; axes: number[]; seed: number }> = {
  arb: reduceArb.filter((r) => sizeOf(r.shape) <= 20000),
  call: (k, up, c) => k.prodOthers(up(c.shape, valuesFor('prodOthers', c.shape, c.seed)), c.axes),
  tolerance: (c, _cpu, _up, out) => {
    const R = c.axes.reduce((acc, a) => acc * c.shape[a], 1);
    return { out: out.out.map((v) => 2e-6 * (R + 2) * Math.abs(v) + 1e-30) };
  },
  describe: (c) => `prodOthers of [${c.shape}] over axes [${c.axes}]`,
};

// ---- matmul ------------------------------------------------------------------------------------

const batchArb = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 });
export const matmulCase: ParityCase<{ m: number; k: number; n: number; ta: boolean; tb: boolean; aBatch: number[]; bBatch: number[]; seed: number }> = {
  arb: fc.record({
    m: fc.integer({ min: 1, max: 9 }),
    k: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 100, max: 700 })),
    n: fc.integer({ min: 1, max: 9 }),
    ta: fc.boolean(),
    tb: fc.boolean(),
    aBatch: batchArb,
    bBatch: batchArb,
    seed: seedArb,
  }).map((c) => {
    // make the batch shapes broadcastable: b's axes are 1 or equal to a's where they overlap
    const bBatch = c.bBatch.map((d, i) => {
      const j = c.aBatch.length - c.bBatch.length + i;
      return j >= 0 && d !== 1 ? c.aBatch[j] : d;
    });
    return { ...c, bBatch };
  }),
  call: (k, up, c) => {
    const [a, b, out] = matmulShapes(c);
    return k.matmul(up(a, gridValues(sizeOf(a), -2, 2, c.seed)), up(b, gridValues(sizeOf(b), -2, 2, c.seed + 3)), c.ta, c.tb, out);
  },
  tolerance: (c, cpu, up) => {
    const [a, b, out] = matmulShapes(c);
    const bound = cpuReader.read(cpu.matmul(up(a, absOf(gridValues(sizeOf(a), -2, 2, c.seed))), up(b, absOf(gridValues(sizeOf(b), -2, 2, c.seed + 3))), c.ta, c.tb, out));
    return { out: sumTol(bound) };
  },
  describe: (c) => `matmul ${matmulShapes(c).map((s) => `[${s}]`).join(' · → ')} transA ${c.ta} transB ${c.tb}`,
};

/**
 * 2-D products whose rows start on texel boundaries, each of the three forms (A·B, A·Bᵀ, Aᵀ·B):
 * on WebGL they run core/gpu/matmul_texels.ts (vec4 reads), elsewhere the generic kernel.
 */
export const matmulTexelCase: typeof matmulCase = {
  ...matmulCase,
  arb: fc.record({
    form: fc.constantFrom('A·B', 'A·Bᵀ', 'Aᵀ·B'),
    m: fc.integer({ min: 1, max: 12 }),
    k: fc.integer({ min: 1, max: 31 }),
    n: fc.integer({ min: 1, max: 12 }),
    seed: seedArb,
  }).map(({ form, m, k, n, seed }) => ({
    // the aligned dimensions are multiples of 4 (k < 128: never the split-k path)
    m: form === 'Aᵀ·B' ? 4 * m : m, k: form === 'Aᵀ·B' ? k : 4 * k, n: 4 * n,
    ta: form === 'Aᵀ·B', tb: form === 'A·Bᵀ', aBatch: [], bBatch: [], seed,
  })),
};

function matmulShapes(c: { m: number; k: number; n: number; ta: boolean; tb: boolean; aBatch: number[]; bBatch: number[] }): [number[], number[], number[]] {
  const a = [...c.aBatch, ...(c.ta ? [c.k, c.m] : [c.m, c.k])];
  const b = [...c.bBatch, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
  const batch = broadcastShapes('test', c.aBatch, c.bBatch);
  return [a, b, [...batch, c.m, c.n]];
}

// ---- movement --------------------------------------------------------------------------------

export const permuteCase: ParityCase<{ shape: number[]; axes: number[]; seed: number }> = {
  arb: fc.tuple(shapeArb(5), seedArb).chain(([shape, seed]) =>
    fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }).map((axes) => ({ shape, axes, seed })),
  ),
  call: (k, up, c) => k.permute(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.axes),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `permute [${c.shape}] by [${c.axes}]`,
};

/** A slice per axis: start, step (±, never 0) and the count that stays in range. */
const sliceArb = fc.tuple(shapeArb(4), seedArb).chain(([shape, seed]) =>
  fc.tuple(
    ...shape.map((n) =>
      fc.tuple(fc.integer({ min: 0, max: Math.max(0, n - 1) }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 5 })).map(([start, mag, neg, want]) => {
        if (n === 0) return { start: 0, step: 1, count: 0 };
        const step = neg ? -mag : mag;
        const max = neg ? Math.floor(start / mag) + 1 : Math.floor((n - 1 - start) / mag) + 1;
        return { start, step, count: Math.min(want, max) };
      }),
    ),
  ).map((axes) => ({ shape, seed, starts: axes.map((a) => a.start), steps: axes.map((a) => a.step), out: axes.map((a) => a.count) })),
);

export const sliceCase: ParityCase<{ shape: number[]; starts: number[]; steps: number[]; out: number[]; seed: number }> = {
  arb: sliceArb,
  call: (k, up, c) => k.slice(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.starts, c.steps, c.out),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `slice [${c.shape}] starts [${c.starts}] steps [${c.steps}] → [${c.out}]`,
};

export const sliceGradCase: typeof sliceCase = {
  arb: sliceArb,
  call: (k, up, c) => k.sliceGrad(up(c.out, gridValues(sizeOf(c.out), -2, 2, c.seed)), c.shape, c.starts, c.steps),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `sliceGrad [${c.out}] into [${c.shape}] starts [${c.starts}] steps [${c.steps}]`,
};

const padArb = fc.tuple(shapeArb(4, false), fc.constantFrom<PadMode>('constant', 'reflect', 'replicate'), seedArb, fc.integer({ min: -3, max: 3 })).chain(([shape, mode, seed, value]) =>
  fc.tuple(...shape.map((n) => {
    // reflect needs pads < size
    const max = mode === 'reflect' ? n - 1 : 3;
    return fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max }));
  })).map((pads) => ({ shape, mode, seed, value: value / 4, pads: pads as [number, number][] })),
);

export const padCase: ParityCase<{ shape: number[]; mode: PadMode; pads: [number, number][]; value: number; seed: number }> = {
  arb: padArb,
  call: (k, up, c) => k.pad(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.pads, c.mode, c.value),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `pad [${c.shape}] ${c.mode} ${JSON.stringify(c.pads)}`,
};

export const padGradCase: typeof padCase = {
  arb: padArb,
  call: (k, up, c) => {
    const out = c.shape.map((n, d) => n + c.pads[d][0] + c.pads[d][1]);
    return k.padGrad(up(out, gridValues(sizeOf(out), -2, 2, c.seed)), c.shape, c.pads, c.mode);
  },
  tolerance: (c, cpu, up) => {
    if (c.mode === 'constant') return { out: 0 };
    const out = c.shape.map((n, d) => n + c.pads[d][0] + c.pads[d][1]);
    const bound = cpuReader.read(cpu.padGrad(up(out, absOf(gridValues(sizeOf(out), -2, 2, c.seed))), c.shape, c.pads, c.mode));
    return { out: sumTol(bound) };
  },
  describe: (c) => `padGrad into [${c.shape}] ${c.mode} ${JSON.stringify(c.pads)}`,
};

export const flipCase: ParityCase<{ shape: number[]; axes: number[]; seed: number }> = {
  arb: fc.tuple(shapeArb(4), seedArb).chain(([shape, seed]) => fc.subarray(shape.map((_, i) => i)).map((axes) => ({ shape, axes, seed }))),
  call: (k, up, c) => k.flip(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.axes),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `flip [${c.shape}] axes [${c.axes}]`,
};

export const concatCase: ParityCase<{ shapes: number[][]; axis: number; seed: number }> = {
  arb: fc.tuple(shapeArb(4, false).filter((s) => s.length > 0), fc.integer({ min: 1, max: 14 }), seedArb).chain(([shape, count, seed]) =>
    fc.tuple(fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: count, maxLength: count })).map(([axis, extents]) => ({
      axis,
      seed,
      shapes: extents.map((e) => shape.map((d, i) => (i === axis ? e : d))),
    })),
  ),
  call: (k, up, c) => {
    const out = c.shapes[0].map((d, i) => (i === c.axis ? c.shapes.reduce((acc, s) => acc + s[i], 0) : d));
    return k.concat(c.shapes.map((s, i) => up(s, gridValues(sizeOf(s), -2, 2, c.seed + i))), c.axis, out);
  },
  tolerance: () => ({ out: 0 }),
  describe: (c) => `concat ${c.shapes.map((s) => `[${s}]`).join(' ')} on axis ${c.axis}`,
};

// ---- indexing ---------------------------------------------------------------------------------

const indexingArb = fc.tuple(shapeArb(4, false).filter((s) => s.length > 0), seedArb).chain(([shape, seed]) =>
  fc.tuple(fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: 6 })).map(([dim, idxDims, along]) => ({
    shape,
    dim,
    seed,
    // index: any extent along dim, no larger than x elsewhere
    index: shape.map((n, i) => (i === dim ? along : Math.min(n, idxDims[i]))),
  })),
);

function indexValues(c: { shape: number[]; dim: number; index: number[]; seed: number }): Float32Array {
  return gridValues(sizeOf(c.index), 0, 1, c.seed + 9).map((v) => Math.min(c.shape[c.dim] - 1, Math.floor(v * c.shape[c.dim])));
}

export const gatherCase: ParityCase<{ shape: number[]; dim: number; index: number[]; seed: number }> = {
  arb: indexingArb,
  call: (k, up, c) => k.gather(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.dim, up(c.index, indexValues(c))),
  tolerance: () => ({ out: 0 }),
  describe: (c) => `gather [${c.shape}] dim ${c.dim} index [${c.index}]`,
};

export const scatterAddCase: ParityCase<{ shape: number[]; dim: number; index: number[]; seed: number; srcExtra: number }> = {
  arb: fc.tuple(indexingArb, fc.integer({ min: 0, max: 2 })).map(([c, srcExtra]) => ({ ...c, srcExtra })),
  call: (k, up, c) => {
    const src = c.index.map((d, i) => (i === c.dim ? d + c.srcExtra : d));
    return k.scatterAdd(up(c.shape, gridValues(sizeOf(c.shape), -2, 2, c.seed)), c.dim, up(c.index, indexValues(c)), up(src, gridValues(sizeOf(src), -2, 2, c.seed + 4)));
  },
  tolerance: (c, cpu, up) => {
    const src = c.index.map((d, i) => (i === c.dim ? d + c.srcExtra : d));
    const bound = cpuReader.read(cpu.scatterAdd(up(c.shape, absOf(gridValues(sizeOf(c.shape), -2, 2, c.seed))), c.dim, up(c.index, indexValues(c)), up(src, absOf(gridValues(sizeOf(src), -2, 2, c.seed + 4)))));
    return { out: bound.map((s) => 1e-6 * s) };
  },
  describe: (c) => `scatterAdd into [${c.shape}] dim ${c.dim} index [${c.index}]`,
};

/** The parity case of every kernel, by kernel name (the suite checks this covers the interface). */
export const PARITY_CASES: Record<string, ParityCase<any>> = {
  elementwise: elementwiseCase,
  reduce: reduceCase,
  prodOthers: prodOthersCase,
  matmul: matmulCase,
  'matmul (texel-aligned)': matmulTexelCase,
  permute: permuteCase,
  slice: sliceCase,
  sliceGrad: sliceGradCase,
  pad: padCase,
  padGrad: padGradCase,
  gather: gatherCase,
  scatterAdd: scatterAddCase,
  concat: concatCase,
  flip: flipCase,
};

// ---- fused kernels -----------------------------------------------------------------------------

interface ConvCase {
  N: number; groups: number; Cg: number; Og: number; H: number; W: number; kH: number; kW: number;
  stride: [number, number]; padding: [number, number]; dilation: [number, number]; seed: number;
}

const convArb: fc.Arbitrary<ConvCase> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 3 }),
    Cg: fc.integer({ min: 1, max: 3 }),
    Og: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 12 }),
    kH: fc.integer({ min: 1, max: 3 }),
    kW: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    seed: seedArb,
  })
  .filter((c) => c.H + 2 * c.padding[0] >= c.dilation[0] * (c.kH - 1) + 1 && c.W + 2 * c.padding[1] >= c.dilation[1] * (c.kW - 1) + 1);

function convShapes(c: ConvCase): { x: number[]; w: number[]; out: number[]; p: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number } } {
  const Ho = Math.floor((c.H + 2 * c.padding[0] - c.dilation[0] * (c.kH - 1) - 1) / c.stride[0]) + 1;
  const Wo = Math.floor((c.W + 2 * c.padding[1] - c.dilation[1] * (c.kW - 1) - 1) / c.stride[1]) + 1;
  return {
    x: [c.N, c.groups * c.Cg, c.H, c.W],
    w: [c.groups * c.Og, c.Cg, c.kH, c.kW],
    out: [c.N, c.groups * c.Og, Ho, Wo],
    p: { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups },
  };
}

const describeConv = (c: ConvCase) => {
  const s = convShapes(c);
  return `x [${s.x}] w [${s.w}] → [${s.out}] stride ${c.stride} padding ${c.padding} dilation ${c.dilation} groups ${c.groups}`;
};

const data = (shape: readonly number[], seed: number, abs = false) => {
  const v = gridValues(sizeOf(shape), -2, 2, seed);
  return abs ? absOf(v) : v;
};

export const conv2dCase: ParityCase<ConvCase> = {
  arb: convArb,
  call: (k, up, c) => {
    const s = convShapes(c);
    return k.conv2d!(up(s.x, data(s.x, c.seed)), up(s.w, data(s.w, c.seed + 1)), s.p, s.out);
  },
  tolerance: (c, cpu, up) => {
    const s = convShapes(c);
    return { out: sumTol(cpuReader.read(cpu.conv2d!(up(s.x, data(s.x, c.seed, true)), up(s.w, data(s.w, c.seed + 1, true)), s.p, s.out))) };
  },
  describe: (c) => `conv2d ${describeConv(c)}`,
};

export const conv2dGradInputCase: ParityCase<ConvCase> = {
  arb: convArb,
  call: (k, up, c) => {
    const s = convShapes(c);
    return k.conv2dGradInput!(up(s.out, data(s.out, c.seed + 2)), up(s.w, data(s.w, c.seed + 1)), s.p, s.x);
  },
  tolerance: (c, cpu, up) => {
    const s = convShapes(c);
    return { out: sumTol(cpuReader.read(cpu.conv2dGradInput!(up(s.out, data(s.out, c.seed + 2, true)), up(s.w, data(s.w, c.seed + 1, true)), s.p, s.x))) };
  },
  describe: (c) => `conv2dGradInput ${describeConv(c)}`,
};

export const conv2dGradWeightCase: ParityCase<ConvCase> = {
  arb: convArb,
  call: (k, up, c) => {
    const s = convShapes(c);
    return k.conv2dGradWeight!(up(s.out, data(s.out, c.seed + 2)), up(s.x, data(s.x, c.seed)), s.p, s.w);
  },
  tolerance: (c, cpu, up) => {
    const s = convShapes(c);
    return { out: sumTol(cpuReader.read(cpu.conv2dGradWeight!(up(s.out, data(s.out, c.seed + 2, true)), up(s.x, data(s.x, c.seed, true)), s.p, s.w))) };
  },
  describe: (c) => `conv2dGradWeight ${describeConv(c)}`,
};

interface PoolCase { N: number; C: number; H: number; W: number; p: import('../../core/backend.js').Pool2dParams; out: number[]; seed: number }

const poolArb: fc.Arbitrary<PoolCase> = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 9 }),
    W: fc.integer({ min: 1, max: 9 }),
    kind: fc.constantFrom<'max' | 'avg' | 'adaptiveAvg'>('max', 'avg', 'adaptiveAvg'),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pad: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    ceil: fc.boolean(),
    countIncludePad: fc.boolean(),
    adaptive: fc.tuple(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 })),
    seed: seedArb,
  })
  .map((r) => {
    const dilation: [number, number] = r.kind === 'max' ? r.dilation : [1, 1];
    const padding = r.pad.map((pd, i) => Math.min(pd, Math.floor((dilation[i] * (r.kernel[i] - 1) + 1) / 2))) as [number, number];
    const p = { kind: r.kind, kernel: r.kernel, stride: r.stride, padding, dilation, countIncludePad: r.kind === 'avg' && r.countIncludePad };
    const size = (n: number, i: number) => {
      const span = n + 2 * padding[i] - dilation[i] * (r.kernel[i] - 1) - 1;
      if (span < 0) return -1;
      let out = (r.ceil ? Math.ceil(span / r.stride[i]) : Math.floor(span / r.stride[i])) + 1;
      if (r.ceil && (out - 1) * r.stride[i] >= n + padding[i]) out--;
      return out;
    };
    const out = r.kind === 'adaptiveAvg' ? [r.N, r.C, r.adaptive[0], r.adaptive[1]] : [r.N, r.C, size(r.H, 0), size(r.W, 1)];
    return { N: r.N, C: r.C, H: r.H, W: r.W, p: r.kind === 'adaptiveAvg' ? { ...p, kernel: [1, 1] as [number, number], stride: [1, 1] as [number, number], padding: [0, 0] as [number, number] } : p, out, seed: r.seed };
  })
  .filter((c) => c.out.every((d) => d > 0));

const describePool = (c: PoolCase) => `${c.p.kind} [${c.N},${c.C},${c.H},${c.W}] → [${c.out}] kernel ${c.p.kernel} stride ${c.p.stride} padding ${c.p.padding} dilation ${c.p.dilation} countIncludePad ${c.p.countIncludePad}`;

export const pool2dCase: ParityCase<PoolCase> = {
  arb: poolArb,
  call: (k, up, c) => k.pool2d!(up([c.N, c.C, c.H, c.W], data([c.N, c.C, c.H, c.W], c.seed)), c.p, c.out),
  tolerance: (c, cpu, up) => {
    if (c.p.kind === 'max') return { out: 0 };
    const x = [c.N, c.C, c.H, c.W];
    return { out: sumTol(cpuReader.read(cpu.pool2d!(up(x, data(x, c.seed, true)), c.p, c.out))) };
  },
  describe: (c) => `pool2d ${describePool(c)}`,
};

export const pool2dGradCase: ParityCase<PoolCase> = {
  arb: poolArb,
  call: (k, up, c) => {
    const x = [c.N, c.C, c.H, c.W];
    return k.pool2dGrad!(up(c.out, data(c.out, c.seed + 1)), up(x, data(x, c.seed)), c.p);
  },
  tolerance: (c, cpu, up) => {
    const x = [c.N, c.C, c.H, c.W];
    return { out: sumTol(cpuReader.read(cpu.pool2dGrad!(up(c.out, data(c.out, c.seed + 1, true)), up(x, data(x, c.seed)), c.p))) };
  },
  describe: (c) => `pool2dGrad ${describePool(c)}`,
};

interface GroupNormCase { N: number; groups: number; Cg: number; spatial: number[]; weight: boolean; bias: boolean; eps: number; seed: number }

const groupNormArb: fc.Arbitrary<GroupNormCase> = fc.record({
  N: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  Cg: fc.integer({ min: 1, max: 3 }),
  spatial: fc.oneof(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), fc.constant([40, 30])).map((s) => [...s]),
  weight: fc.boolean(),
  bias: fc.boolean(),
  eps: fc.constantFrom(1e-5, 1e-3),
  seed: seedArb,
});

const gnShape = (c: GroupNormCase) => [c.N, c.groups * c.Cg, ...c.spatial];
const describeGn = (c: GroupNormCase) => `[${gnShape(c)}] groups ${c.groups} weight ${c.weight} bias ${c.bias} eps ${c.eps}`;

export const groupNormCase: ParityCase<GroupNormCase> = {
  arb: groupNormArb,
  call: (k, up, c) => {
    const C = c.groups * c.Cg;
    const r = k.groupNorm!(up(gnShape(c), data(gnShape(c), c.seed)), c.weight ? up([C], data([C], c.seed + 1)) : null, c.bias ? up([C], data([C], c.seed + 2)) : null, c.groups, c.eps);
    return { y: r.y, mean: r.mean, rstd: r.rstd };
  },
  tolerance: (c, _cpu, _up, out) => {
    const M = sizeOf(gnShape(c)) / (c.N * c.groups);
    const x = data(gnShape(c), c.seed);
    const meanAbs = new Float32Array(c.N * c.groups).map((_, row) => x.subarray(row * M, (row + 1) * M).reduce((acc, v) => acc + Math.abs(v), 0) / M);
    return {
      mean: meanAbs.map((m) => 1e-5 * m + 1e-6),
      rstd: out.rstd.map((r) => 1e-4 * Math.abs(r)),
      y: out.y.map((v) => 2e-4 * (1 + Math.abs(v))),
    };
  },
  describe: (c) => `groupNorm ${describeGn(c)}`,
};

export const groupNormGradCase: ParityCase<GroupNormCase> = {
  arb: groupNormArb,
  call: (k, up, c) => {
    const C = c.groups * c.Cg;
    const shape = gnShape(c);
    const { mean, rstd } = groupNormStats(c);
    const r = k.groupNormGrad!(up(shape, data(shape, c.seed + 3)), up(shape, data(shape, c.seed)), c.weight ? up([C], data([C], c.seed + 1)) : null, up([c.N, c.groups], mean), up([c.N, c.groups], rstd), c.groups);
    return { dx: r.dx, dweight: r.dweight, dbias: r.dbias };
  },
  tolerance: (c) => {
    // bounds of each sum's terms, from the same inputs on the host
    const C = c.groups * c.Cg, shape = gnShape(c), S = sizeOf(shape.slice(2)), M = c.Cg * S;
    const x = data(shape, c.seed), dy = data(shape, c.seed + 3), gamma = c.weight ? data([C], c.seed + 1) : null;
    const { mean, rstd } = groupNormStats(c);
    const dx = new Float32Array(x.length), dweight = new Float32Array(C), dbias = new Float32Array(C);
    for (let n = 0; n < c.N; n++) {
      for (let g = 0; g < c.groups; g++) {
        const row = n * c.groups + g, start = row * M;
        let a = 0, b = 0;
        for (let i = 0; i < M; i++) {
          const ch = g * c.Cg + Math.floor(i / S), gm = gamma ? Math.abs(gamma[ch]) : 1;
          const xhat = Math.abs((x[start + i] - mean[row]) * rstd[row]);
          a += Math.abs(dy[start + i]) * gm;
          b += Math.abs(dy[start + i]) * gm * xhat;
          dweight[ch] += Math.abs(dy[start + i]) * xhat;
          dbias[ch] += Math.abs(dy[start + i]);
        }
        for (let i = 0; i < M; i++) {
          const ch = g * c.Cg + Math.floor(i / S), gm = gamma ? Math.abs(gamma[ch]) : 1;
          const xhat = Math.abs((x[start + i] - mean[row]) * rstd[row]);
          dx[start + i] = rstd[row] * (Math.abs(dy[start + i]) * gm + a / M + (xhat * b) / M);
        }
      }
    }
    return { dx: sumTol(dx), dweight: sumTol(dweight), dbias: sumTol(dbias) };
  },
  describe: (c) => `groupNormGrad ${describeGn(c)}`,
};

/** The float32 mean and rstd the CPU forward would save, computed on the host. */
function groupNormStats(c: GroupNormCase): { mean: Float32Array; rstd: Float32Array } {
  const shape = gnShape(c), rows = c.N * c.groups, M = sizeOf(shape) / rows;
  const x = data(shape, c.seed);
  const mean = new Float32Array(rows), rstd = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let s = 0;
    for (let i = 0; i < M; i++) s += x[row * M + i];
    const mu = s / M;
    let q = 0;
    for (let i = 0; i < M; i++) q += (x[row * M + i] - mu) ** 2;
    mean[row] = mu;
    rstd[row] = 1 / Math.sqrt(q / M + c.eps);
  }
  return { mean, rstd };
}

Object.assign(PARITY_CASES, {
  conv2d: conv2dCase,
  conv2dGradInput: conv2dGradInputCase,
  conv2dGradWeight: conv2dGradWeightCase,
  pool2d: pool2dCase,
  pool2dGrad: pool2dGradCase,
  groupNorm: groupNormCase,
  groupNormGrad: groupNormGradCase,
});

// ---- DEU ---------------------------------------------------------------------------------------

const SUBSPACES: readonly Subspace[] = ['0-0-0', '0-0-1', '0-1-0', '0-1-1', '1-0-0', '1-0-1 ac>0', '1-0-1 ac<0', '1-1-0', '1-1-1 Δ≈0', '1-1-1 Δ<0', '1-1-1 Δ>0'];

interface DeuCase { N: number; spatial: number[]; neurons: Coeffs[]; subs: Subspace[]; seed: number }

// Two shapes only: the DEU shaders are long (compiling one takes seconds on headless GL), and
// shapes only change index arithmetic, which the other kernels' cases cover; the draws vary the
// neurons (a subspace each) and the values.
const deuArb: fc.Arbitrary<DeuCase> = fc
  .tuple(fc.constant(2), fc.constantFrom([], [3]), fc.array(fc.constantFrom(...SUBSPACES), { minLength: 4, maxLength: 4 }), seedArb)
  .chain(([N, spatial, subs, seed]) => fc.tuple(...subs.map((sub) => neuronIn(sub))).map((neurons) => ({ N, spatial: [...spatial], subs, neurons, seed })));

const deuShape = (c: DeuCase) => [c.N, c.neurons.length, ...c.spatial];
const deuParams = (c: DeuCase) => Float32Array.from(c.neurons.flatMap((k) => [k.a, k.b, k.c, k.c1, k.c2]));
const DEU_HYPER = { eps: 0.01, s: 100 };

export const deuForwardCase: ParityCase<DeuCase> = {
  arb: deuArb,
  call: (k, up, c) => k.deuForward!(up(deuShape(c), floatValues(sizeOf(deuShape(c)), -2, 2, c.seed)), up([c.neurons.length, 5], deuParams(c)), DEU_HYPER).y,
  tolerance: (_c, _cpu, _up, out) => ({ out: out.out.map((v) => 2e-5 * (1 + Math.abs(v))) }),
  describe: (c) => `deuForward [${deuShape(c)}] subspaces ${c.subs.join(', ')}`,
};

export const deuBackwardCase: ParityCase<DeuCase> = {
  arb: deuArb,
  call: (k, up, c) => {
    const shape = deuShape(c);
    const r = k.deuBackward!(up(shape, floatValues(sizeOf(shape), -2, 2, c.seed + 1)), up(shape, floatValues(sizeOf(shape), -2, 2, c.seed)), up([c.neurons.length, 5], deuParams(c)), DEU_HYPER);
    return { dx: r.dx, dparams: r.dparams };
  },
  tolerance: (c, _cpu, _up, out) => {
    const count = sizeOf(deuShape(c)) / c.neurons.length;
    // the columns outward gravitation borrows (a, b or c below eps) are evaluated at ±eps, where
    // float32 cancellation and the 2×2 forward-difference solve lose percents (core/gpu/deu.ts):
    // they are only held to being finite exactly where the CPU's are
    const borrowed = (i: number) => {
      const k = c.neurons[Math.floor(i / 5)], j = i % 5;
      return j < 3 && Math.abs(Math.fround([k.a, k.b, k.c][j])) < DEU_HYPER.eps;
    };
    return {
      dx: out.dx.map((v) => 1e-4 * (1 + Math.abs(v))),
      dparams: out.dparams.map((v, i) => (borrowed(i) ? Infinity : 2e-5 * count * (1 + Math.abs(v)))),
    };
  },
  describe: (c) => `deuBackward [${deuShape(c)}] subspaces ${c.subs.join(', ')}`,
};

Object.assign(PARITY_CASES, { deuForward: deuForwardCase, deuBackward: deuBackwardCase });

// ---- PAU / RPAU --------------------------------------------------------------------------------

interface PauCase {
  version: PauVersion; perChannel: boolean; N: number; C: number; spatial: number[];
  noise: PauNoise | null; seed: number;
}

const pauArb: fc.Arbitrary<PauCase> = fc.record({
  version: fc.constantFrom<PauVersion>('A', 'B', 'C', 'N'),
  perChannel: fc.boolean(),
  N: fc.constantFrom(1, 3),
  C: fc.constantFrom(2, 3),
  spatial: fc.constantFrom([], [4]),
  noise: fc.option(fc.record({
    alpha: fc.constantFrom(0.1, 0.3),
    key: fc.integer({ min: 0, max: 0xffffffff }),
    perElement: fc.boolean(),
    noisyDenominator: fc.boolean(),
    straightThrough: fc.boolean(),
  }), { freq: 2 }),
  seed: seedArb,
}).map((c) => ({ ...c, spatial: [...c.spatial], noise: c.noise && c.version === 'B' ? c.noise : null }));

function pauInputs(c: PauCase) {
  const x = [c.N, c.C, ...c.spatial];
  const m1 = 6, nb = c.version === 'C' ? 5 : 4;
  const a = c.perChannel ? [c.C, m1] : [m1];
  const b = c.perChannel ? [c.C, nb] : [nb];
  // version N has no pole protection: small denominator coefficients keep Q away from 0
  const bScale = c.version === 'N' ? 0.15 : 1;
  return {
    x, a, b,
    xv: floatValues(sizeOf(x), -3, 3, c.seed),
    av: floatValues(sizeOf(a), -1, 1, c.seed + 1),
    bv: floatValues(sizeOf(b), -bScale, bScale, c.seed + 2),
    gv: floatValues(sizeOf(x), -1, 1, c.seed + 3),
  };
}

const describePau = (c: PauCase) => `${c.version} x [${c.N},${c.C},${c.spatial}] ${c.perChannel ? 'per channel' : 'shared'}${c.noise ? ` noise ${JSON.stringify(c.noise)}` : ''}`;

export const pauForwardCase: ParityCase<PauCase> = {
  arb: pauArb,
  call: (k, up, c) => {
    const i = pauInputs(c);
    return k.pauForward!(up(i.x, i.xv), up(i.a, i.av), up(i.b, i.bv), { version: c.version, noise: c.noise });
  },
  tolerance: (_c, _cpu, _up, out) => ({ out: out.out.map((v) => 2e-5 * (1 + Math.abs(v))) }),
  describe: (c) => `pauForward ${describePau(c)}`,
};

export const pauBackwardCase: ParityCase<PauCase> = {
  arb: pauArb,
  call: (k, up, c) => {
    const i = pauInputs(c);
    const r = k.pauBackward!(up(i.x, i.gv), up(i.x, i.xv), up(i.a, i.av), up(i.b, i.bv), { version: c.version, noise: c.noise });
    return { dx: r.dx, dnumerator: r.dnumerator, ddenominator: r.ddenominator };
  },
  tolerance: (c, _cpu, _up, out) => {
    // the coefficient gradients are sums over the elements sharing a row
    const count = sizeOf([c.N, c.C, ...c.spatial]) / (c.perChannel ? c.C : 1);
    return {
      dx: out.dx.map((v) => 5e-5 * (1 + Math.abs(v))),
      dnumerator: out.dnumerator.map((v) => 2e-5 * count * (1 + Math.abs(v))),
      ddenominator: out.ddenominator.map((v) => 2e-5 * count * (1 + Math.abs(v))),
    };
  },
  describe: (c) => `pauBackward ${describePau(c)}`,
};

Object.assign(PARITY_CASES, { pauForward: pauForwardCase, pauBackward: pauBackwardCase });
