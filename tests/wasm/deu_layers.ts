// The DEU layers the WebAssembly parity tests draw (tests/wasm/deu.test.ts, deu_single.test.ts):
// 1-1-1 neurons of both kinds, inputs across the step, the caps and the clip, NaN and ±0, and one
// training pass through tg.deu.
import fc from 'fast-check';
import * as tg from '../../index.js';

// a, b, c > 0: Δ = b² − 4ac > 0 (real roots) or < 0 (oscillation); away from Δ ≈ 0
export const neuronArb = fc.record({
  a: fc.double({ min: 0.2, max: 2, noNaN: true }),
  c: fc.double({ min: 0.2, max: 2, noNaN: true }),
  oscillating: fc.boolean(),
  state: fc.constantFrom(0, 1),
  c1: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  c2: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
}).map(({ a, c, oscillating, state, c1, c2 }) => {
  const edge = 2 * Math.sqrt(a * c);
  return [a, oscillating ? 0.3 * edge : 1.7 * edge, c, state * c1, state * c2];
});

export const valueArb = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -8, max: 8, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, 40, -40, 1e4, -1e4) },
);

export interface LayerCase {
  d: { n: number; f: number; s: number };
  neurons: number[][];
  values: number[];
  u: number[];
  steep?: number;
}

/** A layer [n, f ≤ maxNeurons, s] of `neuron`s, its inputs and an upstream gradient u (and a steepness s, if `steep` is given). */
export function layerCaseArb(neuron: fc.Arbitrary<number[]>, steep?: fc.Arbitrary<number>, maxNeurons = 4): fc.Arbitrary<LayerCase> {
  return fc.record({ n: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: maxNeurons }), s: fc.integer({ min: 1, max: 9 }) })
    .chain((d) => fc.record({
      d: fc.constant(d),
      neurons: fc.array(neuron, { minLength: d.f, maxLength: d.f }),
      values: fc.array(valueArb, { minLength: d.n * d.f * d.s, maxLength: d.n * d.f * d.s }),
      u: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d.n * d.f * d.s, maxLength: d.n * d.f * d.s }),
      ...(steep ? { steep } : {}),
    }) as fc.Arbitrary<LayerCase>);
}

/** y, dx and dparams of one pass of tg.deu, its loss Σ y·u. */
export function pass(d: { n: number; f: number; s: number }, neurons: number[][], values: number[], u: number[], steep = 100) {
  const x = tg.tensor(values, { shape: [d.n, d.f, d.s], requiresGrad: true });
  const p = tg.tensor(neurons, { requiresGrad: true });
  const y = tg.deu(x, p, { s: steep });
  y.mul(tg.tensor(u, { shape: [d.n, d.f, d.s] })).sum().backward();
  return [y.data(), x.grad!.data(), p.grad!.data()];
}

