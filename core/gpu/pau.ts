// PAU / RPAU kernels on the gpu backend (specs/pau.md; the CPU reference is core/cpu/pau.ts and
// pau_rational.ts). F = P/Q is evaluated per element on the scaled powers u_j = x^j/σ, built by
// repeated multiplication exactly as the CPU builds them (upwards for |x| ≤ 1, downwards from
// u_d = ±1 by powers of 1/x otherwise), with the numerator/denominator degrees baked in.
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

/**
 * Source lines evaluating the rational function at x = X for element index I: they define row,
 * draw, u0, p, dp, s, ds, q, dq, side, fv (F), and, when `coefficient` names a variable, uk =
 * u_k for that coefficient's power (numerator j, or denominator i + first).
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
  const coefA = (j: string) => (noisy ? `a[row * ${lit(L.m1)} + ${j}] * nz[draw * ${lit(K)} + ${j}]` : `a[row * ${lit(L.m1)} + ${j}]`);
  const coefB = (i: string) =>
    noisy && p.noise?.noisyDenominator ? `b[row * ${lit(L.nb)} + ${i}] * nz[draw * ${lit(K)} + ${lit(L.m1)} + ${i}]` : `b[row * ${lit(L.nb)} + ${i}]`;
  lines.push('let p = tg_fl(0);', 'let dp = tg_fl(0);', 'let s = tg_fl(0);', 'let ds = tg_fl(0);', 'let u0 = tg_fl(1);');
  if (coefficientPower) lines.push('let uk = tg_fl(0);');
  // one step of the sums with j, u_j (uj) and u_{j−1} (ujm)
  const step = [
    `if (jf < ${lit(L.m1)}) { const aj = ${coefA('jf')}; p = p + aj * uj; if (jf > 0) { dp = dp + jf * aj * ujm; } }`,
    `const di = jf - ${lit(first)};`,
    `if (di >= 0 && di < ${lit(L.nb)}) {`,
    `  const bi = ${coefB('di')};`,
    p.version === 'A'
      ? '  s = s + Math.abs(bi) * Math.abs(uj); if (jf > 0) { ds = ds + jf * Math.abs(bi) * Math.abs(ujm); }'
      : '  s = s + bi * uj; if (jf > 0) { ds = ds + jf * bi * ujm; }',
    '}',
    ...(coefficientPower ? [`if (jf === ${coefficientPower}) { uk = uj; }`] : []),
    'if (jf === 0) { u0 = uj; }',
  ];
  lines.push('if (Math.abs(X) <= 1) {');
  // upwards: u_0 = 1, u_j = u_{j−1}·x (u_{−1} is never used)
  lines.push('  let uj = tg_fl(1);', '  let ujm = tg_fl(0);');
  lines.push(`  for (let j = 0; j <= ${d}; j++) {`, '    const jf = tg_fl(j);', '    if (jf > 0) { ujm = uj; uj = uj * X; }');
  lines.push(...step.map((l) => `    ${l}`));
  lines.push('  }');
  lines.push('} else {');
  // downwards: u_d = sgn(x)^d, u_{j−1} = u_j / x (as a product with r = 1/x, like the CPU)
  lines.push('  const r = 1 / X;');
  lines.push(`  let uj = ${d % 2 === 1 ? '(X < 0 ? -1 : 1)' : 'tg_fl(1)'};`);
  lines.push(`  for (let t = 0; t <= ${d}; t++) {`, `    const jf = ${lit(d)} - tg_fl(t);`, '    if (t > 0) { uj = uj * r; }', '    const ujm = uj * r;');
  lines.push(...step.map((l) => `    ${l}`));
  lines.push('  }');
  lines.push('}');
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
  const out = ctx.run({ key: `pau|${pauKey(p, L)}`, source, output: size, loopMax: L.m1 + L.nb + 2 }, args);
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
  const dx = ctx.run({ key: `paudx|${key}`, source: dxSource, output: size, loopMax: K + 2 }, args);
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
  const cols = ctx.run({ key: `paucol|${key}`, source: colSource, output: size * K, loopMax: K + 2 }, args);
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
