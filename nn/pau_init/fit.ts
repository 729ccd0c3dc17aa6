// Least-squares fitting of a rational function to a target on an interval, by Levenberg–Marquardt:
// how the paper's ReLU and leaky-ReLU initialisations were made (specs/pau.md §2.1: scipy's
// curve_fit from p0 = all ones on [−3, 3)). The residuals are r_i = F(x_i; θ) − f(x_i) on an evenly
// spaced grid, θ = (a_0…a_m, b…); each step solves
//   (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr
// (Marquardt's scaling), takes the step if it lowers Σr², and otherwise raises λ and tries again.
// Large λ is a short gradient-descent step, small λ is Gauss–Newton. J is exact: its rows are the
// coefficient gradients the PAU backward uses (core/cpu/pau_rational.ts), where MINPACK uses
// finite differences.
//
// The problem is not convex: the start decides which local optimum comes out. From ones, version
// A lands on the paper's Table 6 (tests/pau/init.test.ts checks it).
import type { PauVersion } from '../../core/backend.js';
import { RationalPoint } from '../../core/cpu/pau_rational.js';

export interface FitOptions {
  version: PauVersion;
  /** Numerator degree (default 5). */
  m?: number;
  /** Denominator degree (default 4); version C has n+1 coefficients b_0…b_n. */
  n?: number;
  /** The grid: `points` evenly spaced values of [lower, upper), default 100,000 on [−3, 3). */
  lower?: number;
  upper?: number;
  points?: number;
  /** The starting coefficients (default all ones, as the reference). */
  start?: { numerator: readonly number[]; denominator: readonly number[] };
  maxIterations?: number;
}

export interface FitResult {
  numerator: number[];
  denominator: number[];
  /** Σ r_i² at the optimum, and the largest |r_i|. */
  sumOfSquares: number;
  maxError: number;
  iterations: number;
}

/** Fits F = P/Q of the given version to target on the grid. */
export function fitRational(target: (x: number) => number, options: FitOptions): FitResult {
  const { version, m = 5, n = 4, lower = -3, upper = 3, points = 100_000, maxIterations = 2000 } = options;
  const nb = version === 'C' ? n + 1 : n, count = m + 1 + nb;
  const grid = Float64Array.from({ length: points }, (_, i) => lower + ((upper - lower) * i) / points);
  const y = grid.map(target);
  let theta = options.start ? [...options.start.numerator, ...options.start.denominator] : new Array<number>(count).fill(1);
  if (theta.length !== count) throw new Error(`fitRational: the start needs ${m + 1} + ${nb} coefficients, got ${theta.length}`);

  const point = new RationalPoint(version, m + 1, nb);
  const sumOfSquares = (t: readonly number[]) => {
    const a = t.slice(0, m + 1), b = t.slice(m + 1);
    let s = 0;
    for (let i = 0; i < points; i++) {
      point.evaluate(grid[i], a, b, false);
      s += (point.f - y[i]) ** 2;
    }
    return s;
  };
  /** JᵀJ and Jᵀr, accumulated one grid point (one Jacobian row) at a time. */
  const normalEquations = (t: readonly number[]) => {
    const a = t.slice(0, m + 1), b = t.slice(m + 1);
    const JtJ = Array.from({ length: count }, () => new Float64Array(count)), Jtr = new Float64Array(count);
    const row = new Float64Array(count);
    for (let i = 0; i < points; i++) {
      point.evaluate(grid[i], a, b, true);
      row.set(point.da, 0);
      row.set(point.db, m + 1);
      const r = point.f - y[i];
      for (let p = 0; p < count; p++) {
        Jtr[p] += row[p] * r;
        for (let q = 0; q <= p; q++) JtJ[p][q] += row[p] * row[q];
      }
    }
    for (let p = 0; p < count; p++) for (let q = p + 1; q < count; q++) JtJ[p][q] = JtJ[q][p];
    return { JtJ, Jtr };
  };

  let cost = sumOfSquares(theta), lambda = 1e-3, iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const { JtJ, Jtr } = normalEquations(theta);
    let improved = false;
    while (lambda < 1e20) {
      const damped = JtJ.map((r, p) => r.map((v, q) => (p === q ? v + lambda * Math.max(v, 1e-300) : v)));
      const step = solveSymmetric(damped, Jtr.map((v) => -v));
      const candidate = theta.map((v, p) => v + step[p]);
      const candidateCost = step.every(Number.isFinite) ? sumOfSquares(candidate) : Infinity;
      if (candidateCost < cost) {
        const relative = (cost - candidateCost) / cost;
        theta = candidate;
        cost = candidateCost;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = relative > 1e-14;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break; // no step lowers the cost any more: a (local) optimum
  }

  const a = theta.slice(0, m + 1), b = theta.slice(m + 1);
  let maxError = 0;
  for (let i = 0; i < points; i++) {
    point.evaluate(grid[i], a, b, false);
    maxError = Math.max(maxError, Math.abs(point.f - y[i]));
  }
  return { numerator: a, denominator: b, sumOfSquares: cost, maxError, iterations };
}

/** Solves A·x = rhs for a symmetric positive-definite A by Cholesky (A = L·Lᵀ); NaN if it is not. */
function solveSymmetric(A: Float64Array[], rhs: Float64Array): number[] {
  const n = rhs.length, L = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = rhs[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}
