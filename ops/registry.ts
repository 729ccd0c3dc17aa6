// The op registry: every public op is listed here with how its gradient comes about, so the
// property suite can enumerate them and fail when an op has no gradient test.
//   primitive — has a backward rule of its own (recorded on the tape under this name);
//   composite — built from other ops, so its gradient comes for free;
//   zero      — differentiable with a gradient that is zero everywhere it exists (floor, sign);
//   none      — not differentiable (comparisons, argmax): the output never requires grad.
//
// `twice` says whether the op is twice differentiable here: its backward rule is written with
// recorded ops, so a createGraph backward gives gradients that can be differentiated again
// (gradgradcheck covers it). A primitive that is not, says so by name when a second backward
// reaches it. Composites are twice differentiable when their parts are.
import { declareDifferentiableBackward } from '../core/autograd.js';
import { fail } from '../core/errors.js';

export type GradKind = 'primitive' | 'composite' | 'zero' | 'none';

export interface OpInfo {
  readonly name: string;
  readonly grad: GradKind;
  readonly twice: boolean;
  /** Defined by the user with customOp or defineUnary (not part of the library). */
  readonly custom?: boolean;
}

const registry = new Map<string, OpInfo>();

/**
 * For a primitive `twice` defaults to false: it is trusted with createGraph only once its backward
 * is known to record itself. Until then the autograd engine wraps its gradients in an entry that
 * refuses a second backward by name (core/autograd.ts), never a silently wrong zero. A composite
 * or a zero-gradient op is twice differentiable by construction (a composite's parts speak for it).
 */
export function registerOp(name: string, grad: GradKind, twice = grad === 'composite' || grad === 'zero'): void {
  if (registry.has(name)) throw new Error(`registerOp: '${name}' is registered twice`);
  registry.set(name, { name, grad, twice: grad !== 'none' && twice });
  if (twice && (grad === 'primitive' || grad === 'zero')) declareDifferentiableBackward(name);
}

/**
 * An op the user defines (customOp, defineUnary). Its name may not be a built-in op's; defining the
 * same name again replaces the earlier definition, as re-running a notebook cell or a playground
 * script does.
 */
export function registerCustomOp(fn: string, name: string, grad: GradKind, twice: boolean): void {
  const existing = registry.get(name);
  if (existing && !existing.custom) fail(fn, `'${name}' is the name of a built-in op; give your op another name`);
  registry.set(name, { name, grad, twice, custom: true });
  if (twice) declareDifferentiableBackward(name);
}

export function listOps(): OpInfo[] {
  return [...registry.values()];
}

// Tensor methods defined in core (core cannot import this file, so they are listed here).
registerOp('clone', 'primitive', true);
registerOp('cast', 'primitive', true);
