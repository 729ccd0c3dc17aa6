// Creating tensors: from nested arrays or typed arrays, constants, ranges, and seeded random draws.
import { getBackend, type Backend } from './backend.js';
import { allocArray, isDType, type DType, type TypedArray } from './dtype.js';
import { checkFinite, checkInteger, checkOptions, describe, fail, formatShape } from './errors.js';
import { currentGenerator } from './rng.js';
import { checkElementCount, checkShape, type Shape, sizeOf } from './shape.js';
import { fromHost, fromStorage, type NestedArray, Tensor } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** A backend name; the active backend by default. */
  backend?: string;
}

const TENSOR_OPTIONS = ['dtype', 'requiresGrad', 'backend'] as const;

function resolve(fn: string, options: TensorOptions & { shape?: Shape }, fallback: DType = 'float32'): { dtype: DType; backend: Backend } {
  checkOptions(fn, options, fn === 'tensor' ? [...TENSOR_OPTIONS, 'shape'] : TENSOR_OPTIONS);
  if (options.dtype !== undefined && !isDType(options.dtype)) {
    fail(fn, `dtype must be 'float32' or 'float64', got ${describe(options.dtype)}`);
  }
  if (options.requiresGrad !== undefined && typeof options.requiresGrad !== 'boolean') {
    fail(fn, `requiresGrad must be true or false, got ${describe(options.requiresGrad)}`);
  }
  return { dtype: options.dtype ?? fallback, backend: getBackend(options.backend) };
}

/**
 * Runs an allocation of `count` elements, turning the engine's RangeError (out of memory, or a
 * length V8 refuses) into an error that names the function and the size asked for.
 */
function allocating<T>(fn: string, count: number, dtype: DType, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail(fn, `cannot allocate ${count} ${dtype} elements (${count * (dtype === 'float64' ? 8 : 4)} bytes): ${error.message}`);
  }
}

function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(fn: string, values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(fn: string, values: NestedArray, shape: readonly number[], out: TypedArray): void {
  let offset = 0;
  const walk = (v: NestedArray, axis: number) => {
    if (axis === shape.length) {
      if (typeof v !== 'number') fail(fn, `expected a number at depth ${axis}, got ${Array.isArray(v) ? 'an array' : String(v)}`);
      out[offset++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      fail(fn, `ragged nested array: expected length ${shape[axis]} at depth ${axis} (shape ${formatShape(shape)}), got ${Array.isArray(v) ? v.length : typeof v}`);
    }
    for (const item of v) walk(item, axis + 1);
  };
  walk(values, 0);
}

/**
 * A tensor from nested arrays (shape inferred), a number (0-d), or a typed array (1-D unless
 * `shape` is given). A Float64Array defaults to float64; everything else to float32.
 */
export function tensor(values: NestedArray | TypedArray | readonly number[], options: TensorOptions & { shape?: Shape } = {}): Tensor {
  const fallback: DType = values instanceof Float64Array ? 'float64' : 'float32';
  const { dtype, backend } = resolve('tensor', options, fallback);
  let shape: number[];
  let array: TypedArray;
  if (ArrayBuffer.isView(values)) {
    shape = options.shape ? checkShape('tensor', options.shape) : [values.length];
    if (sizeOf(shape) !== values.length) fail('tensor', `${values.length} values do not fill shape ${formatShape(shape)}`);
    array = allocating('tensor', values.length, dtype, () => allocArray(dtype, values.length));
    array.set(values as TypedArray);
  } else if (typeof values === 'number' || Array.isArray(values)) {
    shape = inferShape('tensor', values as NestedArray);
    array = allocArray(dtype, sizeOf(shape));
    flatten('tensor', values as NestedArray, shape, array);
    if (options.shape) {
      const wanted = checkShape('tensor', options.shape);
      if (sizeOf(wanted) !== array.length) fail('tensor', `${array.length} values do not fill shape ${formatShape(wanted)}`);
      shape = wanted;
    }
  } else {
    fail('tensor', `expected nested arrays of numbers, a number or a typed array, got ${String(values)}`);
  }
  return finish(fromHost(array, shape, backend), options);
}

function filled(fn: string, shape: Shape, value: number, options: TensorOptions): Tensor {
  const s = checkShape(fn, shape);
  if (typeof value !== 'number') fail(fn, `value must be a number, got ${describe(value)}`);
  const { dtype, backend } = resolve(fn, options);
  return finish(fromStorage(allocating(fn, sizeOf(s), dtype, () => backend.fill(sizeOf(s), dtype, value)), s, dtype, backend), options);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

function fromGenerator(fn: string, shape: Shape, options: TensorOptions, draw: () => number): Tensor {
  const s = checkShape(fn, shape);
  const { dtype, backend } = resolve(fn, options);
  const array = allocating(fn, sizeOf(s), dtype, () => allocArray(dtype, sizeOf(s)));
  for (let i = 0; i < array.length; i++) array[i] = draw();
  return finish(fromHost(array, s, backend), options);
}

/** Values start, start + step, ... below stop (PyTorch's arange; one argument means [0, stop)). */
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  checkFinite('arange', 'start', start);
  checkFinite('arange', 'stop', stop);
  checkFinite('arange', 'step', step);
  if (step === 0) fail('arange', 'step must not be 0');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  checkElementCount('arange', count, `[start, stop) = [${start}, ${stop}) in steps of ${step}`);
  let i = 0;
  return fromGenerator('arange', [count], options, () => start + step * i++);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'end', end);
  checkInteger('linspace', 'steps', steps);
  if (steps < 0) fail('linspace', `steps must be non-negative, got ${steps}`);
  checkElementCount('linspace', steps, `steps = ${steps}`);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  let i = 0;
  // the last of several values is `end` exactly; a single value is `start`, as in torch and numpy
  return fromGenerator('linspace', [steps], options, () => (i === steps - 1 && steps > 1 ? (i++, end) : start + delta * i++));
}

/** The n × m identity (m = n by default). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  checkInteger('eye', 'n', n);
  checkInteger('eye', 'm', m);
  if (n < 0 || m < 0) fail('eye', `n and m must be non-negative, got n=${n}, m=${m}`);
  checkElementCount('eye', n * m, `n × m = ${n} × ${m}`);
  let i = 0;
  return fromGenerator('eye', [n, m], options, () => {
    const row = Math.floor(i / m);
    const col = i++ % m;
    return row === col ? 1 : 0;
  });
}

/** Uniform in [0, 1), from the seeded generator (see manualSeed). */
export function rand(shape: Shape, options: TensorOptions = {}): Tensor {
  return fromGenerator('rand', shape, options, () => currentGenerator().uniform());
}

/** Standard normal, from the seeded generator. */
export function randn(shape: Shape, options: TensorOptions = {}): Tensor {
  return fromGenerator('randn', shape, options, () => currentGenerator().normal());
}

/** Integers uniform in [low, high), stored in a float tensor (tapegrad has no integer dtype). */
export function randint(low: number, high: number, shape: Shape, options: TensorOptions = {}): Tensor {
  checkInteger('randint', 'low', low);
  checkInteger('randint', 'high', high);
  if (high <= low) fail('randint', `expected low < high, got low=${low}, high=${high}`);
  return fromGenerator('randint', shape, options, () => currentGenerator().integer(low, high));
}

const like = (t: Tensor, options: TensorOptions): TensorOptions => ({ dtype: t.dtype, backend: t.backend.name, ...options });
export const zerosLike = (t: Tensor, options: TensorOptions = {}) => zeros(t.shape, like(t, options));
export const onesLike = (t: Tensor, options: TensorOptions = {}) => ones(t.shape, like(t, options));
export const fullLike = (t: Tensor, value: number, options: TensorOptions = {}) => full(t.shape, value, like(t, options));
export const randLike = (t: Tensor, options: TensorOptions = {}) => rand(t.shape, like(t, options));
export const randnLike = (t: Tensor, options: TensorOptions = {}) => randn(t.shape, like(t, options));
export const randintLike = (t: Tensor, low: number, high: number, options: TensorOptions = {}) => randint(low, high, t.shape, like(t, options));
