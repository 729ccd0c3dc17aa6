// Looking up a fused kernel: a backend that lacks one says so plainly (no silent fallback).
import { fail } from '../core/errors.js';
import type { FusedKernels } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';

export function fusedKernel<K extends keyof FusedKernels>(op: string, t: Tensor, name: K): FusedKernels[K] {
  const kernel = t.backend.kernels[name];
  if (!kernel) fail(op, `backend '${t.backend.name}' has no '${name}' kernel`);
  return kernel as FusedKernels[K];
}

/** An int or a pair of ints, each at least `min`, as PyTorch's _pair. */
export function pair(op: string, name: string, value: number | readonly number[], min: number): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  if (!(typeof value === 'number' || (Array.isArray(value) && value.length === 2)) || ![a, b].every((v) => Number.isInteger(v) && v >= min)) {
    fail(op, `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [a, b];
}
