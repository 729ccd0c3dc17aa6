// Batched matmul with broadcast batch axes and transposed operands read in place (through
// strides, never copied). gpu.js gives one output cell per invocation and no shared memory, so
// the levers are the inner loop and the amount of parallel work:
//  - the k loop is unrolled by 4 (one loop iteration does four multiply-adds);
//  - when there are few output cells and a long k (the weight gradient xᵀ·dY of a layer with a
//    big batch, or a dot product), k is split into chunks computed in parallel and the partial
//    sums are added by a second pass, so the device is not left with a handful of threads each
//    walking all of k.
// On WebGL, products whose rows start on texel boundaries go to matmul_texels.ts instead, which
// reads four values per texture fetch and computes four outputs per invocation.
import type { View } from '../backend.js';
import { broadcastStrides, type Shape } from '../shape.js';
import type { GpuContext } from './context.js';
import { matmulTexels, texelMatmulPlan } from './matmul_texels.js';
import { sumRows } from './reduce.js';
import { coordLines, dotExpr, kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

/** Below this many output cells a long k is split. */
const FEW_CELLS = 4096;
/** Split only when k is at least this long, into chunks of at least this length. */
const MIN_CHUNK = 64;

export function matmul(ctx: GpuContext, a: View, b: View, transA: boolean, transB: boolean, outShape: Shape): GpuStorage {
  ctx.checkSize('matmul', a.shape);
  ctx.checkSize('matmul', b.shape);
  const size = ctx.checkSize('matmul', outShape);
  const ra = a.shape.length, rb = b.shape.length;
  const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (size === 0) return ctx.filled(0, 0);
  if (k === 0) return ctx.filled(size, 0);
  const batchShape = outShape.slice(0, -2);
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n);
  // element strides of A(i, p) and B(p, j)
  const [sAi, sAp] = transA ? [1, m] : [k, 1];
  const [sBp, sBj] = transB ? [1, k] : [n, 1];
  const plan = size < FEW_CELLS && k >= 2 * MIN_CHUNK ? null : texelMatmulPlan(ctx, a, b, transA, transB, m, k, n);
  if (plan) return ctx.wrap(matmulTexels(ctx, a, b, plan, m, k, n), size);
  const av = ctx.input(a, 'matmul');
  const bv = ctx.input(b, 'matmul');
  const chunks = size < FEW_CELLS && k >= 2 * MIN_CHUNK ? Math.min(Math.ceil(k / MIN_CHUNK), Math.max(2, Math.floor(FEW_CELLS / size))) : 1;
  const chunk = Math.ceil(k / chunks);
  const S = Math.ceil(k / chunk);
  const key = `mm|${a.shape.join('x')}|${b.shape.join('x')}|${transA ? 1 : 0}${transB ? 1 : 0}|${outShape.join('x')}|S${S}`;
  const source = () => {
    const body: string[] = [];
    // thread → (cell, chunk s); cell → (batch, i, j)
    if (S > 1) {
      body.push(`const cell = tg_div(f, ${lit(S)});`);
      body.push(`const s = f - cell * ${lit(S)};`);
    } else body.push('const cell = f;');
    body.push(`const bq = tg_div(cell, ${lit(m * n)});`);
    body.push(`const ij = cell - bq * ${lit(m * n)};`);
    body.push(`const i = tg_div(ij, ${lit(n)});`);
    body.push(`const j = ij - i * ${lit(n)};`);
    body.push(...coordLines('bq', batchShape, 'c'));
    const coords = batchShape.map((_, d) => `c${d}`);
    body.push(`const ao = ${dotExpr(coords, aBatch)} + i * ${lit(sAi)};`);
    body.push(`const bo = ${dotExpr(coords, bBatch)} + j * ${lit(sBj)};`);
    body.push(S > 1 ? `const p0 = s * ${lit(chunk)};` : 'const p0 = tg_fl(0);');
    const len = S > 1 ? chunk : k;
    const quads = Math.floor(len / 4);
    body.push('let acc = tg_fl(0);');
    const term = (p: string) => `a[ao + (${p}) * ${lit(sAp)}] * b[bo + (${p}) * ${lit(sBp)}]`;
    const lastChunkShort = S > 1 && k % chunk !== 0;
    if (quads > 0) {
      body.push(`for (let q = 0; q < ${quads}; q++) {`);
      body.push('  const p = p0 + tg_fl(q) * 4;');
      if (lastChunkShort) body.push(`  if (p + 3 < ${lit(k)}) {`);
      body.push(`  acc = acc + ${term('p')} + ${term('p + 1')} + ${term('p + 2')} + ${term('p + 3')};`);
      if (lastChunkShort) {
        body.push('  } else {');
        for (let t = 0; t < 3; t++) body.push(`    if (p + ${t} < ${lit(k)}) { acc = acc + ${term(`p + ${t}`)}; }`);
        body.push('  }');
      }
      body.push('}');
    }
    for (let t = quads * 4; t < len; t++) {
      if (lastChunkShort) body.push(`if (p0 + ${t} < ${lit(k)}) { acc = acc + ${term(`p0 + ${t}`)}; }`);
      else body.push(`acc = acc + ${term(`p0 + ${t}`)};`);
    }
    body.push('return acc;');
    return kernelSource(['a', 'b'], body);
  };
  const partial = ctx.run({ key, source, output: size * S, loopMax: Math.ceil(k / 4) }, [av, bv]);
  if (S === 1) return ctx.wrap(partial, size);
  // add the S partial sums of each cell (contiguous rows of S) with the blocked tree reduction
  const out = sumRows(ctx, partial, size, S);
  ctx.drop(partial);
  return ctx.wrap(out, size);
}
