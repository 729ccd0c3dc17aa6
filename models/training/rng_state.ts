// A run's random generator state (fit gives each run its own), saved with each epoch so that a
// resumed run draws the same dropout masks, RReLU slopes and RPAU noise as an uninterrupted one.
import { fail } from '../../core/errors.js';
import type { Generator } from '../../core/rng.js';

/** sfc32's words a, b, c, d (32-bit integers) and Box–Muller's cached second normal. */
export interface RngState {
  a: number;
  b: number;
  c: number;
  d: number;
  spareNormal: number | null;
}

export function captureRng(generator: Generator): RngState {
  return generator.getState();
}

export function restoreRng(state: RngState, generator: Generator): void {
  generator.setState(state);
}

/** Validates a saved state; `where` names the file and field for the error. */
export function checkRngState(fn: string, where: string, value: unknown): RngState {
  const s = value as Record<string, unknown> | null;
  if (s === null || typeof s !== 'object') fail(fn, `${where} must be an object {a, b, c, d, spareNormal}, got ${JSON.stringify(value)}`);
  for (const key of ['a', 'b', 'c', 'd']) {
    const word = s[key];
    if (typeof word !== 'number' || !Number.isInteger(word) || word < -(2 ** 31) || word >= 2 ** 32) {
      fail(fn, `${where}.${key} must be a 32-bit integer, got ${JSON.stringify(word)}`);
    }
  }
  if (s.spareNormal !== null && (typeof s.spareNormal !== 'number' || !Number.isFinite(s.spareNormal))) {
    fail(fn, `${where}.spareNormal must be a finite number or null, got ${JSON.stringify(s.spareNormal)}`);
  }
  return { a: s.a as number, b: s.b as number, c: s.c as number, d: s.d as number, spareNormal: s.spareNormal as number | null };
}
