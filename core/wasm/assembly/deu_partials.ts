// The coefficient partials of the two 1-1-1 subspaces' backward loops, written once for both
// arithmetics: T = f64 for deu.ts's float64 pairs (f64x2), T = f32 for deu_single.ts's float32
// groups of four (f32x4). Each helper is the same expression in the same order in either
// arithmetic; the lane width is chosen at compile time (sizeof<T>() is a constant, so each
// instance holds only its own instructions, as the hand-written twins did).
import { slot, V_C1, V_C2, V_D, V_INVC, V_INVD, V_INVDEN, V_NEG_ALPHA, V_OMEGA, V_RMINUS, V_RPLUS } from './deu_slots';

@inline function add<T>(a: v128, b: v128): v128 { return sizeof<T>() == 8 ? f64x2.add(a, b) : f32x4.add(a, b); }
@inline function sub<T>(a: v128, b: v128): v128 { return sizeof<T>() == 8 ? f64x2.sub(a, b) : f32x4.sub(a, b); }
@inline function mul<T>(a: v128, b: v128): v128 { return sizeof<T>() == 8 ? f64x2.mul(a, b) : f32x4.mul(a, b); }
@inline function neg<T>(a: v128): v128 { return sizeof<T>() == 8 ? f64x2.neg(a) : f32x4.neg(a); }

/**
 * Δ > 0, θ's partials at slot p: g_θ = −(N_θ·D − N·D_θ)/(2D²c) (− g/c for θ = c), with
 * N = (b + D)·P + (D − b)·Q and N_θ = (b + D)_θ·P + (b + D)·t·r₊_θ·P + (D − b)_θ·Q + (D − b)·t·r₋_θ·Q.
 */
@inline export function realRootsG<T>(v: usize, p: usize, isC: bool, Q: v128, P: v128, Nn: v128, bDt: v128, Dbt: v128, gg: v128): v128 {
  const dN = add<T>(add<T>(add<T>(mul<T>(slot(v, p + 1), P), mul<T>(mul<T>(bDt, slot(v, p + 3)), P)), mul<T>(slot(v, p + 2), Q)), mul<T>(mul<T>(Dbt, slot(v, p + 4)), Q));
  const g = neg<T>(mul<T>(sub<T>(mul<T>(dN, slot(v, V_D)), mul<T>(Nn, slot(v, p))), slot(v, V_INVDEN)));
  return isC ? sub<T>(g, mul<T>(gg, slot(v, V_INVC))) : g;
}

/** Δ > 0: r + c1·∂Q/∂θ + c2·∂P/∂θ, with ∂Q/∂θ = t·r₋_θ·Q and ∂P/∂θ = t·r₊_θ·P. */
@inline export function plusRealRootsPhi<T>(v: usize, p: usize, r: v128, t: v128, Q: v128, P: v128): v128 {
  return add<T>(add<T>(r, mul<T>(slot(v, V_C1), mul<T>(mul<T>(t, slot(v, p + 4)), Q))), mul<T>(slot(v, V_C2), mul<T>(mul<T>(t, slot(v, p + 3)), P)));
}

/**
 * Δ < 0, θ's partials at slot p: g_θ = −(e·(t·ω_θ·dK + sin ωt·(b/W)_θ) − t·e·K·α_θ)/c (− g/c for
 * θ = c), with K = cos ωt + (b/W)·sin ωt and dK = −sin ωt + (b/W)·cos ωt.
 */
@inline export function oscillationG<T>(v: usize, p: usize, isC: bool, t: v128, E: v128, SIN: v128, dK: v128, tEK: v128, gg: v128): v128 {
  const g = neg<T>(mul<T>(sub<T>(mul<T>(E, add<T>(mul<T>(mul<T>(t, slot(v, p + 1)), dK), mul<T>(SIN, slot(v, p + 2)))), mul<T>(tEK, slot(v, p))), slot(v, V_INVC)));
  return isC ? sub<T>(g, mul<T>(gg, slot(v, V_INVC))) : g;
}

/** Δ < 0: r + c1·∂(e·cos ωt)/∂θ + c2·∂(e·sin ωt)/∂θ, with et = e·t (α_c = 0: deu_fast.ts writes the c-terms without it). */
@inline export function plusOscillationPhi<T>(v: usize, p: usize, isC: bool, r: v128, et: v128, COS: v128, SIN: v128): v128 {
  const dOmega = slot(v, p + 1);
  if (isC) return add<T>(add<T>(r, mul<T>(slot(v, V_C1), mul<T>(mul<T>(et, neg<T>(dOmega)), SIN))), mul<T>(slot(v, V_C2), mul<T>(mul<T>(et, dOmega), COS)));
  const negAlpha = neg<T>(slot(v, p));
  return add<T>(add<T>(r, mul<T>(slot(v, V_C1), mul<T>(et, sub<T>(mul<T>(negAlpha, COS), mul<T>(dOmega, SIN))))), mul<T>(slot(v, V_C2), mul<T>(et, add<T>(mul<T>(negAlpha, SIN), mul<T>(dOmega, COS)))));
}

/**
 * The slope ∂y/∂t at t before the multiplication by g, H·g_t + δ_s·g + c1·∂φ1/∂t + c2·∂φ2/∂t
 * (deu_fast.ts's expression), given H = H(t), two = 2, δ_s (dlt), g (gg) and the exponentials;
 * the c·φ terms only with `phiTerms`.
 */
@inline export function slopeOf<T>(v: usize, real: bool, phiTerms: bool, H: v128, two: v128, dlt: v128, gg: v128, u1: v128, u2: v128, u3: v128): v128 {
  let gt: v128, p1t: v128, p2t: v128;
  if (real) {
    const Q = u1, P = u2;
    gt = mul<T>(sub<T>(P, Q), slot(v, V_INVD));
    p1t = mul<T>(slot(v, V_RMINUS), Q);
    p2t = mul<T>(slot(v, V_RPLUS), P);
  } else {
    const E = u1, COS = u2, SIN = u3;
    const negAlpha = slot(v, V_NEG_ALPHA), omega = slot(v, V_OMEGA);
    gt = mul<T>(mul<T>(mul<T>(two, E), SIN), slot(v, V_INVD));
    p1t = mul<T>(E, sub<T>(mul<T>(negAlpha, COS), mul<T>(omega, SIN)));
    p2t = mul<T>(E, add<T>(mul<T>(negAlpha, SIN), mul<T>(omega, COS)));
  }
  let slope = add<T>(mul<T>(H, gt), mul<T>(dlt, gg));
  if (phiTerms) slope = add<T>(add<T>(slope, mul<T>(slot(v, V_C1), p1t)), mul<T>(slot(v, V_C2), p2t));
  return slope;
}
