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
