// The reverse pass. backward() collects the tape entries reachable from the roots, walks them
// by decreasing id (reverse creation order), calls each entry's backward closure with the
// gradient of its output, and routes the returned gradients to the entry's inputs. Leaves
// accumulate into `.grad`. Entries are released as they are consumed unless retainGraph.
//
// Higher order (createGraph, as PyTorch's create_graph): the same walk runs with recording ON, so
// every gradient is itself a tensor on the tape and can be differentiated again. Backward rules are
// written with ops that record themselves (an elementwise rule is an op with a second-order rule of
// its own, ops/grad_ops.ts), and under noGrad those ops are exactly the fast kernels they always
// were: the first-order path runs the same kernels as before. An op declares that its backward
// records itself (declareDifferentiableBackward, through ops/registry.ts); the backward of any
// other op is wrapped, under createGraph, in an entry that refuses a second backward by name,
// so a missing second derivative is an error, never a silent zero.
import type { ElementwiseFn } from './backend.js';
import { checkOptions, describe, fail, formatShape } from './errors.js';
import { keep, tidy } from './scope.js';
import { shapesEqual } from './shape.js';
import { enableGrad, noGrad, observeRecords, record, releaseEntry, type TapeEntry } from './tape.js';
import { fromStorage, Tensor } from './tensor.js';

const ADD: ElementwiseFn = { name: 'add', fn: (a: number, b: number) => a + b };
const SCALE: ElementwiseFn = { name: 'scale', fn: (a: number, s: number) => a * s };

function addTensors(a: Tensor, b: Tensor): Tensor {
  const storage = a.backend.kernels.elementwise(ADD, [a.kernelView(), b.kernelView()], a.shape, a.dtype, []);
  return fromStorage(storage, a.shape, a.dtype, a.backend);
}

function scaleTensor(a: Tensor, s: number): Tensor {
  const storage = a.backend.kernels.elementwise(SCALE, [a.kernelView()], a.shape, a.dtype, [s]);
  return fromStorage(storage, a.shape, a.dtype, a.backend);
}

/** a + b on the tape (gradients accumulated under createGraph stay differentiable). */
function addRecorded(a: Tensor, b: Tensor): Tensor {
  return record('add', [a, b], addTensors(a, b), (g) => [g, g]);
}

function scaleRecorded(a: Tensor, s: number): Tensor {
  return record('scale', [a], scaleTensor(a, s), (g) => [scaleRecorded(g, s)]);
}

// Ops whose backward rules record themselves, so a createGraph backward may go through them.
const differentiableBackward = new Set<string>(['add', 'scale', 'clone', 'cast']);

/** Declares that op's backward rule is written with recorded ops (it may run under createGraph). */
export function declareDifferentiableBackward(op: string): void {
  differentiableBackward.add(op);
}

export function hasDifferentiableBackward(op: string): boolean {
  return differentiableBackward.has(op);
}

/**
 * Records `value` (a gradient computed from `g` and `inputs`) as an entry whose own backward throws:
 * the rule that made it has no derivative here. `what` completes "the derivative of ...".
 */
export function notDifferentiableAgain(op: string, what: string, value: Tensor, g: Tensor, inputs: readonly Tensor[]): Tensor {
  return record(`${op} (backward)`, [g, ...inputs], value, () => {
    fail('backward', `the derivative of ${what} is not implemented, so a second backward cannot pass through '${op}' (it is not twice differentiable here); compute this gradient without createGraph`);
  });
}

function onesLike(t: Tensor): Tensor {
  return fromStorage(t.backend.fill(t.size, t.dtype, 1), t.shape, t.dtype, t.backend);
}

// Test hook for the property suite's self-test: corrupt one op's backward on purpose and check
// that gradcheck notices. Never set outside tests. `within` narrows it to second-order rules: the
// entries named `op` that the backward of an entry named `within` recorded under createGraph (so
// gradgradcheck, not gradcheck, must notice).
export type Perturbation = { op: string; mode: 'scale' | 'drop'; within?: string } | null;
let perturbation: Perturbation = null;
export function setBackwardPerturbation(p: Perturbation): void {
  perturbation = p;
}

// Which op's backward recorded an entry (createGraph, only while a perturbation or a trace is set).
const recordedBy = new WeakMap<TapeEntry, string>();
let trace: Map<string, Set<string>> | null = null;

/**
 * Test hook: from now on, collect for each op the names of the entries its backward records under
 * createGraph (its second-order rules); null stops. Returns the map being filled.
 */
export function traceSecondOrderRules(on: boolean): Map<string, Set<string>> | null {
  trace = on ? new Map() : null;
  return trace;
}

function perturbs(p: NonNullable<Perturbation>, entry: TapeEntry): boolean {
  return p.op === entry.op && (p.within === undefined || recordedBy.get(entry) === p.within);
}

/** Runs an entry's backward, noting (for the test hooks) which entries it records. */
function runBackward(entry: TapeEntry, run: () => (Tensor | null)[]): (Tensor | null)[] {
  return observeRecords((made) => {
    recordedBy.set(made, entry.op);
    if (trace) {
      const names = trace.get(entry.op) ?? new Set<string>();
      names.add(made.op);
      trace.set(entry.op, names);
    }
  }, run);
}

interface EngineOptions {
  retainGraph: boolean;
  /** Record the backward pass itself, so that the gradients are differentiable. */
  createGraph: boolean;
  /** grad() mode: return the gradients of these tensors instead of accumulating into leaves. */
  targets?: readonly Tensor[];
}

/** Collects the entries reachable from the roots, newest first. */
function reachableEntries(roots: readonly Tensor[]): TapeEntry[] {
  const seen = new Set<TapeEntry>();
  const stack = roots.map((r) => r.entry).filter((e): e is TapeEntry => e !== null);
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (seen.has(entry)) continue;
    seen.add(entry);
    for (const input of entry.inputs) if (input.entry && !seen.has(input.entry)) stack.push(input.entry);
  }
  return [...seen].sort((a, b) => b.id - a.id);
}

function checkRoots(fn: string, roots: readonly Tensor[], grads: readonly Tensor[] | undefined): Tensor[] {
  return roots.map((root, i) => {
    if (!(root instanceof Tensor)) fail(fn, `expected Tensor outputs, got ${String(root)}`);
    if (!root.requiresGrad) {
      fail(fn, `the output ${root.toString()} does not require grad: none of the tensors it was computed from has requiresGrad (or it was computed under noGrad)`);
    }
    const g = grads?.[i];
    if (g === undefined) {
      if (root.size !== 1) {
        fail(fn, `the output has shape ${formatShape(root.shape)}; a gradient can be implied only for a one-element output: pass gradOutput of that shape, or reduce first (e.g. .sum())`);
      }
      return onesLike(root);
    }
    if (!(g instanceof Tensor)) fail(fn, `gradOutput must be a Tensor, got ${String(g)}`);
    if (!shapesEqual(g.shape, root.shape) || g.dtype !== root.dtype) {
      fail(fn, `gradOutput must be ${root.dtype} ${formatShape(root.shape)} like the output, got ${g.dtype} ${formatShape(g.shape)}`);
    }
    return g;
  });
}

function runEngine(fn: string, roots: readonly Tensor[], rootGrads: Tensor[], userGrads: readonly Tensor[] | undefined, options: EngineOptions): Map<Tensor, Tensor> {
  // gradients the caller passed in are theirs: never disposed here (implied ones are ours)
  const userOwned = new Set<Tensor>(userGrads ?? []);
  const slots = new Map<Tensor, Tensor>();
  // How many slots hold each gradient tensor: one tensor may flow to several inputs (add).
  const holders = new Map<Tensor, number>();
  const targets = new Set(options.targets ?? []);

  const put = (key: Tensor, g: Tensor) => {
    slots.set(key, g);
    holders.set(g, (holders.get(g) ?? 0) + 1);
  };
  const take = (key: Tensor): Tensor | undefined => {
    const g = slots.get(key);
    if (g === undefined) return undefined;
    slots.delete(key);
    holders.set(g, holders.get(g)! - 1);
    return g;
  };
  const discard = (g: Tensor) => {
    if ((holders.get(g) ?? 0) === 0 && !userOwned.has(g)) g.dispose();
  };
  const sum = options.createGraph ? addRecorded : addTensors;
  // `keepG`: g may still be owed to a later input of the same entry (add gives both inputs the
  // same tensor), so it is left for the caller to discard once every input has its gradient
  const accumulate = (key: Tensor, g: Tensor, keepG = false) => {
    const previous = take(key);
    if (previous === undefined) return put(key, g);
    put(key, sum(previous, g));
    if (!(keepG && previous === g)) discard(previous);
    if (!keepG) discard(g);
  };

  const entries = reachableEntries(roots);
  // grad() mode: only entries from which a target can be reached need their backward run, and
  // only the inputs that lead to a target need a gradient (PyTorch's needs_input_grad).
  const leadsToTarget = options.targets ? entriesLeadingTo(entries, targets) : null;
  const needed = (input: Tensor) =>
    input.requiresGrad && (leadsToTarget === null || targets.has(input) || (input.entry !== null && leadsToTarget.has(input.entry)));

  roots.forEach((root, i) => accumulate(root, rootGrads[i]));
  for (const entry of entries) {
    const isTarget = targets.has(entry.output);
    if (leadsToTarget !== null && !leadsToTarget.has(entry)) {
      const unused = isTarget ? undefined : take(entry.output);
      if (unused !== undefined) discard(unused);
      if (!options.retainGraph && entry.backward !== null) releaseEntry(entry);
      continue;
    }
    const g = isTarget ? slots.get(entry.output) : take(entry.output);
    if (g === undefined) continue;
    if (entry.backward === null) {
      fail(fn, `the graph through '${entry.op}' was already released by an earlier backward(); pass {retainGraph: true} to the first backward() to run backward through it again`);
    }
    entry.saved.forEach((t, i) => {
      if (t.storage !== entry.savedStorages[i]) {
        fail(fn, `a tensor ${t.toString()} saved by '${entry.op}' for the backward pass was given new values by assign() after the forward pass (PyTorch reports this as an in-place modification): call backward() before updating it, or run the forward again`);
      }
    });
    const backwardFn = entry.backward;
    const needs = entry.inputs.map(needed);
    const observe = options.createGraph && (perturbation !== null || trace !== null);
    let inputGrads = observe ? runBackward(entry, () => tidy(() => backwardFn(g, needs))) : tidy(() => backwardFn(g, needs));
    if (options.createGraph && !differentiableBackward.has(entry.op)) {
      const opaque = inputGrads.map((ig) => ig && notDifferentiableAgain(entry.op, `the backward rule of '${entry.op}'`, ig.detach(), g, entry.inputs));
      inputGrads.forEach((ig) => ig && ig !== g && discard(ig));
      inputGrads = opaque;
    }
    if (perturbation && perturbs(perturbation, entry)) {
      const p = perturbation;
      const scale = options.createGraph ? scaleRecorded : scaleTensor;
      inputGrads = inputGrads.map((ig) => (ig === null || p.mode === 'drop' ? null : scale(ig, 1.01)));
    }
    entry.inputs.forEach((input, i) => {
      const ig = inputGrads[i];
      if (ig === null || ig === undefined || !needs[i]) return;
      if (!shapesEqual(ig.shape, input.shape) || ig.dtype !== input.dtype) {
        fail(fn, `internal: the backward of '${entry.op}' gave input ${i} a gradient ${ig.dtype} ${formatShape(ig.shape)}, expected ${input.dtype} ${formatShape(input.shape)}`);
      }
      accumulate(input, ig, true);
    });
    // gradients summed into earlier ones, or for inputs that need none
    for (const ig of inputGrads) if (ig && ig !== g) discard(ig);
    if (!isTarget) discard(g);
    if (!options.retainGraph) releaseEntry(entry);
  }
  return slots;
}

/** The entries (of `entries`, newest first) from which some target can be reached backwards. */
function entriesLeadingTo(entries: readonly TapeEntry[], targets: ReadonlySet<Tensor>): Set<TapeEntry> {
  const leading = new Set<TapeEntry>();
  // oldest first: an entry's inputs were made by older entries (ids are a topological order)
  for (let k = entries.length - 1; k >= 0; k--) {
    const entry = entries[k];
    if (entry.inputs.some((input) => targets.has(input) || (input.entry !== null && leading.has(input.entry)))) leading.add(entry);
  }
  return leading;
}

export interface GradModeOptions {
  /** Keep the tape entries so backward can run through them again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, so the gradients are differentiable tensors (default false). */
  createGraph?: boolean;
}

/** Runs fn with recording on (createGraph) or off (the plain first-order backward). */
function recordingIf<T>(createGraph: boolean, fn: () => T): T {
  return createGraph ? enableGrad(fn) : noGrad(fn);
}

/** retainGraph and createGraph: booleans or absent; nothing else (a typo must not be ignored). */
function checkModeOptions(fn: string, options: object, allowed: readonly string[]): void {
  checkOptions(fn, options as Record<string, unknown>, allowed);
  for (const key of ['retainGraph', 'createGraph'] as const) {
    const value = (options as GradModeOptions)[key];
    if (value !== undefined && typeof value !== 'boolean') fail(fn, `${key} must be true or false, got ${describe(value)}`);
  }
}

/** Tensor.backward(): accumulate d(roots)/d(leaf) into every leaf's `.grad`. */
export function backward(roots: readonly Tensor[], rootGrads: readonly Tensor[] | undefined, options: GradModeOptions): void {
  checkModeOptions('backward', options, ['retainGraph', 'createGraph']);
  const createGraph = options.createGraph ?? false;
  recordingIf(createGraph, () => {
    const grads = checkRoots('backward', roots, rootGrads);
    const slots = runEngine('backward', roots, grads, rootGrads, { retainGraph: options.retainGraph ?? createGraph, createGraph });
    for (const [tensor, g] of slots) {
      if (!tensor.isLeaf) continue; // leftover gradients of unreachable non-leaves
      const own = (rootGrads ?? []).includes(g) || [...slots.values()].filter((v) => v === g).length > 1 ? g.clone() : g;
      if (tensor.grad === null) tensor.grad = keep(own);
      else {
        const sum = keep(createGraph ? addRecorded(tensor.grad, own) : addTensors(tensor.grad, own));
        tensor.grad.dispose();
        if (own !== g) own.dispose();
        tensor.grad = sum;
      }
    }
  });
}

/**
 * torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, returned instead of
 * accumulated into `.grad`. An input the outputs do not depend on gets null.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradModeOptions & { gradOutputs?: readonly Tensor[] } = {},
): (Tensor | null)[] {
  checkModeOptions('grad', options, ['retainGraph', 'createGraph', 'gradOutputs']);
  const roots = outputs instanceof Tensor ? [outputs] : [...outputs];
  const createGraph = options.createGraph ?? false;
  return recordingIf(createGraph, () => {
    const grads = checkRoots('grad', roots, options.gradOutputs);
    for (const input of inputs) {
      if (!(input instanceof Tensor) || !input.requiresGrad) fail('grad', `every input must be a Tensor that requires grad, got ${String(input)}`);
    }
    const slots = runEngine('grad', roots, grads, options.gradOutputs, { retainGraph: options.retainGraph ?? createGraph, createGraph, targets: inputs });
    const result = inputs.map((input) => {
      const g = slots.get(input);
      if (g === undefined) return null;
      return (options.gradOutputs ?? []).includes(g) ? g.clone() : g;
    });
    // Two inputs may receive the very same tensor; give each its own.
    return result.map((g, i) => (g !== null && result.indexOf(g) !== i ? g.clone() : g));
  });
}
