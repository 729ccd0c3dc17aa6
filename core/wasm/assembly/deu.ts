// AssemblyScript source of the DEU loops for float32 tensors (compiled by core/wasm/build.mjs;
// excluded from the TypeScript project). Every subspace runs here:
//   - the two nearly every neuron is in, 1-1-1 with Δ > 0 (real roots) and Δ < 0 (damped
//     oscillation), have loops of their own: core/cpu/deu_fast.ts's, expression for expression in
//     float64, two neurons of one kind at a time — lane 0 of every vector is one neuron, lane 1 the
//     other (or the same one again when it has no partner), each walking its own elements in order;
//   - every other neuron, and the backward pass of one that outward gravitation nudges, runs the
//     generic loops below on deu_subspaces.ts's formulas (deu_solutions.ts's, in the same order),
//     two elements of the neuron at a time.
// exp, sin and cos are vmath.ts's (within an ulp or two of V8's) and a division by a neuron's
// constant is a multiplication by its reciprocal (within an ulp), so results agree with the
// JavaScript kernel to within a few ulps of float32 (tests/wasm/deu.test.ts). The caller keeps ±∞
// inputs (deu_far.ts's path) in JavaScript.
//
// The backward pass needs each element's exponentials again — Q = E(r₋t) and P = E(r₊t) for Δ > 0,
// e = E(−αt), cos ωt and sin ωt for Δ < 0 — which cost most of its time: the forward pass can
// keep them (`saved`: 24 bytes per element of x) and the backward pass reads them instead of
// computing them again. The same values either way, so the same results (tests/wasm/deu.test.ts
// checks both ways bit for bit). They are kept in the order the tiles compute them (keptAt), so
// each thread writes, and later reads, one stream: a pair's vectors u1, u2 (and u3 for Δ < 0),
// element pair after element pair, not shuffled apart into each element's place.
//
// The work comes as a table of neurons (deu_table.ts, which lists neurons of one kind next to each
// other and says what each entry holds), each entry with room for the constants the loops derive. A call takes the
// entries [lo, hi) of the table, so threads split a layer by whole neurons; every lane computes
// its neuron's scalar expressions in its elements' order, so results depend neither on the split
// nor on which neuron shares the other lane.
//
// x is [N, F, S]: neuron f's elements are x[n, f, :] for every n.
import { expBelowCap, sinCosPair, sinOf, sinOrCos } from './vmath';
import { add, capped, clip, deltaFloor, deltaInWindow, deltaNeeded, deltaOutside, div, flushSubnormals, heaviside, k, mul, neg, one, sub, two, whereAbove } from './deu_lanes';
import { ALL_PARTIALS, assemble, COEFFICIENT_PARTIALS, DA, DB, DC, DC1, DC2, DT, NOT_FINITE, OSCILLATION, REAL_ROOTS, VALUE, Y } from './deu_subspaces';
import { gravitate } from './deu_gravitation';
import { anyAtLeast } from './pau';
import { isRealRoots, Oscillation, RealRoots } from './deu_kinds';
import { oscillationG, plusOscillationPhi, plusRealRootsPhi, realRootsG, slopeOf } from './deu_partials';
import {
  CONSTANT_SLOTS, slot, V_BD, V_BW, V_C1, V_C2, V_D, V_D2, V_DB, V_INVC, V_INVD, V_INVDEN, V_NEG_ALPHA, V_OMEGA,
  V_OMEGA_HIGH, V_OMEGA_LOW, V_OSC_A, V_OSC_B, V_OSC_C, V_REAL_A, V_REAL_B, V_REAL_C, V_RMINUS, V_RPLUS, V_SUMS, V_UNIT,
} from './deu_slots';
import { backwardFour, forwardFour, phasesReducible, storeGroupSums, zeroGroupSums } from './deu_single';
import { entryOf, FIELDS, INFINITE_INPUT, kindOf, scratchOf } from './deu_table';

// The 1-1-1 loops run by tiles of rows (rowsPerTile): every pair or group of the call's neurons computes its
// elements of rows [n0, n0 + rows), then all of them the next rows. A neuron's elements are a
// row of x apart (F·S floats: 4096 bytes for 1024 features), so a loop down a whole column touched
// a new page and a new cache line at every element, and it came back to those lines only when it
// walked the next column, by then out of the first-level cache (all rows of a column fall into one
// of its sets). By tiles, neighbouring columns (the neurons next to each other in the table) read
// and write the same cache lines one after the other. Each neuron's elements are still computed in
// order, its sums carried from tile to tile in its unit's block (V_SUMS), so results are bit for bit
// those of whole columns. In bench/deu.ts's training step (trained 1024-16 net, two threads, on an
// Intel Xeon host) the float64 layers' backward pass went from 5.0–6.3 to 3.1–3.3 ms and the forward
// pass from 2.8–3.0 to 2.2–2.3 ms with tiles of 8 rows (then 4, 16 and 32 were slower). Since the
// loops keep their exponentials in the tiles' order and reuse the table, taller tiles pay: fewer
// calls per unit, each loading and saving its sums, for the same lines of x. The trained 256×1024
// layer of bench/deu.ts, two threads, the tile heights interleaved in one process (forward /
// backward ms): float64 loops, 8 rows 1.81 / 2.07, 16 1.77 / 2.02, 24 1.76 / 1.97–1.99, 32 1.76–1.78 /
// 1.99, 48 1.79 / 2.00, 64 1.81 / 2.01 (its initial layer the same way: 8 rows 1.82 / 2.29, 24 1.77 /
// 2.20); float32 loops, 8 rows 1.14 / 1.56–1.61, 16 1.15–1.17 / 1.50–1.56, 24 1.09–1.15 / 1.55–1.62,
// 32 1.14 / 1.56–1.64. In the training step, where the step's other work has just evicted the layer's
// data, the two layers' passes gained less: 0.03 ms a step on average (24 against 8 rows, float64,
// seven interleaved runs). Every height gives the same bits (each neuron's elements stay in order).
const ROWS_DOUBLE = 24, ROWS_SINGLE = 16;
/** The rows per tile of the table's loops: the float32 loops' (deu_single.ts) or the float64 loops'. */
@inline function rowsPerTile(table: usize): i32 {
  return load<f64>(table, 16) != 0 ? ROWS_SINGLE : ROWS_DOUBLE;
}

// gravitateFlagged's list, in the table's scratch bytes (deu_table.ts): LIST bytes per item
const LIST: usize = 16;

/**
 * The n float32 values at p with those below the normal range (|v| < 2^−126) flushed to ±0 of
 * their sign (core/cpu/deu.ts says why): for the layer's coefficient gradients, which the
 * JavaScript loop took 0.04 ms to do for a 1024-neuron layer.
 */
export function flushSubnormalsF32(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = p + (<usize>i << 2);
    v128.store(at, flushSubnormals(v128.load(at)));
  }
  for (; i < n; i++) {
    const at = p + (<usize>i << 2);
    store<f32>(at, f32x4.extract_lane(flushSubnormals(f32x4.splat(load<f32>(at))), 0));
  }
}

@inline function at(n: i32, f: i32, F: i32, S: i32): usize {
  return <usize>((n * F + f) * S) << 2;
}

@inline function setSlot(v: usize, slot: usize, value: f64): void {
  v128.store(v + (slot << 4), k(value));
}

/**
 * The constant block of two 1-1-1 neurons of one kind, at the first's entry: lane 0 of each slot
 * the first's constant, lane 1 the second's.
 */
function loadTwo(first: usize, second: usize): usize {
  const v = first + FIELDS;
  writeConstants(first);
  if (second == first) return v;
  writeConstants(second);
  const w = second + FIELDS;
  for (let i: usize = 0; i < CONSTANT_SLOTS; i++) v128.store(v + (i << 4), v128.shuffle<f64>(slot(v, i), slot(w, i), 0, 2));
  return v;
}

/**
 * The constant block of four 1-1-1 neurons of one kind (entries e0 … e3, repeated where fewer) for
 * the float32 loops, at e0's entry: slot i as f32x4, lane k e_k's constant (computed in float64,
 * then rounded), and ω of the four in float64 (V_OMEGA_LOW, V_OMEGA_HIGH).
 */
function packFour(e0: usize, e1: usize, e2: usize, e3: usize): usize {
  writeConstants(e0);
  if (e1 != e0) writeConstants(e1);
  if (e2 != e1) writeConstants(e2);
  if (e3 != e2) writeConstants(e3);
  const v0 = e0 + FIELDS, v1 = e1 + FIELDS, v2 = e2 + FIELDS, v3 = e3 + FIELDS;
  const omega: usize = V_OMEGA << 4;
  v128.store(v0 + (V_OMEGA_LOW << 4), f64x2.replace_lane(k(load<f64>(v0 + omega)), 1, load<f64>(v1 + omega)));
  v128.store(v0 + (V_OMEGA_HIGH << 4), f64x2.replace_lane(k(load<f64>(v2 + omega)), 1, load<f64>(v3 + omega)));
  for (let i: usize = 0; i < CONSTANT_SLOTS; i++) {
    const at = i << 4; // all four read before v0's slot i is overwritten (e1 … e3 may be e0)
    const c0 = <f32>load<f64>(v0 + at), c1 = <f32>load<f64>(v1 + at), c2 = <f32>load<f64>(v2 + at), c3 = <f32>load<f64>(v3 + at);
    v128.store(v0 + at, f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(c0), 1, c1), 2, c2), 3, c3));
  }
  return v0;
}

/** The entries of the float32 loops' group at j: up to four neighbours of j's kind in [j, hi), as a count. */
@inline function groupSize(table: usize, j: i32, hi: i32, kind: i32): i32 {
  let m = 1;
  while (m < 4 && j + m < hi && kindOf(entryOf(table, j + m)) == kind) m++;
  return m;
}
/** Entry k of the group of m at j (the last one again beyond m). */
@inline function member(table: usize, j: i32, m: i32, k: i32): usize {
  return entryOf(table, j + (k < m ? k : m - 1));
}
/** Byte offset of neuron `entry`'s first element in x. */
@inline function firstOf(entry: usize, F: i32, S: i32): usize {
  return at(0, <i32>load<f64>(entry), F, S);
}

/**
 * Whether the neuron is at rest: c1 = c2 = 0, the reference's initial state, where every c·φ term
 * is 0·(finite) and the backward loops leave it out (unless a NaN t makes it NaN).
 */
@inline function atRest(entry: usize): bool {
  return load<f64>(entry, 40) == 0 && load<f64>(entry, 48) == 0;
}

/**
 * Computes neuron `entry`'s constants (deu_fast.ts's, in float64) and writes them into its block
 * as vectors (both lanes).
 */
function writeConstants(entry: usize): void {
  const A = load<f64>(entry, 16), B = load<f64>(entry, 24), C = load<f64>(entry, 32);
  const v = entry + FIELDS;
  setSlot(v, V_C1, load<f64>(entry, 40));
  setSlot(v, V_C2, load<f64>(entry, 48));
  setSlot(v, V_INVC, 1 / C);
  if (kindOf(entry) == REAL_ROOTS) {
    const D = Math.sqrt(B * B - 4 * A * C), rPlus = (-B + D) / (2 * A), rMinus = (-B - D) / (2 * A);
    setSlot(v, V_INVD, 1 / D);
    setSlot(v, V_RPLUS, rPlus);
    setSlot(v, V_RMINUS, rMinus);
    setSlot(v, V_BD, B + D);
    setSlot(v, V_DB, D - B);
    setSlot(v, V_D, D);
    setSlot(v, V_D2, 2 * D);
    setSlot(v, V_INVDEN, 1 / (2 * D * D * C));
    const Da = (-2 * C) / D, Dbb = B / D, Dc = (-2 * A) / D;
    realRootsPartials(v, V_REAL_A, Da, Da, Da, Da / (2 * A) - rPlus / A, -Da / (2 * A) - rMinus / A);
    realRootsPartials(v, V_REAL_B, Dbb, 1 + Dbb, Dbb - 1, (-1 + Dbb) / (2 * A), (-1 - Dbb) / (2 * A));
    realRootsPartials(v, V_REAL_C, Dc, Dc, Dc, Dc / (2 * A), -Dc / (2 * A));
  } else {
    const W = Math.sqrt(4 * A * C - B * B), W3 = W * W * W, alpha = B / (2 * A), omega = W / (2 * A);
    setSlot(v, V_INVD, 1 / W);
    setSlot(v, V_NEG_ALPHA, -alpha);
    setSlot(v, V_OMEGA, omega);
    setSlot(v, V_BW, B / W);
    oscillationPartials(v, V_OSC_A, -alpha / A, C / (A * W) - omega / A, (-2 * B * C) / W3);
    oscillationPartials(v, V_OSC_B, 1 / (2 * A), -B / (2 * A * W), (4 * A * C) / W3);
    oscillationPartials(v, V_OSC_C, 0, 1 / W, (-2 * A * B) / W3);
  }
}

@inline function realRootsPartials(v: usize, at: usize, dD: f64, dSum: f64, dDiff: f64, dPlus: f64, dMinus: f64): void {
  setSlot(v, at, dD);
  setSlot(v, at + 1, dSum);
  setSlot(v, at + 2, dDiff);
  setSlot(v, at + 3, dPlus);
  setSlot(v, at + 4, dMinus);
}

@inline function oscillationPartials(v: usize, at: usize, dAlpha: f64, dOmega: f64, dBw: f64): void {
  setSlot(v, at, dAlpha);
  setSlot(v, at + 1, dOmega);
  setSlot(v, at + 2, dBw);
}

// An element pair's exponentials, u1, u2, u3: Q = E(r₋t), P = E(r₊t) (and u3 unused) for Δ > 0;
// e = E(−αt), cos ωt, sin ωt for Δ < 0. Passed as arguments, never kept in globals: V8 keeps a
// vector global in memory, and a store and a load on every element's critical path cost more
// than their arithmetic.

// With `apart`, sin and cos are computed by vmath's sinOrCos, each on its own (the inlined pair's
// shared arithmetic is merged), not by sinCosPair and its global for sin: the backward loop, whose
// recomputing path this is, runs a quarter slower in V8 when that global is anywhere in it.

/** u1 at the pair t, for the two neurons whose constants are at v. */
@inline function exponential1(v: usize, real: bool, t: v128): v128 {
  return expBelowCap(capped(mul(slot(v, real ? V_RMINUS : V_NEG_ALPHA), t)));
}
/** u2: P, or cos ωt. */
@inline function exponential2(v: usize, real: bool, t: v128, apart: bool): v128 {
  if (real) return expBelowCap(capped(mul(slot(v, V_RPLUS), t)));
  const x = mul(slot(v, V_OMEGA), t);
  return apart ? sinOrCos(x, false) : sinCosPair(x);
}
/** u3: 0, or sin ωt (after exponential2's cos ωt unless `apart`). */
@inline function exponential3(v: usize, real: bool, t: v128, apart: bool): v128 {
  if (real) return k(0);
  return apart ? sinOrCos(mul(slot(v, V_OMEGA), t), true) : sinOf();
}

/** y at the pair t (before the clip), H·g + c1·φ1 + c2·φ2. */
@inline function value(v: usize, real: bool, t: v128, u1: v128, u2: v128, u3: v128): v128 {
  if (real) {
    const Q = u1, P = u2;
    const g = mul(sub(one(), div(add(mul(slot(v, V_BD), P), mul(slot(v, V_DB), Q)), slot(v, V_D2))), slot(v, V_INVC));
    return add(add(mul(heaviside(t), g), mul(slot(v, V_C1), Q)), mul(slot(v, V_C2), P));
  }
  const E = u1, COS = u2, SIN = u3;
  const g = mul(sub(one(), mul(E, add(COS, mul(slot(v, V_BW), SIN)))), slot(v, V_INVC));
  return add(add(mul(heaviside(t), g), mul(slot(v, V_C1), mul(E, COS))), mul(slot(v, V_C2), mul(E, SIN)));
}

/**
 * Where the unit at entry j keeps its exponentials for the rows [n0, n1) (0: it keeps none). The
 * tile's rows take `bytes` per element of all F neurons (24 for the float64 loops, 12 for the
 * float32 ones), bytes·S·F·(n1 − n0) from saved + bytes·S·F·n0, and within them entry j's part
 * starts at bytes·S·(n1 − n0)·j. A float64 pair's (entries j, j + 1) is 48 bytes per element pair,
 * a float32 group's of four 48 bytes per element group: room for three vectors (two for Δ > 0). A
 * unit of fewer neurons keeps nothing (its part could not hold them): the backward pass computes
 * them again.
 */
@inline function keptAt(saved: usize, bytes: usize, j: i32, end: i32, n0: i32, n1: i32, F: i32, S: i32): usize {
  if (saved == 0 || <usize>(end - j) * bytes < 48) return 0;
  return saved + bytes * <usize>S * (<usize>F * <usize>n0 + <usize>j * <usize>(n1 - n0));
}
/** The bytes a pair of kind `real` keeps per element pair. */
@inline function keptStride(real: bool): usize {
  return real ? 32 : 48;
}

@inline function storePair(y: usize, o0: usize, o1: usize, v: v128): void {
  const r = flushSubnormals(f32x4.demote_f64x2_zero(clip(v)));
  store<f32>(y + o1, f32x4.extract_lane(r, 1));
  store<f32>(y + o0, f32x4.extract_lane(r, 0)); // o0 last: a lone element is sent as (o0, o0)
}

/** Entry j's partner for the two-neuron loops: entry j + 1 if it is in the range and of j's kind, else j itself. */
@inline function partnerOf(table: usize, j: i32, hi: i32, kind: i32): i32 {
  return j + 1 < hi && kindOf(entryOf(table, j + 1)) == kind ? j + 1 : j;
}

// The units of work of a call: a neuron of the generic loops, a float64 pair of 1-1-1 neurons of
// one kind (or one alone), or a float32 group of up to four (or, run whole in the first pass, a
// neuron with a coefficient that is not finite, or a float32 group the float64 loops take). The
// first pass writes each unit's record at its first neuron's block (V_UNIT), which the tiles read:
// int32s end (the entry after the unit), mode (below), o0 … o3 (each lane's neuron's first
// element in x, in bytes), rest (all its neurons at rest) and, for a backward pair, how many of its
// element pairs in the last tile needed δ_s's exponential.
const WHOLE = 0, PAIR_REAL = 1, PAIR_OSCILLATION = 2, FOUR_REAL = 3, FOUR_OSCILLATION = 4, GENERIC = 5; // WHOLE: done in the first pass

@inline function recordOf(table: usize, j: i32): usize {
  return entryOf(table, j) + FIELDS + (V_UNIT << 4);
}
function writeRecord(table: usize, j: i32, end: i32, mode: i32, e0: usize, e1: usize, e2: usize, e3: usize, F: i32, S: i32): void {
  const r = recordOf(table, j);
  store<i32>(r, end);
  store<i32>(r, mode, 4);
  store<u32>(r, <u32>firstOf(e0, F, S), 8);
  store<u32>(r, <u32>firstOf(e1, F, S), 12);
  store<u32>(r, <u32>firstOf(e2, F, S), 16);
  store<u32>(r, <u32>firstOf(e3, F, S), 20);
  store<i32>(r, atRest(e0) && atRest(e1) && atRest(e2) && atRest(e3) ? 1 : 0, 24);
  store<i32>(r, 0, 28); // the backward tiles' count of pairs that needed δ_s's exponential (backwardRows)
}

/**
 * The first pass over entries [lo, hi): writes each unit's record and each 1-1-1 unit's constants
 * (loadTwo, packFour); for the backward pass finds outward gravitation where it is to be found
 * and zeroes each generic neuron's sums; runs a neuron with a coefficient that is not finite whole
 * (every output NaN), and, in float32 arithmetic, a group whose phases are beyond
 * vmath_single.ts's reduction whole by the float64 loops, two by two (the same test on the same x
 * in both passes). `out` is y forward, dx with `backward`.
 */
function firstPass(table: usize, lo: i32, hi: i32, backward: bool, g: usize, x: usize, out: usize, N: i32, F: i32, S: i32, sums: usize): void {
  const s = load<f64>(table), single = load<f64>(table, 16) != 0, floor = deltaFloor(s);
  if (backward) gravitateFlagged(table, lo, hi, x, N, F, S);
  for (let j = lo; j < hi; ) {
    const entry = entryOf(table, j), kind = kindOf(entry);
    if (kind == NOT_FINITE) {
      if (backward) backwardGeneric(entry, s, floor, g, x, out, N, F, S, sums);
      else forwardNeuron(entry, s, x, out, 0, N, F, S);
      writeRecord(table, j, j + 1, WHOLE, entry, entry, entry, entry, F, S);
      j++;
    } else if (kind > OSCILLATION || (backward && load<f64>(entry, 56) != 0)) {
      if (backward) {
        sumA = sumB = sumC = sumC1 = sumC2 = 0;
        saveNeuronSums(entry);
      }
      writeRecord(table, j, j + 1, GENERIC, entry, entry, entry, entry, F, S);
      j++;
    } else if (single) {
      const m = groupSize(table, j, hi, kind), e1 = member(table, j, m, 1), e2 = member(table, j, m, 2), e3 = member(table, j, m, 3);
      const v = packFour(entry, e1, e2, e3);
      const reducible = kind == REAL_ROOTS || phasesReducible(v, x, firstOf(entry, F, S), firstOf(e1, F, S), firstOf(e2, F, S), firstOf(e3, F, S), N, F, S);
      if (reducible && backward) zeroGroupSums(v);
      if (!reducible && backward) {
        backwardTwoWithSums(entry, e1, s, floor, g, x, out, N, F, S, sums);
        if (e2 != e1) backwardTwoWithSums(e2, e3, s, floor, g, x, out, N, F, S, sums);
      } else if (!reducible) {
        forwardTwo(entry, e1, x, out, N, F, S);
        if (e2 != e1) forwardTwo(e2, e3, x, out, N, F, S);
      }
      writeRecord(table, j, j + m, !reducible ? WHOLE : kind == REAL_ROOTS ? FOUR_REAL : FOUR_OSCILLATION, entry, e1, e2, e3, F, S);
      j += m;
    } else {
      const partner = partnerOf(table, j, hi, kind), second = entryOf(table, partner);
      const v = loadTwo(entry, second);
      if (backward) {
        lanesA = lanesB = lanesC = lanesC1 = lanesC2 = k(0);
        saveLaneSums(v);
      }
      writeRecord(table, j, partner + 1, kind == REAL_ROOTS ? PAIR_REAL : PAIR_OSCILLATION, entry, second, second, second, F, S);
      j = partner + 1;
    }
  }
}

/** Whether the rows [n0, n0 + rows) of x (if any) hold ±∞; if so, sets the header's INFINITE_INPUT. */
function infiniteInTile(table: usize, x: usize, n0: i32, rows: i32, N: i32, F: i32, S: i32): bool {
  if (n0 >= N || !anyAtLeast(x + at(n0, 0, F, S), (min(N, n0 + rows) - n0) * F * S, Infinity)) return false;
  store<f64>(table, 1, INFINITE_INPUT);
  return true;
}

/**
 * y for the neurons [lo, hi) of the table; with `saved` ≠ 0, each 1-1-1 element's exponentials
 * there too. If x holds ±∞, sets the header's INFINITE_INPUT and stops (y is then incomplete).
 */
export function deuForwardTable(table: usize, lo: i32, hi: i32, x: usize, y: usize, N: i32, F: i32, S: i32, saved: usize): void {
  const rows = rowsPerTile(table);
  if (infiniteInTile(table, x, 0, rows, N, F, S)) return;
  firstPass(table, lo, hi, false, 0, x, y, N, F, S, 0);
  const s = load<f64>(table);
  const bytes: usize = load<f64>(table, 16) != 0 ? 12 : 24;
  for (let n0 = 0; n0 < N; n0 += rows) {
    const n1 = min(N, n0 + rows);
    // the next tile's rows (the first tile's were scanned before the first pass, which reads x too)
    if (infiniteInTile(table, x, n1, rows, N, F, S)) return;
    for (let j = lo; j < hi; ) {
      const r = recordOf(table, j), mode = load<i32>(r, 4), v = r - (V_UNIT << 4);
      const o0 = <usize>load<u32>(r, 8), o1 = <usize>load<u32>(r, 12), kept = keptAt(saved, bytes, j, load<i32>(r), n0, n1, F, S);
      if (mode == PAIR_REAL) forwardTwoOf<RealRoots>(v, o0, o1, x, y, n0, n1, F, S, kept);
      else if (mode == PAIR_OSCILLATION) forwardTwoOf<Oscillation>(v, o0, o1, x, y, n0, n1, F, S, kept);
      else if (mode == GENERIC) forwardNeuron(entryOf(table, j), s, x, y, n0, n1, F, S);
      else if (mode != WHOLE) forwardFour(v, mode == FOUR_REAL, o0, o1, <usize>load<u32>(r, 16), <usize>load<u32>(r, 20), x, y, n0, n1, F, S, kept);
      j = load<i32>(r);
    }
  }
}

/** y for two 1-1-1 neurons of one kind, or one neuron twice, every row (keeping nothing). */
function forwardTwo(first: usize, second: usize, x: usize, y: usize, N: i32, F: i32, S: i32): void {
  const v = loadTwo(first, second), o0 = firstOf(first, F, S), o1 = firstOf(second, F, S);
  if (kindOf(first) == REAL_ROOTS) forwardTwoOf<RealRoots>(v, o0, o1, x, y, 0, N, F, S, 0);
  else forwardTwoOf<Oscillation>(v, o0, o1, x, y, 0, N, F, S, 0);
}
/**
 * forwardTwo's loop over the rows [n0, n1), compiled once per kind K (deu_kinds.ts), for the
 * constants at v and the neurons whose first elements are at o0 and o1 in x.
 */
function forwardTwoOf<K>(v: usize, o0: usize, o1: usize, x: usize, y: usize, n0: i32, n1: i32, F: i32, S: i32, kept: usize): void {
  const real = isRealRoots<K>();
  const row = <usize>(F * S) << 2, run = <usize>S << 2, start = <usize>n0 * row;
  o0 += start;
  o1 += start;
  for (let n = n0; n < n1; n++, o0 += row, o1 += row) {
    for (let i: usize = 0; i < run; i += 4) {
      const t = f64x2.replace_lane(k(<f64>load<f32>(x + o0 + i)), 1, <f64>load<f32>(x + o1 + i));
      const u1 = exponential1(v, real, t), u2 = exponential2(v, real, t, false), u3 = exponential3(v, real, t, false);
      storePair(y, o0 + i, o1 + i, value(v, real, t, u1, u2, u3));
      if (kept != 0) {
        v128.store(kept, u1);
        v128.store(kept, u2, 16);
        if (!real) v128.store(kept, u3, 32);
        kept += keptStride(real);
      }
    }
  }
}

/**
 * y for the rows [n0, n1) of one neuron of any kind by deu_subspaces.ts's assemble(), its elements
 * in pairs (a lone last element as (o0, o0)). A tile's rows·S elements are an even count, so the
 * pairs are those of the whole column, whatever the tiles: only its very last element can be alone.
 */
function forwardNeuron(entry: usize, s: f64, x: usize, y: usize, n0: i32, n1: i32, F: i32, S: i32): void {
  const f = <i32>load<f64>(entry), kind = kindOf(entry);
  const a = load<f64>(entry, 16), b = load<f64>(entry, 24), c = load<f64>(entry, 32), c1 = load<f64>(entry, 40), c2 = load<f64>(entry, 48);
  let pending: usize = -1, tPending: f64 = 0;
  for (let n = n0; n < n1; n++) {
    const base = at(n, f, F, S);
    for (let i = 0; i < S; i++) {
      const o = base + (<usize>i << 2);
      const t = <f64>load<f32>(x + o);
      if (kind == NOT_FINITE) {
        store<f32>(y + o, NaN);
        continue;
      }
      if (pending == -1) {
        pending = o;
        tPending = t;
        continue;
      }
      assemble(kind, f64x2.replace_lane(k(tPending), 1, t), a, b, c, c1, c2, s, 0, VALUE);
      storePair(y, pending, o, Y);
      pending = -1;
    }
  }
  if (pending == -1) return;
  assemble(kind, k(tPending), a, b, c, c1, c2, s, 0, VALUE);
  storePair(y, pending, pending, Y);
}

// The five coefficient-gradient sums: of the two neurons being computed, lane by lane (lanes*),
// and of a generic neuron (sum*, scalars), each added to element by element in the neuron's order.
let sumA: f64 = 0, sumB: f64 = 0, sumC: f64 = 0, sumC1: f64 = 0, sumC2: f64 = 0;
let lanesA: v128 = k(0), lanesB: v128 = k(0), lanesC: v128 = k(0), lanesC1: v128 = k(0), lanesC2: v128 = k(0);

/** A pair's lane sums, carried from tile to tile in its block (V_SUMS). */
@inline function loadLaneSums(v: usize): void {
  lanesA = slot(v, V_SUMS);
  lanesB = slot(v, V_SUMS + 1);
  lanesC = slot(v, V_SUMS + 2);
  lanesC1 = slot(v, V_SUMS + 3);
  lanesC2 = slot(v, V_SUMS + 4);
}
@inline function saveLaneSums(v: usize): void {
  v128.store(v + (V_SUMS << 4), lanesA);
  v128.store(v + ((V_SUMS + 1) << 4), lanesB);
  v128.store(v + ((V_SUMS + 2) << 4), lanesC);
  v128.store(v + ((V_SUMS + 3) << 4), lanesC1);
  v128.store(v + ((V_SUMS + 4) << 4), lanesC2);
}

@inline function addLanes(sum: f64, v: v128, both: bool): f64 {
  sum += f64x2.extract_lane(v, 0);
  return both ? sum + f64x2.extract_lane(v, 1) : sum;
}

/** g at the pair, the particular solution's part of y (H·g), from the pair's exponentials. */
@inline function particular(v: usize, real: bool, u1: v128, u2: v128, u3: v128): v128 {
  if (real) return mul(sub(one(), div(add(mul(slot(v, V_BD), u2), mul(slot(v, V_DB), u1)), slot(v, V_D2))), slot(v, V_INVC));
  return mul(sub(one(), mul(u1, add(u2, mul(slot(v, V_BW), u3)))), slot(v, V_INVC));
}

/** x's gradient at the pair before the multiplication by g (deu_partials.ts's slopeOf), given δ_s (dlt) and g (gg). */
@inline function slopeOfPair(v: usize, real: bool, rest: bool, t: v128, dlt: v128, gg: v128, u1: v128, u2: v128, u3: v128): v128 {
  // the c·φ terms are left out at rest, unless a NaN t makes them NaN
  const phiTerms = !rest || !i64x2.all_true(f64x2.eq(t, t));
  return slopeOf<f64>(v, real, phiTerms, heaviside(t), two(), dlt, gg, u1, u2, u3);
}

/**
 * x's gradient at the pair before the multiplication by g (slopeOfPair, with δ_s = dlt), with the five
 * coefficient gradients g·(∂y/∂a, ∂y/∂b, ∂y/∂c, φ1, φ2), clipped, added to the lane sums
 * (∂y/∂θ = H·g_θ + c1·∂φ1/∂θ + c2·∂φ2/∂θ, g_θ only where t > 0); u1, u2, u3 the pair's exponentials.
 */
@inline function backwardPair(v: usize, real: bool, rest: bool, t: v128, gi: v128, dlt: v128, u1: v128, u2: v128, u3: v128): v128 {
  // the c·φ terms are left out at rest, unless a NaN t makes them NaN
  const phiTerms = !rest || !i64x2.all_true(f64x2.eq(t, t));
  // H·g_θ: g_θ where t > 0, +0 elsewhere (whereAbove; H = 1 there, so no multiplication by H),
  // computed for every pair: a branch on the pair's signs, taken at random, cost more than it saved
  const gg = particular(v, real, u1, u2, u3);
  let phi1: v128, phi2: v128, ra: v128, rb: v128, rc: v128;
  if (real) {
    const Q = u1, P = u2;
    const Nn = add(mul(slot(v, V_BD), P), mul(slot(v, V_DB), Q));
    const bDt = mul(slot(v, V_BD), t), Dbt = mul(slot(v, V_DB), t);
    ra = whereAbove(t, realRootsG<f64>(v, V_REAL_A, false, Q, P, Nn, bDt, Dbt, gg));
    rb = whereAbove(t, realRootsG<f64>(v, V_REAL_B, false, Q, P, Nn, bDt, Dbt, gg));
    rc = whereAbove(t, realRootsG<f64>(v, V_REAL_C, true, Q, P, Nn, bDt, Dbt, gg));
    if (phiTerms) {
      ra = plusRealRootsPhi<f64>(v, V_REAL_A, ra, t, Q, P);
      rb = plusRealRootsPhi<f64>(v, V_REAL_B, rb, t, Q, P);
      rc = plusRealRootsPhi<f64>(v, V_REAL_C, rc, t, Q, P);
    }
    phi1 = Q;
    phi2 = P;
  } else {
    const E = u1, COS = u2, SIN = u3;
    const K = add(COS, mul(slot(v, V_BW), SIN));
    const dK = add(neg(SIN), mul(slot(v, V_BW), COS)), tEK = mul(mul(t, E), K);
    ra = whereAbove(t, oscillationG<f64>(v, V_OSC_A, false, t, E, SIN, dK, tEK, gg));
    rb = whereAbove(t, oscillationG<f64>(v, V_OSC_B, false, t, E, SIN, dK, tEK, gg));
    rc = whereAbove(t, oscillationG<f64>(v, V_OSC_C, true, t, E, SIN, dK, tEK, gg));
    if (phiTerms) {
      const et = mul(E, t);
      ra = plusOscillationPhi<f64>(v, V_OSC_A, false, ra, et, COS, SIN);
      rb = plusOscillationPhi<f64>(v, V_OSC_B, false, rb, et, COS, SIN);
      rc = plusOscillationPhi<f64>(v, V_OSC_C, true, rc, et, COS, SIN);
    }
    phi1 = mul(E, COS);
    phi2 = mul(E, SIN);
  }
  lanesA = add(lanesA, mul(gi, clip(ra)));
  lanesB = add(lanesB, mul(gi, clip(rb)));
  lanesC = add(lanesC, mul(gi, clip(rc)));
  lanesC1 = add(lanesC1, mul(gi, clip(phi1)));
  lanesC2 = add(lanesC2, mul(gi, clip(phi2)));
  return slopeOfPair(v, real, rest, t, dlt, gg, u1, u2, u3);
}

@inline function storeSums(sums: usize, f: i32, a: f64, b: f64, c: f64, c1: f64, c2: f64): void {
  const out = sums + <usize>f * 40;
  store<f64>(out, a);
  store<f64>(out, b, 8);
  store<f64>(out, c, 16);
  store<f64>(out, c1, 24);
  store<f64>(out, c2, 32);
}

/**
 * dx for the neurons [lo, hi) of the table, and their five coefficient-gradient sums (a, b, c, c1,
 * c2), float64, at sums + 40·f for neuron f; with `saved` ≠ 0, the exponentials deuForwardTable
 * kept there for this x and table.
 */
export function deuBackwardTable(table: usize, lo: i32, hi: i32, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32, sums: usize, saved: usize): void {
  const s = load<f64>(table), floor = deltaFloor(s), bytes: usize = load<f64>(table, 16) != 0 ? 12 : 24, rows = rowsPerTile(table);
  firstPass(table, lo, hi, true, g, x, dx, N, F, S, sums);
  for (let n0 = 0; n0 < N; n0 += rows) {
    const n1 = min(N, n0 + rows);
    for (let j = lo; j < hi; ) {
      const r = recordOf(table, j), mode = load<i32>(r, 4), v = r - (V_UNIT << 4);
      const o0 = <usize>load<u32>(r, 8), o1 = <usize>load<u32>(r, 12), resting = load<i32>(r, 24) != 0, kept = keptAt(saved, bytes, j, load<i32>(r), n0, n1, F, S);
      if (mode == PAIR_REAL || mode == PAIR_OSCILLATION) {
        loadLaneSums(v);
        // δ_s's exponential for every pair when half of the unit's pairs in its last tile needed it
        const always = load<i32>(r, 28) * 2 > rows * S;
        store<i32>(r, mode == PAIR_REAL
          ? backwardRows<RealRoots>(v, resting, o0, o1, s, floor, g, x, dx, n0, n1, F, S, kept, always)
          : backwardRows<Oscillation>(v, resting, o0, o1, s, floor, g, x, dx, n0, n1, F, S, kept, always), 28);
        saveLaneSums(v);
      } else if (mode == GENERIC) {
        const entry = entryOf(table, j);
        loadNeuronSums(entry);
        backwardNeuron(entry, s, floor, g, x, dx, n0, n1, F, S);
        saveNeuronSums(entry);
      } else if (mode != WHOLE) {
        backwardFour(v, mode == FOUR_REAL, resting, o0, o1, <usize>load<u32>(r, 16), <usize>load<u32>(r, 20), s, floor, g, x, dx, n0, n1, N, F, S, kept);
      }
      j = load<i32>(r);
    }
  }
  // each neuron's sums, from its unit's block
  for (let j = lo; j < hi; ) {
    const r = recordOf(table, j), mode = load<i32>(r, 4), v = r - (V_UNIT << 4), end = load<i32>(r);
    if (mode == GENERIC) {
      const entry = entryOf(table, j);
      loadNeuronSums(entry);
      storeSums(sums, <i32>load<f64>(entry), sumA, sumB, sumC, sumC1, sumC2);
    } else if (mode == PAIR_REAL || mode == PAIR_OSCILLATION) {
      loadLaneSums(v);
      storeLanes(sums, entryOf(table, j), entryOf(table, end - 1));
    } else if (mode != WHOLE) {
      const m = end - j;
      storeGroupSums(v, sums, entryOf(table, j), member(table, j, m, 1), member(table, j, m, 2), member(table, j, m, 3));
    }
    j = end;
  }
}

/** dx and the sums for a neuron of the generic loops, every row at once (one with a coefficient that is not finite). */
function backwardGeneric(entry: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32, sums: usize): void {
  sumA = sumB = sumC = sumC1 = sumC2 = 0;
  backwardNeuron(entry, s, floor, g, x, dx, 0, N, F, S);
  storeSums(sums, <i32>load<f64>(entry), sumA, sumB, sumC, sumC1, sumC2);
}

/** A generic neuron's sums, carried from tile to tile in its block (V_SUMS, as float64 scalars). */
@inline function loadNeuronSums(entry: usize): void {
  const at = entry + FIELDS + (V_SUMS << 4);
  sumA = load<f64>(at);
  sumB = load<f64>(at, 8);
  sumC = load<f64>(at, 16);
  sumC1 = load<f64>(at, 24);
  sumC2 = load<f64>(at, 32);
}
@inline function saveNeuronSums(entry: usize): void {
  const at = entry + FIELDS + (V_SUMS << 4);
  store<f64>(at, sumA);
  store<f64>(at, sumB, 8);
  store<f64>(at, sumC, 16);
  store<f64>(at, sumC1, 24);
  store<f64>(at, sumC2, 32);
}

/** backwardTwo and the two neurons' sums (one neuron's when second is first). */
function backwardTwoWithSums(first: usize, second: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32, sums: usize): void {
  lanesA = lanesB = lanesC = lanesC1 = lanesC2 = k(0);
  backwardTwo(first, second, s, floor, g, x, dx, N, F, S);
  storeLanes(sums, first, second);
}

/** The lane sums into neuron first's (lane 0) and second's (lane 1) places at sums (first's only when second is first). */
function storeLanes(sums: usize, first: usize, second: usize): void {
  storeSums(sums, <i32>load<f64>(first), f64x2.extract_lane(lanesA, 0), f64x2.extract_lane(lanesB, 0), f64x2.extract_lane(lanesC, 0), f64x2.extract_lane(lanesC1, 0), f64x2.extract_lane(lanesC2, 0));
  if (second != first) storeSums(sums, <i32>load<f64>(second), f64x2.extract_lane(lanesA, 1), f64x2.extract_lane(lanesB, 1), f64x2.extract_lane(lanesC, 1), f64x2.extract_lane(lanesC1, 1), f64x2.extract_lane(lanesC2, 1));
}

/** For the tests: outward gravitation alone (gravitateFlagged) for the flagged neurons among [lo, hi) of the table. */
export function deuGravitateTable(table: usize, lo: i32, hi: i32, x: usize, N: i32, F: i32, S: i32): void {
  gravitateFlagged(table, lo, hi, x, N, F, S);
}

/**
 * Outward gravitation (deu_gravitation.ts) for each entry of [lo, hi) flagged −1, with the sums of
 * their inputs (t* is their mean) taken row by row from a list of the flagged neurons (the table's
 * LIST bytes per neuron, from lo on: each its entry, its first element's place in x and its sum).
 * A neuron's elements are a row of x apart (4 KiB for 1024 features): walking each column touched
 * a new page at every element, and took 0.2 ms for the 36 such neurons of the trained 1024-16
 * net's first layer on the Intel host. Each sum still adds its column's elements in order, n then
 * i, so t* is JavaScript's bit for bit (and float32 inputs cannot overflow it).
 */
function gravitateFlagged(table: usize, lo: i32, hi: i32, x: usize, N: i32, F: i32, S: i32): void {
  const list = scratchOf(table, F, lo);
  let count: usize = 0;
  for (let j = lo; j < hi; j++) {
    const entry = entryOf(table, j);
    if (load<f64>(entry, 56) != -1) continue;
    const item = list + count++ * LIST;
    store<i32>(item, j);
    store<u32>(item, <u32>firstOf(entry, F, S), 4);
    store<f64>(item, 0, 8);
  }
  if (count == 0) return;
  const row = <usize>(F * S) << 2;
  for (let n = 0; n < N; n++) {
    for (let q: usize = 0; q < count; q++) {
      const item = list + q * LIST, first = x + <usize>n * row + <usize>load<u32>(item, 4);
      let sum = load<f64>(item, 8);
      for (let i = 0; i < S; i++) sum += <f64>load<f32>(first + (<usize>i << 2));
      store<f64>(item, sum, 8);
    }
  }
  const eps = load<f64>(table, 8), s = load<f64>(table);
  for (let q: usize = 0; q < count; q++) {
    const item = list + q * LIST;
    gravitate(entryOf(table, load<i32>(item)), load<f64>(item, 8), N * S, eps, s);
  }
}

/** dx and the lane sums for two 1-1-1 neurons of one kind (or one neuron twice), as forwardTwo. */
function backwardTwo(first: usize, second: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32): void {
  const v = loadTwo(first, second), o0 = firstOf(first, F, S), o1 = firstOf(second, F, S), rest = atRest(first) && atRest(second);
  if (kindOf(first) == REAL_ROOTS) backwardRows<RealRoots>(v, rest, o0, o1, s, floor, g, x, dx, 0, N, F, S, 0, false);
  else backwardRows<Oscillation>(v, rest, o0, o1, s, floor, g, x, dx, 0, N, F, S, 0, false);
}

// δ_s(t) = s·e/(1 + e)², e = E(−s·t), takes an exponential and a division, yet it needs them
// only where −s·t is between NEGLIGIBLE and the cap (−0.14 < t < 0.42 at s = 100: 6 % of the
// elements of bench/deu.ts's trained layer, 11 % of its pairs): from the cap on it is the constant
// floor, and past NEGLIGIBLE it is below s·2^−60 (deu_lanes.ts's deltaOutside takes it as 0 there;
// its term δ_s·g is then under 2^−60·s·|g|, against a gradient stored in float32). So each pair
// takes deltaOutside, and only a pair with a lane in between computes the exponential (deltaInWindow in
// those lanes). An earlier version noted such pairs in a mask and computed their dx again after
// the loop, with no branch taken at random; since exp takes a table (vmath.ts), the branch costs
// less than computing those pairs again: the trained layer's backward pass 3–4 % faster, one
// thread. At the reference's initialisation, though, pre-activations are small and 60 % of the
// pairs need the exponential (−s·t in the window for 37 % of the elements): the branch, taken at
// random, then costs more than computing δ_s for every pair (one thread, backward 4.8 → 4.4 ms;
// the trained layer the other way, 4.1 → 4.9 ms). So a unit computes it for every pair of a tile
// when more than half of its pairs needed it in its last tile, and tests each pair otherwise. The
// values are the same either way (δ_s computed in exactly the lanes that need it). The outputs of the
// tests' layers and the bench's are bit for bit what exact δ_s gave.

/**
 * dx and the lane sums for the rows [n0, n1) of a pair (its constants at v), compiled once per
 * kind K (deu_kinds.ts), as forwardTwoOf; with `kept` ≠ 0 the pair's exponentials are read there.
 * With `always`, δ_s's exponential for every element pair (see above). Returns how many element
 * pairs needed it.
 */
function backwardRows<K>(v: usize, resting: bool, o0: usize, o1: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, n0: i32, n1: i32, F: i32, S: i32, kept: usize, always: bool): i32 {
  const real = isRealRoots<K>();
  let count = 0;
  const row = <usize>(F * S) << 2, run = <usize>S << 2, start = <usize>n0 * row;
  o0 += start;
  o1 += start;
  for (let n = n0; n < n1; n++, o0 += row, o1 += row) {
    for (let i: usize = 0; i < run; i += 4) {
      const a0 = o0 + i, a1 = o1 + i;
      const t = f64x2.replace_lane(k(<f64>load<f32>(x + a0)), 1, <f64>load<f32>(x + a1));
      const gi = f64x2.replace_lane(k(<f64>load<f32>(g + a0)), 1, <f64>load<f32>(g + a1));
      let u1: v128, u2: v128, u3: v128;
      if (kept != 0) {
        // what the forward pass kept for the pair (keptAt)
        u1 = v128.load(kept);
        u2 = v128.load(kept, 16);
        u3 = real ? k(0) : v128.load(kept, 32);
        kept += keptStride(real);
      } else {
        u1 = exponential1(v, real, t);
        u2 = exponential2(v, real, t, true);
        u3 = exponential3(v, real, t, true);
      }
      const z = mul(k(-s), t), needed = deltaNeeded(z), any = v128.any_true(needed);
      count += <i32>any;
      let dlt = deltaOutside(z, floor);
      if (always || any) dlt = v128.bitselect(deltaInWindow(z, s), dlt, needed);
      const d = flushSubnormals(f32x4.demote_f64x2_zero(mul(gi, clip(backwardPair(v, real, resting, t, gi, dlt, u1, u2, u3)))));
      store<f32>(dx + a1, f32x4.extract_lane(d, 1));
      store<f32>(dx + a0, f32x4.extract_lane(d, 0));
    }
  }
  return count;
}

/**
 * dx and the sums for the rows [n0, n1) of one neuron of any kind (outward gravitation's borrowed
 * columns included) by genericPair, its elements in pairs as forwardNeuron's.
 */
function backwardNeuron(entry: usize, s: f64, floor: f64, g: usize, x: usize, dx: usize, n0: i32, n1: i32, F: i32, S: i32): void {
  const f = <i32>load<f64>(entry);
  if (kindOf(entry) == NOT_FINITE) {
    for (let n = n0; n < n1; n++) {
      const base = at(n, f, F, S);
      for (let i = 0; i < S; i++) store<f32>(dx + base + (<usize>i << 2), NaN);
    }
    sumA = sumB = sumC = sumC1 = sumC2 = NaN;
    return;
  }
  let pending: usize = -1, tPending: f64 = 0, gPending: f64 = 0;
  for (let n = n0; n < n1; n++) {
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
      genericPair(entry, f64x2.replace_lane(k(tPending), 1, t), f64x2.replace_lane(k(gPending), 1, gi), s, floor, dx, pending, o);
      pending = -1;
    }
  }
  if (pending != -1) genericPair(entry, k(tPending), k(gPending), s, floor, dx, pending, pending);
}

/** backwardNeuron's step at the pair (o0, o1); a lone element comes as (o0, o0): its lane 1 is stored to the same place and left out of the sums. */
function genericPair(entry: usize, t: v128, gi: v128, s: f64, floor: f64, dx: usize, o0: usize, o1: usize): void {
  const kind = <i32>load<f64>(entry, 8);
  assemble(kind, t, load<f64>(entry, 16), load<f64>(entry, 24), load<f64>(entry, 32), load<f64>(entry, 40), load<f64>(entry, 48), s, floor, ALL_PARTIALS);
  const d = flushSubnormals(f32x4.demote_f64x2_zero(mul(gi, DT)));
  store<f32>(dx + o1, f32x4.extract_lane(d, 1));
  store<f32>(dx + o0, f32x4.extract_lane(d, 0));
  const both = o1 != o0;
  sumC1 = addLanes(sumC1, mul(gi, DC1), both);
  sumC2 = addLanes(sumC2, mul(gi, DC2), both);
  let da = DA, db = DB, dc = DC;
  const borrowed = <i32>load<f64>(entry, 56);
  if (borrowed != 0) {
    // the nudged neuron, evaluated at the same t: its a-, b- or c-column replaces the current one's
    assemble(<i32>load<f64>(entry, 64), t, load<f64>(entry, 72), load<f64>(entry, 80), load<f64>(entry, 88), load<f64>(entry, 96), load<f64>(entry, 104), s, floor, COEFFICIENT_PARTIALS);
    if (borrowed & 1) da = DA;
    if (borrowed & 2) db = DB;
    if (borrowed & 4) dc = DC;
  }
  sumA = addLanes(sumA, mul(gi, da), both);
  sumB = addLanes(sumB, mul(gi, db), both);
  sumC = addLanes(sumC, mul(gi, dc), both);
}
