// Second derivatives through outward gravitation's borrowed columns (deu_gravitation.ts). A neuron
// with a coefficient below ε takes that coefficient's first-order column from a nudged neuron
//   at = (ã, b̃, c̃, c̃1, c̃2):  ã = ±ε for a nudged a (a constant), else a itself (likewise b, c);
//   (c̃1, c̃2) = ridgeSolve(A, f), matching the current activation's value and slope at t* = mean(x):
//     A = [[clip φ1(t*), clip φ2(t*)], [clip((clip φ_m(t* + Δt) − φ_m(t*))/Δt)]]  (the nudged basis)
//     f = [y(t*) − y₀(t*), y_t(t*) − y₀_t(t*)]   (y the current neuron, y₀ the nudged one from rest)
// So a borrowed column f_θ(x_i) = Q_θ(x_i; at) depends on x_i, on every x of the neuron through t*,
// and on the coefficients through at and through (c̃1, c̃2). Its derivatives, for the contraction
// Σ_i g_i·Σ_{θ borrowed} U_θ·f_θ(x_i), follow the chain rule through each of these, with the
// ridge solve differentiated as computed (its determinant floor included). Far out (t* or an x_i
// beyond 2^128) the pieces come from deu_second.ts's far path; where t* + Δt rounds to t* the
// forward difference is the same computation twice, so its derivative is 0 even where the basis'
// derivatives are ±∞, and a factor that is exactly 0 is never multiplied by them (no ∞·0).
import { DEU_NUMERICS, DeuPoint, evaluate, type Coeffs, type Subspace } from './deu_solutions.js';
import type { Gravitation } from './deu_gravitation.js';
import { basisGradient, secondPartials, valueGradient, VARS } from './deu_second.js';

const M = DEU_NUMERICS.maxValue;

export interface Borrowing {
  k: Coeffs;
  sub: Subspace;
  gravity: Gravitation;
  tStar: number;
  /** Elements of the neuron (t* is their mean). */
  elements: readonly number[];
  s: number;
}

/**
 * Adds to dx (per element) and to acc (the neuron's five coefficient sums) the derivatives of
 * Σ_i g_i·Σ_{θ borrowed} U[θ]·f_θ(x_i) by x and by the coefficients.
 */
export function borrowedSecond(b: Borrowing, x: ArrayLike<number>, g: ArrayLike<number>, U: readonly number[], dx: Float64Array, acc: number[]): void {
  const { k, sub, gravity, tStar, elements, s } = b;
  const at = gravity.at, subN = gravity.subspace;
  const nudged = [gravity.nudged.a, gravity.nudged.b, gravity.nudged.c];
  const borrowed = [0, 1, 2].filter((j) => nudged[j] && U[j] !== 0);
  // 1. directly: Σ_i g_i·Σ_θ U_θ·∂Q_θ/∂(t, ã, b̃, c̃, c̃1, c̃2) at x_i
  const G = new Float64Array(VARS), D = new Float64Array(VARS * VARS);
  for (const i of elements) {
    if (g[i] === 0) continue;
    secondPartials(subN, x[i], at, s, D);
    for (let m = 0; m < VARS; m++) {
      let r = 0;
      for (const j of borrowed) r += U[j] * D[(j + 1) * VARS + m];
      if (m === 0) dx[i] += g[i] * r;
      else G[m] += g[i] * r;
    }
  }
  // 2. through ã, b̃, c̃ where they are the neuron's own coefficients
  for (let m = 1; m <= 3; m++) if (!nudged[m - 1]) acc[m - 1] += G[m];
  // 3. through (c̃1, c̃2), functions of t* and the coefficients
  const dc = tildeSensitivities(b, nudged);
  for (let w = 1; w < VARS; w++) acc[w - 1] += times(G[4], dc[0][w]) + times(G[5], dc[1][w]);
  const perElement = (times(G[4], dc[0][0]) + times(G[5], dc[1][0])) / elements.length; // ∂t*/∂x_l = 1/count
  for (const l of elements) dx[l] += perElement;
}

/** x·y where an exact 0 in either factor gives 0 (the other may be ±∞ far out). */
const times = (x: number, y: number): number => (x === 0 || y === 0 ? 0 : x * y);

/** A gradient by the nudged neuron's (t, ã, b̃, c̃, ·, ·) as one by the neuron's own (t*, a, b, c, c1, c2). */
function toOwn(d: ArrayLike<number>, nudged: readonly boolean[]): Float64Array {
  return Float64Array.from([d[0], nudged[0] ? 0 : d[1], nudged[1] ? 0 : d[2], nudged[2] ? 0 : d[3], 0, 0]);
}

/** ∂c̃1/∂w and ∂c̃2/∂w for w = (t*, a, b, c, c1, c2): the ridge solve of deu_gravitation.ts, differentiated. */
export function tildeSensitivities({ k, sub, gravity, tStar, s }: Borrowing, nudged: readonly boolean[]): [Float64Array, Float64Array] {
  const at = gravity.at, subN = gravity.subspace as Exclude<Subspace, '0-0-0' | '0-0-1'>, rest = { ...at, c1: 0, c2: 0 };
  const dt = DEU_NUMERICS.gravitationStep, lambda = DEU_NUMERICS.ridge;
  const here = basisGradient(subN, tStar, at), next = basisGradient(subN, tStar + dt, at);
  // A and its derivatives (entries a11, a12, a21, a22)
  const clipped = (v: number, d: Float64Array) => (Math.abs(v) > M ? new Float64Array(VARS) : d);
  const A = [Math.max(-M, Math.min(M, here.phi[0])), Math.max(-M, Math.min(M, here.phi[1]))];
  const dA = [clipped(here.phi[0], toOwn(here.d1, nudged)), clipped(here.phi[1], toOwn(here.d2, nudged))];
  for (const m of [0, 1]) {
    const nextValue = next.phi[m], nextD = clipped(nextValue, toOwn(m === 0 ? next.d1 : next.d2, nudged));
    const inner = (Math.max(-M, Math.min(M, nextValue)) - here.phi[m]) / dt;
    const hereD = toOwn(m === 0 ? here.d1 : here.d2, nudged);
    const dInner = nextD.map((v, w) => (tStar + dt === tStar ? 0 : (v - hereD[w]) / dt));
    A.push(Math.max(-M, Math.min(M, inner)));
    dA.push(clipped(inner, dInner));
  }
  const [a11, a12, a21, a22] = A, [da11, da12, da21, da22] = dA;
  // f and its derivatives: the current neuron's value and first-order slope minus the nudged rest's
  const now = evaluate(sub, tStar, k, s, new DeuPoint(), true), from = evaluate(subN, tStar, rest, s, new DeuPoint(), true);
  const f1 = now.y - from.y, f2 = now.dt - from.dt;
  const dNowY = valueGradient(sub, tStar, k, s, new Float64Array(VARS));
  const dRestY = toOwn(valueGradient(subN, tStar, rest, s, new Float64Array(VARS)), nudged);
  const D = new Float64Array(VARS * VARS);
  const dNowT = secondPartials(sub, tStar, k, s, D).slice(0, VARS);
  const dRestT = toOwn(secondPartials(subN, tStar, rest, s, D).slice(0, VARS), nudged);
  // the solve as ridgeSolve computes it: c̃ = (N1, N2)/det, det floored at λ(p + q) + λ²
  const p = a11 * a11 + a21 * a21, q = a12 * a12 + a22 * a22, r = a11 * a12 + a21 * a22;
  const u = a11 * f1 + a21 * f2, v = a12 * f1 + a22 * f2;
  const plain = (p + lambda) * (q + lambda) - r * r, floor = lambda * (p + q) + lambda * lambda;
  const det = Math.max(plain, floor);
  const c1 = ((q + lambda) * u - r * v) / det, c2 = ((p + lambda) * v - r * u) / det;
  const out: [Float64Array, Float64Array] = [new Float64Array(VARS), new Float64Array(VARS)];
  for (let w = 0; w < VARS; w++) {
    const df1 = dNowY[w] - dRestY[w], df2 = dNowT[w] - dRestT[w];
    const dp = 2 * (a11 * da11[w] + a21 * da21[w]), dq = 2 * (a12 * da12[w] + a22 * da22[w]);
    const dr = da11[w] * a12 + a11 * da12[w] + da21[w] * a22 + a21 * da22[w];
    const du = da11[w] * f1 + a11 * df1 + da21[w] * f2 + a21 * df2;
    const dv = da12[w] * f1 + a12 * df1 + da22[w] * f2 + a22 * df2;
    const dDet = plain >= floor ? dp * (q + lambda) + (p + lambda) * dq - 2 * r * dr : lambda * (dp + dq);
    out[0][w] = (dq * u + (q + lambda) * du - dr * v - r * dv - c1 * dDet) / det;
    out[1][w] = (dp * v + (p + lambda) * dv - dr * u - r * du - c2 * dDet) / det;
  }
  return out;
}
