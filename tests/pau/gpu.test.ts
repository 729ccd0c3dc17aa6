// The gpu.js PAU kernels at large |x| (issue #7 point 3): both backends scale the powers by the
// same powers of two (core/cpu/pau_rational.ts, core/gpu/pau.ts), so up to the float32 limit of
// specs/pau.md (|x| ≤ 1e7, §4.4.6/§7.23) the gpu agrees with the CPU float32 kernels at float32
// tolerance and nothing is NaN or Inf, for every version, shared and per-channel coefficients,
// and RPAU. The random-input parity suite is tests/gpu/parity.test.ts (pauForward, pauBackward);
// this file adds the magnitudes it does not draw. Each gpu.js mode runs where it is available
// (headlessgl under xvfb-run); a mode that cannot run is reported as skipped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PauNoise, PauParams, PauVersion, Storage, View } from '../../core/backend.js';
import { CpuBackend } from '../../core/cpu/backend.js';
import { RationalPoint } from '../../core/cpu/pau_rational.js';
import { gpuBackend } from '../../core/gpu/index.js';
import * as tg from '../../index.js';
import { modeCases } from '../gpu/modes.js';

const cpu = new CpuBackend();
const N = 2, C = 3, S = 64; // x [N, C, S]: 384 elements
const SIZE = N * C * S;

/** Magnitudes 0, ±limit and log-uniform in [1e-6, limit] with alternating signs, as float32. */
const inputs = (limit: number) => Float32Array.from({ length: SIZE }, (_, i) => {
  if (i === 0) return 0;
  if (i === 1) return limit;
  if (i === 2) return -limit;
  const u = ((i * 0.6180339887498949) % 1 + (i % 7) * 0.1) % 1;
  return (i % 2 ? -1 : 1) * Math.exp(Math.log(1e-6) + (Math.log(limit) - Math.log(1e-6)) * u);
});
let X = inputs(1e7);
const G = Float32Array.from({ length: SIZE }, (_, i) => Math.cos(i * 1.3));

type Backendish = { kernels: CpuBackend['kernels']; upload(a: Float32Array): Storage; read(s: Storage): ArrayLike<number>; free(s: Storage): void };

interface Case { version: PauVersion; perChannel: boolean; noise: PauNoise | null; a: number[]; b: number[] }

function cases(): Case[] {
  const out: Case[] = [];
  for (const version of ['A', 'B', 'C', 'N'] as const) {
    for (const name of ['leaky_relu', 'tanh'] as const) {
      const { numerator, denominator } = tg.nn.pauInitialCoefficients(name, version);
      out.push({ version, perChannel: false, noise: null, a: numerator, b: denominator });
    }
  }
  // per channel: three different rows; and RPAU on the B set
  const rows = ['relu', 'leaky_relu_0.2', 'swish'] as const;
  const per = rows.map((r) => tg.nn.pauInitialCoefficients(r, 'A'));
  out.push({ version: 'A', perChannel: true, noise: null, a: per.flatMap((p) => p.numerator), b: per.flatMap((p) => p.denominator) });
  const lb = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
  for (const straightThrough of [true, false]) {
    out.push({ version: 'B', perChannel: false, noise: { alpha: 0.3, key: 99, perElement: true, noisyDenominator: true, straightThrough }, a: lb.numerator, b: lb.denominator });
  }
  return out;
}

function call(k: Backendish, c: Case) {
  const made: Storage[] = [];
  const view = (data: number[] | Float32Array, shape: number[]): View => {
    const storage = k.upload(Float32Array.from(data));
    made.push(storage);
    return { storage, shape, dtype: 'float32' };
  };
  const nb = c.version === 'C' ? 5 : 4;
  const [as, bs] = c.perChannel ? [[C, 6], [C, nb]] : [[6], [nb]];
  const p: PauParams = { version: c.version, noise: c.noise };
  const xv = view(X, [N, C, S]), av = view(c.a, as), bv = view(c.b, bs);
  const y = k.kernels.pauForward!(xv, av, bv, p);
  const r = k.kernels.pauBackward!(view(G, [N, C, S]), xv, av, bv, p);
  const out = { y: k.read(y), dx: k.read(r.dx), da: k.read(r.dnumerator), db: k.read(r.ddenominator) };
  for (const s of [...made, y, r.dx, r.dnumerator, r.ddenominator]) k.free(s);
  return Object.fromEntries(Object.entries(out).map(([key, v]) => [key, Float64Array.from(v)])) as Record<'y' | 'dx' | 'da' | 'db', Float64Array>;
}

/** Σ_i |g_i ∂F/∂c(x_i)| per coefficient, in float64: the scale of a summed gradient's rounding. */
function absSums(c: Case): number[] {
  const nb = c.version === 'C' ? 5 : 4, rows = c.perChannel ? C : 1;
  const point = new RationalPoint(c.version, 6, nb);
  const sums = new Array<number>(rows * (6 + nb)).fill(0);
  for (let i = 0; i < SIZE; i++) {
    const row = c.perChannel ? Math.floor(i / S) % C : 0;
    point.evaluate(X[i], c.a.slice(row * 6, row * 6 + 6), c.b.slice(row * nb, row * nb + nb), true);
    point.da.forEach((d, j) => (sums[row * 6 + j] += Math.abs(G[i] * d)));
    point.db.forEach((d, k) => (sums[rows * 6 + row * nb + k] += Math.abs(G[i] * d)));
  }
  return sums;
}

function compare(what: string, got: Float64Array, want: Float64Array, tol: (i: number) => number): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i]) || !Number.isFinite(got[i])) assert.unreachable(`${what}[${i}]: cpu ${want[i]}, gpu ${got[i]} (x = ${X[i]})`);
    if (!(Math.abs(got[i] - want[i]) <= tol(i))) assert.unreachable(`${what}[${i}]: gpu ${got[i]}, cpu ${want[i]} (allowed ${tol(i)}${what.endsWith('y') || what.endsWith('dx') ? `, x = ${X[i]}` : ''})`);
  }
}

for (const mode of modeCases('pau-gpu')) {
  if (mode.skip !== null) {
    console.log(`skipped: PAU gpu kernels in mode ${mode.mode}: ${mode.skip}`);
    test.skip(`PAU gpu kernels, mode ${mode.mode} (skipped: ${mode.skip})`, () => {});
    continue;
  }
  for (const limit of [1e7, 1e18]) test(`mode ${mode.mode}: forward and backward for |x| from 0 to ${limit} match the CPU in float32, all finite`, () => {
    // 1e7 is the spec's limit; 1e18 shows the scaling holds far beyond it. The limit in float32:
    // σ ≈ |x|^5 leaves S̃ = Q′/σ ≈ 4b_4/x², which underflows from |x| ≈ 1e19, and then ∂F/∂x
    // loses its S̃·F term (the CPU computes in float64 and goes on to ~1e150)
    X = inputs(limit);
    const gpu = gpuBackend(mode.backend) as unknown as Backendish & { memory(): { buffers: number } };
    const before = gpu.memory().buffers;
    for (const c of cases()) {
      const what = `${c.version}${c.perChannel ? ' per channel' : ''}${c.noise ? ` rpau st=${c.noise.straightThrough}` : ''}`;
      const want = call(cpu, c), got = call(gpu, c);
      compare(`${what} y`, got.y, want.y, (i) => 2e-5 * (1 + Math.abs(want.y[i])));
      compare(`${what} dx`, got.dx, want.dx, (i) => 1e-4 * (1 + Math.abs(want.dx[i])));
      // summed over the elements of a row: float32 rounding of each term, relative to Σ|terms|
      const sums = absSums(c);
      const nA = want.da.length;
      compare(`${what} da`, got.da, want.da, (j) => 1e-5 * sums[j] + 1e-6);
      compare(`${what} db`, got.db, want.db, (k) => 1e-5 * sums[nA + k] + 1e-6);
    }
    assert.is(gpu.memory().buffers, before, 'the kernels left buffers allocated');
  });
}

test.run();
