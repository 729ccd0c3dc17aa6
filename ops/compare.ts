// Comparisons give 0/1 tensors of the inputs' dtype (tapegrad has no boolean dtype) and are
// not differentiable. `where` routes the gradient to the chosen side; none goes through the
// condition.
import type { ElementwiseFn } from '../core/backend.js';
import { broadcastShapes } from '../core/shape.js';
import { record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { maskedGrad } from './grad_ops.js';
import { registerOp } from './registry.js';
import { asTensor, checkCompatible, mapKernel, sumTo, type TensorLike } from './util.js';

export const COMPARISONS: Record<string, ElementwiseFn> = {
  eq: { name: 'eq', fn: (a: number, b: number) => (a === b ? 1 : 0) },
  ne: { name: 'ne', fn: (a: number, b: number) => (a !== b ? 1 : 0) },
  lt: { name: 'lt', fn: (a: number, b: number) => (a < b ? 1 : 0) },
  le: { name: 'le', fn: (a: number, b: number) => (a <= b ? 1 : 0) },
  gt: { name: 'gt', fn: (a: number, b: number) => (a > b ? 1 : 0) },
  ge: { name: 'ge', fn: (a: number, b: number) => (a >= b ? 1 : 0) },
};
for (const name of Object.keys(COMPARISONS)) registerOp(name, 'none');
registerOp('where', 'primitive', true);

function compare(name: string, aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = asTensor(name, aLike, typeof bLike === 'number' ? undefined : bLike);
  const b = asTensor(name, bLike, a);
  checkCompatible(name, [a, b]);
  return mapKernel(COMPARISONS[name], [a, b], broadcastShapes(name, a.shape, b.shape));
}

export const eq = (a: TensorLike, b: TensorLike) => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike) => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike) => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike) => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike) => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike) => compare('ge', a, b);

const SELECT: ElementwiseFn = { name: 'where', fn: (c: number, a: number, b: number) => (c !== 0 ? a : b) };
const PASS_IF: ElementwiseFn = { name: 'whereGradA', fn: (g: number, c: number) => (c !== 0 ? g : 0) };
const PASS_UNLESS: ElementwiseFn = { name: 'whereGradB', fn: (g: number, c: number) => (c !== 0 ? 0 : g) };

/** a where condition is nonzero, else b; all three broadcast together. */
export function where(condition: Tensor, aLike: TensorLike, bLike: TensorLike): Tensor {
  const c = asTensor('where', condition);
  const a = asTensor('where', aLike, typeof bLike === 'number' ? c : bLike);
  const b = asTensor('where', bLike, a);
  checkCompatible('where', [c, a, b]);
  const shape = broadcastShapes('where', c.shape, a.shape, b.shape);
  const y = mapKernel(SELECT, [c, a, b], shape);
  return record('where', [a, b], y, (g) => [
    a.requiresGrad ? sumTo(maskedGrad('whereGradA', PASS_IF, g, [c], shape), a.shape) : null,
    b.requiresGrad ? sumTo(maskedGrad('whereGradB', PASS_UNLESS, g, [c], shape), b.shape) : null,
  ], [c]);
}
