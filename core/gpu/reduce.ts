// Reductions as blocked trees. A group of R elements is cut into blocks of B; the first pass
// reduces each block of every group in one thread (output [M groups × nb blocks]), and further
// passes reduce the rows of partials the same way until one value per group is left. No thread
// loops over more than B elements, so a full-tensor sum of 10^6 values runs in three short
// passes instead of one thread walking the whole tensor, and float32 rounding grows with
// log_B(R) rather than R.
//
// argmax/argmin carry the index beside the value: each pass has a value kernel and an index
// kernel that repeats the same comparisons and returns the winner's index. Ties go to the first
// occurrence and NaN wins (the first NaN), as in core/cpu/reduce.ts; blocks are visited in order,
// so "first" is preserved across passes. Note that GLSL compilers may treat NaN loosely.
import type { ReduceOp, View } from '../backend.js';
import { reducedShape, type Shape, sizeOf, stridesOf } from '../shape.js';
import type { GpuContext } from './context.js';
import type { KernelValue } from './runtime.js';
import { coordLines, dotExpr, kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

/** A strided walk: sizes and element strides (in the source) of some axes. */
export interface Walk {
  readonly shape: number[];
  readonly strides: number[];
}

/** Splits x's axes into the kept and the reduced ones, dropping size-1 axes and merging runs. */
export function reductionWalks(shape: Shape, axes: readonly number[]): { kept: Walk; red: Walk } {
  const strides = stridesOf(shape);
  const kept: Walk = { shape: [], strides: [] };
  const red: Walk = { shape: [], strides: [] };
  let lastKind: 'kept' | 'red' | null = null;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const kind = axes.includes(d) ? 'red' : 'kept';
    const w = kind === 'red' ? red : kept;
    if (kind === lastKind) {
      // adjacent axes of one kind are contiguous in a contiguous tensor
      w.shape[w.shape.length - 1] *= shape[d];
      w.strides[w.strides.length - 1] = strides[d];
    } else {
      w.shape.push(shape[d]);
      w.strides.push(strides[d]);
    }
    lastKind = kind;
  }
  return { kept, red };
}

/** Block size for groups of R elements. */
export function blockSize(R: number, M: number): number {
  if (R <= 128 || (M >= 4096 && R <= 1024)) return R;
  return Math.min(256, Math.max(32, Math.ceil(Math.sqrt(R))));
}

type Combine = 'sum' | 'prod' | 'max' | 'min';

function combineOf(op: ReduceOp): Combine {
  return op === 'argmax' ? 'max' : op === 'argmin' ? 'min' : op;
}

function emptyValue(op: ReduceOp): number {
  switch (op) {
    case 'sum': return 0;
    case 'prod': return 1;
    case 'max': return -Infinity;
    case 'min': return Infinity;
    default: return 0;
  }
}

/** Source lines of one block's loop; `read(pos, name)` declares `name` = the element at group position pos. */
function blockLoop(combine: Combine, withIndex: boolean, B: number, R: number, blockStart: string, read: (pos: string, name: string) => string[]): string[] {
  const lines: string[] = [];
  // the first element of the block initialises the accumulator: no infinities needed
  lines.push(...read(blockStart, 'first'));
  lines.push('let acc = first;');
  if (withIndex) lines.push(`let at = ${blockStart};`);
  if (B > 1) {
    lines.push(`for (let r = 1; r < ${B}; r++) {`);
    lines.push(`  const pos = ${blockStart} + tg_fl(r);`);
    const guard = R % B !== 0;
    if (guard) lines.push(`  if (pos < ${lit(R)}) {`);
    for (const l of read('pos', 'u')) lines.push(`  ${l}`);
    switch (combine) {
      case 'sum':
        lines.push('  acc = acc + u;');
        break;
      case 'prod':
        lines.push('  acc = acc * u;');
        break;
      case 'max':
      case 'min': {
        const cmp = combine === 'max' ? '>' : '<';
        // NaN sticks once found (acc !== acc), and a NaN element wins over any number
        lines.push(`  if (acc === acc) { if (u !== u || u ${cmp} acc) { acc = u;${withIndex ? ' at = pos;' : ''} } }`);
        break;
      }
    }
    if (guard) lines.push('  }');
    lines.push('}');
  }
  return lines;
}

interface Pass {
  values: KernelValue;
  indices: KernelValue | null;
}

/**
 * One pass over groups laid out by (kept, red) walks of `src`: reduces blocks of B of each group.
 * Returns [M × nb] partial values (and indices for arg ops, which are positions in the group,
 * or, when `srcIndices` is given, the entries of srcIndices at the winning positions).
 */
function pass(ctx: GpuContext, op: ReduceOp, src: KernelValue, srcIndices: KernelValue | null, srcSize: number, kept: Walk, red: Walk, keyBase: string): Pass & { nb: number } {
  const M = sizeOf(kept.shape);
  const R = sizeOf(red.shape);
  const B = blockSize(R, M);
  const nb = Math.ceil(R / B);
  const combine = combineOf(op);
  const isArg = op === 'argmax' || op === 'argmin';
  const key = `${keyBase}|${op}|${srcSize}|k${kept.shape.join('x')}:${kept.strides.join(',')}|r${red.shape.join('x')}:${red.strides.join(',')}|B${B}`;
  const makeSource = (output: 'value' | 'index') => () => {
    const body: string[] = [];
    if (nb > 1) {
      body.push(`const m = tg_div(f, ${lit(nb)});`);
      body.push(`const b = f - m * ${lit(nb)};`);
    } else {
      body.push('const m = f;', 'const b = tg_fl(0);');
    }
    body.push(...coordLines('m', kept.shape, 'k'));
    body.push(`const base = ${dotExpr(kept.shape.map((_, d) => `k${d}`), kept.strides)};`);
    const read = (pos: string, name: string): string[] => {
      const lines = coordLines(pos, red.shape, `q${name}`);
      lines.push(`const ${name} = x[base + ${dotExpr(red.shape.map((_, d) => `q${name}${d}`), red.strides)}];`);
      return lines;
    };
    const blockStart = B === 1 ? 'b' : `b * ${lit(B)}`;
    body.push(`const bs = ${blockStart};`);
    body.push(...blockLoop(combine, isArg && output === 'index', B, R, 'bs', read));
    if (output === 'value') body.push('return acc;');
    else if (srcIndices) {
      // the winner's entry in the previous pass's indices (same layout as x)
      const coords = red.shape.map((_, d) => `qa${d}`);
      body.push(...coordLines('at', red.shape, 'qa'));
      body.push(`return ix[base + ${dotExpr(coords, red.strides)}];`);
    } else body.push('return at;');
    return kernelSource(output === 'index' && srcIndices ? ['x', 'ix'] : ['x'], body);
  };
  const loopMax = B;
  const values = !isArg || nb > 1 ? ctx.run({ key: `${key}|v`, source: makeSource('value'), output: M * nb, loopMax }, [src]) : null;
  let indices: KernelValue | null = null;
  if (isArg) {
    indices = ctx.run({ key: `${key}|i${srcIndices ? 'x' : ''}`, source: makeSource('index'), output: M * nb, loopMax }, srcIndices ? [src, srcIndices] : [src]);
  }
  return { values: values ?? src, indices, nb };
}

export function reduce(ctx: GpuContext, op: ReduceOp, x: View, axes: readonly number[]): GpuStorage {
  ctx.checkSize('reduce', x.shape);
  const outShape = reducedShape(x.shape, axes);
  const M = sizeOf(outShape);
  const R = sizeOf(x.shape) / Math.max(M, 1);
  if (M === 0) return ctx.filled(0, 0);
  if (sizeOf(x.shape) === 0 || R === 0) return ctx.filled(M, emptyValue(op));
  const { kept, red } = reductionWalks(x.shape, axes);
  return ctx.wrap(reduceValue(ctx, op, ctx.input(x, 'reduce'), sizeOf(x.shape), kept, red), M);
}

/**
 * Reduces the groups that the (kept, red) walks lay out in src (a value the caller keeps, of
 * srcSize elements); returns a new value of one result per group, in kept order.
 */
export function reduceValue(ctx: GpuContext, op: ReduceOp, src: KernelValue, srcSize: number, kept: Walk, red: Walk): KernelValue {
  const M = sizeOf(kept.shape);
  const isArg = op === 'argmax' || op === 'argmin';
  let values: KernelValue = src;
  let indices: KernelValue | null = null;
  let size = srcSize;
  let k = kept;
  let r = red;
  for (;;) {
    const p = pass(ctx, op, values, indices, size, k, r, 'red');
    if (values !== src) ctx.drop(values);
    if (indices) ctx.drop(indices);
    if (p.nb === 1) {
      if (isArg) {
        if (p.values !== values && p.values !== src) ctx.drop(p.values);
        return p.indices!;
      }
      return p.values;
    }
    values = p.values;
    indices = p.indices;
    size = M * p.nb;
    k = { shape: [M], strides: [p.nb] };
    r = { shape: [p.nb], strides: [1] };
  }
}

/** Sums each of `rows` contiguous rows of `cols` values of src (a value the caller keeps). */
export function sumRows(ctx: GpuContext, src: KernelValue, rows: number, cols: number): KernelValue {
  return reduceValue(ctx, 'sum', src, rows * cols, { shape: [rows], strides: [cols] }, { shape: [cols], strides: [1] });
}

/**
 * prodOthers: for each element, the product of the other elements of its group, without
 * division (zeros are the reason this kernel exists). Blocked like the reductions: block
 * products P[m, b] first, then each element multiplies the other blocks' products and the other
 * elements of its own block — O(nb + B) work per element instead of O(R).
 */
export function prodOthers(ctx: GpuContext, x: View, axes: readonly number[]): GpuStorage {
  const size = ctx.checkSize('prodOthers', x.shape);
  if (size === 0) return ctx.filled(0, 0);
  const input = ctx.input(x, 'prodOthers');
  const { kept, red } = reductionWalks(x.shape, axes);
  const M = sizeOf(kept.shape);
  const R = sizeOf(red.shape);
  if (R === 1) return ctx.filled(size, 1);
  const B = blockSize(R, M);
  const nb = Math.ceil(R / B);
  let partial: KernelValue | null = null;
  if (nb > 1) partial = pass(ctx, 'prod', input, null, size, kept, red, 'po').values;
  const key = `po|${size}|${x.shape.join('x')}|${axes.join(',')}|B${B}`;
  const source = () => {
    const body: string[] = [];
    const keptIdx: string[] = [];
    const redIdx: string[] = [];
    const keptStr = stridesOf(kept.shape);
    const redStr = stridesOf(red.shape);
    // x is contiguous, so f is the element's offset Σ k_d·kept.strides[d] + Σ q_d·red.strides[d];
    // the walks partition the axes, so each coordinate is floor(f / stride) mod size
    body.push('const xo = f;');
    kept.shape.forEach((n, d) => {
      body.push(`const kk${d} = tg_div(xo, ${lit(kept.strides[d])}) - tg_div(xo, ${lit(kept.strides[d] * n)}) * ${lit(n)};`);
      keptIdx.push(`kk${d}`);
    });
    red.shape.forEach((n, d) => {
      body.push(`const rr${d} = tg_div(xo, ${lit(red.strides[d])}) - tg_div(xo, ${lit(red.strides[d] * n)}) * ${lit(n)};`);
      redIdx.push(`rr${d}`);
    });
    body.push(`const m = ${dotExpr(keptIdx, keptStr)};`);
    body.push(`const rpos = ${dotExpr(redIdx, redStr)};`);
    body.push(`const base = ${dotExpr(keptIdx, kept.strides)};`);
    body.push(`const own = ${nb > 1 ? `tg_div(rpos, ${lit(B)})` : 'tg_fl(0)'};`);
    body.push('let acc = tg_fl(1);');
    if (nb > 1) {
      body.push(`for (let j = 0; j < ${nb}; j++) {`);
      body.push('  const jf = tg_fl(j);');
      body.push(`  if (jf !== own) { acc = acc * pp[m * ${lit(nb)} + jf]; }`);
      body.push('}');
    }
    body.push(`const bs = own * ${lit(B)};`);
    body.push(`for (let r = 0; r < ${B}; r++) {`);
    body.push('  const pos = bs + tg_fl(r);');
    body.push(`  if (pos < ${lit(R)} && pos !== rpos) {`);
    body.push(...coordLines('pos', red.shape, 'qp').map((l) => `    ${l}`));
    body.push(`    acc = acc * x[base + ${dotExpr(red.shape.map((_, d) => `qp${d}`), red.strides)}];`);
    body.push('  }');
    body.push('}');
    body.push('return acc;');
    return kernelSource(nb > 1 ? ['x', 'pp'] : ['x'], body);
  };
  const out = ctx.run({ key, source, output: size, loopMax: Math.max(B, nb) }, partial ? [input, partial] : [input]);
  if (partial) ctx.drop(partial);
  return ctx.wrap(out, size);
}
