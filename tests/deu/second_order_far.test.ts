// DEU's second derivatives far out (issue 18.2, float64 |t| ≥ 2^128): the value formulas run over
// polynomial jets (deu_jet_far.ts) and are assembled polynomial-wise. Checked (1) against the
// number jets wherever neither overflows (the far path forced below 2^128), (2) far out, for
// every subspace, free of NaN, with clipped rows 0, and against central differences of the
// first-order far partials (deu_far.ts, tested in far.test.ts), (3) end to end by gradgradcheck
// and through outward gravitation with a far t*, and (4) a perturbed far rule goes red.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { valueAt } from '../../core/cpu/deu_far.js';
import { FarJets } from '../../core/cpu/deu_jet_far.js';
import { basisGradient, deuGradPBackward, secondPartials, VARS } from '../../core/cpu/deu_second.js';
import { subspaceOf, type Coeffs } from '../../core/cpu/deu_solutions.js';
import { neuronIn } from './arbitraries.js';
import { coeffs, EPS, S, SUBSPACES } from './helpers.js';
import { ALL, farProblem, FAR_T, FORMED, type Formed, label, labelled, logT, NAMES, nearFarMismatch, oscillates, signed, size, slowNeuron } from './jet_checks.js';

test('below 2^128 the far path (forced) equals the number jets: every subspace, |t| from 0.2 to 1e30', () => {
  for (const sub of FORMED) {
    fc.assert(fc.property(neuronIn(sub), logT(-0.7, 30), (k, t) => {
      const problem = nearFarMismatch(sub, t, k);
      if (problem) throw new Error(problem);
    }), { numRuns: 60, seed: 18 });
  }
});

test('far out, every subspace: no NaN, clipped rows 0, central differences of the far first-order partials (coefficients 0.5 to 2)', () => {
  for (const sub of SUBSPACES) {
    fc.assert(fc.property(labelled(sub), FAR_T, (k, t) => {
      const problem = farProblem(sub, t, k, oscillates(sub) ? [4, 5] : ALL);
      if (problem) throw new Error(problem);
    }), { numRuns: 40, seed: 28 });
  }
});

test('far out with rates ~1/t (exponents and phases of order one): central differences in every variable', () => {
  for (const sub of FORMED) {
    const arb = slowNeuron(sub);
    if (!arb) continue;
    fc.assert(fc.property(arb, ([k, t]) => {
      assert.is(subspaceOf(k.a, k.b, k.c, EPS), sub);
      const problem = farProblem(sub, t, k, ALL);
      if (problem) throw new Error(problem);
    }), { numRuns: 40, seed: 38 });
  }
});

test('far out, where the closed forms overflow into ∞·0: exact zeros, and ±∞ only where the value is beyond float64', () => {
  // 1-0-0 at t = −1e300 with c1 = 0: f_a = H·g_a + c1·φ1_a = 0 is not clipped although g_aa = t²/a³
  // is ∞ (H = 0 meets it: the number jets give NaN here); f_t = δ_s·t²/(2a) and φ1 = t are clipped
  const D = secondPartials('1-0-0', -1e300, coeffs(1, 0, 0, 0, 0.5), S, new Float64Array(VARS * VARS));
  assert.equal([...D], new Array(VARS * VARS).fill(0));
  // the band at t = −1e200, c1 = c2 = 0: ∂f_c/∂c1 = φ1_c = t²·(−2/b)·e^14 is beyond float64: −∞
  const band = secondPartials('1-1-1 Δ≈0', -1e200, coeffs(0.25, 1, 0.999, 0, 0), S, new Float64Array(VARS * VARS));
  assert.ok(!band.some(Number.isNaN), `${[...band]}`);
  assert.is(band[3 * VARS + 4], -Infinity);
  // and φ1 = t·E(ρt) with ρ = ±1 whatever b is: its derivative by b (through c_f) is 0, the t²-terms of
  // ∂/∂b and ∂/∂c_f cancelling before evaluation (evaluated apart they are +∞ and −∞)
  assert.is(basisGradient('1-1-1 Δ≈0', -1e200, coeffs(0.25, 1, 0.999, 0, 0)).d1[2], 0);
});

// ---- 3. end to end ---------------------------------------------------------------------------------

/**
 * deu of scaled inputs: t = x·sx and coefficients p·sp, so that x and p are of order one and
 * gradgradcheck's absolute step 1e-6 is a relative one for t and the coefficients.
 */
function scaledDeu(sx: number, sp: readonly number[]) {
  const scale = tg.tensor([[...sp]], { dtype: 'float64' });
  return (x: tg.Tensor, p: tg.Tensor) => tg.deu(x.mul(sx), p.mul(scale), { eps: EPS, s: S });
}

/**
 * gradgradcheck of scaledDeu in x (when `inX`) and in the coefficients. For t < 0 the first-order
 * x-gradient carries δ_s's floor (≈ 8e-5·g) times sx ≈ 1e39, next to which the other terms of the
 * check's differences in x are below rounding: there x is left out (its partials are checked
 * against central differences in jet_checks.ts's farProblem).
 */
function gradgradcheckScaled(sx: number, sp: readonly number[], xs: number[], k: readonly number[], inX: boolean, raiseException = true): boolean {
  return tg.tidy(() => {
    const x = tg.tensor(xs.map((v) => [v]), { dtype: 'float64' });
    if (inX) x.requiresGrad_();
    const p = tg.tensor([[...k]], { dtype: 'float64' }).requiresGrad_();
    return tg.gradgradcheck(scaledDeu(sx, sp), [x, p], { atol: 1e-6, rtol: 1e-5, raiseException }).ok;
  });
}

const positive = fc.double({ min: 1, max: 3, noNaN: true });
const xsOf = (n: number) => fc.array(positive, { minLength: n, maxLength: n });
/** A small coefficient kept away from 0, whose nudge direction flips with its sign. */
const small = signed(fc.double({ min: 0.002, max: 0.008, noNaN: true }));

test('gradgradcheck far out: 1-0-1 ac>0 (t ≈ ±2^130, ω·t of order one; b below ε, borrowed through gravitation)', () => {
  fc.assert(fc.property(size, size, small, label, label, xsOf(3), fc.boolean(), (ah, ch, b, c1, c2, xs, negative) => {
    gradgradcheckScaled(negative ? -(2 ** 130) : 2 ** 130, [2 ** 260, 1, 1, 1, 1], xs, [ah, b, ch, c1, c2], !negative);
  }), { numRuns: 6, seed: 48 });
});

test('gradgradcheck far out: 1-1-1 Δ<0 (t ≈ ±2^130, α·t and ω·t of order one), t of both signs', () => {
  const neuron = fc.tuple(size, size, signed(fc.double({ min: 0.1, max: 0.8, noNaN: true })), label, label).map(([ah, ch, r, c1, c2]) => [ah, r * 2 * Math.sqrt(ah * ch), ch, c1, c2]);
  fc.assert(fc.property(neuron, xsOf(4), fc.boolean(), (k, xs, negative) => {
    gradgradcheckScaled(negative ? -(2 ** 130) : 2 ** 130, [2 ** 260, 2 ** 130, 1, 1, 1], xs, k, !negative);
  }), { numRuns: 6, seed: 58 });
});

test('gradgradcheck far out: 0-1-1 at t ≈ 1e200 (E(−ct/b) underflowed to 0 meets t² = ∞ in the number jets; a borrowed)', () => {
  fc.assert(fc.property(size, size, small, label, label, xsOf(3), (bh, ch, a, c1, c2, xs) => {
    gradgradcheckScaled(1e200, [1, 1, 1, 1, 1], xs, [a, bh, ch, c1, c2], true);
  }), { numRuns: 4, seed: 68 });
});

/**
 * Outward gravitation with t* far: the second-order backward of the coefficient gradient against
 * central differences (relative steps) of F(x, p) = Σ_i g_i·Σ_j U_j·f_j(x_i), the first-order one.
 */
function gravitationProblem(k: Coeffs, xs: number[]): string | null {
  const params = [k.a, k.b, k.c, k.c1, k.c2], g = xs.map((_, i) => 0.7 - 0.4 * i), U = [0.9, -0.6, 0.5, 0.3, -0.8];
  const input = (x: number[], p: number[]) => ({ x, params: p, shape: [x.length, 1], eps: EPS, s: S });
  const F = (x: number[], p: number[]) => deuGradPBackward(U, g, input(x, p), false).dg.reduce((acc, d, i) => acc + g[i] * d, 0);
  const { dx, dparams } = deuGradPBackward(U, g, input(xs, params), true);
  const all = [...dx!, ...dparams!];
  if (!all.every(Number.isFinite)) return `${JSON.stringify(k)} x = ${xs}: not finite: ${all}`;
  const checks: [string, number, (h: number) => number, number][] = [
    ...xs.map((v, i): [string, number, (h: number) => number, number] => [`x${i}`, dx![i], (h) => F(xs.map((u, m) => (m === i ? u + h : u)), params), 1e-6 * Math.abs(v)]),
    ...params.map((v, j): [string, number, (h: number) => number, number] => [NAMES[j + 1], dparams![j], (h) => F(xs, params.map((u, m) => (m === j ? u + h : u))), v === 0 ? 1e-6 : 1e-6 * Math.abs(v)]),
  ];
  const f0 = Math.abs(F(xs, params));
  for (const [name, analytic, f, h] of checks) {
    const up = f(h), down = f(-h), fd = (up - down) / (2 * h);
    const scale = Math.max(f0, Math.abs(up), Math.abs(down)) / (name.startsWith('x') ? Math.abs(xs[Number(name.slice(1))]) : Math.max(h * 1e6, h));
    if (!(Math.abs(fd - analytic) <= 1e-6 * (Math.abs(analytic) + scale) + 1e-300)) return `${JSON.stringify(k)} x = ${xs}: ∂F/∂${name} = ${analytic}, central difference ${fd}`;
  }
  return null;
}

test('outward gravitation with t* far out: finite second derivatives, equal to central differences of the first-order coefficient gradient', () => {
  // nudged neurons with real roots: far out their exponentials are 0 or at the cap (an oscillating
  // one's phase would be arbitrary there, and its differences meaningless)
  const saturated = [coeffs(0.005, 1, 0.5, 0.3, -0.2), coeffs(1, 0.004, -0.003, 0.3, 0), coeffs(0.5, 0.3, 0.002, 0.2, 1), coeffs(0.004, 0.8, -0.6, -0.1, 0.4)];
  for (const k of saturated) {
    for (const xs of [[1e200, 3e200], [-1e200, -2e200], [2 ** 130, 2 ** 131], [-(2 ** 130), -(2 ** 129) * 3], [1e300, -5e299, 2e300]]) {
      const problem = gravitationProblem(k, xs);
      assert.ok(problem === null, problem ?? '');
    }
  }
  // rates ~1/t*: 1-0-1 ac>0 with b below ε at t ≈ 2^130 (the nudged neuron is 1-1-1 Δ<0 with α·t, ω·t of order one)
  for (const [xs, k] of [[[1.2 * 2 ** 130, 2.5 * 2 ** 130], coeffs(1.3 * 2 ** 260, 0.005, 0.8, 0.4, -0.3)], [[-1.5 * 2 ** 130, -2.2 * 2 ** 130, -0.9 * 2 ** 130], coeffs(0.7 * 2 ** 260, -0.006, 1.1, -0.2, 0.6)]] as [number[], Coeffs][]) {
    const problem = gravitationProblem(k, xs);
    assert.ok(problem === null, problem ?? '');
  }
});

// ---- 4. the checks can fail -----------------------------------------------------------------------

type Patch = [string, (original: (...args: never[]) => unknown) => (this: FarJets, ...args: never[]) => unknown];

/** Runs fn with one method of the far jets replaced (wrapping the original). */
function patched<R>([name, wrap]: Patch, fn: () => R): R {
  const proto = FarJets.prototype as unknown as Record<string, (...args: never[]) => unknown>;
  const original = proto[name];
  proto[name] = wrap(original);
  try {
    return fn();
  } finally {
    proto[name] = original;
  }
}

const MUTANTS: Patch[] = [
  // the chain rule's second-order term slightly off
  ['chain', (orig) => function (this: FarJets, ...args: never[]) {
    const [x, f0, f1, f2, f1a] = args as unknown as [unknown, number, number, number, number | undefined];
    return (orig as (...a: unknown[]) => unknown).call(this, x, f0, f1, f2 * 1.001, f1a ?? f1);
  }],
  // the product rule's Hessian scaled
  ['mul', (orig) => function (this: FarJets, ...args: never[]) {
    const out = (orig as (...a: unknown[]) => { h: Float64Array[] }).apply(this, args);
    return { ...out, h: out.h.map((p) => p.map((v) => v * 1.001)) };
  }],
  // the phase's sine with the wrong sign
  ['phase', (orig) => function (this: FarJets, ...args: never[]) {
    const [c, s] = (orig as (...a: unknown[]) => [number, number]).apply(this, args);
    return [c, -s];
  }],
  // the capped exponential's cap forgotten in its derivatives
  ['capExp', () => function (this: FarJets, ...args: never[]) {
    const [x, cap] = args as unknown as [{ v: Float64Array }, number];
    const e = Math.exp(Math.min(valueAt(x.v, this.t), cap));
    return (FarJets.prototype as unknown as { chain: (...a: unknown[]) => unknown }).chain.call(this, x, e, e, e, e);
  }],
];

test('a perturbed far rule goes red: against the number jets and against central differences far out', () => {
  const nearCases: [Formed, number, Coeffs][] = [];
  const farCases: [Formed, number, Coeffs, number[]][] = [];
  for (const sub of FORMED) {
    fc.sample(fc.tuple(neuronIn(sub), logT(-0.7, 3)), { numRuns: 10, seed: 78 }).forEach(([k, t]) => nearCases.push([sub, t, k]));
    // far out: rates ~1/t (nothing saturated) and coefficients 0.5 to 2 (exponentials at 0 or the cap)
    const slow = slowNeuron(sub);
    if (slow) fc.sample(slow, { numRuns: 6, seed: 88 }).forEach(([k, t]) => farCases.push([sub, t, k, ALL]));
    fc.sample(fc.tuple(labelled(sub), FAR_T), { numRuns: 6, seed: 98 }).forEach(([k, t]) => farCases.push([sub, t, k, oscillates(sub) ? [4, 5] : ALL]));
  }
  // unperturbed, every case passes
  for (const [sub, t, k] of nearCases) assert.is(nearFarMismatch(sub, t, k), null);
  for (const [sub, t, k, columns] of farCases) assert.is(farProblem(sub, t, k, columns), null);
  for (const mutant of MUTANTS) {
    patched(mutant, () => {
      assert.ok(nearCases.some(([sub, t, k]) => nearFarMismatch(sub, t, k) !== null), `${mutant[0]}: not caught against the number jets`);
      assert.ok(farCases.some(([sub, t, k, columns]) => farProblem(sub, t, k, columns) !== null), `${mutant[0]}: not caught by central differences far out`);
    });
  }
  // and end to end: gradgradcheck at t ≈ 2^130 (1-1-1 Δ<0, rates ~1/t, nothing capped) goes red
  const endToEnd = () => gradgradcheckScaled(2 ** 130, [2 ** 260, 2 ** 130, 1, 1, 1], [1.2, 2.1, 2.9], [0.8, 0.6, 1.3, 0.4, -0.7], true, false);
  assert.ok(endToEnd());
  for (const mutant of MUTANTS.filter(([name]) => name !== 'capExp')) patched(mutant, () => assert.not.ok(endToEnd(), `${mutant[0]}: not caught by gradgradcheck`));
});

test.run();
