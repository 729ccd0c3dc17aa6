// Shape ops. reshape and its relatives share storage (no copy); permute, slice, pad, flip and
// concat copy through kernels, and each has the adjoint kernel or op as its backward.
// repeat, tile, stack, split, chunk and narrow are composites.
import type { PadMode } from '../core/backend.js';
import { checkFinite, checkInteger, fail, formatShape } from '../core/errors.js';
import { checkElementCount, checkShape, normalizeAxes, normalizeAxis, type Shape, shapesEqual, sizeOf } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { linearMap, viewAs } from './grad_ops.js';
import { registerOp } from './registry.js';
import { broadcastTo, checkCompatible, checkTensor, reshapeView, sumTo } from './util.js';

// Each backward is a linear map of g recorded with its adjoint (linearMap), so these are
// differentiable to any order: the backward of the backward is the forward's linear map again.
for (const name of ['reshape', 'permute', 'expand', 'slice', 'pad', 'flip', 'concat']) registerOp(name, 'primitive', true);
for (const name of ['transpose', 'squeeze', 'unsqueeze', 'flatten', 'narrow', 'stack', 'split', 'chunk', 'repeat', 'tile']) {
  registerOp(name, 'composite');
}

/** A view with a new shape; one axis may be -1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1 || !shape.every((d) => Number.isInteger(d) && d >= -1)) fail('reshape', `invalid shape ${formatShape(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  let target = [...shape];
  if (inferred === 1) {
    if (known === 0 || x.size % known !== 0) fail('reshape', `cannot infer -1 in ${formatShape(shape)} for ${x.size} elements (input ${formatShape(x.shape)})`);
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(target) !== x.size) fail('reshape', `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(target)}`);
  if (shapesEqual(target, x.shape)) return x;
  return record('reshape', [x], reshapeView(x, target), (g) => [viewAs(g, x.shape)]);
}

export const view = reshape;

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', 'x', x);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startDim, x.rank);
  const e = normalizeAxis('flatten', endDim, x.rank);
  if (s > e) fail('flatten', `startDim (${startDim}) comes after endDim (${endDim})`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Removes size-1 axes: the given one (if it has size 1, as in PyTorch) or all of them. */
export function squeeze(x: Tensor, axis?: number): Tensor {
  checkTensor('squeeze', 'x', x);
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', axis, x.rank);
  return x.shape[a] === 1 ? reshape(x, x.shape.filter((_, i) => i !== a)) : x;
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', 'x', x);
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor('permute', 'x', x);
  if (axes.length !== x.rank) fail('permute', `expected ${x.rank} axes for shape ${formatShape(x.shape)}, got ${JSON.stringify(axes)}`);
  const order = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (new Set(order).size !== order.length) fail('permute', `axes ${JSON.stringify(axes)} are not a permutation`);
  if (order.every((a, i) => a === i)) return x;
  const shape = order.map((a) => x.shape[a]);
  const permuted = (t: Tensor, axes: readonly number[], to: Shape) => fromStorage(t.backend.kernels.permute(t.kernelView(), axes), to, t.dtype, t.backend);
  const y = permuted(x, order, shape);
  const inverse = new Array<number>(order.length);
  order.forEach((a, i) => (inverse[a] = i));
  return record('permute', [x], y, (g) => [linearMap('permuteGrad', 'permuteGradGrad', g, (t) => permuted(t, inverse, x.shape), (t) => permuted(t, order, shape))]);
}

export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor('transpose', 'x', x);
  if (x.rank < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normalizeAxis('transpose', dim0, x.rank);
  const b = normalizeAxis('transpose', dim1, x.rank);
  const order = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, order);
}

/** Broadcasts to a larger shape (-1 keeps an axis). Materialised; the gradient sums back. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', 'x', x);
  if (shape.length < x.rank) fail('expand', `cannot expand ${formatShape(x.shape)} to fewer axes ${formatShape(shape)}`);
  const offset = shape.length - x.rank;
  const target = shape.map((d, i) => (d === -1 && i >= offset ? x.shape[i - offset] : d));
  target.forEach((d, i) => {
    const own = i >= offset ? x.shape[i - offset] : 1;
    if (!Number.isInteger(d) || d < 0 || (own !== 1 && own !== d)) {
      fail('expand', `cannot expand ${formatShape(x.shape)} to ${formatShape(shape)} (axis ${i}: ${own} → ${d})`);
    }
  });
  checkElementCount('expand', sizeOf(target), `shape ${formatShape(target)}`);
  if (shapesEqual(target, x.shape)) return x;
  return record('expand', [x], broadcastTo(x, target), (g) => [sumTo(g, x.shape)]);
}

export type SliceRange = readonly [start?: number | null, end?: number | null, step?: number] | null | undefined;

/**
 * Python-style slicing, one range [start, end, step] per leading axis (null or a missing
 * entry keeps the axis whole). Negative start/end count from the end; steps are positive
 * (use flip to reverse).
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  checkTensor('slice', 'x', x);
  if (ranges.length > x.rank) fail('slice', `got ${ranges.length} ranges for a tensor of rank ${x.rank}`);
  const starts: number[] = [], steps: number[] = [], shape: number[] = [];
  x.shape.forEach((size, axis) => {
    const [start, end, step = 1] = ranges[axis] ?? [];
    if (!Number.isInteger(step) || step <= 0) fail('slice', `step must be a positive integer, got ${step} on axis ${axis}`);
    const clampIndex = (v: number | null | undefined, fallback: number) => {
      if (v === null || v === undefined) return fallback;
      checkInteger('slice', `bound on axis ${axis}`, v);
      const w = v < 0 ? v + size : v;
      return Math.min(Math.max(w, 0), size);
    };
    const s = clampIndex(start, 0);
    const e = clampIndex(end, size);
    starts.push(s);
    steps.push(step);
    shape.push(Math.max(0, Math.ceil((e - s) / step)));
  });
  if (shapesEqual(shape, x.shape)) return x;
  const sliced = (t: Tensor) => fromStorage(t.backend.kernels.slice(t.kernelView(), starts, steps, shape), shape, t.dtype, t.backend);
  const scattered = (t: Tensor) => fromStorage(t.backend.kernels.sliceGrad(t.kernelView(), x.shape, starts, steps), x.shape, t.dtype, t.backend);
  return record('slice', [x], sliced(x), (g) => [linearMap('sliceGrad', 'sliceGradGrad', g, scattered, sliced)]);
}

/** torch.narrow: `length` entries of axis `dim` from `start`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'x', x);
  if (x.rank === 0) fail('narrow', 'cannot narrow a 0-d tensor');
  const axis = normalizeAxis('narrow', dim, x.rank);
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length);
  const s = start < 0 ? start + x.shape[axis] : start;
  if (s < 0 || length < 0 || s + length > x.shape[axis]) {
    fail('narrow', `start ${start} and length ${length} do not fit axis ${dim} of size ${x.shape[axis]}`);
  }
  const ranges: SliceRange[] = x.shape.map(() => null);
  ranges[axis] = [s, s + length, 1];
  return slice(x, ranges);
}

/** torch.cat */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) fail('concat', 'expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('concat', `tensors[${i}]`, t));
  checkCompatible('concat', tensors);
  const first = tensors[0];
  if (first.rank === 0) fail('concat', 'cannot concatenate 0-d tensors (stack them instead)');
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => i !== a && d !== first.shape[i])) {
      fail('concat', `shapes must match except on axis ${axis}: ${tensors.map((u) => formatShape(u.shape)).join(', ')}`);
    }
  }
  if (tensors.length === 1) return first;
  const shape = [...first.shape];
  shape[a] = tensors.reduce((s, t) => s + t.shape[a], 0);
  const y = fromStorage(first.backend.kernels.concat(tensors.map((t) => t.kernelView()), a, shape), shape, first.dtype, first.backend);
  return record('concat', tensors, y, (g) => {
    let offset = 0;
    return tensors.map((t) => {
      const starts = shape.map((_, i) => (i === a ? offset : 0));
      offset += t.shape[a];
      if (!t.requiresGrad) return null;
      const ones = shape.map(() => 1);
      const piece = (u: Tensor) => fromStorage(u.backend.kernels.slice(u.kernelView(), starts, ones, t.shape), t.shape, u.dtype, u.backend);
      const embed = (u: Tensor) => fromStorage(u.backend.kernels.sliceGrad(u.kernelView(), shape, starts, ones), shape, u.dtype, u.backend);
      return linearMap('concatGrad', 'concatGradGrad', g, piece, embed);
    });
  });
}

export const cat = concat;

export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) fail('stack', 'expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('stack', `tensors[${i}]`, t));
  checkCompatible('stack', tensors);
  const first = tensors[0];
  for (const t of tensors) if (!shapesEqual(t.shape, first.shape)) fail('stack', `all shapes must be equal, got ${tensors.map((u) => formatShape(u.shape)).join(', ')}`);
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return tidy(() => concat(tensors.map((t) => unsqueeze(t, a)), a));
}

/** torch.split: pieces of `size` along the axis (the last may be smaller), or the given sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  if (x.rank === 0) fail('split', 'cannot split a 0-d tensor');
  const a = normalizeAxis('split', axis, x.rank);
  const total = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    checkInteger('split', 'size', sizeOrSections);
    if (sizeOrSections <= 0) fail('split', `size must be positive, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, total - s));
    if (total === 0) sizes.push(0); // an empty axis gives one empty piece, as torch.split/chunk
  } else {
    sizes = [...sizeOrSections];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, q) => p + q, 0) !== total) {
      fail('split', `sections ${JSON.stringify(sizes)} must be non-negative and sum to ${total} (axis ${axis} of ${formatShape(x.shape)})`);
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const piece = narrow(x, a, offset, s);
    offset += s;
    return piece;
  });
}

/** torch.chunk: `chunks` pieces of ceil(n / chunks) along the axis. */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkInteger('chunk', 'chunks', chunks);
  if (chunks <= 0) fail('chunk', `chunks must be positive, got ${chunks}`);
  checkTensor('chunk', 'x', x);
  if (x.rank === 0) fail('chunk', 'cannot chunk a 0-d tensor');
  const a = normalizeAxis('chunk', axis, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}

/**
 * torch.nn.functional.pad: `pads` lists (before, after) pairs starting from the LAST axis,
 * e.g. [left, right, top, bottom]. Modes constant (with value), reflect, replicate.
 */
export function pad(x: Tensor, pads: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  checkTensor('pad', 'x', x);
  if (!['constant', 'reflect', 'replicate'].includes(mode)) fail('pad', `mode must be 'constant', 'reflect' or 'replicate', got ${String(mode)}`);
  if (pads.length % 2 !== 0 || pads.length / 2 > x.rank) fail('pad', `expected an even number of pads for at most ${x.rank} axes, got ${JSON.stringify(pads)}`);
  checkFinite('pad', 'value', value);
  const perAxis: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pads.length / 2; i++) {
    const axis = x.rank - 1 - i;
    const [before, after] = [pads[2 * i], pads[2 * i + 1]];
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      fail('pad', `pads must be non-negative integers, got ${JSON.stringify(pads)}`);
    }
    if (mode === 'reflect' && (before >= x.shape[axis] || after >= x.shape[axis])) {
      fail('pad', `reflect padding (${before}, ${after}) must be smaller than axis ${axis} of size ${x.shape[axis]}`);
    }
    if (mode === 'replicate' && x.shape[axis] === 0 && before + after > 0) fail('pad', `cannot replicate-pad an empty axis ${axis}`);
    perAxis[axis] = [before, after];
  }
  const shape = x.shape.map((d, i) => d + perAxis[i][0] + perAxis[i][1]);
  checkElementCount('pad', sizeOf(shape), `the padded shape ${formatShape(shape)}`);
  const padded = (t: Tensor, v: number) => fromStorage(t.backend.kernels.pad(t.kernelView(), perAxis, mode, v), shape, t.dtype, t.backend);
  const folded = (t: Tensor) => fromStorage(t.backend.kernels.padGrad(t.kernelView(), x.shape, perAxis, mode), x.shape, t.dtype, t.backend);
  // the adjoint of the fold is the linear part of the pad: constant padding with 0, not `value`
  return record('pad', [x], padded(x, value), (g) => [linearMap('padGrad', 'padGradGrad', g, folded, (t) => padded(t, 0))]);
}

export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  checkTensor('flip', 'x', x);
  const list = normalizeAxes('flip', axes, x.rank);
  const flipped = (t: Tensor) => fromStorage(t.backend.kernels.flip(t.kernelView(), list), x.shape, t.dtype, t.backend);
  return record('flip', [x], flipped(x), (g) => [linearMap('flipGrad', 'flipGradGrad', g, flipped, flipped)]);
}

/** torch.Tensor.repeat: whole copies along each axis (reps.length ≥ rank; extra reps add axes). */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor('repeat', 'x', x);
  checkShape('repeat', reps);
  if (reps.length < x.rank) fail('repeat', `expected at least ${x.rank} repetitions for shape ${formatShape(x.shape)}, got ${JSON.stringify(reps)}`);
  const shape: number[] = [...new Array<number>(reps.length - x.rank).fill(1), ...x.shape];
  checkElementCount('repeat', sizeOf(shape) * sizeOf(reps), `repeating ${formatShape(x.shape)} by ${formatShape(reps)}`);
  // view as [1, d0, 1, d1, ...], broadcast to [r0, d0, r1, d1, ...], merge the pairs
  return tidy(() => {
    const interleaved = reshape(x, shape.flatMap((d) => [1, d]));
    const expanded = expand(interleaved, shape.flatMap((d, i) => [reps[i], d]));
    return reshape(expanded, shape.map((d, i) => d * reps[i]));
  });
}

/** torch.tile: like repeat, but fewer reps than axes are padded with leading 1s. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor('tile', 'x', x);
  const full: number[] = reps.length < x.rank ? [...new Array<number>(x.rank - reps.length).fill(1), ...reps] : [...reps];
  return repeat(x, full);
}

export type { Shape };
