// PAU / RPAU kernels on the gpu backend (specs/pau.md; the CPU reference is core/cpu/pau.ts and
// pau_rational.ts). F = P/Q is evaluated per element on the scaled powers u_j = x^j/σ, σ a power
// of two, built as the CPU builds them (rationalLines below), with the numerator/denominator
// degrees baked in and every loop unrolled.
//   forward   y = F(x)                                                  one kernel
//   backward  dx = g·∂F/∂x, and g·∂F/∂c for every element and coefficient (a [..., K] kernel),
//             summed over the elements that share a coefficient row by the blocked reduction
// RPAU's noise: the CPU draws each factor from a 32-bit counter-based hash (Math.imul, xor,
// shifts). WebGL 1 shaders have no exact 32-bit integers, so the factors are computed on the
// host with the CPU's own function (core/cpu/pau_noise.ts, so they are the same bits) and
// uploaded for the call — an upload of K floats per element (per row when the noise is per
// channel), never a readback.
import type { PauParams, Storage, View } from '../backend.js';
import { noiseFactor } from '../cpu/pau_noise.js';
import { firstDenominatorPower } from '../cpu/pau_rational.js';
import { sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { reduceValue } from './reduce.js';
import type { KernelValue } from './runtime.js';
import { kernelSource, lit } from './source.js';

interface Layout {
  /** Coefficient rows (1 shared, C per channel), elements per block, numerator/denominator lengths. */
  rows: number;
  run: number;
  m1: number;
  nb: number;
  size: number;
}

function layoutOf(xv: View, av: View, bv: View): Layout {
  const size = sizeOf(xv.shape);
  const m1 = av.shape[av.shape.length - 1], nb = bv.shape[bv.shape.length - 1];
  if (av.shape.length !== 2) return { rows: 1, run: size, m1, nb, size };
  const C = av.shape[0];
  return { rows: C, run: size === 0 ? 0 : size / (xv.shape[0] * C), m1, nb, size };
}

// Powers of two that scale x into [1, 2): three steps of 2^32, then 2^16 … 2^1, so any float32
// exponent (< 128) is reached. Every constant is exact in float32, and the two products of the
// applied factors, ≥ 2^−96 and ≥ 2^−31, stay normal numbers (a shader may flush denormals).
const BIG_STEPS = 3;
const BIG = 2 ** 32;
const SMALL = [16, 8, 4, 2, 1].map((k) => 2 ** k);

/**
 * Source lines evaluating the rational function at x = X for element index I, straight-line code
 * unrolled for the degrees (no loop, no pow, no log). They define row, draw, u0 … ud (the scaled
 * powers), p, dp, s, ds, q, dq, side, fv (F), and, when `coefficientPower` names a variable, uk =
 * the u of that power.
 *
 * The scaling is the CPU's (core/cpu/pau_rational.ts): t = x/2^e with 2^e ≤ |x| < 2^(e+1) for
 * |x| ≥ 2 (e = 0 below; the CPU, in float64, only scales from 2^32, where it changes no bit), t^j by repeated multiplication, u_j = t^j · 2^(−e(d−j)). The CPU finds e
 * with Math.log2; here the comparisons below find the same e exactly, which a shader's
 * approximate log2 would not. u_0 = 2^(−e·d) stays a normal float32 while |x| < 2^25 for d = 5;
 * beyond that the low powers underflow to 0, which only matters when every top coefficient is 0.
 */
function rationalLines(p: PauParams, L: Layout, noisy: boolean, coefficientPower: string | null): string[] {
  const first = firstDenominatorPower(p.version);
  const d = Math.max(L.m1 - 1, L.nb - 1 + first, 0);
  const K = L.m1 + L.nb;
  const perElement = p.noise?.perElement ?? false;
  const lines: string[] = [];
  if (L.rows > 1) lines.push(`const blk = tg_div(I, ${lit(L.run)});`, `const row = blk - tg_div(blk, ${lit(L.rows)}) * ${lit(L.rows)};`);
  else lines.push('const row = tg_fl(0);');
  if (noisy) lines.push(perElement ? 'const draw = I;' : 'const draw = row;');
  const coefA = (j: number) => (noisy ? `a[row * ${lit(L.m1)} + ${j}] * nz[draw * ${lit(K)} + ${j}]` : `a[row * ${lit(L.m1)} + ${j}]`);
  const coefB = (i: number) =>
    noisy && p.noise?.noisyDenominator ? `b[row * ${lit(L.nb)} + ${i}] * nz[draw * ${lit(K)} + ${L.m1 + i}]` : `b[row * ${lit(L.nb)} + ${i}]`;

  // t = x/2^e, and the applied factors 2^−e = dA·dB
  lines.push('let t = X;', 'let dA = tg_fl(1);', 'let dB = tg_fl(1);');
  for (let i = 0; i < BIG_STEPS; i++) lines.push(`if (Math.abs(t) >= ${lit(BIG)}) { t = t * ${lit(1 / BIG)}; dA = dA * ${lit(1 / BIG)}; }`);
  for (const step of SMALL) lines.push(`if (Math.abs(t) >= ${lit(step)}) { t = t * ${lit(1 / step)}; dB = dB * ${lit(1 / step)}; }`);
  // t^1 … t^d upwards, then u_j = t^j·(2^−e)^(d−j) downwards from u_d = t^d
  for (let j = 1; j <= d; j++) lines.push(j === 1 ? 'const t1 = t;' : `const t${j} = t${j - 1} * t;`);
  lines.push(d === 0 ? 'const u0 = tg_fl(1);' : `const u${d} = t${d};`, 'let w = tg_fl(1);');
  for (let j = d - 1; j >= 0; j--) lines.push('w = (w * dA) * dB;', j === 0 ? 'const u0 = w;' : `const u${j} = t${j} * w;`);

  // P̃, R̃ = P̃′, and the inner denominator sum with its derivative (|·| per term for A)
  const pTerms: string[] = [], dpTerms: string[] = [], sTerms: string[] = [], dsTerms: string[] = [];
  for (let j = 0; j < L.m1; j++) {
    lines.push(`const a${j} = ${coefA(j)};`);
    pTerms.push(`a${j} * u${j}`);
    if (j > 0) dpTerms.push(`${lit(j)} * a${j} * u${j - 1}`);
  }
  for (let i = 0; i < L.nb; i++) {
    const k = i + first;
    lines.push(`const b${i} = ${coefB(i)};`);
    if (p.version === 'A') {
      sTerms.push(`Math.abs(b${i}) * Math.abs(u${k})`);
      if (k > 0) dsTerms.push(`${lit(k)} * Math.abs(b${i}) * Math.abs(u${k - 1})`);
    } else {
      sTerms.push(`b${i} * u${k}`);
      if (k > 0) dsTerms.push(`${lit(k)} * b${i} * u${k - 1}`);
    }
  }
  const sum = (terms: string[]) => (terms.length ? terms.join(' + ') : 'tg_fl(0)');
  lines.push(`const p = ${sum(pTerms)};`, `const dp = ${sum(dpTerms)};`, `const s = ${sum(sTerms)};`, `const ds = ${sum(dsTerms)};`);
  if (coefficientPower) {
    lines.push('let uk = u0;');
    for (let j = 1; j <= d; j++) lines.push(`if (${coefficientPower} === ${lit(j)}) { uk = u${j}; }`);
  }
  const one = `${p.version === 'C' ? '0.1' : '1'} * u0`;
  lines.push('let q = tg_fl(0);', 'let dq = tg_fl(0);', 'let side = tg_fl(1);');
  switch (p.version) {
    case 'A':
      lines.push(`q = ${one} + s;`, 'dq = (X < 0 ? -1 : 1) * ds;');
      break;
    case 'N':
      lines.push(`q = ${one} + s;`, 'dq = ds;');
      break;
    default:
      lines.push('side = s < 0 ? -1 : 1;', `q = ${one} + side * s;`, 'dq = side * ds;');
  }
  lines.push('const fv = p / q;');
  return lines;
}

/** The noise factors of a call, from the CPU's hash: [draws × K]. */
function noiseTable(ctx: GpuContext, p: PauParams, L: Layout): KernelValue | null {
  const noise = p.noise;
  if (!noise) return null;
  const K = L.m1 + L.nb;
  const draws = noise.perElement ? L.size : L.rows;
  const table = new Float32Array(draws * K);
  for (let e = 0; e < draws; e++) for (let j = 0; j < K; j++) table[e * K + j] = noiseFactor(noise.alpha, noise.key, e, j);
  return ctx.uploadValue(table);
}

const pauKey = (p: PauParams, L: Layout) =>
  `${p.version}|${L.rows}|${L.run}|${L.m1}|${L.nb}|${L.size}|${p.noise ? `n${p.noise.perElement ? 'e' : 'r'}${p.noise.noisyDenominator ? 'd' : ''}${p.noise.straightThrough ? 's' : 'x'}` : '-'}`;

export function pauForward(ctx: GpuContext, xv: View, av: View, bv: View, p: PauParams): Storage {
  const size = ctx.checkSize('pauForward', xv.shape);
  if (size === 0) return ctx.filled(0, 0);
  const L = layoutOf(xv, av, bv);
  const nz = noiseTable(ctx, p, L);
  const source = () => kernelSource(nz ? ['x', 'a', 'b', 'nz'] : ['x', 'a', 'b'], ['const I = f;', 'const X = x[f];', ...rationalLines(p, L, nz !== null, null), 'return fv;']);
  const args = [ctx.input(xv, 'pauForward'), ctx.input(av, 'pauForward'), ctx.input(bv, 'pauForward'), ...(nz ? [nz] : [])];
  const out = ctx.run({ key: `pau|${pauKey(p, L)}`, source, output: size }, args);
  if (nz) ctx.drop(nz);
  return ctx.wrap(out, size);
}

export function pauBackward(ctx: GpuContext, gv: View, xv: View, av: View, bv: View, p: PauParams): { dx: Storage; dnumerator: Storage; ddenominator: Storage } {
  const size = ctx.checkSize('pauBackward', xv.shape);
  const L = layoutOf(xv, av, bv);
  const K = L.m1 + L.nb;
  if (size === 0) return { dx: ctx.filled(0, 0), dnumerator: ctx.filled(L.rows * L.m1, 0), ddenominator: ctx.filled(L.rows * L.nb, 0) };
  const nz = noiseTable(ctx, p, L);
  const noisy = nz !== null;
  const names = noisy ? ['g', 'x', 'a', 'b', 'nz'] : ['g', 'x', 'a', 'b'];
  const args = [ctx.input(gv, 'pauBackward'), ctx.input(xv, 'pauBackward'), ctx.input(av, 'pauBackward'), ctx.input(bv, 'pauBackward'), ...(nz ? [nz] : [])];
  const key = pauKey(p, L);
  const dxSource = () => kernelSource(names, ['const I = f;', 'const X = x[f];', ...rationalLines(p, L, noisy, null), 'return g[f] * (dp - dq * fv) / q;']);
  const dx = ctx.run({ key: `paudx|${key}`, source: dxSource, output: size }, args);
  // g·∂F/∂c for element I and coefficient k, laid out [size, K]
  const first = firstDenominatorPower(p.version);
  const exact = p.noise !== null && !p.noise.straightThrough;
  const colSource = () => {
    const body = [
      `const I = tg_div(f, ${lit(K)});`,
      `const k = f - I * ${lit(K)};`,
      'const X = x[I];',
      // the power u_k of coefficient k: numerator j = k, denominator i = k − m1 multiplies x^(i + first)
      `const kp = k < ${lit(L.m1)} ? k : k - ${lit(L.m1)} + ${lit(first)};`,
      ...rationalLines(p, L, noisy, 'kp'),
      'let v = tg_fl(0);',
      `if (k < ${lit(L.m1)}) { v = uk / q; } else {`,
      `  const bk = b[row * ${lit(L.nb)} + k - ${lit(L.m1)}]${noisy && p.noise?.noisyDenominator ? ` * nz[draw * ${lit(K)} + k]` : ''};`,
      p.version === 'A' ? '  const dQdb = (bk < 0 ? -1 : 1) * Math.abs(uk);' : '  const dQdb = side * uk;',
      '  v = (-fv / q) * dQdb;',
      '}',
    ];
    // the exact variant carries ∂c̃/∂c, the noise factor itself (the denominator's only if noisy)
    if (exact) body.push(p.noise?.noisyDenominator ? `v = v * nz[draw * ${lit(K)} + k];` : `if (k < ${lit(L.m1)}) { v = v * nz[draw * ${lit(K)} + k]; }`);
    body.push('return g[I] * v;');
    return kernelSource(names, body);
  };
  const cols = ctx.run({ key: `paucol|${key}`, source: colSource, output: size * K }, args);
  if (nz) ctx.drop(nz);
  // sum over the elements sharing a row: [rows, K]
  const N = L.rows > 1 ? size / (L.rows * L.run) : 1;
  const sums = L.rows > 1
    ? reduceValue(ctx, 'sum', cols, size * K, { shape: [L.rows, K], strides: [L.run * K, 1] }, { shape: [N, L.run], strides: [L.rows * L.run * K, K] })
    : reduceValue(ctx, 'sum', cols, size * K, { shape: [K], strides: [1] }, { shape: [size], strides: [K] });
  ctx.drop(cols);
  const split = (offset: number, width: number): KernelValue =>
    ctx.run({
      key: `pausplit|${L.rows}|${K}|${offset}|${width}`,
      source: () => kernelSource(['s'], [`const rw = tg_div(f, ${lit(width)});`, `return s[rw * ${lit(K)} + ${lit(offset)} + f - rw * ${lit(width)}];`]),
      output: L.rows * width,
    }, [sums]);
  const dnumerator = split(0, L.m1);
  const ddenominator = split(L.m1, L.nb);
  ctx.drop(sums);
  return { dx: ctx.wrap(dx, size), dnumerator: ctx.wrap(dnumerator, L.rows * L.m1), ddenominator: ctx.wrap(ddenominator, L.rows * L.nb) };
}
