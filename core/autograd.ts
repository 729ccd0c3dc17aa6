// The reverse pass. backward() collects the tape entries reachable from the roots, walks them
// by decreasing id (reverse creation order), calls each entry's backward closure with the
// gradient of its output, and routes the returned gradients to the entry's inputs. Leaves
// accumulate into `.grad`. Entries are released as they are consumed unless retainGraph.
import type { ElementwiseFn } from './backend.js';
import { fail, formatShape } from './errors.js';
import { keep, tidy } from './scope.js';
import { shapesEqual } from './shape.js';
import { noGrad, releaseEntry, type TapeEntry } from './tape.js';
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

function onesLike(t: Tensor): Tensor {
  return fromStorage(t.backend.fill(t.size, t.dtype, 1), t.shape, t.dtype, t.backend);
}

// Test hook for the property suite's self-test: corrupt one op's backward on purpose and check
// that gradcheck notices. Never set outside tests.
export type Perturbation = { op: string; mode: 'scale' | 'drop' } | null;
let perturbation: Perturbation = null;
export function setBackwardPerturbation(p: Perturbation): void {
  perturbation = p;
}

interface EngineOptions {
  retainGraph: boolean;
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
  const accumulate = (key: Tensor, g: Tensor) => {
    const previous = take(key);
    if (previous === undefined) return put(key, g);
    put(key, addTensors(previous, g));
    discard(previous);
    discard(g);
  };

  roots.forEach((root, i) => accumulate(root, rootGrads[i]));
  for (const entry of reachableEntries(roots)) {
    const isTarget = targets.has(entry.output);
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
    let inputGrads = tidy(() => backwardFn(g));
    if (perturbation && perturbation.op === entry.op) {
      const p = perturbation;
      inputGrads = inputGrads.map((ig) => (ig === null || p.mode === 'drop' ? null : scaleTensor(ig, 1.01)));
    }
    entry.inputs.forEach((input, i) => {
      const ig = inputGrads[i];
      if (ig === null || ig === undefined || !input.requiresGrad) return;
      if (!shapesEqual(ig.shape, input.shape) || ig.dtype !== input.dtype) {
        fail(fn, `internal: the backward of '${entry.op}' gave input ${i} a gradient ${ig.dtype} ${formatShape(ig.shape)}, expected ${input.dtype} ${formatShape(input.shape)}`);
      }
      accumulate(input, ig);
    });
    for (const ig of inputGrads) if (ig && ig !== g) discard(ig); // gradients for inputs that need none
    if (!isTarget) discard(g);
    if (!options.retainGraph) releaseEntry(entry);
  }
  return slots;
}

/** Tensor.backward(): accumulate d(roots)/d(leaf) into every leaf's `.grad`. */
export function backward(roots: readonly Tensor[], rootGrads: readonly Tensor[] | undefined, options: { retainGraph?: boolean }): void {
  noGrad(() => {
    const grads = checkRoots('backward', roots, rootGrads);
    const slots = runEngine('backward', roots, grads, rootGrads, { retainGraph: options.retainGraph ?? false });
    for (const [tensor, g] of slots) {
      if (!tensor.isLeaf) continue; // leftover gradients of unreachable non-leaves
      const own = (rootGrads ?? []).includes(g) || [...slots.values()].filter((v) => v === g).length > 1 ? g.clone() : g;
      if (tensor.grad === null) tensor.grad = keep(own);
      else {
        const sum = keep(addTensors(tensor.grad, own));
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
  options: { gradOutputs?: readonly Tensor[]; retainGraph?: boolean } = {},
): (Tensor | null)[] {
  const roots = outputs instanceof Tensor ? [outputs] : [...outputs];
  return noGrad(() => {
    const grads = checkRoots('grad', roots, options.gradOutputs);
    for (const input of inputs) {
      if (!(input instanceof Tensor) || !input.requiresGrad) fail('grad', `every input must be a Tensor that requires grad, got ${String(input)}`);
    }
    const slots = runEngine('grad', roots, grads, options.gradOutputs, { retainGraph: options.retainGraph ?? false, targets: inputs });
    const result = inputs.map((input) => {
      const g = slots.get(input);
      if (g === undefined) return null;
      return (options.gradOutputs ?? []).includes(g) ? g.clone() : g;
    });
    // Two inputs may receive the very same tensor; give each its own.
    return result.map((g, i) => (g !== null && result.indexOf(g) !== i ? g.clone() : g));
  });
}
