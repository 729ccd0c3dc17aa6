// The gradient property suite run against the WebAssembly kernels. The float64 suite
// (tests/ops/gradients.test.ts) gradchecks every differentiable op against central differences,
// but float64 always runs in JavaScript, and the WebAssembly kernels are float32 only, where finite
// differences are too coarse to check anything. So every drawn case of that suite is built here in
// float32 and run twice: with the WebAssembly kernels, and with the JavaScript kernels (the
// reference: the same formulas as the float64 path the gradcheck suite proves, evaluated in
// float64 and rounded to float32). Outputs and the gradients of every input must agree to float32
// accuracy. The harness tests below show it can fail: a backward rule scaled by 1.01 in the
// WebAssembly run alone, or a WebAssembly kernel whose output is nudged, goes red.
// The DEU properties run twice: in the float64 arithmetic (setBackend('cpu', { deuArithmetic:
// 'float64' })), to the same accuracy as every other op, and in the float32 arithmetic (the
// default), to float32 arithmetic's: its 1-1-1 neurons compute in float32, and where the terms of
// an output cancel (g(t) at t = 0 is 1 − 1 over c, times δ_s ≤ s/4 = 25 in dx) the result keeps
// their rounding, so the bound there is relative to max(1, the tensor's largest magnitude).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { setBackwardPerturbation } from '../../core/autograd.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { wasmRuntime, type WasmExports } from '../../core/wasm/runtime.js';
import { caseBuild, f64, GRADIENT_PROPERTIES, type GradProperty } from '../ops/gradient_cases.js';

/**
 * |Δ| ≤ TOLERANCE·(the largest magnitude in that tensor): about 80 float32 ulps of the tensor's
 * scale. The kernels differ from the JavaScript ones in summation order, exp/sin/cos libraries and
 * float32 matmul accumulation; a rule or kernel off by 1 % is 1000 times outside.
 */
const TOLERANCE = 1e-5;
/** The float32 DEU arithmetic's bound: |Δ| ≤ FLOAT32_DEU·max(1, largest magnitude) (tests/wasm/deu_single.test.ts measures it). */
const FLOAT32_DEU = 1e-4;
type Arithmetic = 'float32' | 'float64';
const GRADIENT_PROPERTIES_HERE: Record<string, GradProperty> = {};
/** 'cast' converts between float32 and float64 on purpose: nothing to build in float32 alone. */
const SKIP = new Set(['cast']);

interface Computed {
  values: Float64Array[];
  /** the outputs, then the gradient of every input that requires grad */
  names: string[];
}

/** The float32 case's outputs and the gradients of Σ_k w_k·out_k (fixed weights, exact in float32). */
function compute(prop: GradProperty, spec: unknown, wasm: boolean, arithmetic: Arithmetic): Computed {
  caseBuild.dtype = 'float32';
  const arithmeticBefore = cpuInfo().deuArithmetic;
  tg.setBackend('cpu', { wasm, deuArithmetic: arithmetic });
  try {
    return tg.tidy(() => {
      const c = prop.build(spec);
      const outputs = [c.fn(...c.inputs)].flat();
      const total = outputs
        .map((o, i) => o.mul(tg.arange(1, o.size + 1, 1, { dtype: o.dtype }).reshape(o.shape as number[]).mul(0.125 * (i + 1))).sum())
        .reduce((a, b) => a.add(b));
      const wrt = c.inputs.filter((t) => t.requiresGrad);
      const grads = wrt.length > 0 && total.requiresGrad ? tg.grad(total, wrt) : [];
      const asF64 = (t: Tensor | null) => (t === null ? new Float64Array(0) : Float64Array.from(t.data()));
      return {
        values: [...outputs.map(asF64), ...grads.map(asF64)],
        names: [...outputs.map((_, i) => `output ${i}`), ...grads.map((_, i) => `gradient of input ${i}`)],
      };
    });
  } finally {
    caseBuild.dtype = 'float64';
    tg.setBackend('cpu', { wasm: true, deuArithmetic: arithmeticBefore });
  }
}

/** Why the WebAssembly results disagree with the JavaScript ones beyond float32 accuracy, or null. */
function disagreement(got: Computed, want: Computed, floor: number, tolerance: number): string | null {
  for (let t = 0; t < want.values.length; t++) {
    const w = want.values[t], g = got.values[t];
    if (g.length !== w.length) return `${want.names[t]}: ${g.length} values with WebAssembly, ${w.length} in JavaScript`;
    let scale = 0;
    for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    scale = Math.max(scale, floor);
    for (let i = 0; i < w.length; i++) {
      if (g[i] === w[i] || (Number.isNaN(g[i]) && Number.isNaN(w[i]))) continue;
      if (!(Math.abs(g[i] - w[i]) <= tolerance * scale)) return `${want.names[t]}[${i}]: ${g[i]} with WebAssembly, ${w[i]} in JavaScript (largest |value| ${scale})`;
    }
  }
  return null;
}

/** Whether property `name` draws DEU layers (run in both arithmetics). */
const isDeu = (name: string) => name.startsWith('deu');

/** The property's draws, float32 in WebAssembly against JavaScript; DEU in the given arithmetic (default float32). */
function checkParity(name: string, numRuns: number, perturbWasm?: () => () => void, arithmetic: Arithmetic = 'float32'): void {
  const prop = GRADIENT_PROPERTIES_HERE[name];
  const [floor, tolerance] = isDeu(name) && arithmetic === 'float32' ? [1, FLOAT32_DEU] : [0, TOLERANCE];
  fc.assert(fc.property(prop.arb, (spec) => {
    const want = compute(prop, spec, false, arithmetic);
    const restore = perturbWasm?.();
    let got: Computed;
    try {
      got = compute(prop, spec, true, arithmetic);
    } finally {
      restore?.();
    }
    const why = disagreement(got, want, floor, tolerance);
    if (why) throw new Error(`${name}: ${why}`);
  }), { numRuns, seed: 11, endOnFailure: true });
}

// The suite's PAU, RPAU and DEU draws mostly take other degrees and subspaces; these reach the
// WebAssembly PAU and RPAU (5, 4) and DEU 1-1-1 kernels on every draw.
const small = (n: number) => fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });
const KERNEL_PROPERTIES: Record<string, GradProperty> = {
  'pau (5, 4)': {
    arb: fc.record({ version: fc.constantFrom('A', 'B', 'N'), n: fc.integer({ min: 1, max: 40 }) }).chain((d) => fc.record({ d: fc.constant(d), x: small(d.n), a: small(6), b: small(4) })),
    build: ({ d, x, a, b }: { d: { version: tg.PauVersion; n: number }; x: number[]; a: number[]; b: number[] }) => ({
      inputs: [f64(x, [d.n]), f64(a, [6]), f64(b.map((v) => v / 4), [4])],
      fn: (xt: Tensor, at: Tensor, bt: Tensor) => tg.pau(xt, at, bt, { version: d.version }),
    }),
  } as GradProperty,
  'rpau (5, 4)': {
    arb: fc.record({ n: fc.integer({ min: 1, max: 40 }), key: fc.integer({ min: 0, max: 2 ** 32 - 1 }), perElement: fc.boolean(), noisyDenominator: fc.boolean(), straightThrough: fc.boolean() })
      .chain((d) => fc.record({ d: fc.constant(d), x: small(d.n), a: small(6), b: small(4) })),
    build: ({ d, x, a, b }: { d: { n: number; key: number; perElement: boolean; noisyDenominator: boolean; straightThrough: boolean }; x: number[]; a: number[]; b: number[] }) => ({
      inputs: [f64(x, [d.n]), f64(a, [6]), f64(b.map((v) => v / 4), [4])],
      fn: (xt: Tensor, at: Tensor, bt: Tensor) => tg.rpau(xt, at, bt, { alpha: 0.2, key: d.key, perElement: d.perElement, noisyDenominator: d.noisyDenominator, straightThrough: d.straightThrough }),
    }),
  } as GradProperty,
  'deu, subspaces 1-1-1 Δ ≷ 0': {
    arb: fc.record({ n: fc.integer({ min: 1, max: 9 }), f: fc.integer({ min: 1, max: 5 }) }).chain((d) => fc.record({
      d: fc.constant(d),
      x: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: d.n * d.f, maxLength: d.n * d.f }),
      neurons: fc.array(fc.tuple(fc.double({ min: 0.3, max: 2, noNaN: true }), fc.double({ min: 0.3, max: 2, noNaN: true }), fc.boolean(), fc.double({ min: -0.3, max: 0.3, noNaN: true })), { minLength: d.f, maxLength: d.f }),
    })),
    build: ({ d, x, neurons }: { d: { n: number; f: number }; x: number[]; neurons: [number, number, boolean, number][] }) => ({
      inputs: [f64(x, [d.n, d.f]), f64(neurons.flatMap(([a, c, oscillating, c1]) => [a, (oscillating ? 0.4 : 1.6) * 2 * Math.sqrt(a * c), c, c1, -c1 / 2]), [d.f, 5])],
      fn: (xt: Tensor, p: Tensor) => tg.deu(xt, p),
    }),
  } as GradProperty,
};
Object.assign(GRADIENT_PROPERTIES_HERE, GRADIENT_PROPERTIES, KERNEL_PROPERTIES);

const names = Object.keys(GRADIENT_PROPERTIES_HERE).filter((n) => !SKIP.has(n)).sort();

if (!wasmRuntime()) {
  test.skip(`skipped: the WebAssembly kernels do not load here (${cpuInfo().wasmReason}), so float32 runs the JavaScript kernels the float64 suite already covers`, () => {});
} else {
  const before = { ...cpuInfo().kernelRuns };
  for (const name of names) {
    if (!isDeu(name)) test(`float32, WebAssembly against JavaScript kernels: ${name}`, () => checkParity(name, 20));
    else for (const arithmetic of ['float64', 'float32'] as const) {
      test(`float32, WebAssembly against JavaScript kernels: ${name}, ${arithmetic} DEU arithmetic`, () => checkParity(name, 20, undefined, arithmetic));
    }
  }

  test('the suite reached the WebAssembly kernels', () => {
    const ran = (k: string) => (cpuInfo().kernelRuns[k] ?? 0) - (before[k] ?? 0);
    const expected = ['matmul', 'im2col', 'col2im', 'deu', 'deuGrad', 'pau', 'pauGrad', 'pauGeneral', 'pauGeneralGrad', 'rpau', 'rpauGrad', 'pool2d', 'pool2dGrad', 'groupNorm', 'groupNormGrad', 'add', 'mul', 'exp', 'sum'];
    const missing = expected.filter((k) => !(ran(k) > 0));
    assert.equal(missing, [], `kernels the suite never ran: ${missing.join(', ')} (ran: ${JSON.stringify(cpuInfo().kernelRuns)})`);
  });

  // ---- the harness can fail ----

  const primitives = tg.listOps().filter((op) => op.grad === 'primitive' && !SKIP.has(op.name) && GRADIENT_PROPERTIES_HERE[op.name]);

  test('every primitive backward scaled by 1.01 in the WebAssembly run alone is caught', () => {
    const missed: string[] = [];
    for (const op of primitives) {
      try {
        checkParity(op.name, 12, () => {
          setBackwardPerturbation({ op: op.name, mode: 'scale' });
          return () => setBackwardPerturbation(null);
        });
        missed.push(op.name);
      } catch {
        // caught, as it must be
      }
    }
    assert.equal(missed, [], `perturbations not caught: ${missed.join(', ')}`);
  });

  /** rt.exports[kernel] wrapped so that its first output value is nudged by 1 %. */
  function nudge(kernel: keyof WasmExports, outputArg: number): () => () => void {
    return () => {
      const exports = wasmRuntime()!.exports as unknown as Record<string, (...args: number[]) => unknown>;
      const original = exports[kernel];
      exports[kernel] = (...args: number[]) => {
        const r = original(...args);
        const out = new Float32Array(wasmRuntime()!.memory.buffer, args[outputArg], 1);
        out[0] = out[0] * 1.01 + 1e-3;
        return r;
      };
      return () => {
        exports[kernel] = original;
      };
    };
  }

  test('a WebAssembly kernel with a wrong output value is caught', () => {
    // gemm's C is argument 9; binary's and unary's outputs argument 1; the DEU table kernels' y
    // and dx arguments 4 and 5; the PAU kernels' (pau_general.ts's for the suite's 'pau', which
    // draws other degrees and version C) y and dx arguments 7 and 8; groupNormForward's y
    // argument 8; pool2d's out argument 9
    const cases: [string, keyof WasmExports, number][] = [
      ['linear', 'gemm', 9], ['add', 'binary', 1], ['exp', 'unary', 1], ['deu, subspaces 1-1-1 Δ ≷ 0', 'deuForwardTable', 4],
      ['deu, subspaces 1-1-1 Δ ≷ 0', 'deuBackwardTable', 5], ['pau (5, 4)', 'pauForward54', 7], ['pau (5, 4)', 'pauBackward54', 8], ['rpau (5, 4)', 'rpauForward54', 7], ['rpau (5, 4)', 'rpauBackward54', 8], ['pau', 'pauForwardGeneral', 7], ['pau', 'pauBackwardGeneral', 8], ['groupNorm', 'groupNormForward', 8], ['maxPool2d', 'pool2d', 9],
    ];
    for (const [op, kernel, arg] of cases) {
      let why = '';
      try {
        checkParity(op, 20, nudge(kernel, arg));
      } catch (e) {
        why = String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      }
      assert.ok(why.startsWith(`${op}: `), `${kernel} nudged: not caught by the ${op} property (${why || 'it passed'})`);
    }
    // and without a nudge the same properties pass
    for (const [op] of cases) checkParity(op, 3);
  });
}

test.run();
