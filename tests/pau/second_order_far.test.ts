// PAU's and RPAU's second derivatives far out (issue 18.2: |x| ≥ 2^32, pau_second_far.ts): the far
// path gives the plain formulas' very bits wherever those do not overflow; up to 1e300 every second
// derivative is the finite-difference derivative of pau_far.ts's first-order gradients (tests/pau/
// far.test.ts proves those against exact arithmetic), for every version, degrees and RPAU noise
// mode; gradgradcheck passes end to end at 1e10, −3e20, 1e100; and each check can fail.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setBackwardPerturbation } from '../../core/autograd.js';
import type { PauNoise, PauParams, PauVersion } from '../../core/backend.js';
import { evaluateFar } from '../../core/cpu/pau_far.js';
import { noiseFactor } from '../../core/cpu/pau_noise.js';
import { pauSecond, type PauSecondInput, type PauWeights } from '../../core/cpu/pau_second.js';
import * as tg from '../../index.js';

const VERSIONS: PauVersion[] = ['A', 'B', 'C', 'N'];
const NOISE_MODES: PauNoise[] = [
  { alpha: 0.3, key: 91, perElement: true, noisyDenominator: true, straightThrough: true },
  { alpha: 0.3, key: 91, perElement: true, noisyDenominator: true, straightThrough: false },
  { alpha: 0.3, key: 7, perElement: false, noisyDenominator: false, straightThrough: false },
  { alpha: 0.3, key: 7, perElement: false, noisyDenominator: false, straightThrough: true },
];
/** Every version without noise, and RPAU (version B) in each noise mode. */
const PARAMS: PauParams[] = [...VERSIONS.map((version) => ({ version, noise: null })), ...NOISE_MODES.map((noise) => ({ version: 'B' as const, noise }))];
const denominatorLength = (version: PauVersion, n: number) => (version === 'C' ? n + 1 : n);

// --- 1. the far path against the plain one, where the plain one holds -------------------------

const magnitude = fc.tuple(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));
// near values (both paths are the same formulas there too) and 2^32 … 2^100, where the plain
// loop's largest term (≈ x^9 at degrees (5, 4)) stays below float64's limit
const input = fc.oneof(magnitude, fc.tuple(fc.double({ min: 32, max: 100, noNaN: true }), fc.boolean()).map(([l, neg]) => (neg ? -1 : 1) * 2 ** l));

test('the far path gives the plain formulas bit for bit (|x| < 2^100: every version, RPAU, degrees, shared and per channel)', () => {
  const draw = fc.record({
    params: fc.constantFrom(...PARAMS),
    degrees: fc.constantFrom([6, 4], [4, 2], [3, 3]),
    rows: fc.constantFrom(1, 2),
    seed: fc.array(magnitude, { minLength: 40, maxLength: 40 }),
    xs: fc.array(input, { minLength: 4, maxLength: 4 }),
  });
  fc.assert(fc.property(draw, ({ params, degrees: [m1, n], rows, seed, xs }) => {
    const nb = denominatorLength(params.version, n);
    const a = seed.slice(0, rows * m1), b = seed.slice(20, 20 + rows * nb);
    const x = xs.slice(0, 2 * rows);
    const inputs: PauSecondInput = { x, a, b, xShape: [2, rows], rows, m1, nb, params };
    const g = x.map((_, i) => seed[30 + i]);
    const weights: PauWeights[] = [{ wx: x.map((_, i) => seed[34 + i]) }, { g, ua: seed.slice(5, 5 + rows * m1) }, { g, ub: seed.slice(8, 8 + rows * nb) }];
    for (const w of weights) {
      const plain = pauSecond(inputs, w, Infinity), far = pauSecond(inputs, w, 0);
      for (const key of ['dx', 'da', 'db', 'dg'] as const) {
        plain[key].forEach((want, i) => {
          if (!Object.is(far[key][i], want)) assert.unreachable(`${params.version} ${params.noise ? 'rpau' : 'pau'} (${m1 - 1}, ${n}) x = ${x} weights ${Object.keys(w)}: ${key}[${i}] far ${far[key][i]}, plain ${want}`);
        });
      }
    }
  }), { numRuns: 150, seed: 18 });
});

// --- 2. far out: against finite differences of the first-order far gradients -----------------

interface Setup { params: PauParams; a: number[]; b: number[]; x: number }

/** The noise factors φ element 0 sees (1 where a coefficient is not noisy). */
function factors({ params: { noise }, a, b }: Setup): { phiA: number[]; phiB: number[] } {
  const m1 = a.length;
  return {
    phiA: a.map((_, j) => (noise ? noiseFactor(noise.alpha, noise.key, 0, j) : 1)),
    phiB: b.map((_, k) => (noise?.noisyDenominator ? noiseFactor(noise.alpha, noise.key, 0, m1 + k) : 1)),
  };
}

/**
 * The first-order gradient rows as functions of (x, a, b): G = [F_x, row_j·F_ãj…, row_k·F_b̃k…]
 * at the coefficients this element sees, c̃ = c·φ, with row = φ for RPAU's exact gradient, else 1.
 */
function gradients(s: Setup): number[] {
  const { a, b, x, params } = s, { phiA, phiB } = factors(s);
  const m1 = a.length, nb = b.length, out = new Float64Array(2 + m1 + nb);
  evaluateFar(x, a.map((c, j) => c * phiA[j]), 0, m1, b.map((c, k) => c * phiB[k]), 0, nb, params.version, true, out);
  const exact = params.noise !== null && !params.noise.straightThrough;
  const row = [1, ...phiA, ...phiB].map((p) => (exact ? p : 1));
  return [out[1], ...Array.from(out.subarray(2)).map((v, c) => v * row[c + 1])];
}

/** D[r][c] = ∂G_r/∂z_c, z = (x, a…, b…), from pauSecond with unit weights on row r; and G_r (dg). */
function secondDerivatives(s: Setup): { D: number[][]; G: number[] } {
  const { a, b, x, params } = s, m1 = a.length, nb = b.length;
  const inputs: PauSecondInput = { x: [x], a, b, xShape: [1], rows: 1, m1, nb, params };
  const unit = (length: number, at: number) => Array.from({ length }, (_, i) => (i === at ? 1 : 0));
  const weights: PauWeights[] = [{ wx: [1] }, ...a.map((_, j) => ({ g: [1], ua: unit(m1, j) })), ...b.map((_, k) => ({ g: [1], ub: unit(nb, k) }))];
  const results = weights.map((w) => pauSecond(inputs, w));
  return { D: results.map((r) => [r.dx[0], ...r.da, ...r.db]), G: results.map((r) => r.dg[0]) };
}

/** z_c moved by d (c = 0: x, then a…, then b…). */
function moved(s: Setup, c: number, d: number): Setup {
  const m1 = s.a.length;
  if (c === 0) return { ...s, x: s.x + d };
  if (c <= m1) return { ...s, a: s.a.map((v, j) => (j === c - 1 ? v + d : v)) };
  return { ...s, b: s.b.map((v, k) => (k === c - 1 - m1 ? v + d : v)) };
}

/**
 * The mismatches of D against central differences of G (relative step 1e-6). The difference of
 * two gradients of size |G| carries their rounding, ~1e-15·|G| (F_x also ~1e-15·16|F/x|, its
 * terms cancelling at the top degree), divided by the step: that is allowed besides 1e-6 relative.
 */
function mismatches(s: Setup, D: number[][]): string[] {
  const bad: string[] = [];
  const z = [s.x, ...s.a, ...s.b], F = evaluateF(s);
  for (let c = 0; c < z.length; c++) {
    const step = 1e-6 * (Math.abs(z[c]) || 1);
    const up = moved(s, c, step), down = moved(s, c, -step);
    const width = c === 0 ? up.x - down.x : c <= s.a.length ? up.a[c - 1] - down.a[c - 1] : up.b[c - 1 - s.a.length] - down.b[c - 1 - s.a.length];
    const gUp = gradients(up), gDown = gradients(down);
    for (let r = 0; r < gUp.length; r++) {
      const fd = (gUp[r] - gDown[r]) / width;
      const rounding = 1e-13 * (Math.abs(gUp[r]) + Math.abs(gDown[r]) + (r === 0 ? 16 * Math.abs(F / s.x) : 0)) / width;
      const got = D[r][c];
      if (!Number.isFinite(got) || !(Math.abs(got - fd) <= 1e-6 * Math.abs(fd) + rounding)) bad.push(`∂G_${r}/∂z_${c} = ${got}, finite difference ${fd}`);
    }
  }
  return bad;
}

function evaluateF({ a, b, x, params }: Setup): number {
  const out = new Float64Array(1);
  evaluateFar(x, a, 0, a.length, b, 0, b.length, params.version, false, out);
  return out[0];
}

const FAR = [1e10, -3e20, 1e100, -1e155, 1e200, 1e300, -1e300];

/** leaky_relu's shipped coefficients and pole-free random sets of degrees (5, 4), (3, 2), (2, 3). */
function coefficientSets(version: PauVersion): { a: number[]; b: number[] }[] {
  const { numerator, denominator } = tg.nn.pauInitialCoefficients('leaky_relu', version);
  let state = version.charCodeAt(0) * 7919;
  // magnitudes 0.3 … 3 of either sign: every value below stays within float64 at |x| = 1e300
  const r = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state & 1 ? -1 : 1) * (0.3 + ((state >>> 1) / 2 ** 31) * 2.7);
  };
  const random = ([m1, n]: number[]) => ({ a: Array.from({ length: m1 }, r), b: Array.from({ length: denominatorLength(version, n) }, r) });
  return [{ a: numerator, b: denominator }, ...[[6, 4], [4, 2], [3, 3]].map(random)];
}

test('far out (1e10 … 1e300): every second derivative is the finite difference of the far gradients, finite (every version, RPAU, degrees)', () => {
  for (const params of PARAMS) {
    for (const { a, b } of coefficientSets(params.version)) {
      for (const x of FAR) {
        const s: Setup = { params, a, b, x };
        const { D, G } = secondDerivatives(s);
        const what = `${params.version} ${params.noise ? `rpau ${JSON.stringify(params.noise)}` : 'pau'} (${a.length - 1}, ${b.length}) x = ${x}`;
        const bad = mismatches(s, D);
        if (bad.length) assert.unreachable(`${what}: ${bad.slice(0, 4).join('; ')}`);
        // the contraction by g (dg) is the first-order gradient row itself
        gradients(s).slice(1).forEach((want, r) => {
          if (!(Math.abs(G[r + 1] - want) <= 1e-13 * Math.abs(want))) assert.unreachable(`${what}: dg of row ${r + 1} ${G[r + 1]}, first order ${want}`);
        });
      }
    }
  }
});

test('the finite-difference check catches a second derivative off by 1e-4 (any entry) or a dropped term', () => {
  const { numerator: a, denominator: b } = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
  for (const x of [1e10, -1e200]) {
    const s: Setup = { params: { version: 'B', noise: null }, a, b, x };
    const { D } = secondDerivatives(s);
    assert.equal(mismatches(s, D), []);
    for (const [r, c] of [[0, 6], [6, 0], [6, 10], [10, 10], [5, 10], [10, 0]]) {
      const off = D.map((row) => [...row]);
      off[r][c] *= 1 + 1e-4;
      assert.ok(mismatches(s, off).length > 0, `x = ${x}: D[${r}][${c}] off by 1e-4 passed`);
    }
    // F_b4,b4 = 2·F·Q_4²/Q² without its factor 2, F_x,a5 without its 5·x^4/Q
    const dropped = D.map((row) => [...row]);
    dropped[10][10] /= 2;
    assert.ok(mismatches(s, dropped).length > 0, `x = ${x}: F_b4,b4 halved passed`);
    const noPower = D.map((row) => [...row]);
    noPower[0][6] -= 5 / (x ** -4 + b.reduce((q, bk, k) => q + bk * x ** (k - 3), 0)); // 5x^4/Q, Q/x^4 written so that it cannot overflow
    assert.ok(mismatches(s, noPower).length > 0, `x = ${x}: F_x,a5 without 5x^4/Q passed`);
  }
});

// --- 3. end to end -----------------------------------------------------------------------------

const f64 = { dtype: 'float64' as const };
// x′ ≈ ±1 scaled to x = 1e10, −3e20, 1e100 and the output scaled back: every entry the check
// compares is then of order 1, and its step 1e-6 moves x by 1e-6 relative
const SCALE = [1e10, -3e20, 1e100];

function farCheck(op: (x: tg.Tensor, a: tg.Tensor, b: tg.Tensor) => tg.Tensor, nb: number, raiseException = true): boolean {
  return tg.tidy(() => {
    const x = tg.tensor([1.25, 0.8, -1.1], f64).requiresGrad_();
    const a = tg.tensor([0.1, 0.6, 1.3, 0.9, 0.4, 0.2], f64).requiresGrad_();
    const b = tg.tensor([0.7, 0.3, 1.2, 0.5, 0.4].slice(5 - nb), f64).requiresGrad_();
    const scale = tg.tensor(SCALE, f64), back = tg.tensor(SCALE.map((s) => 1 / s), f64);
    return tg.gradgradcheck((xx, aa, bb) => op(xx.mul(scale), aa, bb).mul(back), [x, a, b], { raiseException }).ok;
  });
}

test('gradgradcheck passes for pau (every version) and rpau (every noise mode) at x = 1e10, −3e20, 1e100', () => {
  for (const version of VERSIONS) assert.ok(farCheck((x, a, b) => tg.pau(x, a, b, { version }), denominatorLength(version, 4)), `pau ${version}`);
  for (const { perElement, noisyDenominator, straightThrough } of NOISE_MODES) {
    assert.ok(farCheck((x, a, b) => tg.rpau(x, a, b, { alpha: 0.3, key: 5, perElement, noisyDenominator, straightThrough }), 4));
  }
});

test('far out, a perturbed second-order rule of pau is caught', () => {
  for (const op of ['pauGradX', 'pauGradA', 'pauGradB']) {
    setBackwardPerturbation({ op, mode: 'scale' });
    try {
      assert.not.ok(farCheck((x, a, b) => tg.pau(x, a, b), 4, false), op);
    } finally {
      setBackwardPerturbation(null);
    }
  }
});

test.run();
