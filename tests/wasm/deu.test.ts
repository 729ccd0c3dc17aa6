// The WebAssembly DEU kernel (core/wasm/assembly/deu.ts, deu_subspaces.ts) against the JavaScript
// kernel (core/cpu/deu.ts, the reference) for float32: the same float64 expressions, but vmath.ts's
// exp/sin/cos instead of V8's, each within an ulp of the exact value. fast-check over coefficients
// in every subspace (1-1-1 Δ ≷ 0 in their fast loops; the others, the band and non-finite
// coefficients in the generic loops, with outward gravitation's borrowed columns wherever a
// coefficient is below ε), at rest (c1 = c2 = 0) and with an initial state, inputs across the step,
// the caps and the clip, NaN and ±0; every output and gradient within 4 float32 ulps (or 1e-6 of
// its tensor's largest magnitude, where the clip or cancellation leaves a small value). A ±∞ input
// keeps the call in JavaScript. Every test here runs the float64 arithmetic (setBackend('cpu',
// { deuArithmetic: 'float64' })); the float32 arithmetic, the default, has tests/wasm/deu_single.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { inJavaScript } from './in_javascript.js';
import { inDeuArithmetic } from '../../bench/deu_accuracy.js';
import { layerCaseArb, neuronArb, pass } from './deu_layers.js';
import { subspaceOf } from '../../core/cpu/deu_solutions.js';
import { wasmRuntime } from '../../core/wasm/runtime.js';
import { arrayOf } from '../../core/cpu/storage.js';
import { setKeepShareForTest } from '../../core/cpu/deu.js';
import { keptTableForTest, savedLength, setShareTablesForTest } from '../../core/cpu/deu_wasm.js';
import { fromStorage } from '../../core/tensor.js';
import type { Storage, View } from '../../core/backend.js';

function ulp(v: number): number {
  const f = Math.fround(Math.abs(v));
  if (f === 0 || !Number.isFinite(f)) return 2 ** -149;
  const next = new Float32Array(new Int32Array([new Int32Array(new Float32Array([f]).buffer)[0] + 1]).buffer)[0];
  return next - f;
}

function near(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  let scale = 0;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
    const d = Math.abs(got[i] - want[i]);
    if (!(got[i] === want[i] || d <= 4 * ulp(want[i]) || d <= 1e-6 * scale)) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
}

const caseArb = layerCaseArb(neuronArb);

// the float64 arithmetic for the whole file, and whatever was set before it afterwards
let arithmeticBefore: 'float32' | 'float64' = 'float32';
test.before(() => {
  arithmeticBefore = cpuInfo().deuArithmetic;
  tg.setBackend('cpu', { deuArithmetic: 'float64' });
});
test.after(() => {
  tg.setBackend('cpu', { deuArithmetic: arithmeticBefore });
});

test('deu, subspaces 1-1-1 Δ > 0 and Δ < 0: forward and gradients within 4 ulps of the JavaScript kernel', () => {
  const before = cpuInfo().kernelRuns.deuGrad ?? 0;
  fc.assert(fc.property(caseArb, ({ d, neurons, values, u }) => {
    const got = pass(d, neurons, values, u);
    const want = inJavaScript(() => pass(d, neurons, values, u));
    ['y', 'dx', 'dparams'].forEach((name, i) => near(got[i], want[i], `${name} ${JSON.stringify(d)} ${JSON.stringify(neurons)}`));
  }), { seed: 51, numRuns: 150 });
  assert.ok((cpuInfo().kernelRuns.deuGrad ?? 0) > before, 'the WebAssembly DEU ran');
});

const EPS = 0.01; // tg.deu's default ε
/** Below ε in magnitude (treated as zero; outward gravitation nudges it), ±0 included. */
const small = fc.oneof(fc.double({ min: -0.0099, max: 0.0099, noNaN: true }), fc.constantFrom(0, -0));
const big = fc.double({ min: 0.05, max: 2, noNaN: true }).chain((v) => fc.constantFrom(v, -v));
const positive = fc.double({ min: 0.05, max: 2, noNaN: true });
const sign = fc.constantFrom(1, -1);

/** a, b, c in one subspace, named as subspaceOf names it (null: a non-finite coefficient). */
const coefficientsArb = fc.oneof(
  fc.tuple(big, big, big), // 1-1-1 Δ ≷ 0 (and, rarely, the band)
  fc.tuple(small, big, big), // 0-1-1
  fc.tuple(big, big, small), // 1-1-0
  fc.tuple(positive, small, positive, sign).map(([a, b, c, z]) => [z * a, b, z * c]), // 1-0-1 ac > 0
  fc.tuple(positive, small, positive, sign).map(([a, b, c, z]) => [z * a, b, -z * c]), // 1-0-1 ac < 0
  fc.tuple(big, small, small), // 1-0-0
  fc.tuple(small, big, small), // 0-1-0
  fc.tuple(small, small, big), // 0-0-1
  fc.tuple(small, small, small), // 0-0-0
  // the band |Δ| < ε with sign(a) = sign(c): a = ±u, c = ±(b² + d)/(4u), so Δ = −d
  fc.tuple(fc.double({ min: 0.5, max: 2, noNaN: true }), sign, fc.double({ min: 0.1, max: 1, noNaN: true }), sign, fc.double({ min: -0.009, max: 0.009, noNaN: true }))
    .map(([b, sb, u, z, d]) => [z * u, sb * b, (z * (b * b + d)) / (4 * u)]),
  fc.tuple(fc.constantFrom(NaN, Infinity, -Infinity), big, big).chain((t) => fc.shuffledSubarray(t, { minLength: 3, maxLength: 3 })),
);

const anyNeuronArb = fc.record({
  abc: coefficientsArb,
  state: fc.constantFrom(0, 1),
  c1: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  c2: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
}).map(({ abc, state, c1, c2 }) => [...abc, state * c1, state * c2]);

const anyCaseArb = layerCaseArb(anyNeuronArb, fc.constantFrom(100, 2.5));

/** The JavaScript kernel's results for the same pass (the reference). */
function reference(d: { n: number; f: number; s: number }, neurons: number[][], values: number[], u: number[], steep = 100) {
  return inJavaScript(() => pass(d, neurons, values, u, steep));
}

test('deu, every subspace (with outward gravitation below ε), the band and non-finite coefficients: within 4 ulps of the JavaScript kernel, in WebAssembly', () => {
  const seen = new Set<string>();
  fc.assert(fc.property(anyCaseArb, ({ d, neurons, values, u, steep }) => {
    const runs = cpuInfo().kernelRuns, forward = runs.deu ?? 0, backward = runs.deuGrad ?? 0;
    const got = pass(d, neurons, values, u, steep);
    // the whole layer ran in WebAssembly: one forward and one backward call
    assert.is(cpuInfo().kernelRuns.deu ?? 0, forward + 1, 'the WebAssembly DEU forward ran');
    assert.is(cpuInfo().kernelRuns.deuGrad ?? 0, backward + 1, 'the WebAssembly DEU backward ran');
    const want = reference(d, neurons, values, u, steep);
    for (const [a, b, c] of neurons) seen.add(String(subspaceOf(Math.fround(a), Math.fround(b), Math.fround(c), EPS)));
    ['y', 'dx', 'dparams'].forEach((name, i) => near(got[i], want[i], `${name} ${JSON.stringify(d)} s=${steep} ${JSON.stringify(neurons)}`));
  }), { seed: 52, numRuns: 400 });
  const all = ['0-0-0', '0-0-1', '0-1-0', '0-1-1', '1-0-0', '1-0-1 ac>0', '1-0-1 ac<0', '1-1-0', '1-1-1 Δ≈0', '1-1-1 Δ<0', '1-1-1 Δ>0', 'null'];
  assert.equal(all.filter((s) => !seen.has(s)), [], 'every subspace was drawn');
});

test('harness: a gradient 1e-5 off (about 80 float32 ulps) in a gravitated neuron is caught', () => {
  // 0-1-1 (a below ε: its a-column is borrowed from the nudged neuron) and 1-0-1 ac > 0
  const d = { n: 2, f: 2, s: 3 }, neurons = [[0.004, 0.7, 0.5, 0.1, -0.2], [0.6, 0, 0.8, 0, 0]];
  const values = [-1, 0.3, 2, 0.5, -0.2, 1.5, 0.7, -3, 0.01, 4, 1, -0.5], u = values.map((_, i) => 1 - i / 7);
  const want = reference(d, neurons, values, u, 100);
  near(pass(d, neurons, values, u)[2], want[2], 'unperturbed');
  const exports = wasmRuntime()!.exports as unknown as Record<string, (...args: number[]) => unknown>;
  const original = exports.deuBackwardTable;
  exports.deuBackwardTable = (...args: number[]) => {
    original(...args);
    // the float64 sums, 5 per neuron at args[9] (one call computes this small layer's neurons [0, args[2]))
    const sums = new Float64Array(wasmRuntime()!.memory.buffer, args[9], 5 * args[2]);
    for (let i = 0; i < sums.length; i++) sums[i] *= 1 + 1e-5;
  };
  let caught = false;
  try {
    near(pass(d, neurons, values, u)[2], want[2], 'perturbed');
  } catch (e) {
    caught = /JavaScript kernel gives/.test(String((e as Error).message));
  } finally {
    exports.deuBackwardTable = original;
  }
  assert.ok(caught, 'the perturbed gradients were caught');
});

test('every subspace, gravitation included, is bit-identical for 1, 2 and 3 threads', () => {
  // one neuron per subspace (and a non-finite one), repeated; N·F above the parallel threshold
  const kinds = [[0.3, 1.5, 0.4], [0.7, 0.5, 0.6], [0.5, 1, 0.5], [0.005, 0.6, 0.5], [0.6, 0.5, -0.004], [0.6, 0.003, 0.5], [0.6, -0.003, -0.5],
    [0.6, 0.003, -0.004], [0, 0.6, 0.004], [0.003, 0.004, 0.6], [0, -0.002, 0.001], [NaN, 1, 1]];
  const F = 37, N = 613;
  const rows = Array.from({ length: F }, (_, f) => [...kinds[f % kinds.length], f % 3 ? 0.1 * ((f % 7) - 3) : 0, f % 3 ? -0.05 * ((f % 5) - 2) : 0]);
  tg.manualSeed(8);
  const x = tg.randn([N, F]).mul(2), u = tg.randn([N, F]);
  const bytes = (t: tg.Tensor) => Array.from(new Uint8Array((t.data() as Float32Array).slice().buffer)).join(',');
  const results: string[] = [];
  try {
    for (const threads of [1, 2, 3]) {
      tg.setBackend('cpu', { threads });
      const xv = x.detach().requiresGrad_(), p = tg.tensor(rows, { requiresGrad: true });
      const y = tg.deu(xv, p);
      y.mul(u).sum().backward();
      results.push([y, xv.grad!, p.grad!].map(bytes).join('|'));
    }
  } finally {
    tg.setBackend('cpu', { threads: 2 });
  }
  assert.is(results[1], results[0], '2 threads differ from 1');
  assert.is(results[2], results[0], '3 threads differ from 1');
});

/** 1-1-1 neurons of both kinds, at rest and not, and outward gravitation's 0-1-1 between them. */
function mixedLayer(F: number): number[][] {
  return Array.from({ length: F }, (_, f) => {
    const state = f % 4 === 0 ? 0 : 0.1 * ((f % 7) - 3);
    if (f % 5 === 4) return [0.004, 0.6, 0.5, state, -state];
    return f % 3 === 0 ? [0.3 + 0.01 * f, 1.5, 0.4, state, 0.5 * state] : [0.7 + 0.01 * f, 0.5, 0.6, -state, state];
  });
}

/**
 * A [40, 23, 3] mixedLayer case at the kernels' level: x, g, p, and a backward pass given what a
 * forward pass kept (null: nothing), its dx and dparams as bits.
 */
function kernelCase(seed: number) {
  const F = 23, N = 40, S = 3, hyper = { eps: EPS, s: 100 };
  tg.manualSeed(seed);
  const x = tg.randn([N, F, S]).mul(2), g = tg.randn([N, F, S]), p = tg.tensor(mixedLayer(F));
  const k = x.backend.kernels;
  const toTensor = (st: Storage, shape: number[]) => fromStorage(st, shape, 'float32', x.backend);
  const backward = (kept: View | null) => {
    const r = k.deuBackward!(g.kernelView(), x.kernelView(), p.kernelView(), hyper, kept);
    const dx = toTensor(r.dx, [N, F, S]), dp = toTensor(r.dparams, [F, 5]);
    const bits = [dx, dp].map((t) => Array.from(new Uint32Array((t.data() as Float32Array).slice().buffer)));
    dx.dispose();
    dp.dispose();
    return bits;
  };
  return { F, N, S, hyper, x, g, p, k, toTensor, backward };
}

test('the forward pass keeps each element\'s exponentials, and a backward pass reusing them gives the bits it gives computing them again; the copy is read', () => {
  const { F, N, S, hyper, x, p, k, toTensor, backward } = kernelCase(11);
  const out = k.deuForward!(x.kernelView(), p.kernelView(), hyper, true);
  const y = toTensor(out.y, [N, F, S]);
  assert.ok(out.saved !== null, 'a float32 layer in WebAssembly keeps its exponentials');
  const kept = toTensor(out.saved!, [out.saved!.size]);
  try {
    const [reusedDx, reusedDp] = backward(kept.kernelView());
    const [computedDx, computedDp] = backward(null);
    assert.equal(reusedDx, computedDx, 'dx');
    assert.equal(reusedDp, computedDp, 'dparams');
    // and without a backward pass to come, nothing is kept
    const plain = k.deuForward!(x.kernelView(), p.kernelView(), hyper, false);
    assert.is(plain.saved, null, 'nothing kept without save');
    toTensor(plain.y, [N, F, S]).dispose();
  } finally {
    y.dispose();
    kept.dispose();
  }
});

test('δ_s near t = 0: dx within 4 float32 ulps of the JavaScript kernel, element by element, where the WebAssembly kernel computes δ_s (−0.14 < t < 0.42 at s = 100) and beside it, where it takes the floor or 0', () => {
  // t from −0.3 to 0.6 by 0.001, one row each; neurons at rest (c1 = c2 = 0), so dx = H·g_t + δ_s·g
  // and δ_s's term is the whole gradient for t < 0 (core/wasm/assembly/deu.ts backwardRows)
  const rows = 901, neurons = [[0.7, 0.5, 0.6, 0, 0], [0.8, 0.4, 0.5, 0, 0], [0.3, 1.5, 0.4, 0, 0], [0.5, 2, 0.3, 0, 0]];
  const values = Array.from({ length: rows * 4 }, (_, i) => -0.3 + 0.001 * Math.floor(i / 4)), u = values.map(() => 1);
  const d = { n: rows, f: 4, s: 1 };
  const got = pass(d, neurons, values, u)[1], want = reference(d, neurons, values, u)[1];
  for (let i = 0; i < want.length; i++) {
    if (!(got[i] === want[i] || Math.abs(got[i] - want[i]) <= 4 * ulp(want[i]))) assert.unreachable(`t = ${values[i]}, neuron ${i % 4}: dx ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
});

test('δ_s near t = 0 in the generic loops (0-1-1, 1-0-1, 1-1-0, the band; at rest): dx within 4 float32 ulps of the JavaScript kernel, element by element, inside and beside the window where δ_s is computed', () => {
  // as above, for neurons the fast loops do not take (core/wasm/assembly/deu_subspaces.ts's delta):
  // a first-order neuron (a < ε, so gravitated too), an undamped and a hyperbolic one (b < ε), one
  // without a spring (c < ε) and one in the band (Δ ≈ 0)
  const rows = 901, neurons = [[0.005, 0.6, 0.5, 0, 0], [0.6, 0.003, 0.5, 0, 0], [0.6, -0.003, -0.5, 0, 0], [0.6, 0.5, 0.004, 0, 0], [0.5, 1, 0.5, 0, 0]];
  const F = neurons.length;
  const values = Array.from({ length: rows * F }, (_, i) => -0.3 + 0.001 * Math.floor(i / F)), u = values.map(() => 1);
  const d = { n: rows, f: F, s: 1 };
  const got = pass(d, neurons, values, u)[1], want = reference(d, neurons, values, u)[1];
  for (let i = 0; i < want.length; i++) {
    if (!(got[i] === want[i] || Math.abs(got[i] - want[i]) <= 4 * ulp(want[i]))) assert.unreachable(`t = ${values[i]}, neuron ${i % F}: dx ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
});

test('the backward pass reuses the table the forward pass kept (the bits a table of its own gives), and writes its own when the kept one is not this layer\'s', () => {
  // mixedLayer has neurons below ε (a = 0.004: outward gravitation, whose flags the forward pass writes for the backward pass)
  const { F, N, S, hyper, x, g, p, k, toTensor, backward } = kernelCase(14);
  const forward = () => {
    const out = k.deuForward!(x.kernelView(), p.kernelView(), hyper, true);
    toTensor(out.y, [N, F, S]).dispose();
    assert.ok(out.saved !== null, 'kept');
    const kept = toTensor(out.saved!, [out.saved!.size]);
    return { kept, table: keptTableForTest(arrayOf(kept.storage), N * F * S, F)! };
  };
  // a table of its own (the kept one left as the forward pass wrote it), then the kept one
  const a = forward();
  assert.ok(a.table !== null, 'the forward pass wrote its table after the exponentials');
  let own: number[][];
  setShareTablesForTest(false);
  try {
    own = backward(a.kept.kernelView());
  } finally {
    setShareTablesForTest(true);
  }
  assert.equal(backward(a.kept.kernelView()), own, 'the kept table: the same bits');
  a.kept.dispose();
  // the kept table is the one read: its first entry's kind made "not finite" makes that neuron's gradients NaN
  const b = forward();
  b.table.fields[b.table.entry(0) + 1] = 11; // deu_subspaces.ts's NOT_FINITE
  const f0 = b.table.fields[b.table.entry(0)];
  const changed = backward(b.kept.kernelView())[1];
  assert.ok(Number.isNaN(new Float32Array(new Uint32Array(changed.slice(5 * f0, 5 * f0 + 5)).buffer)[0]), 'read: neuron ' + f0 + '\'s gradients are NaN');
  b.kept.dispose();
  // one whose copy of the coefficients is not the layer's is left alone: the same bits as before
  const c = forward();
  c.table.fields[c.table.entry(0) + 1] = 11;
  c.table.fields[c.table.coefficients] += 1;
  assert.equal(backward(c.kept.kernelView()), own, 'not this layer\'s table: a table of its own');
  c.kept.dispose();
  [x, g, p].forEach((t) => t.dispose());
});

test('the backward pass reads the kept copy: a value doubled in it changes the one element it belongs to', () => {
  // two Δ < 0 neurons: one pair, the table's first unit, so the copy starts with its u1 (e = E(−αt))
  // for the pair's first element pair, lane 0: element 0 (deu.ts's keptAt)
  const N = 11, F = 2, hyper = { eps: EPS, s: 100 };
  tg.manualSeed(12);
  const x = tg.randn([N, F]), g = tg.randn([N, F]), p = tg.tensor([[0.7, 0.5, 0.6, 0.1, -0.2], [0.8, 0.4, 0.5, -0.1, 0.3]]);
  const k = x.backend.kernels;
  const toTensor = (st: Storage, shape: number[]) => fromStorage(st, shape, 'float32', x.backend);
  const dxOf = (kept: View | null) => {
    const r = k.deuBackward!(g.kernelView(), x.kernelView(), p.kernelView(), hyper, kept);
    const dx = toTensor(r.dx, [N, F]), bits = Array.from(new Uint32Array((dx.data() as Float32Array).slice().buffer));
    dx.dispose();
    toTensor(r.dparams, [F, 5]).dispose();
    return bits;
  };
  const out = k.deuForward!(x.kernelView(), p.kernelView(), hyper, true);
  toTensor(out.y, [N, F]).dispose();
  assert.ok(out.saved !== null, 'kept');
  const kept = toTensor(out.saved!, [out.saved!.size]);
  try {
    const computed = dxOf(null);
    assert.equal(dxOf(kept.kernelView()), computed, 'reused: the same bits');
    const slots = arrayOf(kept.storage) as Float32Array, values = new Float64Array(slots.buffer, slots.byteOffset, slots.length / 2);
    values[0] *= 2;
    const changed = dxOf(kept.kernelView()).map((v, i) => (v === computed[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(changed, [0], 'only element 0 changed');
  } finally {
    kept.dispose();
  }
});

test('the forward pass keeps nothing when that would fill more than half the WebAssembly memory, and the gradients are the same bits', () => {
  tg.manualSeed(13);
  const x = tg.randn([64, 48]), p = tg.tensor(mixedLayer(48), { requiresGrad: true }), u = tg.randn([64, 48]);
  const pass = () => {
    const xv = x.detach().requiresGrad_();
    const runs = cpuInfo().kernelRuns, forward = runs.deu ?? 0, backward = runs.deuGrad ?? 0;
    const before = tg.memory().bytes;
    const y = tg.deu(xv, p);
    const bytes = tg.memory().bytes - before;
    const loss = y.mul(u).sum();
    loss.backward();
    assert.is(cpuInfo().kernelRuns.deu ?? 0, forward + 1, 'the forward pass ran in WebAssembly');
    assert.is(cpuInfo().kernelRuns.deuGrad ?? 0, backward + 1, 'the backward pass ran in WebAssembly');
    const grads = [xv.grad!, p.grad!].map((t) => Array.from(new Uint32Array((t.data() as Float32Array).slice().buffer)));
    [loss, y, xv.grad!, p.grad!].forEach((t) => t.dispose());
    p.grad = null;
    return { bytes, grads };
  };
  const kept = pass();
  assert.is(kept.bytes, 64 * 48 * 4 + 4 * savedLength(100, 64 * 48, 48), 'y, and 24 bytes per element and the table kept');
  assert.ok(4 * savedLength(100, 64 * 48, 48) >= 64 * 48 * 24, '24 bytes per element at least');
  // the memory is as full as roomToKeep allows: 0 of it may be taken
  setKeepShareForTest(0);
  try {
    const computed = pass();
    assert.is(computed.bytes, 64 * 48 * 4, 'only y: nothing kept');
    assert.equal(computed.grads, kept.grads, 'the same gradients, kept or computed again');
  } finally {
    setKeepShareForTest(null);
  }
  [x, p, u].forEach((t) => t.dispose());
});

test('what the forward pass keeps lives as long as the tape entry: freed by backward() or by the tape, never kept under noGrad', () => {
  tg.manualSeed(12);
  const x = tg.randn([64, 48]), p = tg.tensor(mixedLayer(48), { requiresGrad: true });
  const base = tg.memory().bytes, yBytes = 64 * 48 * 4, keptBytes = 4 * savedLength(100, 64 * 48, 48);
  const y = tg.deu(x, p);
  assert.is(tg.memory().bytes - base, yBytes + keptBytes, 'y, and 24 bytes per element and the table kept for the backward pass');
  const loss = y.sum();
  loss.backward();
  [loss, y, p.grad!].forEach((t) => t.dispose());
  p.grad = null;
  assert.is(tg.memory().bytes, base, 'all freed after backward()');
  tg.tidy(() => void tg.deu(x, p)); // a forward pass whose graph is dropped
  assert.is(tg.memory().bytes, base, 'freed with the dropped graph');
  const z = tg.noGrad(() => tg.deu(x, p));
  assert.is(tg.memory().bytes - base, yBytes, 'under noGrad only y');
  z.dispose();
  x.dispose();
  p.dispose();
});

test('large |ω·t| (beyond the vector reduction, where AssemblyScript\'s own sin and cos got the quadrant wrong): WebAssembly, right', () => {
  // 1-1-1 Δ < 0 with ω = W/(2a) = 2, and 1-0-1 ac > 0 (b below ε, gravitation) with w = √(c/a) = 2
  const neurons = [[0.25, 0.6, 1.36, 0.1, -0.2], [0.25, 0.001, 1, 0.3, 0.1]];
  for (const [t, native] of [[3e5, true], [7.9e5, true], [1.1e6, true], [-1.9e6, true], [2.5e7, true]] as const) {
    const d = { n: 3, f: 2, s: 1 }, values = [t, -t, 0.5, 1, -2, t / 3], u = [1, -0.5, 0.25, 2, 1, -1];
    const runs = cpuInfo().kernelRuns, forward = runs.deu ?? 0, backward = runs.deuGrad ?? 0;
    const got = pass(d, neurons, values, u);
    assert.is(cpuInfo().kernelRuns.deu ?? 0, forward + (native ? 1 : 0), `t = ${t}: forward in WebAssembly ${native}`);
    assert.is(cpuInfo().kernelRuns.deuGrad ?? 0, backward + (native ? 1 : 0), `t = ${t}: backward in WebAssembly ${native}`);
    const want = reference(d, neurons, values, u, 100);
    ['y', 'dx', 'dparams'].forEach((name, i) => near(got[i], want[i], `${name} t = ${t}`));
  }
});

test('an infinite input keeps the call in JavaScript (the far-out path)', () => {
  const before = cpuInfo().kernelRuns.deu ?? 0;
  const y = tg.deu(tg.tensor([[Infinity, 1]]), tg.tensor([[1, 3, 1, 0, 0], [1, 1, 1, 0, 0]]));
  assert.is(cpuInfo().kernelRuns.deu ?? 0, before);
  assert.ok(Number.isFinite(y.data()[0]));
});

test('±∞ in a later row tile of a layer split across threads, both arithmetics: the kernel stops and the layer runs in JavaScript, with its values', () => {
  // 40 rows (tiles of 24 rows in float64 arithmetic, 16 in float32) × 600 neurons: two threads;
  // ±∞ in row 37 (the last tile) or row 9 (the first) of column 555 (a neuron of the second
  // thread's), or in row 20 of column 12 (the first thread's), or in the first and the last column
  const n = 40, f = 600, neurons = Array.from({ length: f }, (_, j) => {
    const a = 0.3 + (j % 5) * 0.2, c = 0.4 + (j % 3) * 0.3, edge = 2 * Math.sqrt(a * c);
    const b = j % 11 === 10 ? 1e-4 : j % 2 ? 0.4 * edge : 1.6 * edge; // every 11th: b < ε (outward gravitation)
    return [a, b, c, 0.1 * ((j % 7) - 3), -0.05 * ((j % 5) - 2)];
  });
  for (const arithmetic of ['float64', 'float32'] as const) inDeuArithmetic(arithmetic, () => {
    for (const [row, column, value] of [[37, 555, Infinity], [9, 555, -Infinity], [20, 12, Infinity], [30, 0, -Infinity], [5, 599, Infinity]]) {
      tg.manualSeed(row);
      const values = Array.from(tg.randn([n * f]).mul(2).data() as Float32Array), u = Array.from(tg.randn([n * f]).data() as Float32Array);
      values[row * f + column] = value;
      const before = cpuInfo().kernelRuns.deu ?? 0;
      const got = pass({ n, f, s: 1 }, neurons, values, u);
      assert.is(cpuInfo().kernelRuns.deu ?? 0, before, `${arithmetic}, row ${row}: the forward pass did not run in WebAssembly`);
      const want = reference({ n, f, s: 1 }, neurons, values, u);
      ['y', 'dx', 'dparams'].forEach((name, i) => near(got[i], want[i], `${arithmetic}, ${value} in row ${row}: ${name}`));
    }
  });
});

test.run();
