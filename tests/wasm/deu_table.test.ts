// The DEU layer's table as the WebAssembly kernel writes it (core/wasm/assembly/deu_table.ts's
// deuWriteTable) against the rule written out here in JavaScript: each neuron's subspace is
// core/cpu/deu_solutions.ts's subspaceOf (the kernel classifies by the same comparisons), it is
// flagged for outward gravitation exactly when deu_gravitation.ts's hasSmallCoefficient says so,
// and the order is the loops' — every neuron of another subspace in the order of f, each 1-1-1
// Δ > 0 or Δ < 0 neuron held back until four of its kind have come, then the four together, and
// what is left of each kind last. fast-check over coefficients at ε's edges, ±0, Δ near ±ε,
// NaN and ±∞, and layers large and small.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { kernelTableForTest } from '../../core/cpu/deu_wasm.js';
import { subspaceOf, type Subspace } from '../../core/cpu/deu_solutions.js';
import { hasSmallCoefficient } from '../../core/cpu/deu_gravitation.js';

const rt = wasmRuntime();

interface Expected {
  entries: { f: number; subspace: Subspace | null; flagged: boolean }[];
  starts: number[];
}

/** The table's order and contents, by the rule in the header. */
function expectedTable(params: Float32Array, F: number, eps: number, gravitate: boolean): Expected {
  const entries: Expected['entries'] = [], starts: number[] = [];
  const add = (f: number, subspace: Subspace | null) => {
    const [a, b, c] = [params[5 * f], params[5 * f + 1], params[5 * f + 2]];
    entries.push({ f, subspace, flagged: gravitate && subspace !== null && hasSmallCoefficient(a, b, c, eps) });
  };
  const waiting: Record<string, number[]> = { '1-1-1 Δ>0': [], '1-1-1 Δ<0': [] };
  for (let f = 0; f < F; f++) {
    const subspace = subspaceOf(params[5 * f], params[5 * f + 1], params[5 * f + 2], eps);
    const queue = subspace === null ? undefined : waiting[subspace];
    if (!queue) {
      starts.push(entries.length);
      add(f, subspace);
      continue;
    }
    queue.push(f);
    if (queue.length < 4) continue;
    starts.push(entries.length);
    for (const g of queue.splice(0)) add(g, subspace);
  }
  for (const subspace of ['1-1-1 Δ>0', '1-1-1 Δ<0'] as const) {
    if (waiting[subspace].length > 0) starts.push(entries.length);
    for (const g of waiting[subspace]) add(g, subspace);
  }
  return { entries, starts };
}

const EPS = 0.01;
const coefficientArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: -0.02, max: 0.02, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, EPS, -EPS, Math.fround(EPS), -Math.fround(EPS), NaN, Infinity, -Infinity) },
);
// a, b, c with b² − 4ac within a few ε of 0 (the band's edges), signs of a and c alike or not
const nearBandArb = fc.tuple(fc.double({ min: 0.05, max: 2, noNaN: true }), fc.double({ min: -0.03, max: 0.03, noNaN: true }), fc.constantFrom(1, -1), fc.constantFrom(1, -1)).map(([a, d, sa, sc]) => {
  const b = 2 * a; // Δ = 4a² − 4ac = 4a(a − c): c = a − d/(4a) gives Δ = d
  return [sa * a, b, sc * (a - d / (4 * a))];
});
const neuronArb = fc.oneof({ weight: 4, arbitrary: fc.tuple(coefficientArb, coefficientArb, coefficientArb) }, { weight: 1, arbitrary: nearBandArb });

if (!rt) {
  test('skipped: no WebAssembly runtime here (the table is the WebAssembly kernel\'s)', () => {});
} else {
  test('the kernel\'s table: subspaces, gravitation flags and order as the rule above (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(neuronArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (neurons, gravitate) => {
        const F = neurons.length, params = new Float32Array(5 * F);
        neurons.forEach(([a, b, c], f) => params.set([a, b, c, 0.5, -0.25], 5 * f));
        const table = kernelTableForTest(params, F, EPS, gravitate);
        assert.ok(table, 'the kernel wrote a table');
        assert.equal(table, expectedTable(params, F, EPS, gravitate));
      }),
      { numRuns: 300 },
    );
  });

  test('a large layer: groups of four of each 1-1-1 kind among the others, the rest last', () => {
    // f mod 7: 0–2 Δ > 0, 3–5 Δ < 0, 6 a first-order neuron (a below ε, flagged)
    const F = 70001, params = new Float32Array(5 * F);
    for (let f = 0; f < F; f++) {
      const r = f % 7;
      params.set(r < 3 ? [1, 3, 1] : r < 6 ? [1, 1, 1] : [0.001, 1, 1], 5 * f);
    }
    const table = kernelTableForTest(params, F, EPS, true)!;
    assert.equal(table, expectedTable(params, F, EPS, true));
    assert.is(table.entries.filter((e) => e.flagged).length, 10000);
  });

  test('the subspace at the band\'s edge: |Δ| = ε is not forced, and sign(a) ≠ sign(c) never is', () => {
    // ε = 2^−7 and a = 1, b = 2, c = 1 ± 2^−9: Δ = b² − 4ac = ∓2^−7 exactly
    const eps = 2 ** -7;
    const cases: [number, number, number, Subspace][] = [
      [1, 2, 1, '1-1-1 Δ≈0'],
      [1, 2, 1 - 2 ** -9, '1-1-1 Δ>0'], // Δ = ε: not forced
      [1, 2, 1 + 2 ** -9, '1-1-1 Δ<0'], // Δ = −ε
      [1, 2, 1 + 2 ** -10, '1-1-1 Δ≈0'], // Δ = −ε/2
      [-0.01, 0.01, 0.01, '1-1-1 Δ>0'], // Δ = 5·10^−4 < ε but sign(a) ≠ sign(c)
    ];
    const params = Float64Array.from(cases.flatMap(([a, b, c]) => [a, b, c, 0, 0]));
    const table = kernelTableForTest(params, cases.length, eps, false)!;
    cases.forEach(([a, b, c, subspace], f) => {
      assert.is(subspaceOf(a, b, c, eps), subspace, `the JavaScript rule at ${a}, ${b}, ${c}`);
      assert.is(table.entries.find((e) => e.f === f)?.subspace, subspace, `the kernel at ${a}, ${b}, ${c}`);
    });
  });
}

test.run();
