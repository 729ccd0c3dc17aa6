// A B-spline learnable activation, as the edges of a Kolmogorov–Arnold network (Liu et al., 2024,
// "KAN: Kolmogorov–Arnold Networks"): per channel c,
//
//   φ_c(x) = w_c · silu(x) + Σ_i c_{c,i} · B_i(x)
//
// a learned spline of degree k (default 3) on a uniform grid of G intervals over [lo, hi]
// (default 5 over [−3, 3]), plus a learned multiple of silu that carries x outside the grid,
// where every B_i vanishes. The grid is KAN's: extended by k intervals on each side, so the
// G + k basis functions sum to 1 everywhere on [lo, hi]. Those are models/bspline.ts's 'paper'
// knots (uniform, unclamped), shifted to start at lo − k·h.
//
// The forward evaluates the basis with the Cox–de Boor recursion written in tensor ops (a 0/1
// comparison per knot span, then k rounds of blending), so it runs on every backend, and the
// gradient with respect to x is the spline's derivative by ordinary autodiff: on each span the
// recursion is a polynomial in x. models/bspline.ts evaluates the same basis on the host, which
// the tests compare against and extendGrid uses.
//
// Initialisation: w = 1 and c = 0, so the unit starts as silu and learns a correction on the grid.
// Grid extension (KAN §2.5): extendGrid(G') refits the spline on a finer grid by least squares
// against the current one; when G' is a multiple of G the fit is exact on [lo, hi], so the
// network computes the same function with more parameters to learn. The coefficients become a new
// Parameter, so make a new optimizer after extending (as KAN does).
import { tensor } from '../core/creation.js';
import { checkFinite, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { fromHost, type Tensor } from '../core/tensor.js';
import { checkInput, positiveInt } from '../nn/checks.js';
import { alongChannels } from '../nn/channels.js';
import { Module } from '../nn/module.js';
import { fullParameter, Parameter } from '../nn/parameter.js';
import { BSplineBasis } from './bspline.js';

export interface BSplineActivationOptions {
  /** 1 (one spline for the layer, default) or the number of channels (axis 1 of the input). */
  numParameters?: number;
  /** Grid intervals G on [lo, hi] (default 5). */
  intervals?: number;
  /** Spline degree k (default 3, cubic). */
  degree?: number;
  /** The grid's range [lo, hi] (default [−3, 3]). */
  range?: readonly [number, number];
}

export class BSplineActivation extends Module {
  /** The spline coefficients c, shape [C, G + k]. */
  coefficients: Parameter;
  /** The weight w of the silu base, shape [C]. */
  baseWeight: Parameter;
  readonly degree: number;
  readonly range: readonly [number, number];
  private basis: BSplineBasis;
  private intervalCount: number;

  constructor({ numParameters = 1, intervals = 5, degree = 3, range = [-3, 3] }: BSplineActivationOptions = {}) {
    super();
    const fn = 'BSplineActivation';
    const C = positiveInt(fn, 'numParameters', numParameters);
    const G = positiveInt(fn, 'intervals', intervals);
    if (!Number.isInteger(degree) || degree < 0) fail(fn, `degree must be an integer ≥ 0, got ${String(degree)}`);
    if (!Array.isArray(range) || range.length !== 2 || !(checkFinite(fn, 'range[0]', range[0]) < checkFinite(fn, 'range[1]', range[1]))) {
      fail(fn, `range must be [lo, hi] with lo < hi, got ${JSON.stringify(range)}`);
    }
    this.degree = degree;
    this.range = [range[0], range[1]];
    this.intervalCount = G;
    this.basis = gridBasis(degree, G, this.range);
    this.coefficients = fullParameter([C, G + degree], 0);
    this.baseWeight = fullParameter([C], 1);
  }

  /** The number of grid intervals G. */
  get intervals(): number {
    return this.intervalCount;
  }

  /** Where the basis starts: knot 0 sits at lo − k·h. */
  private get origin(): number {
    return this.range[0] - (this.degree * (this.range[1] - this.range[0])) / this.intervalCount;
  }

  /** B_i(x) for every element of x: shape [...x.shape, G + k], built by Cox–de Boor in tensor ops. */
  basisFunctions(x: Tensor): Tensor {
    return tidy(() => {
      const knots = this.basis.knots;
      const n = knots.length - 1; // degree-0 functions
      const constant = (values: number[]) => tensor(values, { dtype: x.dtype, backend: x.backend.name });
      const t = x.sub(this.origin).unsqueeze(-1);
      const range = (from: number, count: number) => knots.slice(from, from + count) as number[];
      let level = t.ge(constant(range(0, n))).mul(t.lt(constant(range(1, n))));
      for (let d = 1; d <= this.degree; d++) {
        const count = n - d;
        const inverse = (gaps: number[]) => gaps.map((g) => (g > 0 ? 1 / g : 0)); // a repeated knot's term is 0
        const left = inverse(Array.from({ length: count }, (_, i) => knots[i + d] - knots[i]));
        const right = inverse(Array.from({ length: count }, (_, i) => knots[i + d + 1] - knots[i + 1]));
        const rising = t.sub(constant(range(0, count))).mul(constant(left)).mul(level.narrow(-1, 0, count));
        const falling = constant(range(d + 1, count)).sub(t).mul(constant(right)).mul(level.narrow(-1, 1, count));
        level = rising.add(falling);
      }
      return level;
    });
  }

  override forward(x: Tensor): Tensor {
    const layer = `BSplineActivation(${this.extraRepr()})`;
    const C = this.coefficients.shape[0];
    checkInput(layer, x, C === 1 ? ['...'] : ['N', C, '...']);
    return tidy(() => {
      const m = this.coefficients.shape[1];
      // c as [C, 1, ..., 1, m] against the basis [N, C, ..., m]; shared: [m]
      const c = C === 1 ? this.coefficients.reshape([m]) : this.coefficients.reshape([C, ...new Array<number>(x.rank - 2).fill(1), m]);
      const spline = this.basisFunctions(x).mul(c).sum(-1);
      return x.silu().mul(alongChannels(layer, this.baseWeight, x)).add(spline);
    });
  }

  /**
   * Refines the grid to `intervals` intervals (KAN's grid extension): the new coefficients are the
   * least-squares fit of the current spline at 8 points per new basis function on [lo, hi].
   */
  extendGrid(intervals: number): void {
    const G = positiveInt('BSplineActivation.extendGrid', 'intervals', intervals);
    const [C, m] = this.coefficients.shape;
    const next = gridBasis(this.degree, G, this.range);
    const mNext = G + this.degree;
    const [lo, hi] = this.range;
    const samples = 8 * mNext;
    const xs = Array.from({ length: samples }, (_, p) => lo + ((hi - lo) * p) / (samples - 1));
    const oldRows = xs.map((x) => this.basis.evaluate(x - this.origin));
    const nextOrigin = lo - (this.degree * (hi - lo)) / G;
    const newRows = xs.map((x) => next.evaluate(x - nextOrigin));
    const old = this.coefficients.data();
    const fitted = new Float64Array(C * mNext);
    for (let c = 0; c < C; c++) {
      const target = oldRows.map((row) => row.reduce((s, b, i) => s + b * old[c * m + i], 0));
      fitted.set(leastSquares(newRows, target), c * mNext);
    }
    const values = fromHost(this.coefficients.dtype === 'float64' ? fitted : Float32Array.from(fitted), [C, mNext], this.coefficients.backend);
    const replaced = this.coefficients;
    this.coefficients = new Parameter(values);
    values.dispose(); // the parameter holds the storage
    replaced.dispose();
    this.basis = next;
    this.intervalCount = G;
  }

  override extraRepr(): string {
    return `numParameters=${this.coefficients.shape[0]}, intervals=${this.intervalCount}, degree=${this.degree}, range=[${this.range.join(', ')}]`;
  }
}

/** KAN's grid: G intervals on [lo, hi] extended by k on each side, as 'paper' knots from 0. */
function gridBasis(k: number, G: number, [lo, hi]: readonly [number, number]): BSplineBasis {
  return new BSplineBasis(k, G + k, { T: ((hi - lo) * (G + 2 * k)) / G, knots: 'paper' });
}

/** argmin_c ‖A c − y‖² by the normal equations and Cholesky (A has full column rank here). */
function leastSquares(rows: readonly Float64Array[], y: readonly number[]): Float64Array {
  const m = rows[0].length;
  const a = Array.from({ length: m }, () => new Float64Array(m));
  const b = new Float64Array(m);
  rows.forEach((row, p) => {
    for (let i = 0; i < m; i++) {
      b[i] += row[i] * y[p];
      for (let j = 0; j < m; j++) a[i][j] += row[i] * row[j];
    }
  });
  for (let j = 0; j < m; j++) { // a = L·Lᵀ, in place (lower triangle)
    for (let k = 0; k < j; k++) a[j][j] -= a[j][k] ** 2;
    a[j][j] = Math.sqrt(a[j][j]);
    for (let i = j + 1; i < m; i++) {
      for (let k = 0; k < j; k++) a[i][j] -= a[i][k] * a[j][k];
      a[i][j] /= a[j][j];
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) z[i] = (b[i] - a[i].slice(0, i).reduce((s, v, k) => s + v * z[k], 0)) / a[i][i];
  const c = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= a[k][i] * c[k];
    c[i] = s / a[i][i];
  }
  return c;
}
