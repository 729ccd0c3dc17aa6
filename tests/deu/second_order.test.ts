// DEU's second derivatives (issue 18.2): gradgradcheck of the deu op in x and in the coefficients
// over fast-check draws (float64) for every subspace (outward gravitation's borrowed columns
// included), the jets' first partials against the hand-derived ones of deu_solutions.ts, the
// first-order gradients unchanged by createGraph, and what refuses by name (a third derivative; far
// out, |t| ≥ 2^128, is second_order_far.test.ts's).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setBackwardPerturbation } from '../../core/autograd.js';
import { jetParts } from '../../core/cpu/deu_second.js';
import { basisParts, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';
import * as tg from '../../index.js';
import { neuronIn, awayFromZero } from './arbitraries.js';
import { EPS, S, SAMPLES, SUBSPACES } from './helpers.js';

// every subspace but those with a coefficient below ε (whose coefficient columns gravitation borrows)
const REGULAR = SUBSPACES.filter((s) => s.startsWith('1-1-1'));

/** x [3, 2] (two neurons of one subspace), params [2, 5], both requiring grad. */
function inputs(k1: Coeffs, k2: Coeffs, ts: readonly number[]): [tg.Tensor, tg.Tensor] {
  const x = tg.tensor([[ts[0], ts[1]], [ts[2], ts[3]], [ts[4], ts[5]]], { dtype: 'float64' }).requiresGrad_();
  const p = tg.tensor([k1, k2].map((k) => [k.a, k.b, k.c, k.c1, k.c2]), { dtype: 'float64' }).requiresGrad_();
  return [x, p];
}

const deu = (x: tg.Tensor, p: tg.Tensor) => tg.deu(x, p, { eps: EPS, s: S });
const sixTs = fc.array(awayFromZero, { minLength: 6, maxLength: 6 });

for (const sub of REGULAR) {
  test(`${sub}: gradgradcheck in x and in the five coefficients`, () => {
    fc.assert(fc.property(neuronIn(sub), neuronIn(sub), sixTs, (k1, k2, ts) => {
      tg.tidy(() => {
        const [x, p] = inputs(k1, k2, ts);
        // first-order values can be clipped at ±1000 for some draws; the check is where they are not
        tg.gradgradcheck(deu, [x, p], { atol: 1e-6, rtol: 1e-5 });
      });
    }), { numRuns: 6, seed: 7 });
  });
}

for (const sub of SUBSPACES.filter((s) => !s.startsWith('1-1-1'))) {
  test(`${sub}: gradgradcheck in x and the coefficients (columns borrowed by outward gravitation)`, () => {
    // A small coefficient is nudged to ε·sign (so an exact 0, whose nudge flips with the sign of a
    // perturbation, is kept out), and the nudged neuron's rates are about b/ε: ill-conditioned
    // enough that central differences with h = 1e-6 lose ~1e-5 to rounding (Richardson
    // extrapolation from h = 1e-3 agrees with the analytic values); h = 1e-4 is accurate here.
    const awayFromExactZero = (k: Coeffs) => [k.a, k.b, k.c].every((v) => Math.abs(v) > 1e-3);
    fc.assert(fc.property(neuronIn(sub).filter(awayFromExactZero), neuronIn(sub).filter(awayFromExactZero), sixTs, (k1, k2, ts) => {
      tg.tidy(() => {
        const [x, p] = inputs(k1, k2, ts);
        tg.gradgradcheck(deu, [x, p], { eps: 1e-4, atol: 1e-5, rtol: 1e-4 });
      });
    }), { numRuns: 6, seed: 8 });
  });
}

test('coefficients as five column tensors (stacked inside deu, each getting its own gradient): gradgradcheck', () => {
  const ks = [SAMPLES['1-1-1 Δ<0'], SAMPLES['1-1-1 Δ>0'], SAMPLES['1-1-1 Δ≈0']];
  const columns = (['a', 'b', 'c', 'c1', 'c2'] as const).map((name) => tg.tensor(ks.map((k) => k[name]), { dtype: 'float64' }).requiresGrad_());
  const x = tg.tensor([[0.5, -0.7, 1.2], [1.5, 0.9, -1.1]], { dtype: 'float64' }).requiresGrad_();
  tg.gradgradcheck((xx, ...cols) => tg.deu(xx, cols, { eps: EPS, s: S }), [x, ...columns], { atol: 1e-6, rtol: 1e-5 });
});

test('gradgradcheck catches a wrong second-order rule of deu (the check can fail)', () => {
  const [x, p] = inputs(SAMPLES['1-1-1 Δ<0'], SAMPLES['1-1-1 Δ>0'], [0.5, 1, 1.5, -0.5, -1, 0.7]);
  assert.ok(tg.gradgradcheck(deu, [x, p], { raiseException: false }).ok);
  for (const op of ['deuGradX', 'deuGradP']) {
    setBackwardPerturbation({ op, mode: 'scale' });
    try {
      assert.not.ok(tg.gradgradcheck(deu, [x, p], { raiseException: false }).ok, op);
    } finally {
      setBackwardPerturbation(null);
    }
  }
});

test('the jets give the hand-derived first partials of every subspace (deu_solutions.ts)', () => {
  for (const sub of SUBSPACES.filter((s) => s !== '0-0-0' && s !== '0-0-1') as Exclude<Subspace, '0-0-0' | '0-0-1'>[]) {
    fc.assert(fc.property(neuronIn(sub), awayFromZero, (k, t) => {
      const j = jetParts(sub, t, k);
      const p = basisParts(sub, t, k, true);
      const pairs: [number, number][] = [
        [j.g.v, p.g], [j.g.g[0], p.gt], [j.g.g[2], p.gb], [j.g.g[3], p.gc],
        [j.p1.v, p.p1], [j.p1.g[0], p.p1t], [j.p1.g[2], p.p1b], [j.p1.g[3], p.p1c],
        [j.p2.v, p.p2], [j.p2.g[0], p.p2t], [j.p2.g[2], p.p2b], [j.p2.g[3], p.p2c],
        // the band's a-partials are −1 times its c_f-partials (spec §2.9)
        ...(sub === '1-1-1 Δ≈0'
          ? ([[-j.g.g[3], p.ga], [-j.p1.g[3], p.p1a], [-j.p2.g[3], p.p2a]] as [number, number][])
          : ([[j.g.g[1], p.ga], [j.p1.g[1], p.p1a], [j.p2.g[1], p.p2a]] as [number, number][])),
      ];
      return pairs.every(([a, b]) => Math.abs(a - b) <= 1e-11 * (1 + Math.abs(b)));
    }), { numRuns: 100, seed: 3 });
  }
});

test('first-order gradients are bit-identical with and without createGraph, and equal the fused kernel', () => {
  const x = tg.randn([16, 11], { dtype: 'float64' }).mul(2).requiresGrad_();
  const p = tg.tensor(SUBSPACES.map((s) => { const k = SAMPLES[s]; return [k.a, k.b, k.c, k.c1, k.c2]; }), { dtype: 'float64' }).requiresGrad_();
  const g = tg.randn([16, 11], { dtype: 'float64' });
  const plain = tg.grad(deu(x, p), [x, p], { gradOutputs: [g] }).map((t) => t!.data());
  const recorded = tg.grad(deu(x, p), [x, p], { gradOutputs: [g], createGraph: true });
  assert.ok(recorded[0]!.requiresGrad && recorded[1]!.requiresGrad);
  const kernel = x.backend.kernels.deuBackward!(g.kernelView(), x.kernelView(), p.kernelView(), { eps: EPS, s: S });
  assert.equal([...plain[0]], [...x.backend.read(kernel.dx)]);
  assert.equal([...plain[1]], [...x.backend.read(kernel.dparams)]);
});

test('a third derivative refuses by name', () => {
  const x = tg.tensor([[0.5], [1.5]], { dtype: 'float64' }).requiresGrad_();
  const k = SAMPLES['1-1-1 Δ<0'];
  const p = tg.tensor([[k.a, k.b, k.c, k.c1, k.c2]], { dtype: 'float64' });
  const [d1] = tg.grad(deu(x, p).sum(), [x], { createGraph: true });
  const [d2] = tg.grad(d1!.sum(), [x], { createGraph: true });
  assert.throws(() => tg.grad(d2!.sum(), [x]), /third derivative/);
});

test.run();
