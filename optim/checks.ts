// Hyperparameter checks shared by the optimizers and schedulers. Each names the optimizer, the
// hyperparameter and the value received, so `new SGD(ps, {lr: -1})` says exactly what is wrong.
// NaN fails every check: `NaN >= 0` is false, and a NaN lr would silently poison every weight.
import { fail } from '../core/errors.js';

function number(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(owner, `${key} must be a finite number, got ${String(value)}`);
  return value;
}

export function nonNegative(owner: string, key: string, value: unknown): number {
  const v = number(owner, key, value);
  if (v < 0) fail(owner, `${key} must be ≥ 0, got ${v}`);
  return v;
}

export function positive(owner: string, key: string, value: unknown): number {
  const v = number(owner, key, value);
  if (v <= 0) fail(owner, `${key} must be > 0, got ${v}`);
  return v;
}

export function finite(owner: string, key: string, value: unknown): number {
  return number(owner, key, value);
}

/** A number in [lo, hi] (or [lo, hi) when hiOpen); the bounds appear in the message. */
export function inRange(owner: string, key: string, value: unknown, lo: number, hi: number, hiOpen = false, loOpen = false): number {
  const v = number(owner, key, value);
  const below = loOpen ? v <= lo : v < lo;
  const above = hiOpen ? v >= hi : v > hi;
  if (below || above) fail(owner, `${key} must be in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${v}`);
  return v;
}

export function positiveInteger(owner: string, key: string, value: unknown): number {
  const v = number(owner, key, value);
  if (!Number.isInteger(v) || v < 1) fail(owner, `${key} must be a positive integer, got ${v}`);
  return v;
}

export function bool(owner: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, `${key} must be true or false, got ${String(value)}`);
  return value;
}

/** Adam's (beta1, beta2): each in [0, 1), as PyTorch requires. */
export function betas(owner: string, value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(owner, `betas must be a pair [beta1, beta2], got ${JSON.stringify(value)}`);
  inRange(owner, 'betas[0]', value[0], 0, 1, true);
  inRange(owner, 'betas[1]', value[1], 0, 1, true);
  return [value[0], value[1]];
}
