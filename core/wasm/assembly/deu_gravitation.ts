// AssemblyScript source of outward gravitation (core/cpu/deu_gravitation.ts, specs/deu.md §3) for
// the DEU backward kernel (deu.ts), bit for bit the JavaScript's: the reference input t* (the mean
// of the neuron's inputs, summed in the same order), the nudged neuron, and its c̃1, c̃2 from the
// 2×2 ridge fit. Every value comes from deu_subspaces.ts's formulas with `exact` set — the host's
// exp, sin and cos (V8's Math functions, imported) — which are deu_solutions.ts's expression for
// expression, so the fit (a forward difference and a nearly singular solve, which would magnify
// an ulp) sees the numbers JavaScript sees. Each neuron takes a few evaluations: in WebAssembly
// they cost microseconds where the JavaScript, run a few dozen times per step, is rarely optimised
// by V8 and took up to a tenth of a millisecond each.
import { ALL_PARTIALS, assemble, basis1, basis2, basisAt, DT, oneOneOneKind, setExact, Y } from './deu_subspaces';
import { M } from './deu_lanes';

const STEP: f64 = 1e-3; // DEU_NUMERICS.gravitationStep: the forward difference's Δt
const RIDGE: f64 = 1e-9; // DEU_NUMERICS.ridge

/** The columns of a, b, c below ε in magnitude, as a bit mask (1 a, 2 b, 4 c): deu_gravitation.ts's nudged columns. */
@inline export function smallColumns(a: f64, b: f64, c: f64, eps: f64): i32 {
  return (Math.abs(a) < eps ? 1 : 0) | (Math.abs(b) < eps ? 2 : 0) | (Math.abs(c) < eps ? 4 : 0);
}

/** ε·sign(v) where |v| < ε (+ε for 0), else v. */
@inline function nudge(v: f64, eps: f64): f64 {
  return Math.abs(v) < eps ? (v < 0 ? -eps : eps) : v;
}

/**
 * Outward gravitation for the neuron of the table entry at `entry` (fields f, kind, a, b, c, c1,
 * c2; deu.ts's layout), whose `count` elements sum to `sum` (summed in JavaScript's order: deu.ts's
 * gravitateFlagged): writes its borrowed columns (1 a, 2 b, 4 c; 0 when none of a, b, c is below
 * ε, or the neuron has no elements), the nudged neuron's kind and ã, b̃, c̃, c̃1, c̃2 into the
 * entry's fields 7–13, as deu_gravitation.ts's outwardGravitation.
 */
export function gravitate(entry: usize, sum: f64, count: i32, eps: f64, s: f64): void {
  const kind = <i32>load<f64>(entry, 8);
  const a = load<f64>(entry, 16), b = load<f64>(entry, 24), c = load<f64>(entry, 32), c1 = load<f64>(entry, 40), c2 = load<f64>(entry, 48);
  const borrowed = smallColumns(a, b, c, eps);
  store<f64>(entry, 0, 56);
  if (borrowed == 0 || count == 0) return;
  const tStar = sum / <f64>count; // t*: the mean of its inputs
  setExact(true);
  // the current activation's value and slope at t* (clipped, the slope with δ_s's bump)
  assemble(kind, f64x2.splat(tStar), a, b, c, c1, c2, s, 0, ALL_PARTIALS);
  const nowY = f64x2.extract_lane(Y, 0), nowDt = f64x2.extract_lane(DT, 0);
  const na = nudge(a, eps), nb = nudge(b, eps), nc = nudge(c, eps);
  const nk = oneOneOneKind(na, nb, nc, eps);
  // the nudged neuron's step response from rest at t*
  assemble(nk, f64x2.splat(tStar), na, nb, nc, 0, 0, s, 0, ALL_PARTIALS);
  const restY = f64x2.extract_lane(Y, 0), restDt = f64x2.extract_lane(DT, 0);
  // its basis at t* (lane 0) and t* + Δt (lane 1)
  basisAt(nk, f64x2.replace_lane(f64x2.splat(tStar), 1, tStar + STEP), na, nb, nc);
  setExact(false);
  const phi1 = f64x2.extract_lane(basis1(), 0), next1 = f64x2.extract_lane(basis1(), 1);
  const phi2 = f64x2.extract_lane(basis2(), 0), next2 = f64x2.extract_lane(basis2(), 1);
  // A = [[φ1, φ2], [φ1', φ2']] (forward differences, only the value at t* + Δt clipped inside)
  const a11 = clipped(phi1), a12 = clipped(phi2);
  const a21 = clipped((clipped(next1) - phi1) / STEP), a22 = clipped((clipped(next2) - phi2) / STEP);
  const f1 = nowY - restY, f2 = nowDt - restDt;
  // deu_gravitation.ts's ridgeSolve
  const p = a11 * a11 + a21 * a21, q = a12 * a12 + a22 * a22, r = a11 * a12 + a21 * a22;
  const u = a11 * f1 + a21 * f2, v = a12 * f1 + a22 * f2;
  const det = Math.max((p + RIDGE) * (q + RIDGE) - r * r, RIDGE * (p + q) + RIDGE * RIDGE);
  store<f64>(entry, <f64>borrowed, 56);
  store<f64>(entry, <f64>nk, 64);
  store<f64>(entry, na, 72);
  store<f64>(entry, nb, 80);
  store<f64>(entry, nc, 88);
  store<f64>(entry, ((q + RIDGE) * u - r * v) / det, 96);
  store<f64>(entry, ((p + RIDGE) * v - r * u) / det, 104);
}

/** deu_solutions.ts's clip of one value to [−M, M] (NaN passes through). */
@inline function clipped(v: f64): f64 {
  return v < -M ? -M : v > M ? M : v;
}
