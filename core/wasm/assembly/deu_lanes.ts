// f64x2 arithmetic under short names, and the DEU numerics of specs/deu.md §0 on pairs of
// elements (each lane is core/cpu/deu_solutions.ts's scalar expression), shared by the DEU loops
// (deu.ts) and the subspaces' formulas (deu_subspaces.ts).
import { expBelowCap } from './vmath';

export const M: f64 = 1000; // DEU_NUMERICS.maxValue: outputs and partials are clipped to ±M
export const CAP: f64 = 14; // DEU_NUMERICS.expCap: exponents above it are capped

@inline export function k(v: f64): v128 { return f64x2.splat(v); }
// The fixed constants of the loops as vectors in memory, read with one load each: V8 builds a
// vector constant written in the code from immediates, three instructions at every use.
// (NEGLIGIBLE: −60·ln 2, see deltaOutside)
const NEGLIGIBLE: f64 = -41.58883083359672;
const FIXED = memory.data<f64>([1, 1, 2, 2, M, M, -M, -M, CAP, CAP, NEGLIGIBLE, NEGLIGIBLE]);
const ONE: usize = 0, TWO: usize = 16, MAX: usize = 32, MIN: usize = 48, CAPPED: usize = 64, SMALL: usize = 80; // byte offsets
/** 1.0 in both lanes. */
@inline export function one(): v128 { return v128.load(FIXED, ONE); }
/** 2.0 in both lanes. */
@inline export function two(): v128 { return v128.load(FIXED, TWO); }
@inline export function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline export function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
@inline export function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline export function div(a: v128, b: v128): v128 { return f64x2.div(a, b); }
@inline export function neg(a: v128): v128 { return f64x2.neg(a); }
// The bounds below are pmin/pmax (pmin(v, m) = m < v ? m : v), the scalar code's comparisons
// exactly: NaN fails the comparison and passes through, −0 stays −0. One x86 instruction each,
// where f64x2.min/max, whose NaN and ±0 rules are IEEE's, take about seven.
/** Clips to [−M, M] (v < −M ? −M : v > M ? M : v, as clip() in JavaScript; NaN passes through). */
@inline export function clip(v: v128): v128 { return f64x2.pmax(f64x2.pmin(v, v128.load(FIXED, MAX)), v128.load(FIXED, MIN)); }
/** Math.min(v, CAP) lane by lane (NaN stays NaN). */
@inline export function capped(v: v128): v128 { return f64x2.pmin(v, v128.load(FIXED, CAPPED)); }
/** The capped exponential E(x) = exp(min(x, CAP)). */
@inline export function E(x: v128): v128 { return expBelowCap(capped(x)); }
/** H(t) = t > 0 ? 1 : 0 as a number (multiplied, as the scalar code does: 0·NaN stays NaN). */
@inline export function heaviside(t: v128): v128 { return v128.and(f64x2.gt(t, k(0)), one()); }
/** Where t > 0 the value v, else +0 (the scalar code's `if (t > 0)` branches). */
@inline export function whereAbove(t: v128, v: v128): v128 { return v128.and(v, f64x2.gt(t, k(0))); }

/** δ_s's value where the cap is active (−s·t ≥ CAP), for deltaOutside. */
export function deltaFloor(s: f64): f64 {
  const ecap = Math.exp(CAP);
  return (s * ecap) / ((1 + ecap) * (1 + ecap));
}

// δ_s(t) = s·e/(1 + e)², e = E(−s·t), as deu_fast.ts's delta, in two parts: deltaInWindow where
// deltaNeeded, deltaOutside elsewhere (selected lane by lane)

/**
 * δ_s at z = −s·t without its exponential, where it is not needed (deltaNeeded false): the floor
 * where the cap is active (z ≥ CAP); 0 where z ≤ NEGLIGIBLE, where δ_s = s·e/(1 + e)² is below
 * s·2^−60 (the reference code, in float32, gives 0 from z < −87).
 */
@inline export function deltaOutside(z: v128, floor: f64): v128 {
  return v128.and(k(floor), f64x2.ge(z, v128.load(FIXED, CAPPED)));
}
/** The lanes where δ_s needs its exponential: NEGLIGIBLE < z < CAP, or z NaN. */
@inline export function deltaNeeded(z: v128): v128 {
  return v128.not(v128.or(f64x2.ge(z, v128.load(FIXED, CAPPED)), f64x2.le(z, v128.load(FIXED, SMALL))));
}

/**
 * δ_s in the lanes where deltaNeeded(z) (z = −s·t below the cap, so no cap and no floor to apply;
 * any other lane's value is meaningless, for the caller to select away).
 */
@inline export function deltaInWindow(z: v128, s: f64): v128 {
  return deltaOf(expBelowCap(z), s);
}

/** s·e/((1 + e)·(1 + e)): δ_s from e = E(−s·t). */
@inline export function deltaOf(e: v128, s: f64): v128 {
  return div(mul(k(s), e), mul(add(one(), e), add(one(), e)));
}

// float32 results below the normal range (|v| < 2^−126) are flushed to ±0 (core/cpu/deu.ts says
// why): the smallest normal float32 and the bits that are not the sign, four lanes each
const FLUSH = memory.data<u32>([0x00800000, 0x00800000, 0x00800000, 0x00800000, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff]);
/** v (f32x4) with its subnormal lanes flushed to zero of the same sign (NaN and the rest unchanged). */
@inline export function flushSubnormals(v: v128): v128 {
  const tiny = f32x4.lt(f32x4.abs(v), v128.load(FLUSH));
  return v128.andnot(v, v128.and(tiny, v128.load(FLUSH, 16)));
}
