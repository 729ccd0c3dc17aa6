// AssemblyScript source of the DEU loops for float32 tensors (compiled by core/wasm/build.mjs;
// excluded from the TypeScript project). Every subspace runs here:
//   - the two nearly every neuron is in, 1-1-1 with Δ > 0 (real roots) and Δ < 0 (damped
//     oscillation), have loops of their own: core/cpu/deu_fast.ts's, expression for expression in
//     float64, with the per-neuron constants hoisted and a division by a neuron's constant taken as
//     a multiplication by its reciprocal (within an ulp of float64);
//   - every other neuron, and the backward pass of one that outward gravitation nudges, runs the
//     generic loops below on deu_subspaces.ts's formulas (deu_solutions.ts's, in the same order).
// Both compute two elements at a time (f64x2 lanes: each lane is the scalar expression), with
// vmath.ts's exp, sin and cos (within an ulp or two of V8's), so results agree with the JavaScript
// kernel to within a few ulps of float32 (tests/wasm/deu.test.ts). The caller keeps ±∞ inputs
// (deu_far.ts's path) in JavaScript.
//
// The work comes as a table of neurons (tableOf in core/cpu/deu_wasm.ts): a header with s, then per
// neuron 14 float64s: its index f, its kind (deu_subspaces.ts's numbers), a, b, c, c1, c2, then for
// the backward pass outward gravitation's borrowed columns (a bit mask: 1 a, 2 b, 4 c; 0: none)
// and the nudged neuron's kind and ã, b̃, c̃, c̃1, c̃2. A call takes the neurons [lo, hi) of the
// table, so threads split a layer by whole neurons and every neuron is computed by one thread in
// one fixed order: results do not depend on the split.
//
// x is [N, F, S]: neuron f's elements are x[n, f, :] for every n.
import { expPair, sinCosPair, sinOf } from './vmath';
import { add, capped, clip, deltaFloor, deltaS, div, heaviside, k, mul, neg, sub, whereAbove } from './deu_lanes';
import { assemble, DA, DB, DC, DC1, DC2, DT, NOT_FINITE, OSCILLATION, Y } from './deu_subspaces';

const ENTRY: usize = 14 * 8; // bytes per neuron in the table
const HEADER: usize = 8;

@inline function at(n: i32, f: i32, F: i32, S: i32): usize {
  return <usize>((n * F + f) * S) << 2;
}

// The neuron being computed and its constants (globals: each thread has its own instance).
let kind: i32 = 0;
let A: f64 = 0, B: f64 = 0, C: f64 = 0, C1: f64 = 0, C2: f64 = 0;
// Δ > 0: the roots r± and the parts of g;  Δ < 0: the decay α, the frequency ω and b/W
let D: f64 = 0, rPlus: f64 = 0, rMinus: f64 = 0, bD: f64 = 0, Db: f64 = 0, D2: f64 = 0;
let alpha: f64 = 0, omega: f64 = 0, bw: f64 = 0;
/** c1 = c2 = 0 (the reference's initial state): the φ terms, c·φ = 0, are left out of the sums. */
let rest: bool = false;
// the partials of those constants by a, b, c (deu_far.ts derives them), for the backward pass
let Da: f64 = 0, Dbb: f64 = 0, Dc: f64 = 0, rpA: f64 = 0, rmA: f64 = 0, rpB: f64 = 0, rmB: f64 = 0, rpC: f64 = 0, rmC: f64 = 0, den: f64 = 0;
// Dividing by a neuron's constant is multiplying by its reciprocal (a vector division costs as
// much as the rest of an element's arithmetic): a result within an ulp of float64 of the quotient.
// Not inside 1 − N/(2D), which cancels to 0 at t = 0: that one stays a division, as in JavaScript.
let invC: f64 = 0, invD: f64 = 0, invden: f64 = 0;
let alA: f64 = 0, omA: f64 = 0, bwA: f64 = 0, alB: f64 = 0, omB: f64 = 0, bwB: f64 = 0, omC: f64 = 0, bwC: f64 = 0;

function loadNeuron(entry: usize): i32 {
  const f = <i32>load<f64>(entry);
  kind = <i32>load<f64>(entry, 8);
  A = load<f64>(entry, 16);
  B = load<f64>(entry, 24);
  C = load<f64>(entry, 32);
  C1 = load<f64>(entry, 40);
  C2 = load<f64>(entry, 48);
  rest = C1 == 0 && C2 == 0;
  D = Math.sqrt(kind == 0 ? B * B - 4 * A * C : 4 * A * C - B * B);
  rPlus = (-B + D) / (2 * A);
  rMinus = (-B - D) / (2 * A);
  bD = B + D;
  Db = D - B;
  D2 = 2 * D;
  alpha = B / (2 * A);
  omega = D / (2 * A);
  bw = B / D;
  Da = (-2 * C) / D;
  Dbb = B / D;
  Dc = (-2 * A) / D;
  rpA = Da / (2 * A) - rPlus / A;
  rmA = -Da / (2 * A) - rMinus / A;
  rpB = (-1 + Dbb) / (2 * A);
  rmB = (-1 - Dbb) / (2 * A);
  rpC = Dc / (2 * A);
  rmC = -Dc / (2 * A);
  den = 2 * D * D * C;
  invC = 1 / C;
  invD = 1 / D;
  invden = 1 / den;
  const W = D, W3 = W * W * W;
  alA = -alpha / A;
  omA = C / (A * W) - omega / A;
  bwA = (-2 * B * C) / W3;
  alB = 1 / (2 * A);
  omB = -B / (2 * A * W);
  bwB = (4 * A * C) / W3;
  omC = 1 / W;
  bwC = (-2 * A * B) / W3;
  return f;
}

/** y at the pair t (before the clip), for the neuron loaded. */
@inline function value(t: v128): v128 {
  if (kind == 0) {
    const P = expPair(capped(mul(k(rPlus), t))), Q = expPair(capped(mul(k(rMinus), t)));
    const g = mul(sub(k(1), div(add(mul(k(bD), P), mul(k(Db), Q)), k(D2))), k(invC));
    return add(add(mul(heaviside(t), g), mul(k(C1), Q)), mul(k(C2), P));
  }
  const e = expPair(capped(mul(neg(k(alpha)), t))), cos = sinCosPair(mul(k(omega), t)), sin = sinOf();
  const g = mul(sub(k(1), mul(e, add(cos, mul(k(bw), sin)))), k(invC));
  return add(add(mul(heaviside(t), g), mul(k(C1), mul(e, cos))), mul(k(C2), mul(e, sin)));
}

@inline function storePair(y: usize, o0: usize, o1: usize, v: v128): void {
  const r = f32x4.demote_f64x2_zero(clip(v));
  store<f32>(y + o1, f32x4.extract_lane(r, 1));
  store<f32>(y + o0, f32x4.extract_lane(r, 0)); // o0 last: a lone element is sent as (o0, o0)
}

/** y for the neurons [lo, hi) of the table. */
export function deuForwardTable(table: usize, lo: i32, hi: i32, x: usize, y: usize, N: i32, F: i32, S: i32): void {
  const s = load<f64>(table);
  for (let j = lo; j < hi; j++) {
    const entry = table + HEADER + <usize>j * ENTRY;
    forwardNeuron(<i32>load<f64>(entry, 8) > OSCILLATION, entry, s, x, y, N, F, S);
  }
}

/**
 * y for one neuron, its elements in pairs (a lone last element as (o0, o0)): by the 1-1-1 Δ ≷ 0
 * loop (value), or with `generic` by deu_subspaces.ts's assemble() for any kind. At rest
 * (c1 = c2 = 0) the 1-1-1 loop writes 0 for t ≤ 0 (H = 0 and every other term is ±0) and skips
 * those elements, so a pair is the next two elements that need work.
 */
function forwardNeuron(generic: bool, entry: usize, s: f64, x: usize, y: usize, N: i32, F: i32, S: i32): void {
  const f = generic ? <i32>load<f64>(entry) : loadNeuron(entry), kind = <i32>load<f64>(entry, 8);
  const a = load<f64>(entry, 16), b = load<f64>(entry, 24), c = load<f64>(entry, 32), c1 = load<f64>(entry, 40), c2 = load<f64>(entry, 48);
  const skipNonPositive = !generic && rest;
  let pending: usize = -1, tPending: f64 = 0;
  for (let n = 0; n < N; n++) {
    const base = at(n, f, F, S);
    for (let i = 0; i < S; i++) {
      const o = base + (<usize>i << 2);
      const t = <f64>load<f32>(x + o);
      if (generic && kind == NOT_FINITE) {
        store<f32>(y + o, NaN);
        continue;
      }
      if (skipNonPositive && t <= 0) {
        store<f32>(y + o, 0);
        continue;
      }
      if (pending == -1) {
        pending = o;
        tPending = t;
        continue;
      }
      storePair(y, pending, o, forwardPair(generic, kind, f64x2.replace_lane(k(tPending), 1, t), a, b, c, c1, c2, s));
      pending = -1;
    }
  }
  if (pending != -1) storePair(y, pending, pending, forwardPair(generic, kind, k(tPending), a, b, c, c1, c2, s));
}

@inline function forwardPair(generic: bool, kind: i32, t: v128, a: f64, b: f64, c: f64, c1: f64, c2: f64, s: f64): v128 {
  if (!generic) return value(t);
  assemble(kind, t, a, b, c, c1, c2, s, 0, false);
  return Y;
}

// The five coefficient-gradient sums of the neuron being computed, added to element by element in
// the JavaScript kernel's order (lane 0, then lane 1), so a sum that cancels cancels the same way.
let sumA: f64 = 0, sumB: f64 = 0, sumC: f64 = 0, sumC1: f64 = 0, sumC2: f64 = 0;

@inline function addLanes(sum: f64, v: v128, both: bool): f64 {
  sum += f64x2.extract_lane(v, 0);
  return both ? sum + f64x2.extract_lane(v, 1) : sum;
}

/**
 * dx at the pair (o0, o1), and the coefficient sums. A lone element comes as (o0, o0): its lane 1
 * is a copy, stored to the same place and left out of the sums.
 */
@inline function backwardPair(t: v128, gi: v128, s: f64, floor: f64, g: usize, dx: usize, o0: usize, o1: usize): void {
  const H = heaviside(t), dlt = deltaS(t, s, floor);
  // at rest the c1·φ terms are 0·(finite): left out, unless a NaN t makes them NaN
  const phiTerms = !rest || !i64x2.all_true(f64x2.eq(t, t));
  let gt: v128, gg: v128, p1t: v128, p2t: v128, ra: v128, rb: v128, rc: v128, phi1: v128, phi2: v128;
  if (kind == 0) {
    const P = expPair(capped(mul(k(rPlus), t))), Q = expPair(capped(mul(k(rMinus), t)));
    const Nn = add(mul(k(bD), P), mul(k(Db), Q));
    gg = mul(sub(k(1), div(Nn, k(D2))), k(invC));
    gt = mul(sub(P, Q), k(invD));
    p1t = mul(k(rMinus), Q);
    p2t = mul(k(rPlus), P);
    ra = rb = rc = k(0);
    if (v128.any_true(f64x2.gt(t, k(0)))) {
      // g_θ = −(N_θ·D − N·D_θ)/(2D²c), N_θ = (b + D)_θ·P + (D − b)_θ·Q + t·((b + D)·r₊_θ·P + (D − b)·r₋_θ·Q)
      const bDtP = mul(k(bD), t), DbtQ = mul(k(Db), t);
      const dNa = add(add(add(mul(k(Da), P), mul(mul(bDtP, k(rpA)), P)), mul(k(Da), Q)), mul(mul(DbtQ, k(rmA)), Q));
      const dNb = add(add(add(mul(k(1 + Dbb), P), mul(mul(bDtP, k(rpB)), P)), mul(k(Dbb - 1), Q)), mul(mul(DbtQ, k(rmB)), Q));
      const dNc = add(add(add(mul(k(Dc), P), mul(mul(bDtP, k(rpC)), P)), mul(k(Dc), Q)), mul(mul(DbtQ, k(rmC)), Q));
      ra = mul(H, whereAbove(t, neg(mul(sub(mul(dNa, k(D)), mul(Nn, k(Da))), k(invden)))));
      rb = mul(H, whereAbove(t, neg(mul(sub(mul(dNb, k(D)), mul(Nn, k(Dbb))), k(invden)))));
      rc = mul(H, whereAbove(t, sub(neg(mul(sub(mul(dNc, k(D)), mul(Nn, k(Dc))), k(invden))), mul(gg, k(invC)))));
    }
    if (phiTerms) {
      ra = add(add(ra, mul(k(C1), mul(mul(t, k(rmA)), Q))), mul(k(C2), mul(mul(t, k(rpA)), P)));
      rb = add(add(rb, mul(k(C1), mul(mul(t, k(rmB)), Q))), mul(k(C2), mul(mul(t, k(rpB)), P)));
      rc = add(add(rc, mul(k(C1), mul(mul(t, k(rmC)), Q))), mul(k(C2), mul(mul(t, k(rpC)), P)));
    }
    phi1 = Q;
    phi2 = P;
  } else {
    const e = expPair(capped(mul(neg(k(alpha)), t))), cos = sinCosPair(mul(k(omega), t)), sin = sinOf();
    const K = add(cos, mul(k(bw), sin));
    gg = mul(sub(k(1), mul(e, K)), k(invC));
    gt = mul(mul(mul(k(2), e), sin), k(invD));
    p1t = mul(e, sub(mul(k(-alpha), cos), mul(k(omega), sin)));
    p2t = mul(e, add(mul(k(-alpha), sin), mul(k(omega), cos)));
    ra = rb = rc = k(0);
    if (v128.any_true(f64x2.gt(t, k(0)))) {
      // g_θ = −(e·(t·ω_θ·dK + sin·(b/W)_θ) − t·e·K·α_θ)/c
      const dK = add(neg(sin), mul(k(bw), cos));
      const tEK = mul(mul(t, e), K);
      ra = mul(H, whereAbove(t, neg(mul(sub(mul(e, add(mul(mul(t, k(omA)), dK), mul(sin, k(bwA)))), mul(tEK, k(alA))), k(invC)))));
      rb = mul(H, whereAbove(t, neg(mul(sub(mul(e, add(mul(mul(t, k(omB)), dK), mul(sin, k(bwB)))), mul(tEK, k(alB))), k(invC)))));
      rc = mul(H, whereAbove(t, sub(neg(mul(sub(mul(e, add(mul(mul(t, k(omC)), dK), mul(sin, k(bwC)))), mul(tEK, k(0))), k(invC))), mul(gg, k(invC)))));
    }
    if (phiTerms) {
      const et = mul(e, t);
      ra = add(add(ra, mul(k(C1), mul(et, sub(mul(k(-alA), cos), mul(k(omA), sin))))), mul(k(C2), mul(et, add(mul(k(-alA), sin), mul(k(omA), cos)))));
      rb = add(add(rb, mul(k(C1), mul(et, sub(mul(k(-alB), cos), mul(k(omB), sin))))), mul(k(C2), mul(et, add(mul(k(-alB), sin), mul(k(omB), cos)))));
      rc = add(add(rc, mul(k(C1), mul(mul(et, k(-omC)), sin))), mul(k(C2), mul(mul(et, k(omC)), cos)));
    }
    phi1 = mul(e, cos);
    phi2 = mul(e, sin);
  }
  let slope = add(mul(H, gt), mul(dlt, gg));
  if (phiTerms) slope = add(add(slope, mul(k(C1), p1t)), mul(k(C2), p2t));
  const d = f32x4.demote_f64x2_zero(mul(gi, clip(slope)));
  store<f32>(dx + o1, f32x4.extract_lane(d, 1));
  store<f32>(dx + o0, f32x4.extract_lane(d, 0));
  const both = o1 != o0;
  sumA = addLanes(sumA, mul(gi, clip(ra)), both);
  sumB = addLanes(sumB, mul(gi, clip(rb)), both);
  sumC = addLanes(sumC, mul(gi, clip(rc)), both);
  sumC1 = addLanes(sumC1, mul(gi, clip(phi1)), both);
  sumC2 = addLanes(sumC2, mul(gi, clip(phi2)), both);
}

/**
 * dx for the neurons [lo, hi) of the table, and their five coefficient-gradient sums (a, b, c, c1,
 * c2), float64, at sums + 40·j for table entry j.
 */
export function deuBackwardTable(table: usize, lo: i32, hi: i32, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32, sums: usize): void {
  const s = load<f64>(table);
  const floor = deltaFloor(s);
  for (let j = lo; j < hi; j++) {
    const entry = table + HEADER + <usize>j * ENTRY;
    sumA = sumB = sumC = sumC1 = sumC2 = 0;
    // borrowed columns (only where a coefficient is below ε, so never in 1-1-1) take the generic loop
    backwardNeuron(<i32>load<f64>(entry, 8) > OSCILLATION || load<f64>(entry, 56) != 0, entry, s, floor, g, x, dx, N, F, S);
    const out = sums + <usize>j * 40;
    store<f64>(out, sumA);
    store<f64>(out, sumB, 8);
    store<f64>(out, sumC, 16);
    store<f64>(out, sumC1, 24);
    store<f64>(out, sumC2, 32);
  }
}

/**
 * dx and the sums for one neuron: its elements in pairs (a lone last element as (o0, o0)), by the
 * 1-1-1 Δ ≷ 0 loop (backwardPair) or, with `generic`, by genericPair (any kind, outward
 * gravitation's borrowed columns included).
 */
function backwardNeuron(generic: bool, entry: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32): void {
  const f = generic ? <i32>load<f64>(entry) : loadNeuron(entry);
  if (generic && <i32>load<f64>(entry, 8) == NOT_FINITE) {
    for (let n = 0; n < N; n++) {
      const base = at(n, f, F, S);
      for (let i = 0; i < S; i++) store<f32>(dx + base + (<usize>i << 2), NaN);
    }
    sumA = sumB = sumC = sumC1 = sumC2 = NaN;
    return;
  }
  let pending: usize = -1, tPending: f64 = 0, gPending: f64 = 0;
  for (let n = 0; n < N; n++) {
    const base = at(n, f, F, S);
    for (let i = 0; i < S; i++) {
      const o = base + (<usize>i << 2);
      const t = <f64>load<f32>(x + o), gi = <f64>load<f32>(g + o);
      if (pending == -1) {
        pending = o;
        tPending = t;
        gPending = gi;
        continue;
      }
      const tv = f64x2.replace_lane(k(tPending), 1, t), gv = f64x2.replace_lane(k(gPending), 1, gi);
      if (generic) genericPair(entry, tv, gv, s, floor, dx, pending, o);
      else backwardPair(tv, gv, s, floor, g, dx, pending, o);
      pending = -1;
    }
  }
  if (pending == -1) return;
  if (generic) genericPair(entry, k(tPending), k(gPending), s, floor, dx, pending, pending);
  else backwardPair(k(tPending), k(gPending), s, floor, g, dx, pending, pending);
}

/** backwardNeuron's step for any kind at the pair (o0, o1); a lone element comes as (o0, o0), as in backwardPair. */
function genericPair(entry: usize, t: v128, gi: v128, s: f64, floor: f64, dx: usize, o0: usize, o1: usize): void {
  const kind = <i32>load<f64>(entry, 8);
  assemble(kind, t, load<f64>(entry, 16), load<f64>(entry, 24), load<f64>(entry, 32), load<f64>(entry, 40), load<f64>(entry, 48), s, floor, true);
  const d = f32x4.demote_f64x2_zero(mul(gi, DT));
  store<f32>(dx + o1, f32x4.extract_lane(d, 1));
  store<f32>(dx + o0, f32x4.extract_lane(d, 0));
  const both = o1 != o0;
  sumC1 = addLanes(sumC1, mul(gi, DC1), both);
  sumC2 = addLanes(sumC2, mul(gi, DC2), both);
  let da = DA, db = DB, dc = DC;
  const borrowed = <i32>load<f64>(entry, 56);
  if (borrowed != 0) {
    // the nudged neuron, evaluated at the same t: its a-, b- or c-column replaces the current one's
    assemble(<i32>load<f64>(entry, 64), t, load<f64>(entry, 72), load<f64>(entry, 80), load<f64>(entry, 88), load<f64>(entry, 96), load<f64>(entry, 104), s, floor, true);
    if (borrowed & 1) da = DA;
    if (borrowed & 2) db = DB;
    if (borrowed & 4) dc = DC;
  }
  sumA = addLanes(sumA, mul(gi, da), both);
  sumB = addLanes(sumB, mul(gi, db), both);
  sumC = addLanes(sumC, mul(gi, dc), both);
}
