// Second derivatives of PAU / RPAU (issue 18): the derivatives of the first-order gradient
// functions of pau_rational.ts, in closed form. With F = P/Q, R = P′, S = Q′, R′ = P″, S′ = Q″,
// Q_k = ∂Q/∂b_k and S_k = ∂S/∂b_k (every version's own, below), the first-order functions
//   F_x = (R − S·F)/Q,   F_aj = x^j/Q,   F_bk = −F·Q_k/Q
// have the derivatives (F_aj is linear in a, and every Q is linear in |b_k| or b_k)
//   F_xx    = (R′ − S′·F − 2·S·F_x)/Q
//   F_x,aj  = (j·x^(j−1) − S·F_aj)/Q
//   F_x,bk  = −(S_k·F + S·F_bk + F_x·Q_k)/Q
//   F_aj,bk = −F_aj·Q_k/Q,   F_aj,al = 0,   F_bk,bl = 2·F·Q_k·Q_l/Q²
// A sign sgn(z) that the first-order rules differentiate through (|x| in A, |A(x)| in B/C/D, |b_k|
// in A) is piecewise constant: its derivative is 0 (at z = 0 the first-order rule has a kink).
//
// RPAU evaluates F at noisy coefficients c̃ = c·φ (φ its per-element factors): d/dc = φ·d/dc̃. Its
// first-order coefficient gradient is F_c̃ (straight through) or F_c̃·φ (exact); the second
// derivatives are those of these functions: D = diag(row)·H̃·diag(φ), row = 1 or φ.
//
// Far out (|x| ≥ 2^32, where the first-order kernels rescale the powers, pau_far.ts) the plain
// powers overflow long before the results do (Q² ≈ x^8 at degrees (5, 4)): those elements take
// pau_second_far.ts, the same formulas in the same order on numbers with an exponent of their own.
import type { PauParams } from '../backend.js';
import { noiseFactor } from './pau_noise.js';
import { firstDenominatorPower, sgn, UNSCALED_BELOW } from './pau_rational.js';
import { pauSecondFar } from './pau_second_far.js';

export interface PauSecondInput {
  x: ArrayLike<number>;
  /** numerator [m+1] or [C, m+1] and denominator rows, flat */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  xShape: readonly number[];
  /** rows of coefficients: 1 (shared) or C (per channel) */
  rows: number;
  m1: number;
  nb: number;
  params: PauParams;
}

/**
 * What the second backward contracts D with, per element i: the weight of row x (wx[i]), and the
 * upstream of the coefficient gradients (ua [rows·m1], ub [rows·nb], each times g[i]).
 */
export interface PauWeights {
  wx?: ArrayLike<number>;
  g?: ArrayLike<number>;
  ua?: ArrayLike<number>;
  ub?: ArrayLike<number>;
}

export interface PauSecondResult {
  /** Σ_rows w·∂f/∂x per element. */
  dx: Float64Array;
  /** Σ over elements of Σ_rows w·∂f/∂c, per coefficient row. */
  da: Float64Array;
  db: Float64Array;
  /** Σ_c U_c·f_c per element (the coefficient gradients' derivative by g), when ua or ub is given. */
  dg: Float64Array;
}

/** `scaledFrom`: the |x| from which elements take the far path (tests move it to compare the two). */
export function pauSecond(input: PauSecondInput, w: PauWeights, scaledFrom = UNSCALED_BELOW): PauSecondResult {
  const { x, a, b, xShape, rows, m1, nb, params } = input;
  const { version, noise } = params;
  const first = firstDenominatorPower(version), c0 = version === 'C' ? 0.1 : 1;
  const size = x.length, run = rows === 1 ? size : size === 0 ? 0 : size / (xShape[0] * rows);
  const blocks = rows === 1 ? 1 : xShape[0] * rows;
  const d = Math.max(m1 - 1, nb - 1 + first, 0);
  const dx = new Float64Array(size), dg = new Float64Array(size);
  const da = new Float64Array(rows * m1), db = new Float64Array(rows * nb);
  const out: PauSecondResult = { dx, da, db, dg };
  const u = new Float64Array(d + 1), an = new Float64Array(m1), bn = new Float64Array(nb);
  const phiA = new Float64Array(m1).fill(1), phiB = new Float64Array(nb).fill(1);
  const Qk = new Float64Array(nb), Sk = new Float64Array(nb);
  const exact = noise !== null && !noise.straightThrough;
  for (let block = 0; block < blocks; block++) {
    const row = block % rows, oa = row * m1, ob = row * nb;
    for (let i = block * run, end = i + run; i < end; i++) {
      const t = x[i];
      // the coefficients this element sees (noisy for RPAU in training) and their factors φ
      const draw = noise ? (noise.perElement ? i : row) : 0;
      for (let j = 0; j < m1; j++) {
        phiA[j] = noise ? noiseFactor(noise.alpha, noise.key, draw, j) : 1;
        an[j] = a[oa + j] * phiA[j];
      }
      for (let k = 0; k < nb; k++) {
        phiB[k] = noise && noise.noisyDenominator ? noiseFactor(noise.alpha, noise.key, draw, m1 + k) : 1;
        bn[k] = b[ob + k] * phiB[k];
      }
      if (Math.abs(t) >= scaledFrom) {
        pauSecondFar({ x: t, version, an, bn, phiA, phiB, exact, wx: w.wx ? w.wx[i] : 0, g: w.g ? w.g[i] : 0, ua: w.ua, ub: w.ub, oa, ob }, i, out);
        continue;
      }
      u[0] = 1;
      for (let j = 1; j <= d; j++) u[j] = u[j - 1] * t;
      let P = 0, R = 0, R2 = 0;
      for (let j = 0; j < m1; j++) {
        P += an[j] * u[j];
        if (j > 0) R += j * an[j] * u[j - 1];
        if (j > 1) R2 += j * (j - 1) * an[j] * u[j - 2];
      }
      // Q, S = Q′, S2 = Q″, Q_k, S_k for the version
      let Q: number, S = 0, S2 = 0;
      if (version === 'A') {
        let s = 0;
        const sx = sgn(t);
        for (let i2 = 0; i2 < nb; i2++) {
          const k = i2 + first, ab = Math.abs(bn[i2]);
          s += ab * Math.abs(u[k]);
          S += k * ab * Math.abs(u[k - 1]);
          if (k > 1) S2 += k * (k - 1) * ab * Math.abs(u[k - 2]);
          Qk[i2] = sgn(bn[i2]) * Math.abs(u[k]);
          Sk[i2] = sgn(bn[i2]) * sx * k * Math.abs(u[k - 1]);
        }
        Q = c0 + s;
        S *= sx;
      } else {
        let s = 0, ds = 0, dds = 0;
        for (let i2 = 0; i2 < nb; i2++) {
          const k = i2 + first;
          s += bn[i2] * u[k];
          if (k > 0) ds += k * bn[i2] * u[k - 1];
          if (k > 1) dds += k * (k - 1) * bn[i2] * u[k - 2];
        }
        const side = version === 'N' ? 1 : sgn(s);
        Q = c0 + side * s;
        S = side * ds;
        S2 = side * dds;
        for (let i2 = 0; i2 < nb; i2++) {
          const k = i2 + first;
          Qk[i2] = side * u[k];
          Sk[i2] = k > 0 ? side * k * u[k - 1] : 0;
        }
      }
      const F = P / Q, Fx = (R - S * F) / Q;
      // row weights (times the row scale: φ for an exact RPAU coefficient gradient)
      const gi = w.g ? w.g[i] : 0;
      const wx = w.wx ? w.wx[i] : 0;
      let sumWaU = 0, sumWbQ = 0, dgi = 0;
      const wa = (j: number) => (w.ua ? gi * w.ua[oa + j] * (exact ? phiA[j] : 1) : 0);
      const wb = (k: number) => (w.ub ? gi * w.ub[ob + k] * (exact ? phiB[k] : 1) : 0);
      for (let j = 0; j < m1; j++) {
        sumWaU += wa(j) * u[j];
        if (w.ua) dgi += w.ua[oa + j] * (u[j] / Q) * (exact ? phiA[j] : 1);
      }
      for (let k = 0; k < nb; k++) {
        sumWbQ += wb(k) * Qk[k];
        if (w.ub) dgi += w.ub[ob + k] * ((-F * Qk[k]) / Q) * (exact ? phiB[k] : 1);
      }
      dg[i] = dgi;
      if (wx === 0 && sumWaU === 0 && sumWbQ === 0 && !w.ua && !w.ub) continue;
      // v = w·H̃, then column c scaled by φ_c
      const Fxx = (R2 - S2 * F - 2 * S * Fx) / Q;
      let vx = wx * Fxx;
      for (let j = 0; j < m1; j++) {
        const Faj = u[j] / Q, Fxaj = ((j > 0 ? j * u[j - 1] : 0) - S * Faj) / Q;
        vx += wa(j) * Fxaj;
        // F_x,aj·wx + Σ_k wb_k·F_aj,bk
        da[oa + j] += (wx * Fxaj - (Faj * sumWbQ) / Q) * phiA[j];
      }
      for (let k = 0; k < nb; k++) {
        const Fbk = (-F * Qk[k]) / Q, Fxbk = -(Sk[k] * F + S * Fbk + Fx * Qk[k]) / Q;
        vx += wb(k) * Fxbk;
        const v = wx * Fxbk - (Qk[k] * sumWaU) / (Q * Q) + (2 * F * Qk[k] * sumWbQ) / (Q * Q);
        db[ob + k] += v * phiB[k];
      }
      dx[i] = vx;
    }
  }
  return out;
}
