// Every public function reports bad input the same way: "fn: what was expected, what came".
import type { Shape } from './shape.js';

export class TapegradError extends Error {
  constructor(readonly fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = 'TapegradError';
  }
}

export function fail(fn: string, message: string): never {
  throw new TapegradError(fn, message);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Hyperparameters (slopes, eps, lr, ...) must be finite numbers: NaN would poison every value. */
export function checkFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(fn, `${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

export function checkInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(fn, `${name} must be an integer, got ${String(value)}`);
  }
  return value;
}

/** How a received value reads in a message: strings quoted, objects as JSON, the rest as String. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // elements one by one: JSON.stringify would print NaN as null
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

/**
 * An options object: undefined (no options) or a plain object whose every own key is allowed.
 * Own keys only, so that `{toString: 5}` or a JSON `"__proto__"` key is rejected: an `in` check
 * (or a lookup table) would find Object.prototype's toString, constructor, hasOwnProperty and
 * __proto__ and let them through. Returns the options, `{}` for undefined.
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, allowed: readonly (keyof T & string)[]): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, `options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(allowed as readonly string[]).includes(key)) {
      fail(fn, `unknown option '${key}'; ${allowed.length === 0 ? 'it takes none' : `expected some of ${allowed.join(', ')}`}`);
    }
  }
  return options;
}
