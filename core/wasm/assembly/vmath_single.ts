// float32 exp, sin and cos, four lanes at a time (f32x4), for the DEU kernels' float32 arithmetic
// (deu_single.ts). Each is within about 2 ulps of float32 of the exact value
// (tests/wasm/vmath_single.test.ts measures it against V8's float64 Math functions):
//   - exp: x = n·ln 2 + r, e^r by its Taylor polynomial to r^7 (truncation 0.347^8/8! ≈ 5e-9,
//     below float32's half-ulp of 6e-8), 2^n from its bits. Below −87.5 the result is flushed to
//     0 (the exact value is under 1e-38: float32's subnormals are not produced); NaN stays NaN.
//     The DEU kernels only ask for e^x with x ≤ 14 (their exponent cap).
//   - sin and cos of ω·t: the product and its reduction by π/2 are done in float64 (t is a float32,
//     ω a float64: the float64 product is the JavaScript kernel's argument, and a float32 product
//     would put an error of 6e-8·|ωt| into the phase), then r ∈ [−π/4, π/4] is rounded to float32
//     and the polynomials run in float32. Up to |ωt| ≤ 2^19·π/2, where the two-part π/2 still
//     reduces exactly (the caller checks: see deu_single.ts's phasesReducible).

// Constants as vectors in memory, read with one load each (see vmath.ts: V8 builds a vector
// constant written in the code from immediates, several instructions at every use).
const SINGLE = memory.data<f32>([
  -87.5, -87.5, -87.5, -87.5, // 0: below, e^x is flushed to 0
  1.44269504, 1.44269504, 1.44269504, 1.44269504, // 1: log2 e
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // 2: ln 2's first 10 bits: n·LN2_HI exact for |n| < 2^14
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 3: ln 2 − LN2_HI
  1.0, 1.0, 1.0, 1.0, // 4 … 11: 1/k! for k = 0 … 7
  1.0, 1.0, 1.0, 1.0,
  0.5, 0.5, 0.5, 0.5,
  0.16666667, 0.16666667, 0.16666667, 0.16666667,
  0.041666668, 0.041666668, 0.041666668, 0.041666668,
  0.008333334, 0.008333334, 0.008333334, 0.008333334,
  0.0013888889, 0.0013888889, 0.0013888889, 0.0013888889,
  1.984127e-4, 1.984127e-4, 1.984127e-4, 1.984127e-4,
  // 12 … 15: sin's −1/3!, 1/5!, −1/7!, 1/9! (truncation (π/4)^11/11! ≈ 1.8e-9)
  -0.16666667, -0.16666667, -0.16666667, -0.16666667,
  0.008333334, 0.008333334, 0.008333334, 0.008333334,
  -1.984127e-4, -1.984127e-4, -1.984127e-4, -1.984127e-4,
  2.7557319e-6, 2.7557319e-6, 2.7557319e-6, 2.7557319e-6,
  // 16 … 20: cos's −1/2!, 1/4!, −1/6!, 1/8!, −1/10! (truncation (π/4)^12/12! ≈ 1.1e-10)
  -0.5, -0.5, -0.5, -0.5,
  0.041666668, 0.041666668, 0.041666668, 0.041666668,
  -0.0013888889, -0.0013888889, -0.0013888889, -0.0013888889,
  2.4801588e-5, 2.4801588e-5, 2.4801588e-5, 2.4801588e-5,
  -2.7557319e-7, -2.7557319e-7, -2.7557319e-7, -2.7557319e-7,
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 21: 1.5·2^23
]);
const FLUSH_BELOW = 0, LOG2E = 1, LN2_HI = 2, LN2_LO = 3, EXP_COEF = 4, SIN_COEF = 12, COS_COEF = 16, SHIFTER = 21;
// 127 − the bits of 1.5·2^23 (added to the bits of n + 1.5·2^23: n + 127); quadrant bits 1 and 2
const BIAS = memory.data<i32>([127 - 0x4B400000, 127 - 0x4B400000, 127 - 0x4B400000, 127 - 0x4B400000, 1, 1, 1, 1, 2, 2, 2, 2]);
@inline function constant(i: usize): v128 {
  return v128.load(SINGLE + (i << 4));
}
@inline function bits(i: usize): v128 {
  return v128.load(BIAS + (i << 4));
}

/** e^x for the four lanes (float32; see the header for the range). */
@inline export function expQuad(x: v128): v128 {
  const flushed = f32x4.lt(x, constant(FLUSH_BELOW));
  const n = f32x4.nearest(f32x4.mul(x, constant(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, constant(LN2_HI))), f32x4.mul(n, constant(LN2_LO)));
  let p = f32x4.add(constant(EXP_COEF + 6), f32x4.mul(constant(EXP_COEF + 7), r)); // Horner's scheme
  p = f32x4.add(constant(EXP_COEF + 5), f32x4.mul(p, r));
  p = f32x4.add(constant(EXP_COEF + 4), f32x4.mul(p, r));
  p = f32x4.add(constant(EXP_COEF + 3), f32x4.mul(p, r));
  p = f32x4.add(constant(EXP_COEF + 2), f32x4.mul(p, r));
  p = f32x4.add(constant(EXP_COEF + 1), f32x4.mul(p, r));
  p = f32x4.add(constant(EXP_COEF), f32x4.mul(p, r));
  // 2^n from its bits: n + 127 in the exponent field (n ≥ −126 where not flushed); n added to
  // 1.5·2^23 leaves n in the low bits of the sum (NaN: any scale, p is NaN)
  const scale = i32x4.shl(i32x4.add(f32x4.add(n, constant(SHIFTER)), bits(0)), 23);
  return v128.andnot(f32x4.mul(p, scale), flushed);
}

// the reduction's float64 constants, both lanes: 2/π, π/2 as 33 bits and the rest (fdlibm's
// pio2_1 and pio2_1t: q·PIO2_1 is exact for |q| < 2^20), and the limit 2^19·π/2
const REDUCTION = memory.data<f64>([
  6.36619772367581382433e-01, 6.36619772367581382433e-01,
  1.57079632673412561417e+00, 1.57079632673412561417e+00,
  6.07710050650619224932e-11, 6.07710050650619224932e-11,
  823549.6561, 823549.6561,
  6755399441055744.0, 6755399441055744.0,
]);
const INV_PIO2 = 0, PIO2_1 = 1, PIO2_1T = 2, LIMIT = 3, SHIFTER64 = 4; // SHIFTER64: 1.5·2^52
@inline function reduction(i: usize): v128 {
  return v128.load(REDUCTION + (i << 4));
}

/** Lanes 0, 1 of t as float64. */
@inline export function lowPair(t: v128): v128 {
  return f64x2.promote_low_f32x4(t);
}
/** Lanes 2, 3 of t as float64. */
@inline export function highPair(t: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(t, t, 2, 3, 2, 3));
}

/** Whether every lane of the two float64 pairs can be reduced here (|x| ≤ 2^19·π/2, or NaN). */
@inline export function reducible(lo: v128, hi: v128): bool {
  const limit = reduction(LIMIT);
  return !v128.any_true(v128.or(f64x2.gt(f64x2.abs(lo), limit), f64x2.gt(f64x2.abs(hi), limit)));
}

/** The nearest multiple q of π/2 to each lane of x (float64, as a float64). */
@inline function quarterTurns(x: v128): v128 {
  return f64x2.nearest(f64x2.mul(x, reduction(INV_PIO2)));
}

/** q for the four lanes (two float64 pairs) as i32x4: the low words of q + 1.5·2^52. */
@inline export function quadrants(lo: v128, hi: v128): v128 {
  const shift = reduction(SHIFTER64);
  return v128.shuffle<i32>(f64x2.add(quarterTurns(lo), shift), f64x2.add(quarterTurns(hi), shift), 0, 2, 4, 6);
}

/** x − q·π/2 in float64, rounded to float32, for the four lanes (two float64 pairs). */
@inline export function reduced(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(reducedPair(lo)), f32x4.demote_f64x2_zero(reducedPair(hi)), 0, 1, 4, 5);
}
@inline function reducedPair(x: v128): v128 {
  const q = quarterTurns(x);
  return f64x2.sub(f64x2.sub(x, f64x2.mul(q, reduction(PIO2_1))), f64x2.mul(q, reduction(PIO2_1T)));
}

/** sin r and cos r for |r| ≤ π/4 (float32 polynomials). */
@inline export function sinOfReduced(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(constant(SIN_COEF + 2), f32x4.mul(constant(SIN_COEF + 3), r2));
  p = f32x4.add(constant(SIN_COEF + 1), f32x4.mul(p, r2));
  p = f32x4.add(constant(SIN_COEF), f32x4.mul(p, r2));
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r2), p));
}
@inline export function cosOfReduced(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(constant(COS_COEF + 3), f32x4.mul(constant(COS_COEF + 4), r2));
  p = f32x4.add(constant(COS_COEF + 2), f32x4.mul(p, r2));
  p = f32x4.add(constant(COS_COEF + 1), f32x4.mul(p, r2));
  p = f32x4.add(constant(COS_COEF), f32x4.mul(p, r2));
  return f32x4.add(constant(EXP_COEF), f32x4.mul(r2, p)); // 1 + r²·p
}

/**
 * sin x (`sine`) or cos x for the four lanes from q = quadrants(), s = sin r and c = cos r of
 * r = reduced() (the caller computes those once for both): the odd quadrants swap sin and cos, and
 * quadrants 2, 3 negate sin, 1, 2 negate cos.
 */
@inline export function sinOrCosQuad(q: v128, s: v128, c: v128, sine: bool): v128 {
  const odd = i32x4.eq(v128.and(q, bits(1)), bits(1));
  const value = sine ? v128.bitselect(c, s, odd) : v128.bitselect(s, c, odd);
  // the sign: bit 1 of q for sin, of q + 1 for cos, moved to bit 31
  const flip = i32x4.shl(v128.and(sine ? q : i32x4.add(q, bits(1)), bits(2)), 30);
  return v128.xor(value, flip);
}

/** For the tests: exp, sin or cos (op 0, 1, 2) of n float32s at x into y, four at a time through the kernels' paths (|x| ≤ 2^19·π/2 for sin, cos). */
export function vmathSingleLanes(op: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    let out: v128;
    if (op == 0) out = expQuad(v);
    else {
      const lo = lowPair(v), hi = highPair(v);
      const r = reduced(lo, hi);
      out = sinOrCosQuad(quadrants(lo, hi), sinOfReduced(r), cosOfReduced(r), op == 1);
    }
    v128.store(y + (<usize>i << 2), out);
  }
}
