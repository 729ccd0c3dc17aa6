// Pooling and its gradient on the gpu backend. The forward reads each output's window; the
// gradient is a gather: each input pixel visits the windows that contain it (for max pooling it
// recomputes the window's first maximum and takes the gradient if that is itself), so no two
// threads write one place. Semantics: core/cpu/pool.ts, checked by the parity suite.
import type { Pool2dParams, View } from '../backend.js';
import { type Shape, sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { split4 } from './layout.js';
import { kernelSource, lit } from './source.js';
import type { GpuStorage } from './storage.js';

const poolKey = (p: Pool2dParams) => `${p.kind}|${p.kernel.join(',')}|${p.stride.join(',')}|${p.padding.join(',')}|${p.dilation.join(',')}|${p.countIncludePad ? 1 : 0}`;

/**
 * Source lines describing output (oh, ow)'s window as in core/cpu/pool.ts: for max/avg the first
 * tap (h0, w0) before clipping, and `div`, the avg divisor; for adaptive pooling [ha, hb)×[wa, wb).
 */
function windowLines(p: Pool2dParams, H: number, W: number, Ho: number, Wo: number, oh: string, ow: string, tag: string): string[] {
  if (p.kind === 'adaptiveAvg') {
    return [
      `const ha${tag} = tg_div(${oh} * ${lit(H)}, ${lit(Ho)});`,
      `const hb${tag} = tg_div((${oh} + 1) * ${lit(H)} + ${lit(Ho - 1)}, ${lit(Ho)});`,
      `const wa${tag} = tg_div(${ow} * ${lit(W)}, ${lit(Wo)});`,
      `const wb${tag} = tg_div((${ow} + 1) * ${lit(W)} + ${lit(Wo - 1)}, ${lit(Wo)});`,
      `const div${tag} = (hb${tag} - ha${tag}) * (wb${tag} - wa${tag});`,
    ];
  }
  const [kH, kW] = p.kernel, [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  const lines = [
    `const h0${tag} = ${oh} * ${lit(sH)} - ${lit(pH)};`,
    `const w0${tag} = ${ow} * ${lit(sW)} - ${lit(pW)};`,
  ];
  if (p.kind === 'avg') {
    if (p.countIncludePad) {
      lines.push(`const he${tag} = Math.min(h0${tag} + ${lit((kH - 1) * dH + 1)}, ${lit(H + pH)});`);
      lines.push(`const we${tag} = Math.min(w0${tag} + ${lit((kW - 1) * dW + 1)}, ${lit(W + pW)});`);
      lines.push(`const div${tag} = (he${tag} - h0${tag}) * (we${tag} - w0${tag});`);
    } else {
      // the taps inside the input
      lines.push(`let div${tag} = tg_fl(0);`);
      lines.push(`for (let ta${tag} = 0; ta${tag} < ${kH}; ta${tag}++) { const th${tag} = h0${tag} + tg_fl(ta${tag}) * ${lit(dH)}; if (th${tag} >= 0 && th${tag} < ${lit(H)}) { for (let tb${tag} = 0; tb${tag} < ${kW}; tb${tag}++) { const tw${tag} = w0${tag} + tg_fl(tb${tag}) * ${lit(dW)}; if (tw${tag} >= 0 && tw${tag} < ${lit(W)}) { div${tag} = div${tag} + 1; } } } }`);
    }
  }
  return lines;
}

export function pool2d(ctx: GpuContext, xv: View, p: Pool2dParams, outShape: Shape): GpuStorage {
  ctx.checkSize('pool2d', xv.shape);
  const size = ctx.checkSize('pool2d', outShape);
  if (size === 0) return ctx.filled(0, 0);
  const [, , H, W] = xv.shape;
  const [, , Ho, Wo] = outShape;
  const key = `pool|${xv.shape.join('x')}|${outShape.join('x')}|${poolKey(p)}`;
  const adaptiveSpanH = Math.ceil(H / Ho) + 1, adaptiveSpanW = Math.ceil(W / Wo) + 1;
  const source = () => {
    const body = split4('f', outShape, ['n', 'c', 'oh', 'ow']);
    body.push(`const base = (n * ${lit(outShape[1])} + c) * ${lit(H * W)};`);
    body.push(...windowLines(p, H, W, Ho, Wo, 'oh', 'ow', ''));
    if (p.kind === 'adaptiveAvg') {
      body.push('let acc = tg_fl(0);');
      body.push(`for (let a = 0; a < ${adaptiveSpanH}; a++) { const h = ha + tg_fl(a); if (h < hb) {`);
      body.push(`  for (let b = 0; b < ${adaptiveSpanW}; b++) { const w = wa + tg_fl(b); if (w < wb) { acc = acc + x[base + h * ${lit(W)} + w]; } }`);
      body.push('} }');
      body.push('return acc / div;');
    } else {
      const [kH, kW] = p.kernel, [dH, dW] = p.dilation;
      body.push(p.kind === 'max' ? 'let acc = ninf;' : 'let acc = tg_fl(0);');
      body.push(`for (let a = 0; a < ${kH}; a++) { const h = h0 + tg_fl(a) * ${lit(dH)}; if (h >= 0 && h < ${lit(H)}) {`);
      body.push(`  for (let b = 0; b < ${kW}; b++) { const w = w0 + tg_fl(b) * ${lit(dW)}; if (w >= 0 && w < ${lit(W)}) {`);
      body.push('    const v = x[base + h * ' + lit(W) + ' + w];');
      body.push(p.kind === 'max' ? '    if (v > acc || v !== v) { acc = v; }' : '    acc = acc + v;');
      body.push('  } }');
      body.push('} }');
      body.push(p.kind === 'max' ? 'return acc;' : 'return acc / div;');
    }
    return kernelSource(p.kind === 'max' ? ['x', 'ninf'] : ['x'], body);
  };
  const loopMax = Math.max(p.kernel[0], p.kernel[1], adaptiveSpanH, adaptiveSpanW);
  const args = p.kind === 'max' ? [ctx.input(xv, 'pool2d'), -Infinity] : [ctx.input(xv, 'pool2d')];
  return ctx.wrap(ctx.run({ key, source, output: size, loopMax }, args), size);
}

export function pool2dGrad(ctx: GpuContext, gv: View, xv: View, p: Pool2dParams): GpuStorage {
  ctx.checkSize('pool2dGrad', gv.shape);
  const size = ctx.checkSize('pool2dGrad', xv.shape);
  if (size === 0) return ctx.filled(0, 0);
  if (sizeOf(gv.shape) === 0) return ctx.filled(size, 0);
  const [, C, H, W] = xv.shape;
  const [, , Ho, Wo] = gv.shape;
  const key = `poolg|${xv.shape.join('x')}|${gv.shape.join('x')}|${poolKey(p)}`;
  const spanH = 2 * (Math.ceil(Ho / H) + 1) + 1, spanW = 2 * (Math.ceil(Wo / W) + 1) + 1;
  const source = () => {
    const body = split4('f', xv.shape, ['n', 'c', 'h', 'w']);
    body.push(`const plane = n * ${lit(C)} + c;`);
    body.push(`const base = plane * ${lit(H * W)};`);
    body.push(`const gbase = plane * ${lit(Ho * Wo)};`);
    body.push('let acc = tg_fl(0);');
    if (p.kind === 'adaptiveAvg') {
      // the windows containing (h, w) lie within a few rows/columns of h·Ho/H, w·Wo/W
      body.push(`const ohs = tg_div(h * ${lit(Ho)}, ${lit(H)}) - ${lit(Math.ceil(Ho / H) + 1)};`);
      body.push(`const ows = tg_div(w * ${lit(Wo)}, ${lit(W)}) - ${lit(Math.ceil(Wo / W) + 1)};`);
      body.push(`for (let a = 0; a < ${spanH}; a++) { const oh = ohs + tg_fl(a); if (oh >= 0 && oh < ${lit(Ho)}) {`);
      body.push(...windowLines(p, H, W, Ho, Wo, 'oh', 'tg_fl(0)', 'r').filter((l) => /^const h[ab]r /.test(l)).map((l) => `  ${l}`));
      body.push('  if (h >= har && h < hbr) {');
      body.push(`    for (let b = 0; b < ${spanW}; b++) { const ow = ows + tg_fl(b); if (ow >= 0 && ow < ${lit(Wo)}) {`);
      body.push(...windowLines(p, H, W, Ho, Wo, 'oh', 'ow', 'q').map((l) => `      ${l}`));
      body.push(`      if (w >= waq && w < wbq) { acc = acc + g[gbase + oh * ${lit(Wo)} + ow] / divq; }`);
      body.push('    } }');
      body.push('  }');
      body.push('} }');
      body.push('return acc;');
      return kernelSource(['g', 'x'], body);
    }
    const [kH, kW] = p.kernel, [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
    body.push(`for (let i = 0; i < ${kH}; i++) {`);
    body.push(`  const th = h + ${lit(pH)} - tg_fl(i) * ${lit(dH)};`);
    body.push(`  const oh = tg_div(th, ${lit(sH)});`);
    body.push(`  if (th >= 0 && th - oh * ${lit(sH)} === 0 && oh < ${lit(Ho)}) {`);
    body.push(`    for (let j = 0; j < ${kW}; j++) {`);
    body.push(`      const tw = w + ${lit(pW)} - tg_fl(j) * ${lit(dW)};`);
    body.push(`      const ow = tg_div(tw, ${lit(sW)});`);
    body.push(`      if (tw >= 0 && tw - ow * ${lit(sW)} === 0 && ow < ${lit(Wo)}) {`);
    body.push(...windowLines(p, H, W, Ho, Wo, 'oh', 'ow', 'q').map((l) => `        ${l}`));
    body.push(`        const gv = g[gbase + oh * ${lit(Wo)} + ow];`);
    if (p.kind === 'avg') body.push('        acc = acc + gv / divq;');
    else {
      // the window's first maximum (NaN wins, the first NaN), as core/cpu/pool.ts
      body.push('        let best = ninf;');
      body.push('        let atH = tg_fl(-1);');
      body.push('        let atW = tg_fl(-1);');
      body.push(`        for (let a = 0; a < ${kH}; a++) { const hh = h0q + tg_fl(a) * ${lit(dH)}; if (hh >= 0 && hh < ${lit(H)}) {`);
      body.push(`          for (let b = 0; b < ${kW}; b++) { const ww = w0q + tg_fl(b) * ${lit(dW)}; if (ww >= 0 && ww < ${lit(W)}) {`);
      body.push(`            const v = x[base + hh * ${lit(W)} + ww];`);
      body.push('            if (v > best || (v !== v && best === best)) { best = v; atH = hh; atW = ww; }');
      body.push('          } }');
      body.push('        } }');
      body.push('        if (atH === h && atW === w) { acc = acc + gv; }');
    }
    body.push('      }');
    body.push('    }');
    body.push('  }');
    body.push('}');
    body.push('return acc;');
    return kernelSource(p.kind === 'max' ? ['g', 'x', 'ninf'] : ['g', 'x'], body);
  };
  const loopMax = Math.max(p.kernel[0], p.kernel[1], spanH, spanW);
  const args = p.kind === 'max' ? [ctx.input(gv, 'pool2dGrad'), ctx.input(xv, 'pool2dGrad'), -Infinity] : [ctx.input(gv, 'pool2dGrad'), ctx.input(xv, 'pool2dGrad')];
  return ctx.wrap(ctx.run({ key, source, output: size, loopMax }, args), size);
}

