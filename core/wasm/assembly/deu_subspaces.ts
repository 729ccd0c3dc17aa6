// AssemblyScript source of every DEU subspace's closed form (core/cpu/deu_solutions.ts, specs/deu.md
// §1–§2) on pairs of elements, for the neurons the fast loops of deu.ts do not take: every
// subspace but 1-1-1 Δ ≷ 0 at rest or not, and the nudged neuron of outward gravitation. Each
// function is deu_solutions.ts's, expression for expression in float64 in the same order (each
// lane is the scalar expression): it writes g, φ1, φ2 and, for the backward pass, their t-, a-,
// b- and c-partials; assemble() is evaluate()'s assembly y = H·g + c1·φ1 + c2·φ2 with the clip.
// exp, sin and cos are vmath.ts's (within about an ulp of V8's).
import { hostCosLanes, hostExpLanes, hostSinLanes, sinCosPair, sinOf } from './vmath';
import { add, capped, clip, deltaInWindow, deltaNeeded, deltaOf, deltaOutside, div, E, heaviside, k, mul, neg, sub } from './deu_lanes';

// With `exact` set (deu_gravitation.ts, for outward gravitation's fit), exp, sin and cos are the
// host's (V8's, imported) and δ_s is computed as deu_solutions.ts does, so that these functions
// give deu_solutions.ts's values bit for bit; otherwise vmath.ts's, within an ulp or two of them.
let exact = false;
/** Sets `exact` (see above). */
export function setExact(on: bool): void {
  exact = on;
}
/** E(x) = exp(min(x, CAP)). */
@inline function capE(x: v128): v128 {
  return exact ? hostExpLanes(capped(x)) : E(x);
}
let exactSin: v128 = k(0);
/** cos x, and sin x for sinAfter(). */
@inline function cosOf(x: v128): v128 {
  if (!exact) return sinCosPair(x);
  exactSin = hostSinLanes(x);
  return hostCosLanes(x);
}
/** sin x of the last cosOf(x). */
@inline function sinAfter(): v128 {
  return exact ? exactSin : sinOf();
}
/**
 * δ_s(t): deu_lanes.ts's — its exponential only in the lanes where −60·ln 2 < −s·t < 14, as the
 * fast loops (deltaOutside: the floor beyond the cap, 0 below s·2^−60) — or with `exact`
 * deu_solutions.ts's s·e/((1 + e)·(1 + e)), e = E(−s·t), without the floor constant.
 */
@inline function delta(t: v128, s: f64, floor: f64): v128 {
  if (exact) return deltaOf(capE(mul(k(-s), t)), s);
  const z = mul(k(-s), t), needed = deltaNeeded(z);
  return v128.any_true(needed) ? v128.bitselect(deltaInWindow(z, s), deltaOutside(z, floor), needed) : deltaOutside(z, floor);
}

// A neuron's kind in the table (core/cpu/deu_wasm.ts writes the same numbers)
export const REAL_ROOTS = 0; // 1-1-1 Δ > 0
export const OSCILLATION = 1; // 1-1-1 Δ < 0
export const BAND = 2; // 1-1-1 Δ ≈ 0
export const FIRST_ORDER = 3; // 0-1-1
export const NO_SPRING = 4; // 1-1-0
export const UNDAMPED = 5; // 1-0-1 ac > 0
export const HYPERBOLIC = 6; // 1-0-1 ac < 0
export const DOUBLE_RAMP = 7; // 1-0-0
export const RAMP = 8; // 0-1-0
export const SIGMOID = 9; // 0-0-1
export const IDENTITY = 10; // 0-0-0
export const NOT_FINITE = 11; // a, b or c not finite: every output NaN

/**
 * The kind of a neuron whose a, b and c are finite and at least ε in magnitude (deu_solutions.ts's
 * subspaceOf there): the band where |Δ| < ε and sign(a) = sign(c) (the paper's condition, missing
 * in the reference; specs/deu.md), else Δ < 0 or Δ > 0.
 */
export function oneOneOneKind(a: f64, b: f64, c: f64, eps: f64): i32 {
  const delta = b * b - 4 * a * c;
  if (Math.abs(delta) < eps && Math.sign(a) == Math.sign(c)) return BAND;
  return delta < 0 ? OSCILLATION : REAL_ROOTS;
}

// g, φ1, φ2 at the pair t, with their partials by t, a, b and c (deu_solutions.ts's Parts)
let g: v128 = k(0), gt: v128 = k(0), ga: v128 = k(0), gb: v128 = k(0), gc: v128 = k(0);
let p1: v128 = k(0), p1t: v128 = k(0), p1a: v128 = k(0), p1b: v128 = k(0), p1c: v128 = k(0);
let p2: v128 = k(0), p2t: v128 = k(0), p2a: v128 = k(0), p2b: v128 = k(0), p2c: v128 = k(0);

function reset(): void {
  g = gt = ga = gb = gc = k(0);
  p1 = p1t = p1a = p1b = p1c = k(0);
  p2 = p2t = p2a = p2b = p2c = k(0);
}

// b·y' = u: a ramp, y = H·t/b + c1
function ramp(t: v128, b: f64, partials: bool): void {
  g = div(t, k(b)); p1 = k(1);
  if (!partials) return;
  gt = k(1 / b); gb = div(neg(t), k(b * b));
}

// b·y' + c·y = u: first order, q = E(−ct/b), y = c1·q + H·(1 − q)/c
function firstOrder(t: v128, b: f64, c: f64, partials: bool): void {
  const kk = c / b, q = capE(mul(k(-kk), t));
  g = div(sub(k(1), q), k(c)); p1 = q;
  if (!partials) return;
  gt = div(q, k(b));
  gb = div(mul(neg(t), q), k(b * b));
  gc = sub(div(mul(t, q), k(b * c)), div(sub(k(1), q), k(c * c)));
  p1t = mul(k(-kk), q); p1b = div(mul(mul(k(kk), t), q), k(b)); p1c = div(mul(neg(t), q), k(b));
}

// a·y'' = u: y = H·t²/(2a) + c1·t + c2
function doubleRamp(t: v128, a: f64, partials: bool): void {
  g = div(mul(t, t), k(2 * a)); p1 = t; p2 = k(1);
  if (!partials) return;
  gt = div(t, k(a)); ga = div(mul(neg(t), t), k(2 * a * a)); p1t = k(1);
}

// a·y'' + c·y = u with ac > 0: undamped oscillator, w = √(ac)/a keeps the sign of a
function undamped(t: v128, a: f64, c: f64, partials: bool): void {
  const w = Math.sqrt(a * c) / a, C = cosOf(mul(k(w), t)), S = sinAfter();
  g = div(sub(k(1), C), k(c)); p1 = C; p2 = S;
  if (!partials) return;
  const wa = -w / (2 * a), wc = w / (2 * c);
  gt = div(mul(k(w), S), k(c));
  ga = div(mul(mul(t, S), k(wa)), k(c));
  gc = sub(div(mul(mul(t, S), k(wc)), k(c)), div(sub(k(1), C), k(c * c)));
  p1t = mul(k(-w), S); p1a = mul(mul(neg(t), S), k(wa)); p1c = mul(mul(neg(t), S), k(wc));
  p2t = mul(k(w), C); p2a = mul(mul(t, C), k(wa)); p2c = mul(mul(t, C), k(wc));
}

// a·y'' + c·y = u with ac < 0: hyperbolic, λ = √(−ac)/a, κ = |λ|, g = (1 − cosh κt)/c
function hyperbolic(t: v128, a: f64, c: f64, partials: bool): void {
  const lam = Math.sqrt(-a * c) / a, kap = Math.abs(lam);
  const P = capE(mul(k(lam), t)), Q = capE(mul(k(-lam), t));
  // E(κt) and E(−κt) are P and Q, or Q and P: the same arguments, so the same values
  const up = lam >= 0 ? P : Q, down = lam >= 0 ? Q : P;
  const cosh = div(add(up, down), k(2)), sinh = div(sub(up, down), k(2));
  g = div(sub(k(1), cosh), k(c)); p1 = Q; p2 = P;
  if (!partials) return;
  const la = -lam / (2 * a), lc = lam / (2 * c), ka = -kap / (2 * a), kc = kap / (2 * c);
  gt = div(mul(k(-kap), sinh), k(c));
  ga = div(mul(mul(neg(t), sinh), k(ka)), k(c));
  gc = sub(div(mul(mul(neg(t), sinh), k(kc)), k(c)), div(sub(k(1), cosh), k(c * c)));
  p1t = mul(k(-lam), Q); p1a = mul(mul(neg(t), k(la)), Q); p1c = mul(mul(neg(t), k(lc)), Q);
  p2t = mul(k(lam), P); p2a = mul(mul(t, k(la)), P); p2c = mul(mul(t, k(lc)), P);
}

// a·y'' + b·y' = u: q = E(−bt/a), y = c2 − c1·(a/b)·q + H·[t/b − (a/b²)(1 − q)]
function noSpring(t: v128, a: f64, b: f64, partials: bool): void {
  const q = capE(div(mul(k(-b), t), k(a))), b2 = b * b;
  g = sub(div(t, k(b)), div(mul(k(a), sub(k(1), q)), k(b2))); p1 = mul(k(-a / b), q); p2 = k(1);
  if (!partials) return;
  gt = div(sub(k(1), q), k(b));
  ga = add(div(neg(sub(k(1), q)), k(b2)), div(mul(t, q), k(a * b)));
  gb = sub(add(div(neg(t), k(b2)), div(mul(k(2 * a), sub(k(1), q)), k(b2 * b))), div(mul(t, q), k(b2)));
  p1t = q; p1a = sub(div(neg(q), k(b)), div(mul(t, q), k(a))); p1b = add(div(mul(k(a), q), k(b2)), div(mul(t, q), k(b)));
}

// |Δ| < ε with sign(a) = sign(c): forced to a repeated root, with the reference's pseudo-gradients
function band(t: v128, b: f64, c: f64, partials: bool): void {
  const cf = (Math.sign(c) * Math.abs(b)) / 2, rho = (-2 * cf) / b;
  const e = capE(mul(k(rho), t));
  g = div(sub(k(1), mul(e, sub(k(1), mul(k(rho), t)))), k(cf)); p1 = mul(t, e); p2 = e;
  if (!partials) return;
  gt = div(mul(mul(k(rho * rho), t), e), k(cf));
  p1t = add(e, mul(mul(k(rho), t), e)); p2t = mul(k(rho), e);
  const rb = -rho / b, rc = -2 / b; // ∂ρ/∂b, ∂ρ/∂c
  const rtt = mul(mul(k(rho), t), t), tt = mul(t, t);
  gb = div(mul(mul(rtt, k(rb)), e), k(cf)); p1b = mul(mul(tt, k(rb)), e); p2b = mul(mul(t, k(rb)), e);
  gc = sub(div(mul(mul(rtt, k(rc)), e), k(cf)), div(g, k(cf))); p1c = mul(mul(tt, k(rc)), e); p2c = mul(mul(t, k(rc)), e);
  ga = neg(gc); p1a = neg(p1c); p2a = neg(p2c);
}

/** Bit for bit the same number (−0 is not +0; a NaN is itself). */
@inline function same(x: f64, y: f64): bool {
  return reinterpret<i64>(x) == reinterpret<i64>(y);
}

// Δ < 0: damped oscillation, α = b/(2a), W = √(4ac − b²), ω = W/(2a), K = cos ωt + (b/W)·sin ωt.
// Its constants (a square root and a dozen divisions) are the same for every pair of a neuron, so
// they are computed when a, b, c change, not at every pair (the same expressions: the same values).
let oscA: f64 = NaN, oscB: f64 = NaN, oscC: f64 = NaN;
let W: f64 = 0, alpha: f64 = 0, omega: f64 = 0, bw: f64 = 0;
let alA: f64 = 0, omA: f64 = 0, bwA: f64 = 0, alB: f64 = 0, omB: f64 = 0, bwB: f64 = 0, omC: f64 = 0, bwC: f64 = 0;
function oscillationConstants(a: f64, b: f64, c: f64): void {
  if (same(a, oscA) && same(b, oscB) && same(c, oscC)) return;
  oscA = a; oscB = b; oscC = c;
  W = Math.sqrt(4 * a * c - b * b); alpha = b / (2 * a); omega = W / (2 * a); bw = b / W;
  const W3 = W * W * W;
  alA = -alpha / a; omA = c / (a * W) - omega / a; bwA = (-2 * b * c) / W3;
  alB = 1 / (2 * a); omB = -b / (2 * a * W); bwB = (4 * a * c) / W3;
  omC = 1 / W; bwC = (-2 * a * b) / W3;
}

function oscillation(t: v128, a: f64, b: f64, c: f64, partials: bool): void {
  oscillationConstants(a, b, c);
  const e = capE(mul(k(-alpha), t)), cos = cosOf(mul(k(omega), t)), sin = sinAfter(), K = add(cos, mul(k(bw), sin));
  g = div(sub(k(1), mul(e, K)), k(c)); p1 = mul(e, cos); p2 = mul(e, sin);
  if (!partials) return;
  gt = div(mul(mul(k(2), e), sin), k(W));
  p1t = mul(e, sub(mul(k(-alpha), cos), mul(k(omega), sin))); p2t = mul(e, add(mul(k(-alpha), sin), mul(k(omega), cos)));
  const dK = add(neg(sin), mul(k(bw), cos));
  ga = oscillationG(t, c, e, K, dK, sin, alA, omA, bwA);
  gb = oscillationG(t, c, e, K, dK, sin, alB, omB, bwB);
  gc = sub(oscillationG(t, c, e, K, dK, sin, 0, omC, bwC), div(g, k(c)));
  const et = mul(e, t);
  p1a = mul(et, sub(mul(k(-alA), cos), mul(k(omA), sin))); p2a = mul(et, add(mul(k(-alA), sin), mul(k(omA), cos)));
  p1b = mul(et, sub(mul(k(-alB), cos), mul(k(omB), sin))); p2b = mul(et, add(mul(k(-alB), sin), mul(k(omB), cos)));
  p1c = mul(mul(et, k(-omC)), sin); p2c = mul(mul(et, k(omC)), cos);
}

/** g_θ = −(e·K_θ − t·e·K·α_θ)/c, with K_θ = t·ω_θ·(−sin ωt + (b/W)·cos ωt) + sin ωt·(b/W)_θ. */
@inline function oscillationG(t: v128, c: f64, e: v128, K: v128, dK: v128, sin: v128, dAlpha: f64, dOmega: f64, dBw: f64): v128 {
  return div(neg(sub(mul(e, add(mul(mul(t, k(dOmega)), dK), mul(sin, k(dBw)))), mul(mul(mul(t, e), K), k(dAlpha)))), k(c));
}

// Δ > 0: D = √(b² − 4ac), r± = (−b ± D)/(2a), P = E(r₊t), Q = E(r₋t), N = (b + D)·P + (D − b)·Q
// (its constants computed when a, b, c change, as oscillation's)
let realA: f64 = NaN, realB: f64 = NaN, realC: f64 = NaN;
let D: f64 = 0, rPlus: f64 = 0, rMinus: f64 = 0, Da: f64 = 0, Db: f64 = 0, Dc: f64 = 0;
let rpA: f64 = 0, rmA: f64 = 0, rpB: f64 = 0, rmB: f64 = 0, rpC: f64 = 0, rmC: f64 = 0;
function realRootsConstants(a: f64, b: f64, c: f64): void {
  if (same(a, realA) && same(b, realB) && same(c, realC)) return;
  realA = a; realB = b; realC = c;
  D = Math.sqrt(b * b - 4 * a * c); rPlus = (-b + D) / (2 * a); rMinus = (-b - D) / (2 * a);
  Da = (-2 * c) / D; Db = b / D; Dc = (-2 * a) / D;
  rpA = Da / (2 * a) - rPlus / a; rmA = -Da / (2 * a) - rMinus / a;
  rpB = (-1 + Db) / (2 * a); rmB = (-1 - Db) / (2 * a);
  rpC = Dc / (2 * a); rmC = -Dc / (2 * a);
}

function realRoots(t: v128, a: f64, b: f64, c: f64, partials: bool): void {
  realRootsConstants(a, b, c);
  const P = capE(mul(k(rPlus), t)), Q = capE(mul(k(rMinus), t)), N = add(mul(k(b + D), P), mul(k(D - b), Q));
  g = div(sub(k(1), div(N, k(2 * D))), k(c)); p1 = Q; p2 = P;
  if (!partials) return;
  gt = div(sub(P, Q), k(D));
  p1t = mul(k(rMinus), Q); p2t = mul(k(rPlus), P);
  ga = realRootsG(t, b, c, D, N, P, Q, Da, Da, Da, rpA, rmA);
  gb = realRootsG(t, b, c, D, N, P, Q, Db, 1 + Db, Db - 1, rpB, rmB);
  gc = sub(realRootsG(t, b, c, D, N, P, Q, Dc, Dc, Dc, rpC, rmC), div(g, k(c)));
  p1a = mul(mul(t, k(rmA)), Q); p2a = mul(mul(t, k(rpA)), P);
  p1b = mul(mul(t, k(rmB)), Q); p2b = mul(mul(t, k(rpB)), P);
  p1c = mul(mul(t, k(rmC)), Q); p2c = mul(mul(t, k(rpC)), P);
}

/** g_θ = −(N_θ·D − N·D_θ)/(2D²c), N_θ = (b + D)_θ·P + (b + D)·t·r₊_θ·P + (D − b)_θ·Q + (D − b)·t·r₋_θ·Q. */
@inline function realRootsG(t: v128, b: f64, c: f64, D: f64, N: v128, P: v128, Q: v128, dD: f64, dSum: f64, dDiff: f64, dPlus: f64, dMinus: f64): v128 {
  const dN = add(add(add(mul(k(dSum), P), mul(mul(mul(k(b + D), t), k(dPlus)), P)), mul(k(dDiff), Q)), mul(mul(mul(k(D - b), t), k(dMinus)), Q));
  return div(neg(sub(mul(dN, k(D)), mul(N, k(dD)))), k(2 * D * D * c));
}

/** g, φ1, φ2 (and partials) of a subspace of the form H·g + c1·φ1 + c2·φ2, at the pair t. */
function parts(kind: i32, t: v128, a: f64, b: f64, c: f64, partials: bool): void {
  reset();
  switch (kind) {
    case REAL_ROOTS: realRoots(t, a, b, c, partials); break;
    case OSCILLATION: oscillation(t, a, b, c, partials); break;
    case BAND: band(t, b, c, partials); break;
    case FIRST_ORDER: firstOrder(t, b, c, partials); break;
    case NO_SPRING: noSpring(t, a, b, partials); break;
    case UNDAMPED: undamped(t, a, c, partials); break;
    case HYPERBOLIC: hyperbolic(t, a, c, partials); break;
    case DOUBLE_RAMP: doubleRamp(t, a, partials); break;
    default: ramp(t, b, partials); // RAMP
  }
}

/** φ1 and φ2, unclipped (deu_solutions.ts's basisParts), of a subspace of the form H·g + c1·φ1 + c2·φ2 at the pair t. */
export function basisAt(kind: i32, t: v128, a: f64, b: f64, c: f64): void {
  parts(kind, t, a, b, c, false);
}
/** φ1 of the last basisAt(). */
export function basis1(): v128 {
  return p1;
}
/** φ2 of the last basisAt(). */
export function basis2(): v128 {
  return p2;
}

// y and its seven partials at the pair, clipped (deu_solutions.ts's DeuPoint)
export let Y: v128 = k(0), DT: v128 = k(0), DA: v128 = k(0), DB: v128 = k(0), DC: v128 = k(0), DC1: v128 = k(0), DC2: v128 = k(0);

// What assemble() computes besides Y
export const VALUE = 0, ALL_PARTIALS = 1, COEFFICIENT_PARTIALS = 2; // the last: DA, DB, DC (a nudged neuron's borrowed columns)

/**
 * evaluate(): the neuron of `kind` (not NOT_FINITE) with coefficients a, b, c, c1, c2 at the pair
 * t, into Y and, with ALL_PARTIALS, DT…DC2, with COEFFICIENT_PARTIALS DA, DB and DC. `floor` is
 * deltaFloor(s).
 */
export function assemble(kind: i32, t: v128, a: f64, b: f64, c: f64, c1: f64, c2: f64, s: f64, floor: f64, what: i32): void {
  const partials = what != VALUE;
  DA = DB = DC = DC1 = DC2 = k(0);
  if (kind == IDENTITY) {
    Y = clip(t);
    DT = k(1);
    return;
  }
  if (kind == SIGMOID) {
    // σ_s(t)/c, σ_s = 1/(1 + E(−s·t))
    const sigma = div(k(1), add(k(1), capE(mul(k(-s), t))));
    Y = clip(div(sigma, k(c)));
    if (what == ALL_PARTIALS) DT = clip(div(delta(t, s, floor), k(c)));
    if (partials) DC = clip(div(neg(sigma), k(c * c)));
    return;
  }
  parts(kind, t, a, b, c, partials);
  const H = heaviside(t);
  Y = clip(add(add(mul(H, g), mul(k(c1), p1)), mul(k(c2), p2)));
  if (!partials) return;
  if (what == ALL_PARTIALS) DT = clip(add(add(add(mul(H, gt), mul(delta(t, s, floor), g)), mul(k(c1), p1t)), mul(k(c2), p2t)));
  DA = clip(add(add(mul(H, ga), mul(k(c1), p1a)), mul(k(c2), p2a)));
  DB = clip(add(add(mul(H, gb), mul(k(c1), p1b)), mul(k(c2), p2b)));
  DC = clip(add(add(mul(H, gc), mul(k(c1), p1c)), mul(k(c2), p2c)));
  DC1 = clip(p1);
  DC2 = clip(p2);
}
