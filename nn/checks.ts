// Argument checks shared by the layers. A layer validates its hyperparameters when it is built
// (a bad stride should fail at the line that wrote it, not at the first forward) and the shape
// of each input, naming itself, the expected and the received shape.
import { checkFinite, fail, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';

/**
 * One allowed input shape: numbers are required sizes, strings name free axes ('N', 'H'), and
 * '...' first or last allows any number of axes there. E.g. ['N', 3, 'H', 'W'], ['...', 4],
 * ['N', 8, '...'].
 */
export type ShapePattern = readonly (number | string)[];

function matches(shape: readonly number[], pattern: ShapePattern): boolean {
  const leading = pattern[0] === '...';
  const trailing = pattern.length > 0 && pattern[pattern.length - 1] === '...';
  const fixed = pattern.filter((p) => p !== '...');
  if (leading || trailing ? shape.length < fixed.length : shape.length !== fixed.length) return false;
  const offset = leading ? shape.length - fixed.length : 0;
  return fixed.every((p, i) => typeof p === 'string' || shape[offset + i] === p);
}

/** x must be a tensor matching one of the patterns; the error shows them all. */
export function checkInput(layer: string, x: unknown, ...patterns: ShapePattern[]): Tensor {
  if (!(x instanceof Tensor)) fail(layer, `expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (patterns.some((p) => matches(x.shape, p))) return x;
  const wanted = patterns.map((p) => `[${p.join(', ')}]`).join(' or ');
  fail(layer, `expected input ${wanted}, got ${formatShape(x.shape)}`);
}

export function positiveInt(layer: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(layer, `${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** An int or a pair of ints, each at least `min` (PyTorch's _pair). */
export function intPair(layer: string, name: string, value: unknown, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    fail(layer, `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [pair[0], pair[1]];
}

export function positiveNumber(layer: string, name: string, value: unknown): number {
  if (checkFinite(layer, name, value) <= 0) fail(layer, `${name} must be positive, got ${String(value)}`);
  return value as number;
}

export function flag(layer: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(layer, `${name} must be true or false, got ${String(value)}`);
  return value;
}

/** Pooling padding must be at most half the (dilated) kernel, as PyTorch requires. */
export function checkPoolPadding(layer: string, padding: readonly number[], kernel: readonly number[], dilation: readonly number[] = [1, 1]): void {
  padding.forEach((p, i) => {
    const effective = dilation[i] * (kernel[i] - 1) + 1;
    if (p > Math.floor(effective / 2)) fail(layer, `padding ${p} must be at most half the (dilated) kernel size ${effective}`);
  });
}

export const showPair = (p: readonly [number, number]) => (p[0] === p[1] ? String(p[0]) : `[${p[0]}, ${p[1]}]`);
