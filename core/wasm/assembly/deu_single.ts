// The DEU loops of the two subspaces nearly every neuron is in (1-1-1 with Δ > 0 and Δ < 0) in
// float32 arithmetic, four neurons at a time (f32x4: lane k is the k-th neuron of a group of one
// kind, each walking its own elements in order). deu.ts runs them instead of its float64 pairs
// when the table's header asks for float32 (core/cpu/deu_wasm.ts: setBackend('cpu',
// { deuArithmetic }), 'float32' by default), as the reference implementation (PyTorch, float32)
// and the gpu backend compute the layer. The expressions are deu.ts's (and
// deu_fast.ts's) in the same order — the coefficient partials are the very same code,
// deu_partials.ts's, instantiated for f32 — only the arithmetic is float32, with these exceptions:
//   - each neuron's constants are derived in float64 (deu.ts's writeConstants) and then rounded;
//   - N/(2D) is N·(1/D)/2, a multiplication instead of a division;
//   - sin and cos take their argument ω·t and its reduction in float64 (vmath_single.ts);
//   - the coefficient-gradient sums are float32 over blocks of 8 elements, added up in float64.
// How far the results are from the float64 arithmetic is measured in tests/wasm/deu_single.test.ts
// and bench/RESULTS.md.
import { slot, V_BD, V_BW, V_C1, V_C2, V_DB, V_INVC, V_INVD, V_NEG_ALPHA, V_OMEGA, V_OMEGA_HIGH, V_OMEGA_LOW, V_OSC_A, V_OSC_B, V_OSC_C, V_REAL_A, V_REAL_B, V_REAL_C, V_RMINUS, V_RPLUS, V_SUMS } from './deu_slots';
import { flushSubnormals } from './deu_lanes';
import { isRealRoots, Oscillation, RealRoots } from './deu_kinds';
import { oscillationG, plusOscillationPhi, plusRealRootsPhi, realRootsG, slopeOf } from './deu_partials';
import { cosOfReduced, expQuad, highPair, lowPair, quadrants, reduced, reducible, sinOfReduced, sinOrCosQuad } from './vmath_single';

@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
@inline function div(a: v128, b: v128): v128 { return f32x4.div(a, b); }
@inline function neg(a: v128): v128 { return f32x4.neg(a); }
@inline function k(v: f32): v128 { return f32x4.splat(v); }

// 1, 2, deu_lanes.ts's M (the clip) and CAP (the exponent cap), then 1/2 and NEGLIGIBLE (−60·ln 2, deu_lanes.ts's), four lanes each
const FIXED = memory.data<f32>([1, 1, 1, 1, 2, 2, 2, 2, 1000, 1000, 1000, 1000, -1000, -1000, -1000, -1000, 14, 14, 14, 14, 0.5, 0.5, 0.5, 0.5,
  -41.58883, -41.58883, -41.58883, -41.58883]);
@inline function one(): v128 { return v128.load(FIXED); }
@inline function two(): v128 { return v128.load(FIXED, 16); }
/** Clips to [−M, M] as clip() in JavaScript (NaN passes through, −0 stays −0: see deu_lanes.ts). */
@inline function clip(v: v128): v128 { return f32x4.pmax(f32x4.pmin(v, v128.load(FIXED, 32)), v128.load(FIXED, 48)); }
/** E(x) = exp(min(x, CAP)). */
@inline function E(x: v128): v128 { return expQuad(f32x4.pmin(x, v128.load(FIXED, 64))); }
/** v/2 (exact): with a multiplication by 1/D, N/(2D) without a division. */
@inline function halfOf(v: v128): v128 { return mul(v, v128.load(FIXED, 80)); }
@inline function heaviside(t: v128): v128 { return v128.and(f32x4.gt(t, k(0)), one()); }
@inline function whereAbove(t: v128, v: v128): v128 { return v128.and(v, f32x4.gt(t, k(0))); }

/** The four lanes' elements at x + o0 … o3 (float32). */
@inline function gather(x: usize, o0: usize, o1: usize, o2: usize, o3: usize): v128 {
  // each lane loaded straight into the vector (one instruction each, where a load and a replace_lane take two)
  return v128.load32_lane(x + o3, v128.load32_lane(x + o2, v128.load32_lane(x + o1, v128.load32_zero(x + o0), 1), 2), 3);
}
/** Stores the four lanes at y + o0 … o3, subnormals flushed (o0 last, as deu.ts's storePair: a repeated neuron writes the same values). */
@inline function scatter(y: usize, o0: usize, o1: usize, o2: usize, o3: usize, result: v128): void {
  const v = flushSubnormals(result);
  v128.store32_lane(y + o3, v, 3);
  v128.store32_lane(y + o2, v, 2);
  v128.store32_lane(y + o1, v, 1);
  v128.store32_lane(y + o0, v, 0);
}

// An element's exponentials u1, u2, u3, as deu.ts: Q = E(r₋t), P = E(r₊t) (u3 unused) for Δ > 0;
// e = E(−αt), cos ωt, sin ωt for Δ < 0. As deu.ts's float64 pairs, a group of four can keep them
// for the backward pass (`kept`, deu.ts's keptAt: 12 bytes per element, the vectors u1, u2, u3 of
// each element group in the order the tiles compute them), which then reads them instead of
// computing them again; a group of fewer than four keeps nothing.
let sinOut: v128 = k(0); // sin ωt of the last exponentials() (u3)

/**
 * Whether every ω·t of an oscillation group's elements is within vmath_single.ts's reduction
 * (|ω·t| ≤ 2^19·π/2; NaN passes): if not, deu.ts runs the group by its float64 loops, forward and
 * backward alike (the same test on the same x), so the float32 loops have no call to the host's
 * sin/cos in them (a call anywhere in a loop makes V8 keep the loop's vectors in memory around it).
 */
export function phasesReducible(v: usize, x: usize, o0: usize, o1: usize, o2: usize, o3: usize, N: i32, F: i32, S: i32): bool {
  const row = <usize>(F * S) << 2, run = <usize>S << 2;
  let largest = k(0);
  for (let n = 0; n < N; n++, o0 += row, o1 += row, o2 += row, o3 += row) {
    for (let i: usize = 0; i < run; i += 4) largest = f32x4.pmax(largest, f32x4.abs(gather(x, o0 + i, o1 + i, o2 + i, o3 + i)));
  }
  return reducible(f64x2.mul(slot(v, V_OMEGA_LOW), lowPair(largest)), f64x2.mul(slot(v, V_OMEGA_HIGH), highPair(largest)));
}

/** u1 and u2 (returned) and u3 (sinOut) at t for the group whose constants are at v (phasesReducible). */
@inline function exponentials(v: usize, real: bool, t: v128): v128 {
  if (real) return E(mul(slot(v, V_RPLUS), t));
  const lo = f64x2.mul(slot(v, V_OMEGA_LOW), lowPair(t)), hi = f64x2.mul(slot(v, V_OMEGA_HIGH), highPair(t));
  const q = quadrants(lo, hi), r = reduced(lo, hi), sin = sinOfReduced(r), cos = cosOfReduced(r);
  sinOut = sinOrCosQuad(q, sin, cos, true);
  return sinOrCosQuad(q, sin, cos, false);
}
@inline function firstExponential(v: usize, real: bool, t: v128): v128 {
  return E(mul(slot(v, real ? V_RMINUS : V_NEG_ALPHA), t));
}

/** y at t (before the clip), H·g + c1·φ1 + c2·φ2, deu.ts's value() in float32. */
@inline function value(v: usize, real: bool, t: v128, u1: v128, u2: v128, u3: v128): v128 {
  if (real) {
    const Q = u1, P = u2;
    const g = mul(sub(one(), halfOf(mul(add(mul(slot(v, V_BD), P), mul(slot(v, V_DB), Q)), slot(v, V_INVD)))), slot(v, V_INVC));
    return add(add(mul(heaviside(t), g), mul(slot(v, V_C1), Q)), mul(slot(v, V_C2), P));
  }
  const e = u1, COS = u2, SIN = u3;
  const g = mul(sub(one(), mul(e, add(COS, mul(slot(v, V_BW), SIN)))), slot(v, V_INVC));
  return add(add(mul(heaviside(t), g), mul(slot(v, V_C1), mul(e, COS))), mul(slot(v, V_C2), mul(e, SIN)));
}

/** Lane `lane` of the float64 pairs (lanes 0, 1 of low; 2, 3 of high). */
@inline function lane64(low: v128, high: v128, lane: u8): f64 {
  return lane == 0 ? f64x2.extract_lane(low, 0) : lane == 1 ? f64x2.extract_lane(low, 1) : lane == 2 ? f64x2.extract_lane(high, 0) : f64x2.extract_lane(high, 1);
}

/**
 * y in the rows [n0, n1) for a group of up to four (v from deu.ts's packFour; o0 … o3 each lane's
 * neuron's first element in x, repeated where fewer).
 */
export function forwardFour(v: usize, real: bool, o0: usize, o1: usize, o2: usize, o3: usize, x: usize, y: usize, n0: i32, n1: i32, F: i32, S: i32, kept: usize): void {
  if (real) forwardFourOf<RealRoots>(v, o0, o1, o2, o3, x, y, n0, n1, F, S, kept);
  else forwardFourOf<Oscillation>(v, o0, o1, o2, o3, x, y, n0, n1, F, S, kept);
}
/** forwardFour's loop, compiled once per kind K (deu_kinds.ts); with kept ≠ 0 the exponentials there too. */
function forwardFourOf<K>(v: usize, o0: usize, o1: usize, o2: usize, o3: usize, x: usize, y: usize, n0: i32, n1: i32, F: i32, S: i32, kept: usize): void {
  const real = isRealRoots<K>();
  const row = <usize>(F * S) << 2, run = <usize>S << 2, start = <usize>n0 * row;
  o0 += start; o1 += start; o2 += start; o3 += start;
  for (let n = n0; n < n1; n++, o0 += row, o1 += row, o2 += row, o3 += row) {
    for (let i: usize = 0; i < run; i += 4) {
      const t = gather(x, o0 + i, o1 + i, o2 + i, o3 + i);
      const u1 = firstExponential(v, real, t), u2 = exponentials(v, real, t), u3 = real ? k(0) : sinOut;
      scatter(y, o0 + i, o1 + i, o2 + i, o3 + i, clip(value(v, real, t, u1, u2, u3)));
      if (kept != 0) {
        v128.store(kept, u1);
        v128.store(kept, u2, 16);
        if (!real) v128.store(kept, u3, 32);
        kept += real ? 32 : 48;
      }
    }
  }
}

// The coefficient-gradient sums of the group: float32 partial sums of up to BLOCK consecutive
// elements (acc…), added into float64 sums (…Low: lanes 0, 1; …High: lanes 2, 3) after each block,
// so that no float32 sum is longer than BLOCK terms.
const BLOCK = 8;
let accA = k(0), accB = k(0), accC = k(0), accC1 = k(0), accC2 = k(0);
let aLow = f64x2.splat(0), aHigh = f64x2.splat(0), bLow = f64x2.splat(0), bHigh = f64x2.splat(0), cLow = f64x2.splat(0), cHigh = f64x2.splat(0);
let c1Low = f64x2.splat(0), c1High = f64x2.splat(0), c2Low = f64x2.splat(0), c2High = f64x2.splat(0);

/** Adds the float32 partial sums into the float64 sums and starts new ones. */
function flushSums(): void {
  aLow = f64x2.add(aLow, lowPair(accA)); aHigh = f64x2.add(aHigh, highPair(accA));
  bLow = f64x2.add(bLow, lowPair(accB)); bHigh = f64x2.add(bHigh, highPair(accB));
  cLow = f64x2.add(cLow, lowPair(accC)); cHigh = f64x2.add(cHigh, highPair(accC));
  c1Low = f64x2.add(c1Low, lowPair(accC1)); c1High = f64x2.add(c1High, highPair(accC1));
  c2Low = f64x2.add(c2Low, lowPair(accC2)); c2High = f64x2.add(c2High, highPair(accC2));
  accA = accB = accC = accC1 = accC2 = k(0);
}

/** δ_s at z = −s·t without its exponential, where deltaNeeded is false: deu_lanes.ts's deltaOutside. */
@inline function deltaOutside(z: v128, floor: v128): v128 {
  return v128.and(floor, f32x4.ge(z, v128.load(FIXED, 64)));
}
/** The lanes where δ_s needs its exponential (deu_lanes.ts's deltaNeeded): NEGLIGIBLE < z < CAP, or z NaN. */
@inline function deltaNeeded(z: v128): v128 {
  return v128.not(v128.or(f32x4.ge(z, v128.load(FIXED, 64)), f32x4.le(z, v128.load(FIXED, 96))));
}

/** δ_s(t) = s·e/(1 + e)², e = E(−s·t), the constant floor where the cap is active. */
@inline function deltaS(t: v128, negS: v128, s: v128, floor: v128): v128 {
  const z = mul(negS, t);
  const e = E(z);
  return v128.bitselect(floor, div(mul(s, e), mul(add(one(), e), add(one(), e))), f32x4.ge(z, v128.load(FIXED, 64)));
}

/** g at t from the exponentials (deu.ts's particular in float32). */
@inline function particular(v: usize, real: bool, u1: v128, u2: v128, u3: v128): v128 {
  if (real) return mul(sub(one(), halfOf(mul(add(mul(slot(v, V_BD), u2), mul(slot(v, V_DB), u1)), slot(v, V_INVD)))), slot(v, V_INVC));
  return mul(sub(one(), mul(u1, add(u2, mul(slot(v, V_BW), u3)))), slot(v, V_INVC));
}

/** The slope ∂y/∂t before the multiplication by g (deu_partials.ts's slopeOf), given δ_s (dlt) and g (gg). */
@inline function slopeOfQuad(v: usize, real: bool, rest: bool, t: v128, dlt: v128, gg: v128, u1: v128, u2: v128, u3: v128): v128 {
  const phiTerms = !rest || !i32x4.all_true(f32x4.eq(t, t));
  return slopeOf<f32>(v, real, phiTerms, heaviside(t), two(), dlt, gg, u1, u2, u3);
}

/** deu.ts's backwardPair in float32: the slope ∂y/∂t (before the multiplication by g, with δ_s = dlt) and the sums. */
@inline function backwardQuad(v: usize, real: bool, rest: bool, t: v128, gi: v128, dlt: v128, u1: v128, u2: v128, u3: v128): v128 {
  const phiTerms = !rest || !i32x4.all_true(f32x4.eq(t, t));
  const gg = particular(v, real, u1, u2, u3);
  let phi1: v128, phi2: v128, ra: v128, rb: v128, rc: v128;
  if (real) {
    const Q = u1, P = u2;
    const Nn = add(mul(slot(v, V_BD), P), mul(slot(v, V_DB), Q));
    const bDt = mul(slot(v, V_BD), t), Dbt = mul(slot(v, V_DB), t);
    ra = whereAbove(t, realRootsG<f32>(v, V_REAL_A, false, Q, P, Nn, bDt, Dbt, gg));
    rb = whereAbove(t, realRootsG<f32>(v, V_REAL_B, false, Q, P, Nn, bDt, Dbt, gg));
    rc = whereAbove(t, realRootsG<f32>(v, V_REAL_C, true, Q, P, Nn, bDt, Dbt, gg));
    if (phiTerms) {
      ra = plusRealRootsPhi<f32>(v, V_REAL_A, ra, t, Q, P);
      rb = plusRealRootsPhi<f32>(v, V_REAL_B, rb, t, Q, P);
      rc = plusRealRootsPhi<f32>(v, V_REAL_C, rc, t, Q, P);
    }
    phi1 = Q;
    phi2 = P;
  } else {
    const e = u1, COS = u2, SIN = u3;
    const K = add(COS, mul(slot(v, V_BW), SIN));
    const dK = add(neg(SIN), mul(slot(v, V_BW), COS)), tEK = mul(mul(t, e), K);
    ra = whereAbove(t, oscillationG<f32>(v, V_OSC_A, false, t, e, SIN, dK, tEK, gg));
    rb = whereAbove(t, oscillationG<f32>(v, V_OSC_B, false, t, e, SIN, dK, tEK, gg));
    rc = whereAbove(t, oscillationG<f32>(v, V_OSC_C, true, t, e, SIN, dK, tEK, gg));
    if (phiTerms) {
      const et = mul(e, t);
      ra = plusOscillationPhi<f32>(v, V_OSC_A, false, ra, et, COS, SIN);
      rb = plusOscillationPhi<f32>(v, V_OSC_B, false, rb, et, COS, SIN);
      rc = plusOscillationPhi<f32>(v, V_OSC_C, true, rc, et, COS, SIN);
    }
    phi1 = mul(e, COS);
    phi2 = mul(e, SIN);
  }
  accA = add(accA, mul(gi, clip(ra)));
  accB = add(accB, mul(gi, clip(rb)));
  accC = add(accC, mul(gi, clip(rc)));
  accC1 = add(accC1, mul(gi, clip(phi1)));
  accC2 = add(accC2, mul(gi, clip(phi2)));
  return slopeOfQuad(v, real, rest, t, dlt, gg, u1, u2, u3);
}

/** Neuron `entry`'s five sums (the group's lane `lane`) at sums + 40·f, float64. */
@inline function storeSums(sums: usize, entry: usize, lane: u8): void {
  const out = sums + <usize>(<i32>load<f64>(entry)) * 40;
  store<f64>(out, lane64(aLow, aHigh, lane));
  store<f64>(out, lane64(bLow, bHigh, lane), 8);
  store<f64>(out, lane64(cLow, cHigh, lane), 16);
  store<f64>(out, lane64(c1Low, c1High, lane), 24);
  store<f64>(out, lane64(c2Low, c2High, lane), 32);
}

// The group's float64 sums between row tiles, in its block (deu_slots.ts's V_SUMS: ten slots).
/** Sets the group's carried sums at v to zero (before its first tile). */
export function zeroGroupSums(v: usize): void {
  for (let i: usize = 0; i < 10; i++) v128.store(v + ((V_SUMS + i) << 4), f64x2.splat(0));
}
@inline function loadGroupSums(v: usize): void {
  aLow = slot(v, V_SUMS); aHigh = slot(v, V_SUMS + 1); bLow = slot(v, V_SUMS + 2); bHigh = slot(v, V_SUMS + 3); cLow = slot(v, V_SUMS + 4);
  cHigh = slot(v, V_SUMS + 5); c1Low = slot(v, V_SUMS + 6); c1High = slot(v, V_SUMS + 7); c2Low = slot(v, V_SUMS + 8); c2High = slot(v, V_SUMS + 9);
}
@inline function saveGroupSums(v: usize): void {
  v128.store(v + (V_SUMS << 4), aLow); v128.store(v + ((V_SUMS + 1) << 4), aHigh); v128.store(v + ((V_SUMS + 2) << 4), bLow);
  v128.store(v + ((V_SUMS + 3) << 4), bHigh); v128.store(v + ((V_SUMS + 4) << 4), cLow); v128.store(v + ((V_SUMS + 5) << 4), cHigh);
  v128.store(v + ((V_SUMS + 6) << 4), c1Low); v128.store(v + ((V_SUMS + 7) << 4), c1High); v128.store(v + ((V_SUMS + 8) << 4), c2Low);
  v128.store(v + ((V_SUMS + 9) << 4), c2High);
}
/** Each neuron's five sums of the group at v (entries e0 … e3, repeated where fewer) at sums + 40·f. */
export function storeGroupSums(v: usize, sums: usize, e0: usize, e1: usize, e2: usize, e3: usize): void {
  loadGroupSums(v);
  storeSums(sums, e3, 3);
  storeSums(sums, e2, 2);
  storeSums(sums, e1, 1);
  storeSums(sums, e0, 0);
}

/**
 * dx in the rows [n0, n1) for a group of four (as forwardFour), its coefficient-gradient sums
 * carried in its block (zeroGroupSums before the first tile, storeGroupSums after the last). The
 * rows of a tile that is not the last come in multiples of BLOCK elements, so the float32 partial
 * sums are flushed at the same elements as in one pass over all rows.
 */
export function backwardFour(v: usize, real: bool, rest: bool, o0: usize, o1: usize, o2: usize, o3: usize, s64: f64, floor64: f64, g: usize, x: usize, dx: usize, n0: i32, n1: i32, N: i32, F: i32, S: i32, kept: usize): void {
  loadGroupSums(v);
  accA = accB = accC = accC1 = accC2 = k(0);
  if (real) backwardFourOf<RealRoots>(v, rest, o0, o1, o2, o3, s64, floor64, g, x, dx, n0, n1, F, S, kept);
  else backwardFourOf<Oscillation>(v, rest, o0, o1, o2, o3, s64, floor64, g, x, dx, n0, n1, F, S, kept);
  if (n1 == N) flushSums();
  saveGroupSums(v);
}

/**
 * backwardFour's loop over the rows [n0, n1), compiled once per kind K (deu_kinds.ts), with δ_s's
 * exponential only for a group with a lane that needs it (deltaNeeded), as deu.ts's backwardRows.
 * With kept ≠ 0 the exponentials forwardFour kept there.
 */
function backwardFourOf<K>(v: usize, rest: bool, o0: usize, o1: usize, o2: usize, o3: usize, s64: f64, floor64: f64, g: usize, x: usize, dx: usize, n0: i32, n1: i32, F: i32, S: i32, kept: usize): void {
  const real = isRealRoots<K>();
  const row = <usize>(F * S) << 2, run = <usize>S << 2;
  const s = k(<f32>s64), negS = k(<f32>-s64), floor = k(<f32>floor64);
  let inBlock = 0;
  for (let n = n0, base = <usize>n0 * row; n < n1; n++, base += row) {
    for (let i: usize = 0; i < run; i += 4) {
      const a0 = o0 + base + i, a1 = o1 + base + i, a2 = o2 + base + i, a3 = o3 + base + i;
      const t = gather(x, a0, a1, a2, a3), gi = gather(g, a0, a1, a2, a3);
      let u1: v128, u2: v128, u3: v128;
      if (kept != 0) {
        u1 = v128.load(kept);
        u2 = v128.load(kept, 16);
        u3 = real ? k(0) : v128.load(kept, 32);
        kept += real ? 32 : 48;
      } else {
        u1 = firstExponential(v, real, t);
        u2 = exponentials(v, real, t);
        u3 = real ? k(0) : sinOut;
      }
      const z = mul(negS, t), needed = deltaNeeded(z);
      let dlt = deltaOutside(z, floor);
      if (v128.any_true(needed)) dlt = v128.bitselect(deltaS(t, negS, s, floor), dlt, needed);
      scatter(dx, a0, a1, a2, a3, mul(gi, clip(backwardQuad(v, real, rest, t, gi, dlt, u1, u2, u3))));
      if (++inBlock == BLOCK) {
        flushSums();
        inBlock = 0;
      }
    }
  }
}
