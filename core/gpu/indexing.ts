// gather and scatterAdd along one axis (torch semantics, as core/cpu/indexing.ts). Index values
// are floats in storage; they are rounded to the nearest integer when read. scatterAdd is
// written as a gather — each output element sums the sources whose index points at it, in index
// order — so there are no write races and the sum order matches the CPU's.
import type { View } from '../backend.js';
import { stridesOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { coordLines, dotExpr, kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

export function gather(ctx: GpuContext, x: View, dim: number, index: View): GpuStorage {
  const xSize = ctx.checkSize('gather', x.shape);
  const size = ctx.checkSize('gather', index.shape);
  if (size === 0) return ctx.filled(0, 0);
  const xStrides = stridesOf(x.shape);
  const key = `ga|${x.shape.join('x')}|${index.shape.join('x')}|${dim}|${xSize}`;
  const source = () => {
    const body = coordLines('f', index.shape, 'c');
    body.push('const at = Math.floor(ix[f] + 0.5);');
    const coords = index.shape.map((_, d) => (d === dim ? 'at' : `c${d}`));
    body.push(`return x[${dotExpr(coords, xStrides)}];`);
    return kernelSource(['x', 'ix'], body);
  };
  return ctx.wrap(ctx.run({ key, source, output: size }, [ctx.input(x, 'gather'), ctx.input(index, 'gather')]), size);
}

export function scatterAdd(ctx: GpuContext, base: View, dim: number, index: View, src: View): GpuStorage {
  const size = ctx.checkSize('scatterAdd', base.shape);
  const idxSize = ctx.checkSize('scatterAdd', index.shape);
  ctx.checkSize('scatterAdd', src.shape);
  if (size === 0) return ctx.filled(0, 0);
  const baseValue = ctx.input(base, 'scatterAdd');
  const key0 = `sa|${base.shape.join('x')}|${index.shape.join('x')}|${src.shape.join('x')}|${dim}`;
  if (idxSize === 0) {
    const copy = ctx.run({ key: `${key0}|copy`, source: () => kernelSource(['b'], ['return b[f];']), output: size }, [baseValue]);
    return ctx.wrap(copy, size);
  }
  const idxStrides = stridesOf(index.shape);
  const srcStrides = stridesOf(src.shape);
  const count = index.shape[dim];
  const source = () => {
    const body = coordLines('f', base.shape, 'c');
    body.push('let acc = b[f];');
    // positions outside the index's extent on the other axes receive nothing
    const outside = base.shape.map((n, d) => (d !== dim && index.shape[d] < n ? `c${d} >= ${lit(index.shape[d])}` : '')).filter((s) => s);
    const coords = base.shape.map((_, d) => (d === dim ? 'jf' : `c${d}`));
    const loop = [
      `for (let j = 0; j < ${count}; j++) {`,
      '  const jf = tg_fl(j);',
      `  const target = Math.floor(ix[${dotExpr(coords, idxStrides)}] + 0.5);`,
      `  if (target === c${dim}) { acc = acc + s[${dotExpr(coords, srcStrides)}]; }`,
      '}',
    ];
    if (outside.length > 0) body.push(`if (!(${outside.join(' || ')})) {`, ...loop.map((l) => `  ${l}`), '}');
    else body.push(...loop);
    body.push('return acc;');
    return kernelSource(['b', 'ix', 's'], body);
  };
  const out = ctx.run({ key: key0, source, output: size, loopMax: count }, [baseValue, ctx.input(index, 'scatterAdd'), ctx.input(src, 'scatterAdd')]);
  return ctx.wrap(out, size);
}
