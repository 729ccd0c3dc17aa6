// Shared test helpers: closeness with an explicit tolerance, and error-message matching.
import * as assert from 'uvu/assert';
import type { NestedArray } from '../core/tensor.js';

export function flat(values: NestedArray | ArrayLike<number>): number[] {
  if (typeof values === 'number') return [values];
  if (Array.isArray(values)) return (values as NestedArray[]).flatMap((v) => flat(v));
  return Array.from(values as ArrayLike<number>);
}

/** Elementwise |a − b| ≤ atol + rtol·|b|; NaN only matches NaN, ±Infinity only itself. */
export function assertClose(actual: NestedArray | ArrayLike<number>, expected: NestedArray | ArrayLike<number>, atol = 1e-6, rtol = 1e-6, what = ''): void {
  const a = flat(actual);
  const e = flat(expected);
  assert.is(a.length, e.length, `${what} length ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i]) && Number.isNaN(a[i])) continue;
    if (!Number.isFinite(e[i]) && a[i] === e[i]) continue;
    const ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) assert.unreachable(`${what} element ${i}: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** fn must throw an Error whose message contains every fragment. */
export function assertThrows(fn: () => unknown, ...fragments: (string | RegExp)[]): void {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error)) assert.unreachable(`expected an error mentioning ${fragments.join(', ')}, but nothing was thrown`);
  const message = (error as Error).message;
  for (const f of fragments) {
    const ok = typeof f === 'string' ? message.includes(f) : f.test(message);
    if (!ok) assert.unreachable(`error message "${message}" does not mention ${String(f)}`);
  }
}
