// AssemblyScript source of the DEU layer's table (read by deu.ts's loops), and its writer. The
// table is in the WebAssembly memory, written once per pass:
//   - a header of HEADER bytes: s, ε, 1 if the 1-1-1 neurons take the float32 loops (deu_single.ts),
//     INFINITE_INPUT (deu.ts sets it when x holds ±∞), deuWriteTable's queues and its count of groups;
//   - per neuron an entry of ENTRY bytes: 14 float64 fields — its index f, its kind
//     (deu_subspaces.ts's numbers), a, b, c, c1, c2, then for the backward pass outward
//     gravitation's borrowed columns (a bit mask: 1 a, 2 b, 4 c; 0: none; −1: a coefficient is
//     below ε, and deu_gravitation.ts fills them in) and the nudged neuron's kind and ã, b̃, c̃,
//     c̃1, c̃2 — and after them room for the constants the loops derive (deu_slots.ts);
//   - per neuron SCRATCH bytes: the layer's coefficients for deuWriteTable (the caller copies
//     them there as float64s), later deu.ts's list of neurons to gravitate;
//   - per neuron 4 bytes: the entries where the loops' groups begin (deuWriteTable's count of them).
//
// deuWriteTable lists the neurons in the order the loops want them: the 1-1-1 neurons are computed
// by kind together — four at a time in float32 arithmetic, two in float64 — from entries next to
// each other, so each Δ > 0 or Δ < 0 neuron waits until four of its kind have come and the four are
// listed together; every other neuron in the order of f (neighbouring columns stay together in
// memory, and threads that take equal runs of entries get both kinds alike). It was JavaScript
// (core/cpu/deu_wasm.ts): 0.07–0.1 ms per pass of the 1024-neuron layer, on the Intel host.
import { SLOTS } from './deu_slots';
import { DOUBLE_RAMP, FIRST_ORDER, HYPERBOLIC, IDENTITY, NO_SPRING, NOT_FINITE, OSCILLATION, oneOneOneKind, RAMP, REAL_ROOTS, SIGMOID, UNDAMPED } from './deu_subspaces';
import { smallColumns } from './deu_gravitation';

export const HEADER: usize = 80;
/** The header's field deu.ts's forward pass sets (1) when x holds ±∞. */
export const INFINITE_INPUT: usize = 24;
// deuWriteTable's two queues in the header, for REAL_ROOTS (0) and OSCILLATION (1): four int32 f's, then their count
const QUEUES: usize = 32, QUEUE: usize = 16, QUEUE_BYTES: usize = 20;
/** The header's int32 where deuWriteTable leaves its count of groups (deuTableGroups reads it). */
const GROUPS: usize = 72;
/** The table's fields per neuron (deuWriteTable's; the backward pass fills in the last six). */
export const FIELDS: usize = 14 * 8;
// After a neuron's fields, room for its constants as vectors (deu_slots.ts; written by deu.ts's
// loadTwo or packFour, read in the element loops). Kept in memory rather than in globals or
// locals: a global is reloaded and re-splatted at every use, and some thirty vector constants
// cannot all stay in registers, so a load from the neuron's own block (one instruction) is the
// cheapest way to reach each of them. Each neuron is computed by one thread, so its block is never
// written by two at once.
export const ENTRY: usize = FIELDS + SLOTS * 16;
/** A neuron's coefficients a, b, c, c1, c2 as float64s. */
const COEFFICIENTS: usize = 5 * 8;
/** After the entries, SCRATCH bytes per neuron: the coefficients, later the list of neurons to gravitate. */
export const SCRATCH: usize = COEFFICIENTS;

/** The table's size in bytes for F neurons (the caller allocates it). */
export function deuTableBytes(F: i32): i32 {
  return <i32>(HEADER + <usize>F * (ENTRY + SCRATCH + 4));
}
/** The bytes of one neuron's entry: entry j is at HEADER + j·deuEntryBytes() (HEADER = deuTableBytes(0)). */
export function deuEntryBytes(): i32 {
  return <i32>ENTRY;
}
/** Where the caller copies the F neurons' coefficients ([F, 5] float64s) for deuWriteTable, in bytes from the table. */
export function deuCoefficientsAt(F: i32): i32 {
  return <i32>(HEADER + <usize>F * ENTRY);
}
/** How many groups the table's deuWriteTable listed (the int32s at deuStartsAt). */
export function deuTableGroups(table: usize): i32 {
  return load<i32>(table, GROUPS);
}
/** Where deuWriteTable lists the entries that begin the loops' groups (int32s), in bytes from the table. */
export function deuStartsAt(F: i32): i32 {
  return <i32>(HEADER + <usize>F * (ENTRY + SCRATCH));
}

@inline export function entryOf(table: usize, j: i32): usize {
  return table + HEADER + <usize>j * ENTRY;
}
@inline export function kindOf(entry: usize): i32 {
  return <i32>load<f64>(entry, 8);
}
/** The scratch bytes of the F-neuron table, from neuron lo's on. */
@inline export function scratchOf(table: usize, F: i32, lo: i32): usize {
  return table + HEADER + <usize>F * ENTRY + <usize>lo * SCRATCH;
}

/**
 * A neuron's kind from its coefficients: core/cpu/deu_solutions.ts's subspaceIndex, comparison for
 * comparison (NOT_FINITE where that gives −1). |p| = ε counts as non-zero, |Δ| = ε is not forced.
 */
function kindFor(a: f64, b: f64, c: f64, eps: f64): i32 {
  if (!isFinite(a) || !isFinite(b) || !isFinite(c)) return NOT_FINITE;
  const A = Math.abs(a) >= eps, B = Math.abs(b) >= eps, C = Math.abs(c) >= eps;
  if (!A && !B) return C ? SIGMOID : IDENTITY;
  if (!A) return C ? FIRST_ORDER : RAMP;
  if (!B && !C) return DOUBLE_RAMP;
  if (!B) return a * c > 0 ? UNDAMPED : HYPERBOLIC;
  if (!C) return NO_SPRING;
  return oneOneOneKind(a, b, c, eps);
}

/**
 * Writes the table for the F neurons whose coefficients the caller copied to deuCoefficientsAt(F):
 * the header (s, ε, `single`), each neuron's entry (its borrowed columns −1 where `gravitate` and
 * a coefficient is below ε, else 0) in the order above, and the entries where the loops' groups
 * begin (at deuStartsAt(F)), and how many groups there are (deuTableGroups; a neuron of another
 * kind is one).
 */
export function deuWriteTable(table: usize, F: i32, eps: f64, s: f64, gravitate: bool, single: bool): void {
  store<f64>(table, s);
  store<f64>(table, eps, 8);
  store<f64>(table, single ? 1 : 0, 16);
  store<f64>(table, 0, INFINITE_INPUT);
  const coefficients = table + <usize>deuCoefficientsAt(F), starts = table + <usize>deuStartsAt(F);
  // the Δ > 0 and Δ < 0 neurons waiting for a group of four (f of each; index REAL_ROOTS, OSCILLATION)
  const waiting = table + QUEUES;
  store<i32>(waiting, 0, QUEUE);
  store<i32>(waiting + QUEUE_BYTES, 0, QUEUE);
  let j = 0, groups = 0;
  for (let f = 0; f < F; f++) {
    const p = coefficients + <usize>f * COEFFICIENTS;
    const kind = kindFor(load<f64>(p), load<f64>(p, 8), load<f64>(p, 16), eps);
    if (kind != REAL_ROOTS && kind != OSCILLATION) {
      groups = begin(starts, groups, j);
      writeEntry(table, j++, f, kind, coefficients, eps, gravitate);
      continue;
    }
    const queue = waiting + <usize>kind * QUEUE_BYTES, count = load<i32>(queue, QUEUE);
    store<i32>(queue + (<usize>count << 2), f);
    store<i32>(queue, count + 1, QUEUE);
    if (count + 1 < 4) continue;
    groups = begin(starts, groups, j);
    for (let i = 0; i < 4; i++) writeEntry(table, j++, load<i32>(queue + (<usize>i << 2)), kind, coefficients, eps, gravitate);
    store<i32>(queue, 0, QUEUE);
  }
  // the last groups, of fewer than four
  for (let kind = REAL_ROOTS; kind <= OSCILLATION; kind++) {
    const queue = waiting + <usize>kind * QUEUE_BYTES, count = load<i32>(queue, QUEUE);
    if (count > 0) groups = begin(starts, groups, j);
    for (let i = 0; i < count; i++) writeEntry(table, j++, load<i32>(queue + (<usize>i << 2)), kind, coefficients, eps, gravitate);
  }
  store<i32>(table, groups, GROUPS);
}

/** Notes that a group begins at entry j (the groups-th), and returns the count of groups. */
@inline function begin(starts: usize, groups: i32, j: i32): i32 {
  store<i32>(starts + (<usize>groups << 2), j);
  return groups + 1;
}

/** Entry j: neuron f of `kind`, its coefficients from the copy at `coefficients` (after every entry). */
@inline function writeEntry(table: usize, j: i32, f: i32, kind: i32, coefficients: usize, eps: f64, gravitate: bool): void {
  const at = entryOf(table, j), p = coefficients + <usize>f * COEFFICIENTS;
  const a = load<f64>(p), b = load<f64>(p, 8), c = load<f64>(p, 16);
  store<f64>(at, <f64>f);
  store<f64>(at, <f64>kind, 8);
  store<f64>(at, a, 16);
  store<f64>(at, b, 24);
  store<f64>(at, c, 32);
  store<f64>(at, load<f64>(p, 24), 40);
  store<f64>(at, load<f64>(p, 32), 48);
  // −1: a coefficient is below ε; the backward pass finds the neuron's outward gravitation itself
  // (deu_gravitation.ts) and fills in its borrowed columns
  store<f64>(at, gravitate && kind != NOT_FINITE && smallColumns(a, b, c, eps) != 0 ? -1 : 0, 56);
}
