// The tape: a Wengert list of the differentiable operations that touched a tensor requiring grad.
// Each entry keeps its inputs, its output, and the backward closure the op wrote next to its
// forward. Entries are numbered in creation order, so walking them by decreasing id is a
// valid reverse topological order (that is what makes it a Wengert list).
//
// An entry lives as long as a backward pass could still reach it, as in PyTorch: through its
// output (until the output is disposed) or through a later entry that takes the output as an
// input (until that entry is released in turn). So an entry is released, and the tensors it
// saved are let go of, in one of three ways: backward() consumed it; the last of those
// references went away (tidy disposing a forward pass that was never backpropagated); or the
// entry itself became garbage (a forward pass run outside tidy and dropped).
import type { Storage } from './backend.js';
import { freeingLate, holdAllocation, unholdAllocation, type Allocation } from './memory.js';
import type { Tensor } from './tensor.js';

/**
 * Returns one gradient per input (null where an input gets none). `needsInputGrad[i]` says whether
 * input i's gradient is wanted at all (grad() asks only for some inputs): a rule may skip the
 * others, and must, where it cannot compute them (a second derivative it does not implement).
 */
export type BackwardFn = (gradOutput: Tensor, needsInputGrad: readonly boolean[]) => (Tensor | null)[];

export interface TapeEntry {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** null once released: by a backward() without retainGraph, or when nothing could reach it. */
  backward: BackwardFn | null;
  /** Tensors the backward closure reads; they stay alive (held) until the entry is released. */
  saved: Tensor[];
  /** The storage each saved tensor had when it was saved: assign() after the forward is caught. */
  savedStorages: Storage[];
  /** What decides when the entry is released if no backward pass does it. */
  readonly life: EntryLife;
}

/**
 * The bookkeeping of an entry's lifetime. It is kept apart from the entry and never points back
 * to it, so that a FinalizationRegistry can hold it and finish the release after the entry was
 * garbage-collected, without keeping the entry alive.
 */
export interface EntryLife {
  /** 1 while the output is not disposed, plus 1 per live entry that takes the output as an input. */
  refs: number;
  /** The saved tensors' allocations, held (not freed by dispose) until release; null after it. */
  held: Allocation[] | null;
  /** The lives of the entries that made the inputs, one reference each; null once this life ended. */
  upstream: EntryLife[] | null;
}

/**
 * A life can end while its entry is still referenced (by a disposed output), and the life cannot
 * reach its entry; so the entry asks its life whether it was released.
 */
class RecordedEntry implements TapeEntry {
  constructor(
    readonly id: number,
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly output: Tensor,
    private closure: BackwardFn | null,
    private savedTensors: Tensor[],
    private storages: Storage[],
    readonly life: EntryLife,
  ) {}

  get backward(): BackwardFn | null {
    return this.life.held === null ? null : this.closure;
  }
  set backward(fn: BackwardFn | null) {
    this.closure = fn;
  }
  get saved(): Tensor[] {
    return this.life.held === null ? [] : this.savedTensors;
  }
  set saved(tensors: Tensor[]) {
    this.savedTensors = tensors;
  }
  get savedStorages(): Storage[] {
    return this.life.held === null ? [] : this.storages;
  }
  set savedStorages(storages: Storage[]) {
    this.storages = storages;
  }
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
  const upstream: EntryLife[] = [];
  for (const input of inputs) {
    const life = input.entry?.life;
    if (life === undefined || life.upstream === null) continue;
    life.refs++;
    upstream.push(life);
  }
  const held = saved.map((t) => t.allocation);
  for (const allocation of held) holdAllocation(allocation);
  const savedStorages = saved.map((t) => t.storage);
  const life: EntryLife = { refs: 1, held, upstream };
  const entry = new RecordedEntry(nextId++, op, inputs, output, backward, [...saved], savedStorages, life);
  unreachable.register(entry, life, life);
  if (recordObserver !== null) recordObserver(entry);
  output.requiresGrad = true;
  output.entry = entry;
  return output;
}

// Test hook (the second-order mutation harness): told of every entry recorded while it is set, so
// the autograd engine can tell which entries a backward rule recorded. null outside tests.
let recordObserver: ((entry: TapeEntry) => void) | null = null;

/** Runs fn with `observer` called on each entry recorded meanwhile. */
export function observeRecords<T>(observer: (entry: TapeEntry) => void, fn: () => T): T {
  const previous = recordObserver;
  recordObserver = observer;
  try {
    return fn();
  } finally {
    recordObserver = previous;
  }
}

/** The one place an entry is released: its backward closure and saved tensors are let go of. */
export function releaseEntry(entry: TapeEntry): void {
  entry.backward = null;
  entry.saved = [];
  entry.savedStorages = [];
  releaseHeld(entry.life);
}

function releaseHeld(life: EntryLife): void {
  const held = life.held;
  if (held === null) return;
  life.held = null;
  for (const allocation of held) unholdAllocation(allocation);
}

/** Called by Tensor.dispose(): the output no longer keeps its entry alive. */
export function outputDisposed(entry: TapeEntry): void {
  const life = entry.life;
  if (life.upstream !== null && --life.refs === 0) endLife(life);
}

/**
 * Nothing can reach the entry any more: release it, and drop its references to the entries
 * upstream, ending those that nothing else needs. A loop rather than recursion, because a graph
 * can be thousands of entries deep (an ODE solved in many steps).
 */
function endLife(first: EntryLife): void {
  const ending = [first];
  while (ending.length > 0) {
    const life = ending.pop()!;
    const upstream = life.upstream;
    if (upstream === null) continue;
    life.upstream = null;
    unreachable.unregister(life);
    releaseHeld(life);
    for (const up of upstream) if (up.upstream !== null && --up.refs === 0) ending.push(up);
  }
}

// An entry that became garbage (with its output) ends its life when the collector finds it.
const unreachable = new FinalizationRegistry<EntryLife>((life) => freeingLate(() => endLife(life)));
