// Outward gravitation (specs/deu.md §3): the reference's way out of a singular subspace. While one
// of a, b, c is below ε in magnitude the formulas do not contain it, so its partial is zero and
// gradient descent alone would leave it there for ever. So, in the backward pass only:
//   1. each small coefficient is nudged to ±ε (the nudged neuron always lands in 1-1-1);
//   2. the nudged neuron gets new coefficients c̃1, c̃2 so that it matches the current activation's
//      value and slope at a reference input t* (the mean of the neuron's inputs in the batch);
//   3. the nudged coefficients borrow their gradient columns from that neuron.
// Nothing else changes: the forward output, ∂y/∂t, the c1 and c2 columns and the other columns come
// from the current subspace, and c̃1, c̃2 are thrown away after the backward pass.
import { farParts, FAR_FROM, valueAt } from './deu_far.js';
import { basisParts, clip, DEU_NUMERICS, DeuPoint, evaluate, subspaceOf, type Coeffs, type Subspace } from './deu_solutions.js';

export interface Gravitation {
  /** The nudged neuron (ã, b̃, c̃, c̃1, c̃2) and its subspace. */
  readonly at: Coeffs;
  readonly subspace: Subspace;
  /** Which of a, b, c were nudged: only their gradient columns are borrowed from `at`. */
  readonly nudged: { readonly a: boolean; readonly b: boolean; readonly c: boolean };
}

/** Whether a, b or c is below ε in magnitude: the neurons outward gravitation applies to. */
export function hasSmallCoefficient(a: number, b: number, c: number, eps: number): boolean {
  return Math.abs(a) < eps || Math.abs(b) < eps || Math.abs(c) < eps;
}

/** The nudged neuron for a neuron in subspace `sub`, or null when none of a, b, c is small. */
export function outwardGravitation(k: Coeffs, sub: Subspace, tStar: number, eps: number, s: number): Gravitation | null {
  const small = (v: number) => Math.abs(v) < eps;
  const nudged = { a: small(k.a), b: small(k.b), c: small(k.c) };
  if (!nudged.a && !nudged.b && !nudged.c) return null;
  // the current activation's value F and slope F' at t*, both clipped (F' includes δ_s's bump)
  const now = evaluate(sub, tStar, k, s, new DeuPoint(), true);
  // ε·sign(p), and +ε for an exact zero (the reference draws a tiny positive number first)
  const nudge = (v: number) => (small(v) ? (v < 0 ? -eps : eps) : v);
  const at = { a: nudge(k.a), b: nudge(k.b), c: nudge(k.c), c1: 0, c2: 0 };
  const subspace = subspaceOf(at.a, at.b, at.c, eps)!;
  // the nudged neuron's step response from rest at t*: P and P'
  const rest = evaluate(subspace, tStar, at, s, new DeuPoint(), true);
  // its basis at t*, and the basis' slopes by a forward difference (as the reference: only the
  // value at t* + Δt is clipped inside the difference)
  const dt = DEU_NUMERICS.gravitationStep;
  const [phi1, phi2] = basis(subspace, tStar, at);
  const [next1, next2] = basis(subspace, tStar + dt, at);
  const A: Matrix2 = [
    [clip(phi1), clip(phi2)],
    [clip((clip(next1) - phi1) / dt), clip((clip(next2) - phi2) / dt)],
  ];
  [at.c1, at.c2] = ridgeSolve(A, [now.y - rest.y, now.dt - rest.dt], DEU_NUMERICS.ridge);
  return { at, subspace, nudged };
}

function basis(sub: Subspace, t: number, k: Coeffs): [number, number] {
  if (Math.abs(t) >= FAR_FROM) {
    const far = farParts(sub as Exclude<Subspace, '0-0-0' | '0-0-1'>, t, k);
    return [valueAt(far.p1, t), valueAt(far.p2, t)];
  }
  const p = basisParts(sub as Exclude<Subspace, '0-0-0' | '0-0-1'>, t, k, false);
  return [p.p1, p.p2];
}

type Matrix2 = [[number, number], [number, number]];

/**
 * The ridge least-squares solution (AᵀA + λI)⁻¹·Aᵀf of a 2×2 system. With AᵀA = [[p, r], [r, q]]
 * the determinant is pq − r² + λ(p + q) + λ², at least λ(p + q) + λ² since r² ≤ pq; when A is
 * nearly rank one, rounding can still take the computed value to 0 (and c̃ to ±Infinity), so it
 * is kept at that bound.
 */
export function ridgeSolve([[a11, a12], [a21, a22]]: Matrix2, [f1, f2]: [number, number], lambda: number): [number, number] {
  const p = a11 * a11 + a21 * a21, q = a12 * a12 + a22 * a22, r = a11 * a12 + a21 * a22;
  const u = a11 * f1 + a21 * f2, v = a12 * f1 + a22 * f2;
  const det = Math.max((p + lambda) * (q + lambda) - r * r, lambda * (p + q) + lambda * lambda);
  return [((q + lambda) * u - r * v) / det, ((p + lambda) * v - r * u) / det];
}
