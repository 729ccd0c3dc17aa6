// float64 exp, sin and cos, two lanes at a time (f64x2), for the DEU kernels (deu.ts), whose
// closed forms spend most of their time in these three functions. Accurate to about an ulp of
// float64 (tests/wasm/vmath.test.ts measures it against V8's Math.exp/sin/cos): the same float64
// arithmetic the spec asks for, only two elements per instruction.
//
// Each function covers the arguments that occur in practice with one straight-line vector path.
// A pair with any other lane takes a second path: for exp (a lane in [−746, −708) or above 709,
// whose result is subnormal or infinite, or NaN) a vector path of its own that scales by 2^m in two
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

const LN2_HI: f64 = 0.6931471803691238; // ln 2 to 32 bits: n·LN2_HI/128 is exact for |n| < 2^21
const LN2_LO: f64 = 1.9082149292705877e-10; // the rest of ln 2
const SHIFTER_BITS: i64 = 0x4338000000000000; // the bits of 1.5·2^52
const SHIFTER: f64 = 6755399441055744.0;

// exp: x = n·ln 2/128 + r with |r| ≤ ln 2/256, n = 128·m + j (0 ≤ j < 128), and
// e^x = 2^m · 2^(j/128) · e^r: 2^(j/128) from a table, as the float64 nearest it (hi) and the rest
// (lo), and e^r − 1 by its Taylor polynomial to r⁵ (the next term, r⁶/720 < 6e-19, is far below
// half an ulp). e^x = 2^m·(hi + (lo + hi·(e^r − 1))) is within about half an ulp of the exact
// value: the last addition is the only rounding of any size.
const EXP_TABLE = memory.data<f64>([
  1.0, 0.0,
  1.0054299011128027, 9.499186535455032e-17,
  1.0108892860517005, -1.5234778603368577e-17,
  1.016378314910953, -5.77217007319966e-17,
  1.0218971486541166, 5.109225028973444e-17,
  1.0274459491187637, -4.9560741746453704e-17,
  1.0330248790212284, 7.600838874027088e-18,
  1.0386341019613787, 5.996273788852511e-17,
  1.0442737824274138, 8.551889705537965e-17,
  1.0499440858006872, 5.592937848127003e-17,
  1.0556451783605572, 1.759325738772092e-18,
  1.061377227289262, -1.1973537085365658e-17,
  1.0671404006768237, -7.899853966841582e-17,
  1.0729348675259756, -3.839668843358824e-18,
  1.0787607977571199, -6.656660436056593e-17,
  1.0846183622133092, 3.166152845816346e-17,
  1.0905077326652577, -3.046782079812471e-17,
  1.0964290818163769, -5.919933484449316e-17,
  1.102382583307841, 5.2660368715706944e-17,
  1.1083684117236787, -8.786813845180527e-17,
  1.1143867425958924, 1.0410278456845571e-16,
  1.1204377524096067, -6.201085906554179e-17,
  1.1265216186082418, 5.165856758795457e-17,
  1.1326385195987192, 3.237356166738e-17,
  1.1387886347566916, 8.912812676025408e-17,
  1.1449721444318042, 4.6412898921700107e-17,
  1.1511892299529827, 3.250710218863827e-17,
  1.1574400736337511, -9.1238712311344e-17,
  1.1637248587775775, 3.8292048369240935e-17,
  1.1700437696832502, -1.8477442017900047e-18,
  1.1763969916502812, 5.554203254218079e-17,
  1.182784710984341, 1.542975430079076e-17,
  1.189207115002721, 3.982015231465646e-17,
  1.1956643920398273, 4.6166036704814814e-17,
  1.202156731452703, 6.644981499252301e-17,
  1.2086843236265816, -4.746725945228984e-17,
  1.215247359980469, -7.712630692681488e-17,
  1.2218460329727576, -1.0611021211402691e-16,
  1.22848053610687, -1.89878163130253e-17,
  1.2351510639369334, -1.0755244344307841e-16,
  1.241857812073484, 4.658027591836937e-17,
  1.2486009771892048, -8.261810999021964e-17,
  1.255380757024691, -6.7113898212968784e-18,
  1.2621973503942507, -3.0844648874738465e-17,
  1.2690509571917332, 2.667932131342186e-18,
  1.275941778396392, 9.91543024421429e-17,
  1.2828700160787783, 1.713594918243561e-17,
  1.2898358734066657, 8.949257530897592e-17,
  1.2968395546510096, 2.5382502794888315e-17,
  1.3038812651919358, 8.647675598267871e-17,
  1.3109612115247644, -7.181536135519454e-17,
  1.318079601266064, -5.4579558271491535e-17,
  1.3252366431597413, -2.8587312100388614e-17,
  1.3324325470831615, -5.101586630916744e-17,
  1.339667524053303, 8.927282594831732e-17,
  1.3469417862329458, 3.224065101254679e-17,
  1.3542555469368927, 7.70094837980299e-17,
  1.3616090206382248, 1.533787661270668e-18,
  1.3690024229745905, 9.593797919118849e-17,
  1.3764359707545302, -6.898588935871801e-17,
  1.383909881963832, -6.770511658794786e-17,
  1.3914243757719262, -4.9061748652889893e-17,
  1.3989796725383112, -9.614213209051323e-17,
  1.4065759938190154, 7.034914812136422e-18,
  1.4142135623730951, -9.667293313452913e-17,
  1.4218926021691656, -1.6077828915890244e-17,
  1.42961333839197, -1.2031642489053655e-17,
  1.4373759974489824, -4.2040340164675566e-17,
  1.4451808069770467, -3.0237581349939873e-17,
  1.4530279958490526, -5.779948609396106e-17,
  1.460917794180647, -5.600377186075216e-17,
  1.4688504333369818, 8.465882756533628e-17,
  1.4768261459394993, -3.483994556892796e-17,
  1.4848451658727524, 1.0780086764407481e-16,
  1.4929077282912648, 1.4192920154284036e-17,
  1.5010140696264256, -6.413767275790235e-17,
  1.5091644275934228, -1.016455327754295e-16,
  1.5173590411982147, -4.308699472043341e-17,
  1.5255981507445384, -1.1024941712342561e-16,
  1.533881997840956, 8.875226844438446e-17,
  1.5422108254079407, 7.949834809697621e-17,
  1.550584877685, -1.4600706590689385e-17,
  1.559004400237837, 3.7812070533575275e-17,
  1.567469639965553, -1.0352061768849722e-16,
  1.5759808451078865, -1.0136916471278304e-17,
  1.5845382652524937, -1.9337717034585703e-17,
  1.593142151342267, -1.0094406542311964e-16,
  1.6017927556826934, -6.054917453527784e-17,
  1.6104903319492543, 2.4707192569797888e-17,
  1.6192351351948637, 2.0941334154229092e-17,
  1.6280274218573478, -6.712955084707084e-17,
  1.6368674497669644, 7.698325071319876e-17,
  1.645755478153965, -1.0125679913674773e-16,
  1.6546917676561943, 9.643294303196029e-17,
  1.6636765803267364, 5.8909926967131e-17,
  1.6727101796415966, -5.476715964599563e-17,
  1.681792830507429, 8.199010020581497e-17,
  1.6909247992693053, -9.66967147439488e-17,
  1.7001063537185235, -8.0237193703977e-18,
  1.709337763100463, -9.868779456632931e-17,
  1.718619298122478, -1.851380418263111e-17,
  1.7279512309618377, -1.0750981861204642e-16,
  1.7373338352737062, 3.164389299292957e-17,
  1.746767386199169, -1.0752290483507515e-16,
  1.7562521603732995, 2.960140695448873e-17,
  1.7657884359332727, 9.461315018083268e-17,
  1.7753764925265212, 6.429731796556572e-17,
  1.785016611318935, 1.5330400121031314e-17,
  1.7947090750031072, 1.8227458427912087e-17,
  1.804454167806624, -5.177222408793318e-17,
  1.8142521755003989, -9.969531538920349e-17,
  1.8241033854070534, -1.0159627862277083e-16,
  1.8340080864093424, 3.283107224245627e-17,
  1.843966568958626, -5.939742026949965e-17,
  1.8539791250833855, 9.761887490727594e-17,
  1.864046048397789, 6.540912680620572e-17,
  1.8741676341103, -6.122763413004143e-17,
  1.8843441790323345, -8.226593125533711e-17,
  1.8945759815869656, 3.4034035352165297e-17,
  1.9048633418176741, 6.533857514718279e-17,
  1.9152065613971474, -1.0619946056195963e-16,
  1.925605943636125, -9.914963769693741e-17,
  1.9360617934922943, 1.0332385960676326e-16,
  1.9465744175792332, 6.811022349533877e-17,
  1.9571441241754002, 8.960767791036668e-17,
  1.9677712232331759, -1.0314928011531132e-16,
  1.978456026387951, 4.0388753109278167e-17,
  1.9891988469672663, 8.2051326383692e-18,
]);

// Every constant of the three functions is kept as a vector (both lanes) in memory and read with
// one load: V8 builds a vector constant written in the code from immediates, three instructions at
// each use, and these loops use dozens of them per element.
const EXP_CONSTANTS = memory.data<f64>([
  -746.0, -746.0, -708.0, -708.0, 709.0, 709.0, 184.6649652337873, 184.6649652337873,
  LN2_HI / 128, LN2_HI / 128, LN2_LO / 128, LN2_LO / 128,
  0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 120.0, SHIFTER, SHIFTER,
]);
// their indices in EXP_CONSTANTS: the range bounds, the reduction's (128/ln 2, ln 2/128 in two
// parts), then 1/k! for k = 2 … 5 (COEF + k − 2)
const BELOW_ZERO = 0, SUBNORMAL_BELOW = 1, OVERFLOW_ABOVE = 2, TO_LOG2 = 3, LN2_HIGH = 4, LN2_LOW = 5, COEF = 6, SHIFT = 10;
/** The table index j (the low 7 bits) and 1023 − the bits of 1.5·2^52 shifted by 7, both lanes: see scaleOf. */
const EXP_BITS = memory.data<i64>([127, 127, 1023 - (SHIFTER_BITS >> 7), 1023 - (SHIFTER_BITS >> 7)]);
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
  const n = f64x2.nearest(f64x2.mul(x, expConstant(TO_LOG2)));
  const bits = f64x2.add(n, expConstant(SHIFT)); // n in the low bits (two's complement): see scaleOf
  // 2^m from its bits: m + 1023 in the exponent field (m ∈ [−1022, 1023] here, so 2^m is normal)
  const biased = i64x2.add(i64x2.shr_u(bits, 7), v128.load(EXP_BITS, 16));
  return f64x2.mul(tableTimesReduced(x, n, bits), i64x2.shl(biased, 52));
}

const EXP_CLAMP = memory.data<f64>([-750.0, -750.0, 710.0, 710.0]); // e^x rounds to 0 below, to ∞ above
/** 2046 − the bits of 1.5·2^52 shifted by 7, both lanes: added to those bits shifted it gives m + 2046. */
const TWICE_BIAS = memory.data<i64>([2046 - (SHIFTER_BITS >> 7), 2046 - (SHIFTER_BITS >> 7)]);

/**
 * expPair's path for a pair with a lane outside [−708, 709] (or NaN): the same 2^(j/128)·e^r,
 * scaled by 2^m as 2^h·2^(m−h), both factors normal for m ∈ [−1083, 1024] (x clamped to
 * [−750, 710], where e^x is already 0 and ∞; NaN passes pmin/pmax), so the first product is exact
 * and the second rounds once, into the subnormals or to ∞. A lane in range gets expPair's bits:
 * both products are exact there.
 */
@inline function expAnywhere(x: v128): v128 {
  const clamped = f64x2.pmax(f64x2.pmin(x, v128.load(EXP_CLAMP, 16)), v128.load(EXP_CLAMP));
  const n = f64x2.nearest(f64x2.mul(clamped, expConstant(TO_LOG2)));
  const bits = f64x2.add(n, expConstant(SHIFT));
  const twice = i64x2.add(i64x2.shr_u(bits, 7), v128.load(TWICE_BIAS)); // m + 2046 ∈ [963, 3070]
  const half = i64x2.shr_u(twice, 1);
  return f64x2.mul(f64x2.mul(tableTimesReduced(clamped, n, bits), i64x2.shl(half, 52)), i64x2.shl(i64x2.sub(twice, half), 52));
}

/**
 * 2^(j/128)·e^r for x = n·ln 2/128 + r, n = 128·m + j: `bits` are those of n + 1.5·2^52, whose low
 * bits hold n in two's complement (|n| < 2^51), so j is their low 7 bits and m + the bits of
 * 1.5·2^52 / 128 their value shifted right by 7 (1.5·2^52 is a multiple of 128, so the shift
 * floors n/128 for either sign).
 */
@inline function tableTimesReduced(x: v128, n: v128, bits: v128): v128 {
  // r = x − n·ln 2/128, ln 2/128 in two parts (n·LN2_HI/128 exact: the first difference is exact)
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, expConstant(LN2_HIGH))), f64x2.mul(n, expConstant(LN2_LOW)));
  // e^r − 1 = r + r²·(1/2 + r/6) + r⁴·(1/24 + r/120)
  const r2 = f64x2.mul(r, r);
  const p23 = f64x2.add(expConstant(COEF), f64x2.mul(expConstant(COEF + 1), r));
  const p45 = f64x2.add(expConstant(COEF + 2), f64x2.mul(expConstant(COEF + 3), r));
  const p = f64x2.add(r, f64x2.mul(r2, f64x2.add(p23, f64x2.mul(r2, p45))));
  // the table's hi and lo for each lane's j (16 bytes per entry)
  const j = v128.and(bits, v128.load(EXP_BITS));
  const at0 = EXP_TABLE + (<usize>i64x2.extract_lane(j, 0) << 4), at1 = EXP_TABLE + (<usize>i64x2.extract_lane(j, 1) << 4);
  const hi = v128.load64_lane(at1, v128.load64_splat(at0), 1);
  const lo = v128.load64_lane(at1 + 8, v128.load64_splat(at0 + 8), 1);
  return f64x2.add(hi, f64x2.add(lo, f64x2.mul(hi, p)));
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
