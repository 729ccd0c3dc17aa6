// Group normalisation and its gradient on the gpu backend: the per-group statistics with the
// blocked reductions (reduce.ts), everything else as elementwise kernels over x's [N, C, S]
// layout. Two passes for the variance, as on the CPU (core/cpu/group_norm.ts), so a constant
// group has variance exactly 0.
import type { View } from '../backend.js';
import { sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { reduceValue, sumRows } from './reduce.js';
import type { KernelValue } from './runtime.js';
import { kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

/** A kernel over x's [N, C, S] layout with per-(n, group) statistics; `expr` is the value. */
function groupwise(ctx: GpuContext, key: string, shape: readonly number[], groups: number, names: readonly string[], args: readonly KernelValue[], lines: readonly string[], expr: string, extra: readonly (KernelValue | number)[] = []): KernelValue {
  const [N, C] = shape;
  const S = sizeOf(shape.slice(2));
  const Cg = C / groups;
  const size = N * C * S;
  const source = () => {
    const body = [
      `const n = tg_div(f, ${lit(C * S)});`,
      `const cs = f - n * ${lit(C * S)};`,
      `const ch = tg_div(cs, ${lit(S)});`,
      `const grp = tg_div(ch, ${lit(Cg)});`,
      `const row = n * ${lit(groups)} + grp;`,
      ...lines,
      `return ${expr};`,
    ];
    return kernelSource(names, body);
  };
  return ctx.run({ key: `${key}|${shape.join('x')}|${groups}`, source, output: size }, [...args, ...extra]);
}

export function groupNorm(ctx: GpuContext, xv: View, wv: View | null, bv: View | null, groups: number, eps: number): { y: GpuStorage; mean: GpuStorage; rstd: GpuStorage } {
  const size = ctx.checkSize('groupNorm', xv.shape);
  const [N, C] = xv.shape;
  const rows = N * groups;
  const M = size / Math.max(rows, 1);
  if (size === 0 || M === 0) {
    // empty groups: mean 0 would be NaN on the CPU (0/0); keep the shapes, fill like the CPU
    return { y: ctx.filled(size, 0), mean: ctx.filled(rows, NaN), rstd: ctx.filled(rows, NaN) };
  }
  const x = ctx.input(xv, 'groupNorm');
  const sums = sumRows(ctx, x, rows, M);
  const mean = ctx.run({ key: `gn-mean|${rows}|${M}`, source: () => kernelSource(['s'], [`return s[f] / ${lit(M)};`]), output: rows }, [sums]);
  ctx.drop(sums);
  // variance around the mean (two passes, as the CPU: a constant input has variance exactly 0)
  const sq = groupwise(ctx, 'gn-sq', xv.shape, groups, ['x', 'mu'], [x, mean], ['const d = x[f] - mu[row];'], 'd * d');
  const sqSums = sumRows(ctx, sq, rows, M);
  ctx.drop(sq);
  const rstd = ctx.run({ key: `gn-rstd|${rows}|${M}`, source: () => kernelSource(['q', 'eps'], [`return 1 / Math.sqrt(q[f] / ${lit(M)} + eps);`]), output: rows }, [sqSums, eps]);
  ctx.drop(sqSums);
  const names = ['x', 'mu', 'r', ...(wv ? ['gm'] : []), ...(bv ? ['bt'] : [])];
  const args = [x, mean, rstd, ...(wv ? [ctx.input(wv, 'groupNorm')] : []), ...(bv ? [ctx.input(bv, 'groupNorm')] : [])];
  const scale = wv ? 'gm[ch] * r[row]' : 'r[row]';
  const y = groupwise(ctx, `gn-y${wv ? 'w' : ''}${bv ? 'b' : ''}`, xv.shape, groups, names, args, [], `(x[f] - mu[row]) * ${scale}${bv ? ' + bt[ch]' : ''}`);
  return { y: ctx.wrap(y, size), mean: ctx.wrap(mean, rows), rstd: ctx.wrap(rstd, rows) };
}

export function groupNormGrad(ctx: GpuContext, gv: View, xv: View, wv: View | null, meanv: View, rstdv: View, groups: number): { dx: GpuStorage; dweight: GpuStorage; dbias: GpuStorage } {
  const size = ctx.checkSize('groupNormGrad', xv.shape);
  const [N, C] = xv.shape;
  const S = sizeOf(xv.shape.slice(2));
  const rows = N * groups;
  const M = size / Math.max(rows, 1);
  if (size === 0 || M === 0) return { dx: ctx.filled(size, 0), dweight: ctx.filled(C, 0), dbias: ctx.filled(C, 0) };
  const dy = ctx.input(gv, 'groupNormGrad'), x = ctx.input(xv, 'groupNormGrad');
  const mean = ctx.input(meanv, 'groupNormGrad'), rstd = ctx.input(rstdv, 'groupNormGrad');
  const gamma = wv ? ctx.input(wv, 'groupNormGrad') : null;
  const xhat = '(x[f] - mu[row]) * r[row]';
  const gm = gamma ? 'gm[ch]' : '1';
  const base = ['dy', 'x', 'mu', 'r', ...(gamma ? ['gm'] : [])];
  const baseArgs = [dy, x, mean, rstd, ...(gamma ? [gamma] : [])];
  const tag = gamma ? 'w' : '';
  // per channel: Σ over N and S of dy·x̂ (dweight) and of dy (dbias)
  const perChannel = { kept: { shape: [C], strides: [S] }, red: { shape: [N, S], strides: [C * S, 1] } };
  const dyXhat = groupwise(ctx, 'gng-dyxh', xv.shape, groups, base.slice(0, 4), baseArgs.slice(0, 4), [], `dy[f] * ${xhat}`);
  const dweight = reduceValue(ctx, 'sum', dyXhat, size, perChannel.kept, perChannel.red);
  const dbias = reduceValue(ctx, 'sum', dy, size, perChannel.kept, perChannel.red);
  // per group: the means of dx̂ = dy·γ and of dx̂·x̂
  const dxhat = gamma ? groupwise(ctx, 'gng-dxh', xv.shape, groups, base, baseArgs, [], `dy[f] * ${gm}`) : null;
  const sumDxhat = sumRows(ctx, dxhat ?? dy, rows, M);
  if (dxhat) ctx.drop(dxhat);
  const dxhatXhat = gamma ? groupwise(ctx, 'gng-dxhxh', xv.shape, groups, base, baseArgs, [], `dy[f] * ${gm} * ${xhat}`) : dyXhat;
  const sumDxhatXhat = sumRows(ctx, dxhatXhat, rows, M);
  if (dxhatXhat !== dyXhat) ctx.drop(dxhatXhat);
  ctx.drop(dyXhat);
  const dx = groupwise(ctx, `gng-dx${tag}`, xv.shape, groups, [...base, 'sa', 'sb'], [...baseArgs, sumDxhat, sumDxhatXhat], [],
    `r[row] * (dy[f] * ${gm} - sa[row] / ${lit(M)} - ${xhat} * (sb[row] / ${lit(M)}))`);
  ctx.drop(sumDxhat);
  ctx.drop(sumDxhatXhat);
  return { dx: ctx.wrap(dx, size), dweight: ctx.wrap(dweight, C), dbias: ctx.wrap(dbias, C) };
}
