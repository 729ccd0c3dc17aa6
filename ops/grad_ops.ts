// Gradient rules as ops. A backward rule that maps a scalar rule over tensors (exp's g·y, mul's
// g·b) is itself a function of g and of the op's inputs; recorded as an op of its own, with the
// table's second-order rule as its backward, it can be differentiated again (createGraph).
// Under noGrad — every ordinary backward — `record` returns at once, so these are exactly the
// kernels the first-order backward always ran.
//
// Second-order rules follow the first-order ones: for y = f(x), grad(g, x, y) = g·f'(x), and
// grad2(g, x, y) = g·f''(x) with y standing for f(x) (its dependence on x is already in f'').
// The gradient op u = grad(g, x, y) then has
//   ∂/∂g: ū ↦ grad(ū, x, y)           (u is linear in g: the same rule)
//   ∂/∂x: ū ↦ grad2(ū·g, x, y)
// and for a binary f(a, b) with gradA = g·f_a, gradB = g·f_b, the three rules g·f_aa, g·f_ab and
// g·f_bb. A third derivative is not implemented: it throws by name.
import { declareDifferentiableBackward, notDifferentiableAgain } from '../core/autograd.js';
import type { ElementwiseFn } from '../core/backend.js';
import { fail } from '../core/errors.js';
import type { Shape } from '../core/shape.js';
import { isGradEnabled, record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import type { BinaryDef } from './binary.js';
import type { UnaryDef } from './unary_table.js';
import { mapKernel, reshapeView, sumTo } from './util.js';

for (const op of ['reshape', 'product', 'sumTo', 'broadcastTo']) declareDifferentiableBackward(op);

/** A reshape (shared storage) on the tape: its backward is the reshape back. */
export function viewAs(x: Tensor, shape: Shape): Tensor {
  return record('reshape', [x], reshapeView(x, shape), (g) => [viewAs(g, x.shape)]);
}

const PRODUCT: ElementwiseFn = { name: 'mul', fn: (a: number, b: number) => a * b };

/** a·b of equal shapes, on the tape (scales a second-order rule by the incoming gradient). */
export function product(a: Tensor, b: Tensor): Tensor {
  return record('product', [a, b], mapKernel(PRODUCT, [a, b], a.shape), (g, needs) => [
    needs[0] ? product(g, b) : null,
    needs[1] ? product(g, a) : null,
  ], [a, b]);
}

/**
 * A gradient that is linear in g with a fixed, symmetric elementwise map (a mask: where's
 * gradient, a 0/1 selection): its backward is the same map applied to the incoming gradient.
 */
export function maskedGrad(name: string, kernel: ElementwiseFn, g: Tensor, others: readonly Tensor[], shape: Shape, params: readonly number[] = []): Tensor {
  declareOnce(name);
  const out = mapKernel(kernel, [g, ...others], shape, params);
  return record(name, [g], out, (u) => [maskedGrad(name, kernel, u, others, shape, params)], others);
}

/**
 * A linear map L of g recorded with its adjoint Lᵀ as backward (and L as the adjoint's
 * backward): slice and its scatter, pad and its fold, gather and scatterAdd. Differentiable to
 * any order, since each is the other's backward.
 */
export function linearMap(name: string, adjointName: string, g: Tensor, map: (t: Tensor) => Tensor, adjoint: (t: Tensor) => Tensor): Tensor {
  declareOnce(name);
  return record(name, [g], map(g), (u) => [linearMap(adjointName, name, u, adjoint, map)]);
}

const declared = new Set<string>();
function declareOnce(name: string): void {
  if (declared.has(name)) return;
  declared.add(name);
  declareDifferentiableBackward(name);
}

// keyed by the definition, not its name: defineUnary may define a name again with other rules
const unaryKernels = new WeakMap<UnaryDef, { first: ElementwiseFn; second: ElementwiseFn | null }>();

function unaryKernelsOf(def: UnaryDef) {
  let k = unaryKernels.get(def);
  if (!k) {
    k = { first: { name: `${def.name}Grad`, fn: def.grad! }, second: def.grad2 ? { name: `${def.name}Grad2`, fn: def.grad2 } : null };
    unaryKernels.set(def, k);
    declareDifferentiableBackward(`${def.name}Grad`);
  }
  return k;
}

/** g·f'(x) for a table entry, as an op (see the top of this file). */
export function unaryGrad(def: UnaryDef, g: Tensor, x: Tensor, y: Tensor, params: readonly number[]): Tensor {
  const kernels = unaryKernelsOf(def);
  // first order with a native rule of (g, x): the same values, without the op's record
  if (def.nativeGrad && !isGradEnabled()) return mapKernel({ ...kernels.first, native: def.nativeGrad }, [g, x], x.shape, params);
  const u = mapKernel(kernels.first, [g, x, y], x.shape, params);
  return record(`${def.name}Grad`, [g, x], u, (ub, needs) => [
    needs[0] ? unaryGrad(def, ub, x, y, params) : null,
    needs[1] ? unarySecond(def, kernels.second, product(ub, g), x, y, params) : null,
  ], [g, x, y]);
}

function unarySecond(def: UnaryDef, kernel: ElementwiseFn | null, h: Tensor, x: Tensor, y: Tensor, params: readonly number[]): Tensor {
  if (kernel === null) fail('backward', `the second derivative of '${def.name}' is not implemented (its entry in ops/unary_table.ts has no grad2), so a second backward cannot pass through it`);
  const value = mapKernel(kernel, [h, x, y], x.shape, params);
  return notDifferentiableAgain(def.name, `the second derivative of '${def.name}' (a third derivative)`, value, h, [x]);
}

type Side = 'A' | 'B';
const binaryKernels = new Map<string, ElementwiseFn>();

function binaryKernel(def: BinaryDef, rule: 'gradA' | 'gradB' | 'gradAA' | 'gradAB' | 'gradBB'): ElementwiseFn {
  const key = `${def.name}:${rule}`;
  let k = binaryKernels.get(key);
  if (!k) {
    const fn = def[rule];
    if (!fn) fail('backward', `the second derivative of '${def.name}' is not implemented (its entry in ops/binary.ts has no ${rule}), so a second backward cannot pass through it`);
    k = { name: `${def.name}${rule.slice(0, 1).toUpperCase()}${rule.slice(1)}`, fn };
    binaryKernels.set(key, k);
  }
  return k;
}

/**
 * The gradient of a binary op's side A or B, in the broadcast shape (summed back by the caller):
 * g·f_a or g·f_b as an op whose backward uses the second-order rules.
 */
export function binaryGrad(def: BinaryDef, side: Side, g: Tensor, a: Tensor, b: Tensor, y: Tensor, shape: Shape): Tensor {
  const name = `${def.name}Grad${side}`;
  declareOnce(name);
  const u = mapKernel(binaryKernel(def, side === 'A' ? 'gradA' : 'gradB'), [g, a, b, y], shape);
  const [toA, toB] = side === 'A' ? (['gradAA', 'gradAB'] as const) : (['gradAB', 'gradBB'] as const);
  return record(name, [g, a, b], u, (ub, needs) => {
    const h = needs[1] || needs[2] ? product(ub, g) : null;
    const second = (rule: 'gradAA' | 'gradAB' | 'gradBB', to: Tensor) => {
      const value = mapKernel(binaryKernel(def, rule), [h!, a, b, y], shape);
      return sumTo(notDifferentiableAgain(def.name, `the second derivative of '${def.name}' (a third derivative)`, value, h!, [a, b]), to.shape);
    };
    return [needs[0] ? binaryGrad(def, side, ub, a, b, y, shape) : null, needs[1] ? second(toA, a) : null, needs[2] ? second(toB, b) : null];
  }, [g, a, b, y]);
}
