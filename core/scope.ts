// Explicit memory management, as in TensorFlow.js: every tensor made inside `tidy(fn)` is
// disposed when fn returns, except the tensors fn returns and those passed to `keep`.
// This matters on the GPU, where JavaScript's garbage collector cannot see device memory.
import { fail } from './errors.js';
import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

/** Called by the Tensor constructor: the innermost tidy scope owns every new tensor. */
export function trackTensor(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Exempts a tensor from disposal by every enclosing tidy. */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') fail('tidy', `expected a function fn, got ${typeof fn === 'object' && fn !== null ? 'an object' : String(fn)}`);
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  if (isThenable(result)) {
    // The scope ended when fn returned, at its first await: what fn makes after it would escape
    // tidy, and what fn returns is not known yet. So an async fn is refused (the tensors made
    // before the await are freed). The abandoned promise may then fail on a freed tensor; the
    // caller already has this error, so that second failure is silenced rather than left to
    // crash the process as an unhandled rejection.
    for (const t of scope) t.dispose();
    result.then(undefined, () => {});
    fail('tidy', 'fn returned a Promise (an async function?); tidy tracks tensors only while fn runs synchronously: await outside tidy and pass tidy the synchronous work between the awaits');
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  for (const t of scope) {
    if (returned.has(t)) trackTensor(t); // the parent scope now owns it
    else t.dispose();
  }
  return result;
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value === null || typeof value !== 'object') return;
  if (isTensorLike(value)) {
    into.add(value as Tensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, into);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectTensors(v, into);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function isTensorLike(value: object): boolean {
  return (value as { isTensor?: unknown }).isTensor === true;
}
