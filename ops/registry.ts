// The op registry: every public op is listed here with how its gradient comes about, so the
// property suite can enumerate them and fail when an op has no gradient test.
//   primitive — has a backward rule of its own (recorded on the tape under this name);
//   composite — built from other ops, so its gradient comes for free;
//   zero      — differentiable with a gradient that is zero everywhere it exists (floor, sign);
//   none      — not differentiable (comparisons, argmax): the output never requires grad.
export type GradKind = 'primitive' | 'composite' | 'zero' | 'none';

export interface OpInfo {
  readonly name: string;
  readonly grad: GradKind;
}

const registry = new Map<string, OpInfo>();

export function registerOp(name: string, grad: GradKind): void {
  if (registry.has(name)) throw new Error(`registerOp: '${name}' is registered twice`);
  registry.set(name, { name, grad });
}

export function listOps(): OpInfo[] {
  return [...registry.values()];
}

// Tensor methods defined in core (core cannot import this file, so they are listed here).
registerOp('clone', 'primitive');
registerOp('cast', 'primitive');
