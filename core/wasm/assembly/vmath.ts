// float64 exp, sin and cos, two lanes at a time (f64x2), for the DEU kernels (deu.ts), whose
// closed forms spend most of their time in these three functions. Accurate to about an ulp of
// float64 (tests/wasm/vmath.test.ts measures it against V8's Math.exp/sin/cos): the same float64
// arithmetic the spec asks for, only two elements per instruction.
//
// Each function covers the arguments that occur in practice with one straight-line vector path.
// A pair with any other lane takes a second path: for exp (a lane in [−746, −708) or above 709,
// whose result is subnormal or infinite, or NaN) a vector path of its own that scales by 2^n in two
// normal factors, so that the last product rounds into the subnormals or overflows (no call: a call
// anywhere in a loop makes V8 keep the loop's vectors in memory around it); for sin/cos (beyond
// |x| ≤ 2^19·π/2, where a three-part π/2 no longer reduces exactly, or NaN) the host's
// Math.sin/Math.cos (V8's fdlibm, imported) lane by lane, because AssemblyScript's own
// large-argument reduction returns the wrong quadrant for 2^20·π/2 ≤ |x| < 2^22
// (tests/wasm/vmath.test.ts sweeps that range). Which path a pair takes depends only on its
// values, so results never depend on how the work is split across threads.

@external("env", "hostSin") declare function hostSin(x: f64): f64;
@external("env", "hostCos") declare function hostCos(x: f64): f64;
@external("env", "hostExp") declare function hostExp(x: f64): f64;

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // ln 2 to 32 bits: n·LN2_HI is exact for |n| < 2^21
const LN2_LO: f64 = 1.9082149292705877e-10; // the rest of ln 2
const SHIFTER_BITS: i64 = 0x4338000000000000; // the bits of 1.5·2^52
const SHIFTER: f64 = 6755399441055744.0;

// Every constant of the three functions is kept as a vector (both lanes) in memory and read with
// one load: V8 builds a vector constant written in the code from immediates, three instructions at
// each use, and these loops use dozens of them per element.
const EXP_CONSTANTS = memory.data<f64>([
  -746.0, -746.0, -708.0, -708.0, 709.0, 709.0, LOG2E, LOG2E, LN2_HI, LN2_HI, LN2_LO, LN2_LO,
  1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 120.0,
  1.0 / 720.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 40320.0,
  1.0 / 362880.0, 1.0 / 362880.0, 1.0 / 3628800.0, 1.0 / 3628800.0, 1.0 / 39916800.0, 1.0 / 39916800.0,
  1.0 / 479001600.0, 1.0 / 479001600.0, 1.0 / 6227020800.0, 1.0 / 6227020800.0, SHIFTER, SHIFTER,
]);
// their indices in EXP_CONSTANTS: the range bounds, the reduction's, then 1/k! for k = 0 … 13 (COEF + k)
const BELOW_ZERO = 0, SUBNORMAL_BELOW = 1, OVERFLOW_ABOVE = 2, TO_LOG2 = 3, LN2_HIGH = 4, LN2_LOW = 5, COEF = 6, SHIFT = 20;
/** 1023 − the bits of 1.5·2^52, both lanes: added to the bits of n + 1.5·2^52 it gives n + 1023. */
const EXPONENT_BIAS = memory.data<i64>([1023 - SHIFTER_BITS, 1023 - SHIFTER_BITS]);
@inline function expConstant(i: usize): v128 {
  return v128.load(EXP_CONSTANTS + (i << 4));
}

/**
 * expPair for arguments known to be at most 709 — the DEU's capped exponentials E(x) = exp(min(x, 14))
 * — with expPair's bits: only the lower bound is tested (a lane below −708, or NaN, takes
 * expAnywhere, as in expPair), and no lane can round to 0 on the vector path, so there is no mask
 * to apply: seven fewer instructions per pair than expPair (two comparisons and their constants,
 * the masks' and, or and andnot), in loops whose time goes with their instruction count (the DEU
 * layer's passes 1–4 % faster).
 */
@inline export function expBelowCap(x: v128): v128 {
  if (!i64x2.all_true(f64x2.ge(x, expConstant(SUBNORMAL_BELOW)))) return expAnywhere(x);
  return expInRange(x);
}

/** e^x for both lanes; exact to about an ulp of float64. */
@inline export function expPair(x: v128): v128 {
  // below −746 e^x rounds to 0 (vector path, overridden at the end); from −746 to −708 it is subnormal
  const zero = f64x2.lt(x, expConstant(BELOW_ZERO));
  const inRange = v128.or(v128.and(f64x2.ge(x, expConstant(SUBNORMAL_BELOW)), f64x2.le(x, expConstant(OVERFLOW_ABOVE))), zero);
  if (!i64x2.all_true(inRange)) return expAnywhere(x);
  return v128.andnot(expInRange(x), zero);
}

/** The vector path of expPair and expBelowCap: e^x for lanes in [−708, 709] (others are masked or never come). */
@inline function expInRange(x: v128): v128 {
  // x = n·ln 2 + r, |r| ≤ ln 2 / 2, and e^x = 2^n·e^r
  const n = f64x2.nearest(f64x2.mul(x, expConstant(TO_LOG2)));
  const p = expOfReduced(reduced2(x, n));
  // 2^n from its bits: n + 1023 in the exponent field (n ∈ [−1022, 1023] here, so 2^n is normal);
  // n added to 1.5·2^52 leaves n in the low bits of the sum
  const biased = i64x2.add(f64x2.add(n, expConstant(SHIFT)), v128.load(EXPONENT_BIAS));
  return f64x2.mul(p, i64x2.shl(biased, 52));
}

const EXP_CLAMP = memory.data<f64>([-750.0, -750.0, 710.0, 710.0]); // e^x rounds to 0 below, to ∞ above
/** 2046 − the bits of 1.5·2^52, both lanes: added to the bits of n + 1.5·2^52 it gives n + 2046. */
const TWICE_BIAS = memory.data<i64>([2046 - SHIFTER_BITS, 2046 - SHIFTER_BITS]);

/**
 * expPair's path for a pair with a lane outside [−708, 709] (or NaN): the same e^r, scaled by 2^n
 * as 2^h·2^(n−h), both factors normal for n ∈ [−1082, 1024] (x clamped to [−750, 710], where e^x
 * is already 0 and ∞; NaN passes pmin/pmax), so p·2^h is exact and the second product rounds once,
 * into the subnormals or to ∞. A lane in range gets expPair's bits: both products are exact there.
 */
@inline function expAnywhere(x: v128): v128 {
  const clamped = f64x2.pmax(f64x2.pmin(x, v128.load(EXP_CLAMP, 16)), v128.load(EXP_CLAMP));
  const n = f64x2.nearest(f64x2.mul(clamped, expConstant(TO_LOG2)));
  const p = expOfReduced(reduced2(clamped, n));
  const twice = i64x2.add(f64x2.add(n, expConstant(SHIFT)), v128.load(TWICE_BIAS)); // n + 2046 ∈ [964, 3070]
  const half = i64x2.shr_u(twice, 1);
  return f64x2.mul(f64x2.mul(p, i64x2.shl(half, 52)), i64x2.shl(i64x2.sub(twice, half), 52));
}

/** r = x − n·ln 2, ln 2 in two parts. */
@inline function reduced2(x: v128, n: v128): v128 {
  const r = f64x2.sub(x, f64x2.mul(n, expConstant(LN2_HIGH)));
  return f64x2.sub(r, f64x2.mul(n, expConstant(LN2_LOW)));
}

/**
 * e^r = Σ r^k/k! for k ≤ 13, |r| ≤ ln 2 / 2: truncation 0.347^14/14! ≈ 4e-18, below float64's
 * half-ulp of 1.1e-16. Estrin's scheme: a short chain of dependent operations.
 */
@inline function expOfReduced(r: v128): v128 {
  const r2 = f64x2.mul(r, r), r4 = f64x2.mul(r2, r2), r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(expConstant(COEF), r);
  const p23 = f64x2.add(expConstant(COEF + 2), f64x2.mul(expConstant(COEF + 3), r));
  const p45 = f64x2.add(expConstant(COEF + 4), f64x2.mul(expConstant(COEF + 5), r));
  const p67 = f64x2.add(expConstant(COEF + 6), f64x2.mul(expConstant(COEF + 7), r));
  const p89 = f64x2.add(expConstant(COEF + 8), f64x2.mul(expConstant(COEF + 9), r));
  const p1011 = f64x2.add(expConstant(COEF + 10), f64x2.mul(expConstant(COEF + 11), r));
  const p1213 = f64x2.add(expConstant(COEF + 12), f64x2.mul(expConstant(COEF + 13), r));
  const q0 = f64x2.add(p01, f64x2.mul(p23, r2));
  const q1 = f64x2.add(p45, f64x2.mul(p67, r2));
  const q2 = f64x2.add(p89, f64x2.mul(p1011, r2));
  const low = f64x2.add(q0, f64x2.mul(q1, r4));
  const high = f64x2.add(q2, f64x2.mul(p1213, r4));
  return f64x2.add(low, f64x2.mul(high, r8));
}

// π/2 in three 33-bit parts and a tail (fdlibm's): q·PIO2_1 and q·PIO2_2 are exact for |q| < 2^20,
// so x − q·π/2 is found to about 2^−100 relative to x.
const PIO2_1: f64 = 1.57079632673412561417e+00;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_3: f64 = 2.02226624871116645580e-21;
const PIO2_3T: f64 = 8.47842766036889956997e-32;
const INV_PIO2: f64 = 6.36619772367581382433e-01;
const REDUCE_LIMIT: f64 = 823549.6561; // 2^19·π/2: |q| ≤ 2^19

// fdlibm's minimax polynomials for sin and cos on [−π/4, π/4] (error below 2^−58)
const S1: f64 = -1.66666666666666324348e-01, S2: f64 = 8.33333333332248946124e-03, S3: f64 = -1.98412698298579493134e-04;
const S4: f64 = 2.75573137070700676789e-06, S5: f64 = -2.50507602534068634195e-08, S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-02, C2: f64 = -1.38888888888741095749e-03, C3: f64 = 2.48015872894767294178e-05;
const C4: f64 = -2.75573143513906633035e-07, C5: f64 = 2.08757232129817482790e-09, C6: f64 = -1.13596475577881948265e-11;

// sin and cos's constants as vectors in memory (see EXP_CONSTANTS), in this order
const TRIG_CONSTANTS = memory.data<f64>([
  REDUCE_LIMIT, REDUCE_LIMIT, INV_PIO2, INV_PIO2, PIO2_1, PIO2_1, PIO2_2, PIO2_2, PIO2_3, PIO2_3, PIO2_3T, PIO2_3T,
  S1, S1, S2, S2, S3, S3, S4, S4, S5, S5, S6, S6, C1, C1, C2, C2, C3, C3, C4, C4, C5, C5, C6, C6, 0.5, 0.5, 1.0, 1.0, SHIFTER, SHIFTER,
]);
const T_LIMIT = 0, T_INV_PIO2 = 1, T_PIO2 = 2, T_S = 6, T_C = 12, T_HALF = 18, T_ONE = 19, T_SHIFTER = 20; // T_PIO2 + 0 … 3, T_S/T_C + 0 … 5
@inline function trigConstant(i: usize): v128 {
  return v128.load(TRIG_CONSTANTS + (i << 4));
}

/** sin of the last sinCosPair call (cos is its return value). */
let sinOut: v128 = f64x2.splat(0);
@inline export function sinOf(): v128 {
  return sinOut;
}

/** cos x for both lanes, and sin x in sinOut: one shared argument reduction. */
@inline export function sinCosPair(x: v128): v128 {
  if (!i64x2.all_true(f64x2.le(f64x2.abs(x), trigConstant(T_LIMIT)))) {
    sinOut = hostPair(x, true);
    return hostPair(x, false);
  }
  const q = quadrant(x), r = reduced(x, q), z = f64x2.mul(r, r);
  const sinR = sinOfReduced(r, z), cosR = cosOfReduced(z);
  sinOut = inQuadrant(sinR, cosR, q, true);
  return inQuadrant(sinR, cosR, q, false);
}

/**
 * sin x (wantSin) or cos x for both lanes, sinCosPair's arithmetic without its global: where two
 * calls on the same x are inlined side by side, the compiler merges their shared operations.
 */
@inline export function sinOrCos(x: v128, wantSin: bool): v128 {
  if (!i64x2.all_true(f64x2.le(f64x2.abs(x), trigConstant(T_LIMIT)))) return hostPair(x, wantSin);
  const q = quadrant(x), r = reduced(x, q), z = f64x2.mul(r, r);
  return inQuadrant(sinOfReduced(r, z), cosOfReduced(z), q, wantSin);
}

/** The host's sin or cos of both lanes (beyond the vector reduction, or NaN). */
@inline function hostPair(x: v128, wantSin: bool): v128 {
  const x0 = f64x2.extract_lane(x, 0), x1 = f64x2.extract_lane(x, 1);
  return wantSin ? f64x2.replace_lane(f64x2.splat(hostSin(x0)), 1, hostSin(x1)) : f64x2.replace_lane(f64x2.splat(hostCos(x0)), 1, hostCos(x1));
}

/**
 * The host's exp, sin or cos (V8's Math.exp/sin/cos) of both lanes: for the few values that must
 * be JavaScript's bit for bit (outward gravitation's fit, deu_gravitation.ts).
 */
export function hostExpLanes(x: v128): v128 {
  return f64x2.replace_lane(f64x2.splat(hostExp(f64x2.extract_lane(x, 0))), 1, hostExp(f64x2.extract_lane(x, 1)));
}
export function hostSinLanes(x: v128): v128 {
  return hostPair(x, true);
}
export function hostCosLanes(x: v128): v128 {
  return hostPair(x, false);
}

/** q = round(x·2/π): x = q·π/2 + r. */
@inline function quadrant(x: v128): v128 {
  return f64x2.nearest(f64x2.mul(x, trigConstant(T_INV_PIO2)));
}

/** r = x − q·π/2, |r| ≤ π/4 (plus rounding), π/2 in four parts. */
@inline function reduced(x: v128, q: v128): v128 {
  let r = f64x2.sub(x, f64x2.mul(q, trigConstant(T_PIO2)));
  r = f64x2.sub(r, f64x2.mul(q, trigConstant(T_PIO2 + 1)));
  r = f64x2.sub(r, f64x2.mul(q, trigConstant(T_PIO2 + 2)));
  return f64x2.sub(r, f64x2.mul(q, trigConstant(T_PIO2 + 3)));
}

/** sin r = r + r³·(S1 + z·S2 + … + z⁵·S6), z = r². */
@inline function sinOfReduced(r: v128, z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const s01 = f64x2.add(trigConstant(T_S), f64x2.mul(trigConstant(T_S + 1), z));
  const s23 = f64x2.add(trigConstant(T_S + 2), f64x2.mul(trigConstant(T_S + 3), z));
  const s45 = f64x2.add(trigConstant(T_S + 4), f64x2.mul(trigConstant(T_S + 5), z));
  const sPoly = f64x2.add(s01, f64x2.mul(z2, f64x2.add(s23, f64x2.mul(z2, s45))));
  return f64x2.add(r, f64x2.mul(f64x2.mul(z, r), sPoly));
}

/** cos r = 1 − z/2 + z²·(C1 + … + z⁵·C6), z = r², with 1 − z/2 split as fdlibm does to keep its rounding. */
@inline function cosOfReduced(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const c01 = f64x2.add(trigConstant(T_C), f64x2.mul(trigConstant(T_C + 1), z));
  const c23 = f64x2.add(trigConstant(T_C + 2), f64x2.mul(trigConstant(T_C + 3), z));
  const c45 = f64x2.add(trigConstant(T_C + 4), f64x2.mul(trigConstant(T_C + 5), z));
  const cPoly = f64x2.add(c01, f64x2.mul(z2, f64x2.add(c23, f64x2.mul(z2, c45))));
  const hz = f64x2.mul(trigConstant(T_HALF), z), w = f64x2.sub(trigConstant(T_ONE), hz);
  return f64x2.add(w, f64x2.add(f64x2.sub(f64x2.sub(trigConstant(T_ONE), w), hz), f64x2.mul(z2, cPoly)));
}

/** 1 and the sign bit, as i64 in both lanes, for inQuadrant. */
const QUADRANT_BITS = memory.data<i64>([1, 1, i64.MIN_VALUE, i64.MIN_VALUE]);

/**
 * sin x (wantSin) or cos x from sin r and cos r: q mod 4 = 1, 3 swap them, 2, 3 negate sin, 1, 2
 * negate cos. q + 1.5·2^52 holds q (two's complement, |q| ≤ 2^19) in the low bits of its bits;
 * shifted left by 62, bit 1 lands on the sign bit, which negates by an exclusive or.
 */
@inline function inQuadrant(sinR: v128, cosR: v128, q: v128, wantSin: bool): v128 {
  const bits = f64x2.add(q, trigConstant(T_SHIFTER));
  const one = v128.load(QUADRANT_BITS), sign = v128.load(QUADRANT_BITS, 16);
  const swap = i64x2.eq(v128.and(bits, one), one);
  if (wantSin) return v128.xor(v128.bitselect(cosR, sinR, swap), v128.and(i64x2.shl(bits, 62), sign));
  return v128.xor(v128.bitselect(sinR, cosR, swap), v128.and(i64x2.shl(i64x2.add(bits, one), 62), sign));
}

/** For the tests: expBelowCap of n float64 values at x (each at most 709, or NaN), by pairs, into out. */
export function expBelowCapLanes(x: usize, n: i32, out: usize): void {
  for (let i = 0; i + 1 < n; i += 2) v128.store(out + (<usize>i << 3), expBelowCap(v128.load(x + (<usize>i << 3))));
}

/**
 * For the tests: exp, sin and cos of n float64 values at x, by pairs, into out (3n values: exp,
 * sin, cos); sin and cos by sinCosPair, or with `separate` by sinOrCos.
 */
export function vmathLanes(x: usize, n: i32, out: usize, separate: bool): void {
  for (let i = 0; i + 1 < n; i += 2) {
    const v = v128.load(x + (<usize>i << 3));
    v128.store(out + (<usize>i << 3), expPair(v));
    const c = separate ? sinOrCos(v, false) : sinCosPair(v);
    v128.store(out + (<usize>(n + i) << 3), separate ? sinOrCos(v, true) : sinOut);
    v128.store(out + (<usize>(2 * n + i) << 3), c);
  }
}
