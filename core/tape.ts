// The tape: a Wengert list of the differentiable operations that touched a tensor requiring grad.
// Each entry keeps its inputs, its output, and the backward closure the op wrote next to its
// forward. Entries are numbered in creation order, so walking them by decreasing id is a
// valid reverse topological order (that is what makes it a Wengert list). Each output points at
// its entry, so an entry lives exactly as long as something downstream can still reach it.
import type { Storage } from './backend.js';
import type { Tensor } from './tensor.js';

/** Returns one gradient per input (null where an input gets none). */
export type BackwardFn = (gradOutput: Tensor) => (Tensor | null)[];

export interface TapeEntry {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** null once released by a backward() without retainGraph. */
  backward: BackwardFn | null;
  /** Tensors the backward closure reads; they stay alive (held) until the entry is released. */
  saved: Tensor[];
  /** The storage each saved tensor had when it was saved: assign() after the forward is caught. */
  savedStorages: Storage[];
}

let nextId = 0;
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording anything on the tape (evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs fn with recording on, even inside noGrad (used by gradcheck). */
export function enableGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Called by every differentiable op after its forward. When grad is on and any input requires
 * grad, the output requires grad and gets an entry; `saved` are held until the entry is released.
 */
export function record(op: string, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn, saved: readonly Tensor[] = []): Tensor {
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return output;
  for (const t of saved) t.hold();
  output.requiresGrad = true;
  output.entry = { id: nextId++, op, inputs, output, backward, saved: [...saved], savedStorages: saved.map((t) => t.storage) };
  return output;
}

export function releaseEntry(entry: TapeEntry): void {
  entry.backward = null;
  const saved = entry.saved;
  entry.saved = [];
  entry.savedStorages = [];
  for (const t of saved) t.unhold();
}
