// conv2d and its two gradients on the gpu backend, as gathers (gpu.js kernels cannot scatter):
//   conv2d           direct convolution, one output element per thread, loops over C/groups·kH·kW
//   conv2dGradInput  each input pixel collects, for every tap, the output position that read it
//                    (a transposed convolution); stride and dilation are solved per tap
//   conv2dGradWeight each weight sums g·x over N·Ho·Wo positions, split into chunks summed by
//                    the blocked row reduction (reduce.ts), like matmul's split k
// Semantics: core/cpu/conv.ts, which the parity suite checks against.
import type { Conv2dParams, View } from '../backend.js';
import { type Shape, sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { split4 } from './layout.js';
import { sumRows } from './reduce.js';
import { kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

const convKey = (p: Conv2dParams) => `${p.stride.join(',')}|${p.padding.join(',')}|${p.dilation.join(',')}|${p.groups}`;

export function conv2d(ctx: GpuContext, xv: View, wv: View, p: Conv2dParams, outShape: Shape): GpuStorage {
  ctx.checkSize('conv2d', xv.shape);
  ctx.checkSize('conv2d', wv.shape);
  const size = ctx.checkSize('conv2d', outShape);
  if (size === 0) return ctx.filled(0, 0);
  const [, C, H, W] = xv.shape;
  const [O, Cg, kH, kW] = wv.shape;
  const [, , Ho, Wo] = outShape;
  const Og = O / p.groups;
  if (Cg * kH * kW === 0) return ctx.filled(size, 0);
  const [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  const key = `conv|${xv.shape.join('x')}|${wv.shape.join('x')}|${outShape.join('x')}|${convKey(p)}`;
  const source = () => {
    const body = split4('f', outShape, ['n', 'o', 'oh', 'ow']);
    body.push(`const grp = tg_div(o, ${lit(Og)});`);
    body.push(`const xb = (n * ${lit(C)} + grp * ${lit(Cg)}) * ${lit(H * W)};`);
    body.push(`const wb = o * ${lit(Cg * kH * kW)};`);
    body.push(`const h0 = oh * ${lit(sH)} - ${lit(pH)};`);
    body.push(`const w0 = ow * ${lit(sW)} - ${lit(pW)};`);
    body.push('let acc = tg_fl(0);');
    body.push(`for (let kh = 0; kh < ${kH}; kh++) {`);
    body.push(`  const ih = h0 + tg_fl(kh) * ${lit(dH)};`);
    body.push(`  if (ih >= 0 && ih < ${lit(H)}) {`);
    body.push(`    for (let kw = 0; kw < ${kW}; kw++) {`);
    body.push(`      const iw = w0 + tg_fl(kw) * ${lit(dW)};`);
    body.push(`      if (iw >= 0 && iw < ${lit(W)}) {`);
    body.push(`        for (let c = 0; c < ${Cg}; c++) {`);
    body.push('          const cf = tg_fl(c);');
    body.push(`          acc = acc + x[xb + cf * ${lit(H * W)} + ih * ${lit(W)} + iw] * w[wb + (cf * ${lit(kH)} + tg_fl(kh)) * ${lit(kW)} + tg_fl(kw)];`);
    body.push('        }');
    body.push('      }');
    body.push('    }');
    body.push('  }');
    body.push('}');
    body.push('return acc;');
    return kernelSource(['x', 'w'], body);
  };
  const out = ctx.run({ key, source, output: size, loopMax: Math.max(kH, kW, Cg) }, [ctx.input(xv, 'conv2d'), ctx.input(wv, 'conv2d')]);
  return ctx.wrap(out, size);
}

export function conv2dGradInput(ctx: GpuContext, gv: View, wv: View, p: Conv2dParams, inShape: Shape): GpuStorage {
  ctx.checkSize('conv2dGradInput', gv.shape);
  ctx.checkSize('conv2dGradInput', wv.shape);
  const size = ctx.checkSize('conv2dGradInput', inShape);
  if (size === 0) return ctx.filled(0, 0);
  const [, C, H, W] = inShape;
  const [O, Cg, kH, kW] = wv.shape;
  const [, , Ho, Wo] = gv.shape;
  const Og = O / p.groups;
  if (sizeOf(gv.shape) === 0 || kH * kW === 0) return ctx.filled(size, 0);
  const [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  const key = `convgi|${gv.shape.join('x')}|${wv.shape.join('x')}|${inShape.join('x')}|${convKey(p)}`;
  const source = () => {
    const body = split4('f', inShape, ['n', 'ci', 'ih', 'iw']);
    body.push(`const grp = tg_div(ci, ${lit(Cg)});`);
    body.push(`const c = ci - grp * ${lit(Cg)};`);
    body.push('let acc = tg_fl(0);');
    body.push(`for (let kh = 0; kh < ${kH}; kh++) {`);
    // output row oh read input row ih through tap kh when oh·sH − pH + kh·dH = ih
    body.push(`  const th = ih + ${lit(pH)} - tg_fl(kh) * ${lit(dH)};`);
    body.push(`  const oh = tg_div(th, ${lit(sH)});`);
    body.push(`  if (th >= 0 && th - oh * ${lit(sH)} === 0 && oh < ${lit(Ho)}) {`);
    body.push(`    for (let kw = 0; kw < ${kW}; kw++) {`);
    body.push(`      const tw = iw + ${lit(pW)} - tg_fl(kw) * ${lit(dW)};`);
    body.push(`      const ow = tg_div(tw, ${lit(sW)});`);
    body.push(`      if (tw >= 0 && tw - ow * ${lit(sW)} === 0 && ow < ${lit(Wo)}) {`);
    body.push(`        for (let j = 0; j < ${Og}; j++) {`);
    body.push(`          const o = grp * ${lit(Og)} + tg_fl(j);`);
    body.push(`          acc = acc + g[((n * ${lit(O)} + o) * ${lit(Ho)} + oh) * ${lit(Wo)} + ow] * w[((o * ${lit(Cg)} + c) * ${lit(kH)} + tg_fl(kh)) * ${lit(kW)} + tg_fl(kw)];`);
    body.push('        }');
    body.push('      }');
    body.push('    }');
    body.push('  }');
    body.push('}');
    body.push('return acc;');
    return kernelSource(['g', 'w'], body);
  };
  const out = ctx.run({ key, source, output: size, loopMax: Math.max(kH, kW, Og) }, [ctx.input(gv, 'conv2dGradInput'), ctx.input(wv, 'conv2dGradInput')]);
  return ctx.wrap(out, size);
}

/** Below this many weights the N·Ho·Wo sum is split into parallel chunks. */
const FEW_WEIGHTS = 16384;

export function conv2dGradWeight(ctx: GpuContext, gv: View, xv: View, p: Conv2dParams, wShape: Shape): GpuStorage {
  ctx.checkSize('conv2dGradWeight', gv.shape);
  ctx.checkSize('conv2dGradWeight', xv.shape);
  const size = ctx.checkSize('conv2dGradWeight', wShape);
  if (size === 0) return ctx.filled(0, 0);
  const [N, C, H, W] = xv.shape;
  const [O, Cg, kH, kW] = wShape;
  const [, , Ho, Wo] = gv.shape;
  const Og = O / p.groups;
  const positions = N * Ho * Wo;
  if (positions === 0) return ctx.filled(size, 0);
  const [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  const chunks = size < FEW_WEIGHTS && positions >= 128 ? Math.min(Math.ceil(positions / 64), Math.max(2, Math.floor(FEW_WEIGHTS / size))) : 1;
  const len = Math.ceil(positions / chunks);
  const S = Math.ceil(positions / len);
  const key = `convgw|${gv.shape.join('x')}|${xv.shape.join('x')}|${wShape.join('x')}|${convKey(p)}|S${S}`;
  const source = () => {
    const body: string[] = [];
    if (S > 1) {
      body.push(`const wi = tg_div(f, ${lit(S)});`);
      body.push(`const s = f - wi * ${lit(S)};`);
    } else body.push('const wi = f;', 'const s = tg_fl(0);');
    body.push(...split4('wi', wShape, ['o', 'c', 'kh', 'kw']));
    body.push(`const grp = tg_div(o, ${lit(Og)});`);
    body.push(`const ci = grp * ${lit(Cg)} + c;`);
    // the chunk's first position, then walk (n, oh, ow) with counters
    body.push(`const start = s * ${lit(len)};`);
    body.push(`let n = tg_div(start, ${lit(Ho * Wo)});`);
    body.push(`const rest = start - n * ${lit(Ho * Wo)};`);
    body.push(`let oh = tg_div(rest, ${lit(Wo)});`);
    body.push(`let ow = rest - oh * ${lit(Wo)};`);
    body.push('let acc = tg_fl(0);');
    body.push(`for (let r = 0; r < ${len}; r++) {`);
    body.push(`  if (start + tg_fl(r) < ${lit(positions)}) {`);
    body.push(`    const ih = oh * ${lit(sH)} - ${lit(pH)} + kh * ${lit(dH)};`);
    body.push(`    const iw = ow * ${lit(sW)} - ${lit(pW)} + kw * ${lit(dW)};`);
    body.push(`    if (ih >= 0 && ih < ${lit(H)} && iw >= 0 && iw < ${lit(W)}) {`);
    body.push(`      acc = acc + g[((n * ${lit(O)} + o) * ${lit(Ho)} + oh) * ${lit(Wo)} + ow] * x[((n * ${lit(C)} + ci) * ${lit(H)} + ih) * ${lit(W)} + iw];`);
    body.push('    }');
    body.push('    ow = ow + 1;');
    body.push(`    if (ow >= ${lit(Wo)}) { ow = tg_fl(0); oh = oh + 1; }`);
    body.push(`    if (oh >= ${lit(Ho)}) { oh = tg_fl(0); n = n + 1; }`);
    body.push('  }');
    body.push('}');
    body.push('return acc;');
    return kernelSource(['g', 'x'], body);
  };
  const partial = ctx.run({ key, source, output: size * S, loopMax: len }, [ctx.input(gv, 'conv2dGradWeight'), ctx.input(xv, 'conv2dGradWeight')]);
  if (S === 1) return ctx.wrap(partial, size);
  const out = sumRows(ctx, partial, size, S);
  ctx.drop(partial);
  return ctx.wrap(out, size);
}

