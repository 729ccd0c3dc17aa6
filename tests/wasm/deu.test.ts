// The WebAssembly DEU loops (core/wasm/assembly/deu.ts) for the subspaces 1-1-1 Δ > 0 and Δ < 0
// against the JavaScript kernel (core/cpu/deu_fast.ts, the reference) for float32: the same
// float64 expressions, but AssemblyScript's exp/sin/cos (musl) instead of V8's (fdlibm), each
// within an ulp of the exact value. fast-check over coefficients in both subspaces (at rest,
// c1 = c2 = 0, and with an initial state), inputs across the step, the caps and the clip; every
// output and gradient within 4 float32 ulps (or 1e-6 of its tensor's largest magnitude, where
// the clip or cancellation leaves a small value). A ±∞ input keeps the call in JavaScript.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';

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

// a, b, c > 0: Δ = b² − 4ac > 0 (real roots) or < 0 (oscillation); away from Δ ≈ 0
const neuronArb = fc.record({
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

const valueArb = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -8, max: 8, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, 40, -40, 1e4, -1e4) },
);

const caseArb = fc.record({ n: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 9 }) })
  .chain((d) => fc.record({
    d: fc.constant(d),
    neurons: fc.array(neuronArb, { minLength: d.f, maxLength: d.f }),
    values: fc.array(valueArb, { minLength: d.n * d.f * d.s, maxLength: d.n * d.f * d.s }),
    u: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d.n * d.f * d.s, maxLength: d.n * d.f * d.s }),
  }));

function pass(d: { n: number; f: number; s: number }, neurons: number[][], values: number[], u: number[]) {
  const x = tg.tensor(values, { shape: [d.n, d.f, d.s], requiresGrad: true });
  const p = tg.tensor(neurons, { requiresGrad: true });
  const y = tg.deu(x, p);
  y.mul(tg.tensor(u, { shape: [d.n, d.f, d.s] })).sum().backward();
  return [y.data(), x.grad!.data(), p.grad!.data()];
}

test('deu, subspaces 1-1-1 Δ > 0 and Δ < 0: forward and gradients within 4 ulps of the JavaScript kernel', () => {
  const before = cpuInfo().kernelRuns.deuGrad ?? 0;
  fc.assert(fc.property(caseArb, ({ d, neurons, values, u }) => {
    const got = pass(d, neurons, values, u);
    tg.setBackend('cpu', { wasm: false });
    let want;
    try {
      want = pass(d, neurons, values, u);
    } finally {
      tg.setBackend('cpu', { wasm: true });
    }
    ['y', 'dx', 'dparams'].forEach((name, i) => near(got[i], want[i], `${name} ${JSON.stringify(d)} ${JSON.stringify(neurons)}`));
  }), { seed: 51, numRuns: 150 });
  assert.ok((cpuInfo().kernelRuns.deuGrad ?? 0) > before, 'the WebAssembly DEU ran');
});

test('an infinite input keeps the call in JavaScript (the far-out path)', () => {
  const before = cpuInfo().kernelRuns.deu ?? 0;
  const y = tg.deu(tg.tensor([[Infinity, 1]]), tg.tensor([[1, 3, 1, 0, 0], [1, 1, 1, 0, 0]]));
  assert.is(cpuInfo().kernelRuns.deu ?? 0, before);
  assert.ok(Number.isFinite(y.data()[0]));
});

test.run();
