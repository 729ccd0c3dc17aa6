// The PAU formulas written directly from specs/pau.md §1.2 and §1.4 (plain powers, no scaling),
// for the tests to compare the fused kernels against; and the kink distance the gradient tests
// use to stay where finite differences are valid.
import fc from 'fast-check';
import type { PauVersion } from '../../index.js';
import { noiseFactor } from '../../core/cpu/pau_noise.js';

// ---- generators ----------------------------------------------------------------------------
// fc.double draws uniformly over the *bit patterns* of the doubles in [min, max], so almost all of
// its draws are tiny (|v| < 1e-100: about 95% of the doubles of [−5, 5]) or sit at the bounds. A
// kink filter such as |x| ≥ 0.05 then rejects nearly every draw (an `.filter` retries without
// limit: the first gradcheck property took 12 minutes), and the draws that pass exercise the
// rational function at x ≈ 0. These generators are uniform in value instead, as spec §7 asks
// (a_j, b_k ~ U(−3, 3), x ~ U(−5, 5)), and stay away from kinks by construction.

const HALF = 2 ** 31;
/** U(lo, hi) on a grid of 2^32 steps (shrinks towards the midpoint). */
export const uniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.integer({ min: -HALF, max: HALF }).map((i) => (lo + hi) / 2 + ((hi - lo) / 2) * (i / HALF));

/** Mostly U(lo, hi), sometimes fc.double's special values (0, −0, tiny, the bounds): for forward properties. */
export const value = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: uniform(lo, hi) }, { weight: 1, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) });

/** ±U(margin, limit): at least `margin` from 0 by construction. */
export const awayFromZero = (margin: number, limit: number): fc.Arbitrary<number> =>
  fc.tuple(fc.boolean(), uniform(margin, limit)).map(([negative, v]) => (negative ? -v : v));

export const values = <T>(arb: fc.Arbitrary<T>, min: number, max = min): fc.Arbitrary<T[]> => fc.array(arb, { minLength: min, maxLength: max });

/** Denominator length: b_1…b_n, or b_0…b_n for C. */
export const denominatorLength = (v: PauVersion, n = 4): number => (v === 'C' ? n + 1 : n);

export interface PointDraw { x: number[]; a: number[]; b: number[] }

/** How many uniform candidates each x gets before a draw is given up (B, C, N). */
const CANDIDATES = 6;

/**
 * (x[1…maxLength], a[m+1], b) with every x at least `margin` from a kink of F (for N, |Q| ≥
 * margin). A: x and every b_k are drawn as ±U(margin, ·), so no draw is ever rejected. B, C, N:
 * the kinks are the roots of Σ b_k x^k, which move with b, so each x is the first of a few
 * uniform candidates that is far enough; a draw where all of them fail (|b| tiny everywhere,
 * well under 1%) is rejected.
 */
export function kinkFreeDraws(v: PauVersion, margin: number, { maxLength = 6, m = 5, n = 4, xLimit = 5, coefLimit = 3 } = {}): fc.Arbitrary<PointDraw> {
  const a = values(uniform(-coefLimit, coefLimit), m + 1);
  if (v === 'A') {
    return fc.record({ x: values(awayFromZero(margin, xLimit), 1, maxLength), a, b: values(awayFromZero(margin, coefLimit), n) });
  }
  return fc
    .record({ candidates: values(values(uniform(-xLimit, xLimit), CANDIDATES), 1, maxLength), a, b: values(uniform(-coefLimit, coefLimit), denominatorLength(v, n)) })
    .map(({ candidates, a, b }) => ({ a, b, x: candidates.map((c) => c.find((t) => kinkDistance(v, t, b) >= margin) ?? NaN) }))
    .filter(({ x }) => x.every((t) => !Number.isNaN(t)));
}

const sgn = (z: number) => (z < 0 ? -1 : 1);
const first = (v: PauVersion) => (v === 'C' ? 0 : 1);

/** Σ b_i x^(i + first) and its x-derivative (|b_i||x|^k for A). */
function inner(v: PauVersion, x: number, b: readonly number[]) {
  let s = 0, ds = 0;
  b.forEach((bi, i) => {
    const k = i + first(v);
    if (v === 'A') {
      s += Math.abs(bi) * Math.abs(x) ** k;
      ds += k * Math.abs(bi) * Math.abs(x) ** (k - 1) * sgn(x);
    } else {
      s += bi * x ** k;
      if (k > 0) ds += k * bi * x ** (k - 1);
    }
  });
  return { s, ds };
}

export function directQ(v: PauVersion, x: number, b: readonly number[]): number {
  const { s } = inner(v, x, b);
  return v === 'A' || v === 'N' ? 1 + s : (v === 'C' ? 0.1 : 1) + Math.abs(s);
}

/** F, ∂F/∂x, ∂F/∂a, ∂F/∂b at one point, as written in §1.4. */
export function direct(v: PauVersion, x: number, a: readonly number[], b: readonly number[]) {
  const P = a.reduce((acc, aj, j) => acc + aj * x ** j, 0);
  const R = a.reduce((acc, aj, j) => acc + (j > 0 ? j * aj * x ** (j - 1) : 0), 0);
  const { s, ds } = inner(v, x, b);
  const Q = directQ(v, x, b);
  const side = v === 'B' || v === 'C' ? sgn(s) : 1;
  const S = side * ds;
  const dQdb = b.map((bi, i) => {
    const k = i + first(v);
    return v === 'A' ? sgn(bi) * Math.abs(x) ** k : side * x ** k;
  });
  return {
    f: P / Q,
    dx: R / Q - (S * P) / (Q * Q),
    da: a.map((_, j) => x ** j / Q),
    db: dQdb.map((d) => (-P / (Q * Q)) * d),
  };
}

/** How far (x; b) is from the nearest point where F is not differentiable (or, for N, from a pole). */
export function kinkDistance(v: PauVersion, x: number, b: readonly number[]): number {
  switch (v) {
    case 'A': return Math.min(Math.abs(x), ...b.map(Math.abs));
    case 'N': return Math.abs(directQ(v, x, b));
    default: return Math.abs(inner(v, x, b).s);
  }
}

/** RPAU's noisy coefficients for one draw (an element index, or the row when not per element). */
export function noisy(alpha: number, key: number, draw: number, a: readonly number[], b: readonly number[], noisyDenominator = true) {
  return {
    a: a.map((aj, j) => aj * noiseFactor(alpha, key, draw, j)),
    b: b.map((bi, i) => (noisyDenominator ? bi * noiseFactor(alpha, key, draw, a.length + i) : bi)),
  };
}

/** The paper's `leaky_relu` sets (rational_activations, spec §1.6) for the reference values. */
export const LEAKY_A = {
  a: [0.029792778657264946, 0.6183735264987601, 2.323309062531321, 3.051936237265109, 1.4854203263828845, 0.2510244961111299],
  b: [-1.1419548357285474, 4.393159974992486, 0.8714712309957245, 0.34719662339598834],
};
export const LEAKY_B = {
  a: [0.03355815733452378, 0.5050059186781659, 1.6534697310952233, 2.0100501552600014, 0.9319195586484518, 0.15242646398275836],
  b: [4.812831860534153e-05, 3.9802479055059194, 1.5837587665720168e-05, 0.30183382839661377],
};
