// How far each float32 way of computing a DEU layer is from the same layer in float64 (the
// JavaScript kernel on float64 tensors): the CPU backend's float32 arithmetic (the default), its
// float64 arithmetic (setBackend('cpu', { deuArithmetic: 'float64' })), and each gpu.js mode the
// bench runs (float32 throughout, the reference implementation's arithmetic). bench/deu.ts prints
// the table with the timings, so that the speed of each arithmetic is read beside its error.
//
// The error of an output is measured against the largest magnitude of that output in float64
// (y, dx, and each of the five coefficient-gradient columns a, b, c, c1, c2 separately): the
// largest |float32 − float64| / max |float64|. Elementwise relative errors are meaningless where an
// output crosses zero.
import * as tg from '../index.js';

/** A DEU layer to measure: its input t [N, F], coefficients [F, 5], and an upstream gradient [N, F]. */
export interface DeuLayerCase {
  label: string;
  t: Float32Array;
  coeffs: Float32Array;
  upstream: Float32Array;
  N: number;
  F: number;
}

/** One way of computing in float32: its name, the backend to run on, the CPU arithmetic to use there. */
export interface Float32Path {
  name: string;
  backend: string;
  deuArithmetic?: 'float32' | 'float64';
}

/** The outputs outputsOf gives, in its order. */
export const OUTPUTS = ['y', 'dx', '∂a', '∂b', '∂c', '∂c1', '∂c2'];

/** y, dx and the coefficient gradients (column by column) of the layer, in float64 numbers. */
export function outputsOf(layer: DeuLayerCase, dtype: 'float32' | 'float64', backend: string): Float64Array[] {
  return tg.tidy(() => {
    const x = tg.tensor(layer.t, { shape: [layer.N, layer.F], dtype, backend }).detach().requiresGrad_();
    const p = tg.tensor(layer.coeffs, { shape: [layer.F, 5], dtype, backend }).detach().requiresGrad_();
    const y = tg.deu(x, p);
    y.backward(tg.tensor(layer.upstream, { shape: [layer.N, layer.F], dtype, backend }));
    const dp = Float64Array.from(p.grad!.data());
    const columns = [0, 1, 2, 3, 4].map((c) => dp.filter((_, i) => i % 5 === c));
    const out = [Float64Array.from(y.data()), Float64Array.from(x.grad!.data()), ...columns];
    [x.grad, p.grad].forEach((g) => g?.dispose());
    return out;
  });
}

/** The largest |got − want| over the largest |want|. */
export function scaledError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0, worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/**
 * Runs fn on the CPU backend with the given DEU arithmetic (undefined: as set), then puts back the
 * one set before, so that no caller changes what runs after it (the tests use it too).
 */
export function inDeuArithmetic<T>(arithmetic: 'float32' | 'float64' | undefined, fn: () => T): T {
  if (arithmetic === undefined) return fn();
  const before = tg.backendInfo('cpu').deuArithmetic;
  tg.setBackend('cpu', { deuArithmetic: arithmetic });
  try {
    return fn();
  } finally {
    tg.setBackend('cpu', { deuArithmetic: before });
  }
}

/** The markdown table: one row per layer and path, one column per output. */
export function accuracyTable(layers: readonly DeuLayerCase[], paths: readonly Float32Path[]): string[] {
  const lines = [`| layer | float32 computation | ${OUTPUTS.join(' | ')} |`, `|---|---|${OUTPUTS.map(() => '---').join('|')}|`];
  for (const layer of layers) {
    const want = outputsOf(layer, 'float64', 'cpu');
    for (const path of paths) {
      const got = inDeuArithmetic(path.deuArithmetic, () => outputsOf(layer, 'float32', path.backend));
      lines.push(`| ${layer.label} | ${path.name} | ${got.map((g, k) => scaledError(g, want[k]).toExponential(1)).join(' | ')} |`);
    }
  }
  return lines;
}
