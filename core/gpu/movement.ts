// Kernels that move data: every output element computes where it comes from. permute, slice
// and flip are one kernel, a strided read out[c] = x[offset + Σ c_d·s_d] (a flip is a slice
// with step −1, a permute a reordering of strides). The adjoints (sliceGrad, padGrad) are
// gathers too — each input position finds the output positions that copied it — so no kernel
// ever scatters or races.
import type { PadMode, Pads, View } from '../backend.js';
import { fail } from '../errors.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { collapseAxes } from './elementwise.js';
import type { KernelValue } from './runtime.js';
import { coordLines, dotExpr, kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

/** out[c] = x[offset + Σ c_d·strides_d] over outShape. */
export function stridedRead(ctx: GpuContext, x: KernelValue, xSize: number, outShape: Shape, strides: readonly number[], offset: number): KernelValue {
  const size = sizeOf(outShape);
  const { shape, strides: [s] } = collapseAxes(outShape, [[...strides]]);
  const key = `sr|${xSize}|${shape.join('x')}|${s.join(',')}|${offset}`;
  const source = () => {
    const contiguous = stridesOf(shape);
    if (offset === 0 && s.every((v, d) => v === contiguous[d])) return kernelSource(['x'], ['return x[f];']);
    const body = coordLines('f', shape, 'c');
    body.push(`return x[${dotExpr(shape.map((_, d) => `c${d}`), s, offset)}];`);
    return kernelSource(['x'], body);
  };
  return ctx.run({ key, source, output: size }, [x]);
}

export function permute(ctx: GpuContext, x: View, axes: readonly number[]): GpuStorage {
  const size = ctx.checkSize('permute', x.shape);
  if (size === 0) return ctx.filled(0, 0);
  const inStrides = stridesOf(x.shape);
  const outShape = axes.map((a) => x.shape[a]);
  return ctx.wrap(stridedRead(ctx, ctx.input(x, 'permute'), size, outShape, axes.map((a) => inStrides[a]), 0), size);
}

export function slice(ctx: GpuContext, x: View, starts: readonly number[], steps: readonly number[], outShape: Shape): GpuStorage {
  const xSize = ctx.checkSize('slice', x.shape);
  const size = sizeOf(outShape);
  if (size === 0) return ctx.filled(0, 0);
  const strides = stridesOf(x.shape);
  const offset = starts.reduce((acc, st, d) => acc + st * strides[d], 0);
  return ctx.wrap(stridedRead(ctx, ctx.input(x, 'slice'), xSize, outShape, steps.map((st, d) => st * strides[d]), offset), size);
}

export function flip(ctx: GpuContext, x: View, axes: readonly number[]): GpuStorage {
  const size = ctx.checkSize('flip', x.shape);
  if (size === 0) return ctx.filled(0, 0);
  const strides = stridesOf(x.shape);
  const flipped = (d: number) => axes.includes(d) && x.shape[d] > 1;
  const offset = x.shape.reduce((acc, n, d) => acc + (flipped(d) ? (n - 1) * strides[d] : 0), 0);
  return ctx.wrap(stridedRead(ctx, ctx.input(x, 'flip'), size, x.shape, strides.map((s, d) => (flipped(d) ? -s : s)), offset), size);
}

/** Zeros of inShape with g at the sliced positions: each position checks whether it was sliced. */
export function sliceGrad(ctx: GpuContext, g: View, inShape: Shape, starts: readonly number[], steps: readonly number[]): GpuStorage {
  const gSize = ctx.checkSize('sliceGrad', g.shape);
  const size = ctx.checkSize('sliceGrad', inShape);
  if (size === 0) return ctx.filled(0, 0);
  if (gSize === 0) return ctx.filled(size, 0);
  const gStrides = stridesOf(g.shape);
  const key = `sg|${g.shape.join('x')}|${inShape.join('x')}|${starts.join(',')}|${steps.join(',')}`;
  const source = () => {
    const body = coordLines('f', inShape, 'c');
    body.push('let ok = tg_fl(1);');
    const js: string[] = [];
    inShape.forEach((n, d) => {
      const step = steps[d], start = starts[d], count = g.shape[d];
      if (step === 1 && start === 0 && count === n) {
        js.push(`c${d}`);
        return;
      }
      // j = (c − start) / step must be a whole number in [0, count)
      const sign = step > 0 ? 1 : -1;
      body.push(`const t${d} = (c${d} - ${lit(start)}) * ${lit(sign)};`);
      body.push(`const j${d} = tg_div(t${d}, ${lit(Math.abs(step))});`);
      body.push(`if (t${d} < 0 || t${d} - j${d} * ${lit(Math.abs(step))} !== 0 || j${d} >= ${lit(count)}) { ok = tg_fl(0); }`);
      js.push(`j${d}`);
    });
    body.push('let v = tg_fl(0);');
    body.push(`if (ok > 0) { v = g[${dotExpr(js, gStrides)}]; }`);
    body.push('return v;');
    return kernelSource(['g'], body);
  };
  return ctx.wrap(ctx.run({ key, source, output: size }, [ctx.input(g, 'sliceGrad')]), size);
}

export function pad(ctx: GpuContext, x: View, pads: Pads, mode: PadMode, value: number): GpuStorage {
  const xSize = ctx.checkSize('pad', x.shape);
  const outShape = x.shape.map((n, d) => n + pads[d][0] + pads[d][1]);
  const size = ctx.checkSize('pad', outShape);
  if (size === 0) return ctx.filled(0, 0);
  if (xSize === 0) {
    if (mode !== 'constant') fail('pad', `${mode} padding of an empty tensor`);
    return ctx.filled(size, value);
  }
  const strides = stridesOf(x.shape);
  const key = `pad|${x.shape.join('x')}|${pads.map((p) => p.join(':')).join(',')}|${mode}`;
  const source = () => {
    const body = coordLines('f', outShape, 'c');
    body.push('let ok = tg_fl(1);');
    const js: string[] = [];
    x.shape.forEach((n, d) => {
      const [before, after] = pads[d];
      if (before === 0 && after === 0) {
        js.push(`c${d}`);
        return;
      }
      body.push(`let j${d} = c${d} - ${lit(before)};`);
      if (mode === 'constant') body.push(`if (j${d} < 0 || j${d} >= ${lit(n)}) { ok = tg_fl(0); }`);
      else if (mode === 'replicate') {
        body.push(`if (j${d} < 0) { j${d} = tg_fl(0); }`);
        body.push(`if (j${d} >= ${lit(n)}) { j${d} = ${lit(n - 1)}; }`);
      } else {
        // reflect without repeating the edge (pads < size are validated by the op)
        body.push(`if (j${d} < 0) { j${d} = -j${d}; }`);
        body.push(`if (j${d} >= ${lit(n)}) { j${d} = ${lit(2 * (n - 1))} - j${d}; }`);
      }
      js.push(`j${d}`);
    });
    if (mode === 'constant') {
      body.push('let v = value;');
      body.push(`if (ok > 0) { v = x[${dotExpr(js, strides)}]; }`);
      body.push('return v;');
    } else body.push(`return x[${dotExpr(js, strides)}];`);
    return kernelSource(mode === 'constant' ? ['x', 'value'] : ['x'], body);
  };
  const args = mode === 'constant' ? [ctx.input(x, 'pad'), value] : [ctx.input(x, 'pad')];
  return ctx.wrap(ctx.run({ key, source, output: size }, args), size);
}

/**
 * The adjoint of pad. Constant padding only copies, so its adjoint is a slice. Reflect and
 * replicate pads are separable (one axis at a time), so the adjoint runs one gather per padded
 * axis: input position j along the axis sums the output positions that read from it — itself,
 * its mirror images (reflect) or the whole border (replicate, at the two edges).
 */
export function padGrad(ctx: GpuContext, g: View, inShape: Shape, pads: Pads, mode: PadMode): GpuStorage {
  ctx.checkSize('padGrad', g.shape);
  const size = ctx.checkSize('padGrad', inShape);
  if (size === 0) return ctx.filled(0, 0);
  if (mode === 'constant') return slice(ctx, g, pads.map((p) => p[0]), inShape.map(() => 1), inShape);
  let current = ctx.input(g, 'padGrad');
  let shape = [...g.shape];
  let owned = false;
  for (let d = 0; d < inShape.length; d++) {
    const [before, after] = pads[d];
    if (before === 0 && after === 0) continue;
    const n = inShape[d];
    const outer = sizeOf(shape.slice(0, d));
    const inner = sizeOf(shape.slice(d + 1));
    const N = shape[d];
    const outSize = outer * n * inner;
    const key = `pg|${mode}|${outer}|${N}|${n}|${inner}|${before}|${after}`;
    const source = () => {
      const body: string[] = [];
      body.push(`const o = tg_div(f, ${lit(n * inner)});`);
      body.push(`const jq = f - o * ${lit(n * inner)};`);
      body.push(`const j = tg_div(jq, ${lit(inner)});`);
      body.push(`const q = jq - j * ${lit(inner)};`);
      body.push(`const row = o * ${lit(N * inner)} + q;`);
      const at = (i: string) => `g[row + (${i}) * ${lit(inner)}]`;
      body.push(`let acc = ${at(`j + ${lit(before)}`)};`);
      if (mode === 'replicate') {
        if (before > 0) body.push(`if (j === 0) { for (let r = 0; r < ${before}; r++) { acc = acc + ${at('tg_fl(r)')}; } }`);
        if (after > 0) body.push(`if (j === ${lit(n - 1)}) { for (let r = 0; r < ${after}; r++) { acc = acc + ${at(`tg_fl(r) + ${lit(before + n)}`)}; } }`);
      } else {
        // mirror images: i = before − j (for 1 ≤ j ≤ before) and i = before + 2(n−1) − j (for j ≥ n−1−after, j ≤ n−2)
        if (before > 0) body.push(`if (j >= 1 && j <= ${lit(before)}) { acc = acc + ${at(`${lit(before)} - j`)}; }`);
        if (after > 0) body.push(`if (j >= ${lit(n - 1 - after)} && j <= ${lit(n - 2)}) { acc = acc + ${at(`${lit(before + 2 * (n - 1))} - j`)}; }`);
      }
      body.push('return acc;');
      return kernelSource(['g'], body);
    };
    const next = ctx.run({ key, source, output: outSize, loopMax: Math.max(before, after) }, [current]);
    if (owned) ctx.drop(current);
    current = next;
    owned = true;
    shape[d] = n;
  }
  if (!owned) current = stridedRead(ctx, current, size, inShape, stridesOf(inShape), 0);
  return ctx.wrap(current, size);
}

/** At most this many inputs per concat kernel (WebGL 1 guarantees 8 texture units). */
const CONCAT_GROUP = 6;

export function concat(ctx: GpuContext, inputs: readonly View[], axis: number, outShape: Shape): GpuStorage {
  const size = ctx.checkSize('concat', outShape);
  if (size === 0) return ctx.filled(0, 0);
  const parts = inputs.filter((v) => sizeOf(v.shape) > 0).map((v) => ({ value: ctx.input(v, 'concat'), extent: v.shape[axis], owned: false }));
  for (const v of inputs) ctx.checkSize('concat', v.shape);
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  // more inputs than one kernel can bind: concatenate groups, then the groups' results
  let level = parts;
  while (level.length > 1) {
    const next: typeof parts = [];
    for (let i = 0; i < level.length; i += CONCAT_GROUP) {
      const group = level.slice(i, i + CONCAT_GROUP);
      if (group.length === 1) {
        next.push(group[0]);
        continue;
      }
      const extent = group.reduce((acc, p) => acc + p.extent, 0);
      const value = concatGroup(ctx, group.map((p) => ({ value: p.value, extent: p.extent })), outer, inner, extent);
      for (const p of group) if (p.owned) ctx.drop(p.value);
      next.push({ value, extent, owned: true });
    }
    level = next;
  }
  const only = level[0];
  const value = only.owned ? only.value : stridedRead(ctx, only.value, size, [size], [1], 0);
  return ctx.wrap(value, size);
}

function concatGroup(ctx: GpuContext, group: readonly { value: KernelValue; extent: number }[], outer: number, inner: number, extent: number): KernelValue {
  const key = `cat|${outer}|${inner}|${group.map((p) => p.extent).join(',')}`;
  const source = () => {
    const body: string[] = [];
    body.push(`const o = tg_div(f, ${lit(extent * inner)});`);
    body.push(`const aq = f - o * ${lit(extent * inner)};`);
    body.push(`const a = tg_div(aq, ${lit(inner)});`);
    body.push(`const q = aq - a * ${lit(inner)};`);
    body.push('let v = tg_fl(0);');
    let start = 0;
    group.forEach((p, i) => {
      const cond = i === group.length - 1 ? '' : `if (a < ${lit(start + p.extent)}) `;
      const read = `v = x${i}[(o * ${lit(p.extent)} + a - ${lit(start)}) * ${lit(inner)} + q];`;
      body.push(i === 0 ? `${cond}{ ${read} }` : `else ${cond}{ ${read} }`);
      start += p.extent;
    });
    body.push('return v;');
    return kernelSource(group.map((_, i) => `x${i}`), body);
  };
  return ctx.run({ key, source, output: outer * extent * inner }, group.map((p) => p.value));
}
