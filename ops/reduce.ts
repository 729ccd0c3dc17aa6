// Reductions over any set of axes, with keepDim. sum, prod, max and min are primitives;
// mean, var, std, logsumexp and norm are composed from them and get their gradients for free.
// max/min split the gradient evenly among tied maxima, as JAX and PyTorch's full reductions do.
import type { ReduceOp } from '../core/backend.js';
import { checkFinite, checkOptions, describe, fail } from '../core/errors.js';
import { normalizeAxes, reducedShape, type Shape, sizeOf } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { isGradEnabled, noGrad, record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { add, div, mul, sub } from './binary.js';
import { eq, where } from './compare.js';
import { registerOp } from './registry.js';
import { abs, exp, log, sqrt, square } from './unary.js';
import { viewAs } from './grad_ops.js';
import { productOfOthers } from './prod_grad.js';
import { broadcastRecorded, checkTensor, mapKernel, reshapeView } from './util.js';

export type Axes = number | readonly number[];

export interface ReduceOptions {
  keepDim?: boolean;
}

registerOp('sum', 'primitive', true);
registerOp('prod', 'primitive', true); // createGraph: the products of the others from recorded ops (ops/prod_grad.ts)
registerOp('max', 'primitive', true);
registerOp('min', 'primitive', true);
registerOp('argmax', 'none');
registerOp('argmin', 'none');
registerOp('mean', 'composite');
registerOp('var', 'composite');
registerOp('std', 'composite');
registerOp('logsumexp', 'composite');
registerOp('norm', 'primitive', true);

function outShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  return keepDim ? reducedShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** Runs the reduce kernel; returns the result with keepDim shape (it shares storage with any view). */
function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const storage = x.backend.kernels.reduce(op, x.kernelView(), axes);
  return fromStorage(storage, reducedShape(x.shape, axes), x.dtype, x.backend);
}

function prepare(fn: string, x: Tensor, axes: Axes | undefined, options: ReduceOptions, allowed: readonly string[] = ['keepDim']) {
  checkTensor(fn, 'x', x);
  const { keepDim = false } = checkOptions<ReduceOptions>(fn, options, allowed as (keyof ReduceOptions)[]);
  if (typeof keepDim !== 'boolean') fail(fn, `keepDim must be true or false, got ${describe(keepDim)}`);
  const list = normalizeAxes(fn, axes, x.rank);
  return { axes: list, keepDim };
}

export function sum(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  const { axes: list, keepDim } = prepare('sum', x, axes, options);
  const kept = reduceKernel('sum', x, list);
  const y = keepDim ? kept : reshapeView(kept, outShape(x.shape, list, false));
  if (!keepDim) kept.dispose();
  const keptShape = reducedShape(x.shape, list);
  return record('sum', [x], y, (g) => [broadcastRecorded(viewAs(g, keptShape), x.shape)]);
}

export function prod(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  const { axes: list, keepDim } = prepare('prod', x, axes, options);
  const kept = reduceKernel('prod', x, list);
  const y = keepDim ? kept : reshapeView(kept, outShape(x.shape, list, false));
  if (!keepDim) kept.dispose();
  const keptShape = reducedShape(x.shape, list);
  return record('prod', [x], y, (g) => {
    if (isGradEnabled()) return [mul(viewAs(g, keptShape), productOfOthers(x, list, (t, a) => prod(t, [a], { keepDim: true })))];
    const others = fromStorage(x.backend.kernels.prodOthers(x.kernelView(), list), x.shape, x.dtype, x.backend);
    return [mul(reshapeView(g, keptShape), others)];
  }, [x]);
}

function extremum(op: 'max' | 'min', x: Tensor, axes: Axes | undefined, options: ReduceOptions): Tensor {
  const { axes: list, keepDim } = prepare(op, x, axes, options);
  if (x.size === 0) fail(op, 'cannot reduce an empty tensor (there is no identity for max/min)');
  const kept = reduceKernel(op, x, list);
  const y = keepDim ? kept : reshapeView(kept, outShape(x.shape, list, false));
  record(op, [x], y, (g) => {
    const isExtreme = mapKernel(IS_EXTREME, [x, kept], x.shape);
    const ties = reduceKernel('sum', isExtreme, list);
    return [div(mul(isExtreme, viewAs(g, kept.shape)), ties)];
  }, [x, kept]);
  if (!keepDim) kept.dispose(); // deferred while the tape holds it
  return y;
}

/**
 * 1 where an element is its group's extremum. A NaN extremum (NaN propagates, as in PyTorch)
 * is matched by the group's NaNs, so they share the gradient as PyTorch's
 * evenly_distribute_backward does; x == max alone would match nothing and give 0/0.
 */
const IS_EXTREME = { name: 'isExtreme', fn: (v: number, m: number) => (v === m || (v !== v && m !== m) ? 1 : 0) };

export const max = (x: Tensor, axes?: Axes, options: ReduceOptions = {}) => extremum('max', x, axes, options);
export const min = (x: Tensor, axes?: Axes, options: ReduceOptions = {}) => extremum('min', x, axes, options);

/** Index of the first maximum along `axis` (over the flattened tensor when axis is omitted). */
export function argmax(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmax', x, axis, options);
}

export function argmin(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return argExtremum('argmin', x, axis, options);
}

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, options: ReduceOptions): Tensor {
  if (axis !== undefined && typeof axis !== 'number') fail(op, `axis must be one integer or omitted, got ${JSON.stringify(axis)}`);
  const { axes: list, keepDim } = prepare(op, x, axis, options);
  if (x.size === 0) fail(op, 'cannot reduce an empty tensor');
  const kept = reduceKernel(op, x, list);
  if (keepDim) return kept;
  const y = reshapeView(kept, outShape(x.shape, list, false));
  kept.dispose();
  return y;
}

function countOf(fn: string, x: Tensor, axes: Axes | undefined): number {
  return sizeOf(normalizeAxes(fn, axes, x.rank).map((a) => x.shape[a]));
}

export function mean(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  prepare('mean', x, axes, options);
  const n = countOf('mean', x, axes);
  return tidy(() => mul(sum(x, axes, options), 1 / n));
}

export interface VarianceOptions extends ReduceOptions {
  /** Bessel's correction: divide by n − correction (1 by default, as in PyTorch). */
  correction?: number;
}

export function variance(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  prepare('var', x, axes, options, ['keepDim', 'correction']);
  const correction = checkFinite('var', 'correction', options.correction ?? 1);
  const n = countOf('var', x, axes);
  return tidy(() => {
    const deviation = sub(x, mean(x, axes, { keepDim: true }));
    return div(sum(square(deviation), axes, { keepDim: options.keepDim }), Math.max(0, n - correction));
  });
}

export function std(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  prepare('std', x, axes, options, ['keepDim', 'correction']);
  return tidy(() => sqrt(variance(x, axes, options)));
}

/** log Σ exp(x), shifted by the (detached) maximum so that it never overflows. */
export function logsumexp(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  const { axes: list, keepDim } = prepare('logsumexp', x, axes, options);
  return tidy(() => {
    const shift = maxShift(x, list);
    const kept = add(log(sum(exp(sub(x, shift)), list, { keepDim: true })), shift);
    return keepDim ? kept : reshape0(kept, outShape(x.shape, list, false));
  });
}

/** The max over `axes` (kept), detached, with non-finite maxima replaced by 0 (all -inf rows then give -inf): the shift that keeps exp from overflowing. */
export function maxShift(x: Tensor, axes: readonly number[]): Tensor {
  return noGrad(() => {
    const m = max(x, axes, { keepDim: true });
    return where(isFiniteMask(m), m, 0);
  });
}

const IS_FINITE = { name: 'isFinite', fn: (v: number) => (v - v === 0 ? 1 : 0) };
const SQRT = { name: 'sqrt', fn: (v: number) => Math.sqrt(v) };
const NORM_GRAD = { name: 'normGrad', fn: (g: number, v: number, n: number) => (n === 0 ? 0 : (g * v) / n) };

function isFiniteMask(t: Tensor): Tensor {
  return mapKernel(IS_FINITE, [t], t.shape);
}

/** A recorded reshape without importing ops/shape (which imports this file). */
function reshape0(x: Tensor, shape: Shape): Tensor {
  const y = reshapeView(x, shape);
  return record('reshape', [x], y, (g) => [viewAs(g, x.shape)]);
}

/**
 * The vector p-norm over `axes` (all by default), p = 1, 2 or Infinity. The 2-norm has its own
 * backward so that its gradient at 0 is 0 (the minimum-norm subgradient) rather than NaN.
 */
export function norm(x: Tensor, p: 1 | 2 | number = 2, axes?: Axes, options: ReduceOptions = {}): Tensor {
  prepare('norm', x, axes, options);
  if (p === 1) return tidy(() => sum(abs(x), axes, options));
  if (p === Infinity) return tidy(() => max(abs(x), axes, options));
  if (p !== 2) fail('norm', `p must be 1, 2 or Infinity, got ${p}`);
  const { axes: list, keepDim } = prepare('norm', x, axes, options);
  const squares = noGrad(() => tidy(() => reduceKernel('sum', square(x), list)));
  const kept = mapKernel(SQRT, [squares], squares.shape);
  squares.dispose();
  const y = keepDim ? kept : reshapeView(kept, outShape(x.shape, list, false));
  record('norm', [x], y, (g) => {
    if (!isGradEnabled()) return [mapKernel(NORM_GRAD, [reshapeView(g, kept.shape), x, kept], x.shape)];
    // createGraph: the same g·x/‖x‖ from recorded ops, with ‖x‖ recomputed on the tape so that its
    // dependence on x is differentiated too (‖x‖ = 0 divides 0 by 1: NORM_GRAD's 0 there)
    const n = norm(x, 2, list, { keepDim: true });
    return [div(mul(viewAs(g, kept.shape), x), where(eq(n, 0), 1, n))];
  }, [x, kept]);
  if (!keepDim) kept.dispose(); // deferred while the tape holds it
  return y;
}
