// B-spline basis functions, evaluated exactly at any t by the Cox–de Boor recursion (no lookup
// table), with their derivatives. Used by Neural-GODE's layer-varying convolution
// W(t) = Σ_i B_{i,k}(t)·W_i.
//
// Knots. m basis functions of degree k need k + m + 1 knots t_0 ≤ … ≤ t_{k+m} on [0, T]:
//   'clamped' (the default) — k + 1 copies of 0, m − k − 1 evenly spaced interior knots, k + 1
//            copies of T. The basis sums to 1 on all of [0, T] (a partition of unity), so W(t)
//            is a true blend of the W_i everywhere.
//   'paper'  — the Neural-GODE paper's uniform unclamped knots t_j = j·T/(k + m). The basis sums
//            to 1 only on [t_k, t_m]; it ramps down to 0 at both ends, so for k ≥ 1 the kernel is
//            W(0) = W(T) = 0 and the first Euler step of the ODE is the identity (spec gode.md §4.3).
// Degree 0 uses half-open intervals [t_i, t_{i+1}); the last interval also contains T, so t = T
// is inside the domain (the reference's table instead makes W(T) = 0 for k = 0).
import { fail } from '../core/errors.js';

export type KnotKind = 'clamped' | 'paper';

export interface BSplineOptions {
  /** End of the time interval [0, T]. */
  T?: number;
  knots?: KnotKind;
}

export class BSplineBasis {
  readonly knots: readonly number[];
  readonly T: number;

  constructor(readonly degree: number, readonly count: number, options: BSplineOptions = {}) {
    const T = options.T ?? 1;
    if (!Number.isInteger(degree) || degree < 0) fail('BSplineBasis', `degree must be an integer ≥ 0, got ${degree}`);
    if (!Number.isInteger(count) || count < 1) fail('BSplineBasis', `count must be an integer ≥ 1, got ${count}`);
    if (!(T > 0) || !Number.isFinite(T)) fail('BSplineBasis', `T must be positive and finite, got ${T}`);
    const kind = options.knots ?? 'clamped';
    if (kind !== 'clamped' && kind !== 'paper') fail('BSplineBasis', `knots must be 'clamped' or 'paper', got ${String(kind)}`);
    if (kind === 'clamped' && count < degree + 1) {
      fail('BSplineBasis', `clamped knots need count ≥ degree + 1 (${degree + 1}), got ${count}`);
    }
    this.T = T;
    this.knots = kind === 'paper' ? paperKnots(degree, count, T) : clampedKnots(degree, count, T);
  }

  /**
   * t snapped onto a knot when it lies within a few float32 ulps of one: times computed in
   * float32 (0.05·n) then select the span they mean (the reference's lookup table gets
   * k = 0, m = 20 wrong at n = 3, 6, 12, 17; spec gode.md §4.4).
   */
  private snap(t: number): number {
    if (!Number.isFinite(t)) return t; // ±Infinity is outside [0, T], not within tolerance of a knot
    const tolerance = 4 * 2 ** -24 * Math.max(1, Math.abs(t));
    for (const knot of this.knots) if (Math.abs(t - knot) <= tolerance) return knot;
    return t;
  }

  /** The index j of the non-empty knot span [t_j, t_{j+1}) holding t; T belongs to the last one. */
  private span(t: number): number {
    const last = this.knots.length - 1;
    let j = 0;
    while (j + 1 < last && this.knots[j + 1] <= t) j++;
    while (j > 0 && this.knots[j + 1] <= this.knots[j]) j--; // step back over empty spans at T
    return j;
  }

  /** All k + m − d basis functions of degree d at t (zeros outside [0, T]). */
  private basisOfDegree(t: number, d: number): Float64Array {
    const n = this.knots.length - 1; // the number of degree-0 functions
    let level = new Float64Array(n);
    if (!(t >= 0 && t <= this.T)) return level.subarray(0, n - d);
    level[this.span(t)] = 1;
    const u = this.knots;
    for (let degree = 1; degree <= d; degree++) {
      const next = new Float64Array(n - degree);
      for (let i = 0; i < n - degree; i++) {
        const left = u[i + degree] - u[i], right = u[i + degree + 1] - u[i + 1];
        // a term whose denominator is 0 (repeated knots) counts as 0
        const a = left > 0 ? ((t - u[i]) / left) * level[i] : 0;
        const b = right > 0 ? ((u[i + degree + 1] - t) / right) * level[i + 1] : 0;
        next[i] = a + b;
      }
      level = next;
    }
    return level;
  }

  /** B_{i,k}(t) for i = 0 … m − 1; zeros outside [0, T]. */
  evaluate(t: number): Float64Array {
    checkTime('BSplineBasis.evaluate', t);
    return this.basisOfDegree(this.snap(t), this.degree).slice(0, this.count);
  }

  /** dB_{i,k}/dt = k·(B_{i,k−1}/(t_{i+k} − t_i) − B_{i+1,k−1}/(t_{i+k+1} − t_{i+1})); 0 for k = 0. */
  derivative(t: number): Float64Array {
    checkTime('BSplineBasis.derivative', t);
    const k = this.degree;
    const out = new Float64Array(this.count);
    if (k === 0) return out;
    const u = this.knots;
    const lower = this.basisOfDegree(this.snap(t), k - 1);
    for (let i = 0; i < this.count; i++) {
      const left = u[i + k] - u[i], right = u[i + k + 1] - u[i + 1];
      out[i] = k * ((left > 0 ? lower[i] / left : 0) - (right > 0 ? lower[i + 1] / right : 0));
    }
    return out;
  }
}

/** t must be a number; NaN would silently give all-zero weights (it is outside no interval). */
function checkTime(fn: string, t: unknown): void {
  if (typeof t !== 'number' || Number.isNaN(t)) fail(fn, `t must be a number (zeros outside [0, T]), got ${typeof t === 'string' ? `the string '${t}'` : String(t)}`);
}

/** t_j = j·T/(k + m), j = 0 … k + m, computed as integer ratios so that grid times land on knots exactly. */
function paperKnots(k: number, m: number, T: number): number[] {
  return Array.from({ length: k + m + 1 }, (_, j) => (j * T) / (k + m));
}

function clampedKnots(k: number, m: number, T: number): number[] {
  const interior = m - k - 1;
  const knots: number[] = new Array(k + 1).fill(0);
  for (let j = 1; j <= interior; j++) knots.push((j * T) / (interior + 1));
  for (let j = 0; j <= k; j++) knots.push(T);
  return knots;
}
