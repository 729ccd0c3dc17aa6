// DEU kernels on the gpu backend (specs/deu.md; the CPU reference is core/cpu/deu.ts). The
// formulas are deu_source.ts, added to each kernel as gpu.js functions. Every element finds its
// neuron's subspace from the neuron's own (a, b, c) in the shader — a branch per neuron, as on
// the CPU, never a mask-multiply — so nothing is read back to choose it.
//   forward   y[i] = deu_eval(sub, t_i, ...)                                  one kernel
//   backward  t* = the neuron's input mean (blocked reduction), the nudged neuron of outward
//             gravitation per neuron (a kernel of F×9 values), dx = g·∂y/∂t, and g·∂y/∂θ per
//             element and column, summed per neuron by the blocked reduction into [F, 5]
// Precision: everything is float32 here, float64 on the CPU. Forward, dx and the ordinary
// parameter columns agree to ~1e-5 relative. The columns that outward gravitation borrows (a, b
// or c below ε) do not: they evaluate partials at a coefficient of ±ε, where terms like g/c and
// (1 − q)/c² cancel, and the nudged neuron's c̃1, c̃2 come from a 2×2 system of forward
// differences (Δt = 1e-3) that can be badly conditioned; in float32 both lose percents, at
// worst the leading digit. They remain finite wherever the CPU's are, and they are a heuristic
// escape from a singular subspace rather than a derivative (specs/deu.md §3).
import type { DeuParams, Storage, View } from '../backend.js';
import { sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { DEU_FUNCTIONS } from './deu_source.js';
import { reduceValue } from './reduce.js';
import { kernelSource, lit } from './source.js';

/** Lines giving the neuron f of element i (= f here) in x [N, F, S], and its coefficients. */
function neuronLines(F: number, S: number, index: string): string[] {
  return [
    `const nf = tg_div(${index}, ${lit(S)});`,
    `const fr = tg_div(nf, ${lit(F)});`,
    `const nrn = nf - fr * ${lit(F)};`,
    'const a = p[nrn * 5];',
    'const b = p[nrn * 5 + 1];',
    'const c = p[nrn * 5 + 2];',
    'const c1 = p[nrn * 5 + 3];',
    'const c2 = p[nrn * 5 + 4];',
    'const sub = deu_sub(a, b, c, eps);',
  ];
}

export function deuForward(ctx: GpuContext, xv: View, pv: View, { eps, s }: DeuParams): Storage {
  const size = ctx.checkSize('deuForward', xv.shape);
  if (size === 0) return ctx.filled(0, 0);
  const [, F] = xv.shape;
  const S = sizeOf(xv.shape.slice(2));
  const key = `deu|${size}|${F}|${S}`;
  const source = () => kernelSource(['x', 'p', 'eps', 's', 'nan'], [...neuronLines(F, S, 'f'), 'return deu_eval(sub, x[f], a, b, c, c1, c2, s, 0, nan);']);
  const out = ctx.run({ key, source, output: size, functions: DEU_FUNCTIONS }, [ctx.input(xv, 'deuForward'), ctx.input(pv, 'deuForward'), eps, s, NaN]);
  return ctx.wrap(out, size);
}

export function deuBackward(ctx: GpuContext, gv: View, xv: View, pv: View, { eps, s }: DeuParams): { dx: Storage; dparams: Storage } {
  const size = ctx.checkSize('deuBackward', xv.shape);
  const [N, F] = xv.shape;
  const S = sizeOf(xv.shape.slice(2));
  const count = N * S;
  if (size === 0) return { dx: ctx.filled(0, 0), dparams: ctx.filled(5 * F, 0) };
  const x = ctx.input(xv, 'deuBackward'), g = ctx.input(gv, 'deuBackward'), p = ctx.input(pv, 'deuBackward');
  // t*: each neuron's input mean
  const sums = reduceValue(ctx, 'sum', x, size, { shape: [F], strides: [S] }, { shape: [N, S], strides: [F * S, 1] });
  // the nudged neuron per neuron: [F, 9] = ã, b̃, c̃, c̃1, c̃2, nudged a, b, c, its subspace
  const gravSource = () =>
    kernelSource(['p', 'sums', 'eps', 's', 'nan'], [
      'const nrn = tg_div(f, 9);',
      'const j = f - nrn * 9;',
      `return deu_grav(p[nrn * 5], p[nrn * 5 + 1], p[nrn * 5 + 2], p[nrn * 5 + 3], p[nrn * 5 + 4], sums[nrn] / ${lit(count)}, eps, s, j, nan);`,
    ]);
  const grav = ctx.run({ key: `deugrav|${F}|${count}`, source: gravSource, output: F * 9, functions: DEU_FUNCTIONS }, [p, sums, eps, s, NaN]);
  ctx.drop(sums);
  const dxSource = () => kernelSource(['g', 'x', 'p', 'eps', 's', 'nan'], [...neuronLines(F, S, 'f'), 'return g[f] * deu_eval(sub, x[f], a, b, c, c1, c2, s, 1, nan);']);
  const dx = ctx.run({ key: `deudx|${size}|${F}|${S}`, source: dxSource, output: size, functions: DEU_FUNCTIONS }, [g, x, p, eps, s, NaN]);
  // g·∂y/∂θ per element i and column j, laid out [N, F, S, 5]
  const colSource = () =>
    kernelSource(['g', 'x', 'p', 'gv', 'eps', 's', 'nan'], [
      'const i = tg_div(f, 5);',
      'const j = f - i * 5;',
      ...neuronLines(F, S, 'i'),
      'const t = x[i];',
      'let v = deu_eval(sub, t, a, b, c, c1, c2, s, j + 2, nan);',
      // columns of nudged coefficients are borrowed from the nudged neuron
      'if (j < 3 && sub >= 0) {',
      '  if (gv[nrn * 9 + 5 + j] > 0) {',
      '    v = deu_eval(gv[nrn * 9 + 8], t, gv[nrn * 9], gv[nrn * 9 + 1], gv[nrn * 9 + 2], gv[nrn * 9 + 3], gv[nrn * 9 + 4], s, j + 2, nan);',
      '  }',
      '}',
      'return g[i] * v;',
    ]);
  const cols = ctx.run({ key: `deucol|${size}|${F}|${S}`, source: colSource, output: size * 5, functions: DEU_FUNCTIONS }, [g, x, p, grav, eps, s, NaN]);
  ctx.drop(grav);
  const dparams = reduceValue(ctx, 'sum', cols, size * 5, { shape: [F, 5], strides: [S * 5, 1] }, { shape: [N, S], strides: [F * S * 5, 5] });
  ctx.drop(cols);
  return { dx: ctx.wrap(dx, size), dparams: ctx.wrap(dparams, 5 * F) };
}

