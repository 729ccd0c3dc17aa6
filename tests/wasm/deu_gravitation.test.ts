// Outward gravitation as the WebAssembly DEU backward kernel finds it (core/wasm/assembly/
// deu_gravitation.ts) against core/cpu/deu_gravitation.ts's outwardGravitation at the batch mean:
// bit for bit — which columns are borrowed, the nudged neuron's subspace, ã, b̃, c̃ and the fitted
// c̃1, c̃2 (a forward difference and a nearly singular 2×2 solve, which magnify any ulp) — because
// the kernel evaluates with the host's exp, sin and cos and deu_solutions.ts's expressions.
// fast-check over every subspace a coefficient below ε leaves (each of a, b, c small, ±0
// included), with and without an initial state, inputs across the step and the caps, NaN.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { heapOf } from '../../core/wasm/heap.js';
import { kernelGravitationForTest } from '../../core/cpu/deu_wasm.js';
import { outwardGravitation, type Gravitation } from '../../core/cpu/deu_gravitation.js';
import { subspaceOf } from '../../core/cpu/deu_solutions.js';

const rt = wasmRuntime();

const coefficientArb = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -0.0099, max: 0.0099, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 0.01, -0.01) },
  { weight: 6, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
);
const stateArb = fc.oneof(fc.constant(0), fc.double({ min: -2, max: 2, noNaN: true }));
const neuronArb = fc.tuple(coefficientArb, coefficientArb, coefficientArb, stateArb, stateArb);
const inputArb = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -6, max: 6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 0.001, -0.001, 30, -30, NaN) },
);

interface Layer {
  n: number;
  f: number;
  s: number;
  neurons: number[][];
  x: number[];
  steep: number;
}
const layerArb: fc.Arbitrary<Layer> = fc
  .record({ n: fc.integer({ min: 0, max: 5 }), f: fc.integer({ min: 1, max: 6 }), s: fc.integer({ min: 1, max: 3 }) })
  .chain((d) => fc.record({
    n: fc.constant(d.n),
    f: fc.constant(d.f),
    s: fc.constant(d.s),
    neurons: fc.array(neuronArb, { minLength: d.f, maxLength: d.f }),
    x: fc.array(inputArb, { minLength: d.n * d.f * d.s, maxLength: d.n * d.f * d.s }),
    steep: fc.oneof(fc.constant(100), fc.double({ min: 1, max: 200, noNaN: true })),
  }));

const EPS = 0.01;

/** deu.ts's gravitationOf: outwardGravitation at the mean of the neuron's float32 inputs, summed in order. */
function javascriptGravitation(x: Float32Array, params: number[], n: number, f: number, s: number, neuron: number, steep: number): Gravitation | null {
  const [a, b, c, c1, c2] = params.slice(5 * neuron, 5 * neuron + 5);
  const sub = subspaceOf(a, b, c, EPS);
  if (sub === null || n * s === 0 || (Math.abs(a) >= EPS && Math.abs(b) >= EPS && Math.abs(c) >= EPS)) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = (i * f + neuron) * s; j < (i * f + neuron + 1) * s; j++) sum += x[j];
  return outwardGravitation({ a, b, c, c1, c2 }, sub, sum / (n * s), EPS, steep);
}

/** The two as one string per field, bits of every number included (so −0 ≠ +0 and any ulp shows). */
function describe(g: Gravitation | null): string {
  if (!g) return 'none';
  const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : `${v} (${new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16)})`);
  return `${g.subspace}; borrowed ${g.nudged.a ? 'a' : ''}${g.nudged.b ? 'b' : ''}${g.nudged.c ? 'c' : ''}; ` + ['a', 'b', 'c', 'c1', 'c2'].map((k) => `${k} ${bits(g.at[k as 'a'])}`).join(', ');
}

/** The kernel's gravitation and JavaScript's for every neuron of `layer`, as strings. */
function both(layer: Layer): { kernel: string[]; javascript: string[] } {
  const { n, f, s, neurons, steep } = layer;
  const heap = heapOf(rt!);
  const ptr = heap.alloc(4 * Math.max(1, n * f * s), false)!;
  try {
    const x = new Float32Array(rt!.memory.buffer, ptr, n * f * s);
    x.set(layer.x);
    const params = neurons.flat();
    const kernel = kernelGravitationForTest(x, params, n, f, s, EPS, steep);
    if (!kernel) throw new Error('the WebAssembly kernel did not run');
    return { kernel: kernel.map(describe), javascript: neurons.map((_, i) => describe(javascriptGravitation(x, params, n, f, s, i, steep))) };
  } finally {
    heap.release(ptr);
  }
}

if (!rt) {
  test.skip('skipped: WebAssembly kernels unavailable here, so there is no kernel gravitation to compare', () => {});
} else {
  test('outward gravitation in the kernel is JavaScript\'s bit for bit (fast-check over every subspace a small coefficient leaves)', () => {
    let fitted = 0;
    fc.assert(fc.property(layerArb, (layer) => {
      const { kernel, javascript } = both(layer);
      for (let i = 0; i < layer.f; i++) {
        if (kernel[i] !== javascript[i]) assert.unreachable(`neuron ${i} (${layer.neurons[i]}): kernel ${kernel[i]}; JavaScript ${javascript[i]}`);
        if (javascript[i] !== 'none') fitted++;
      }
    }), { seed: 11, numRuns: 400 });
    assert.ok(fitted > 500, `only ${fitted} neurons had outward gravitation`);
  });

  test('a layer at the reference\'s initialisation: ~4 % of its neurons, each the same as JavaScript\'s', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const f = 512, n = 64;
    const neurons = Array.from({ length: f }, () => [rnd(), rnd(), rnd(), 0, 0]);
    const x = Array.from({ length: n * f }, () => 4 * rnd() - 2);
    const { kernel, javascript } = both({ n, f, s: 1, neurons, x, steep: 100 });
    assert.equal(kernel, javascript);
    const count = javascript.filter((g) => g !== 'none').length;
    assert.ok(count >= 5 && count <= 40, `${count} of ${f} neurons`);
  });

  test('the comparison sees one ulp: a c̃1 off by an ulp, or a borrowed column too many, is reported', () => {
    const g: Gravitation = { at: { a: 0.01, b: 0.5, c: 0.7, c1: 0.25, c2: -0.125 }, subspace: '1-1-1 Δ<0', nudged: { a: true, b: false, c: false } };
    const off = { ...g, at: { ...g.at, c1: 0.25 + 2 ** -54 } }, more = { ...g, nudged: { a: true, b: true, c: false } };
    assert.not.equal(describe(off), describe(g));
    assert.not.equal(describe(more), describe(g));
    assert.not.equal(describe({ ...g, at: { ...g.at, c2: -0 } }), describe({ ...g, at: { ...g.at, c2: 0 } }));
  });
}

test.run();
