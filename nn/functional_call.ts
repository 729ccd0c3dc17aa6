// functionalCall, as torch.func.functional_call: runs a module's forward with some of its
// parameters and buffers replaced by the given tensors, then puts the originals back. It turns
// a module into a function of its parameters, which is what gradcheck needs (it perturbs the
// tensors it is given) and what meta-learning or weight-sharing tricks need.
import { fail } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { Module, Slot } from './module.js';

export function functionalCall<T>(module: Module, tensors: Record<string, Tensor>, ...args: unknown[]): T {
  const fn = `functionalCall(${module.typeName})`;
  const byName = new Map<string, Slot[]>();
  for (const slot of module.namedSlots()) byName.set(slot.name, [...(byName.get(slot.name) ?? []), slot]);
  const swaps: [Slot, Tensor][] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const slots = byName.get(name);
    if (!slots) fail(fn, `no parameter or buffer named '${name}'; the module has ${[...byName.keys()].map((k) => `'${k}'`).join(', ') || 'none'}`);
    if (!(t instanceof Tensor)) fail(fn, `'${name}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    for (const slot of slots) swaps.push([slot, t]);
  }
  const set = (slot: Slot, value: Tensor) => ((slot.owner as unknown as Record<string, unknown>)[slot.key] = value);
  for (const [slot, t] of swaps) set(slot, t);
  try {
    return module.forward(...args) as T;
  } finally {
    for (const [slot] of swaps) set(slot, slot.tensor);
  }
}
