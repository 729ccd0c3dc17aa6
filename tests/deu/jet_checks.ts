// The checks of second_order_far.test.ts, kept apart so that a failing draw can be rerun alone:
// the far path against the number jets (forced below 2^128), far-out second partials against
// central differences of the first-order far partials, and neurons whose rates are ~1/t.
import fc from 'fast-check';
import { FAR_FROM } from '../../core/cpu/deu_far.js';
import { basisGradient, secondPartials, valueGradient, VARS, withFarPath } from '../../core/cpu/deu_second.js';
import { DeuPoint, evaluate, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';
import { neuronIn } from './arbitraries.js';
import { S, SUBSPACES } from './helpers.js';

export type Formed = Exclude<Subspace, '0-0-0' | '0-0-1'>;
export const FORMED = SUBSPACES.filter((s) => s !== '0-0-0' && s !== '0-0-1') as Formed[];
export const NAMES = ['t', 'a', 'b', 'c', 'c1', 'c2'];
export const M = 1000;

export const signed = (magnitude: fc.Arbitrary<number>) => fc.tuple(magnitude, fc.boolean()).map(([m, negative]) => (negative ? -m : m));
/** |t| = 10^u for u uniform in [lo, hi], either sign. */
export const logT = (lo: number, hi: number) => signed(fc.double({ min: lo, max: hi, noNaN: true }).map((u) => 10 ** u));
export const FAR_T = logT(Math.log10(FAR_FROM), 300);


/** The first entry where the far path (forced) and the number jets differ, or null. */
export function nearFarMismatch(sub: Formed, t: number, k: Coeffs): string | null {
  const near = secondPartials(sub, t, k, S, new Float64Array(VARS * VARS));
  const far = withFarPath(() => secondPartials(sub, t, k, S, new Float64Array(VARS * VARS)));
  const rows: [string, Float64Array, Float64Array][] = [];
  for (let i = 0; i < VARS; i++) rows.push([`∂f_${NAMES[i]}`, near.subarray(i * VARS, (i + 1) * VARS), far.subarray(i * VARS, (i + 1) * VARS)]);
  rows.push(['∂y', valueGradient(sub, t, k, S, new Float64Array(VARS)), withFarPath(() => valueGradient(sub, t, k, S, new Float64Array(VARS)))]);
  const nb = basisGradient(sub, t, k), fb = withFarPath(() => basisGradient(sub, t, k));
  rows.push(['φ1, ∂φ1', Float64Array.of(nb.phi[0], ...nb.d1), Float64Array.of(fb.phi[0], ...fb.d1)]);
  rows.push(['φ2, ∂φ2', Float64Array.of(nb.phi[1], ...nb.d2), Float64Array.of(fb.phi[1], ...fb.d2)]);
  for (const [name, n, f] of rows) {
    // relative to the row's scale: an entry that cancels to ~0 carries the rounding of its terms
    const scale = 1 + n.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let j = 0; j < n.length; j++) {
      if (!(Math.abs(f[j] - n[j]) <= 1e-12 * scale)) return `${sub} ${JSON.stringify(k)} t = ${t}: ${name}[${j}] far ${f[j]}, near ${n[j]}`;
    }
  }
  return null;
}

// ---- 2. far out: finite, clipped rows 0, central differences of the first-order far partials ----

/** The first-order partials (f_t, f_a, f_b, f_c, f_c1, f_c2) at v = (t, a, b, c, c1, c2), clipped. */
export function firstOrder(sub: Subspace, v: readonly number[]): number[] {
  const p = evaluate(sub, v[0], { a: v[1], b: v[2], c: v[3], c1: v[4], c2: v[5] }, S, new DeuPoint(), true);
  return [p.dt, p.da, p.db, p.dc, p.dc1, p.dc2];
}

/**
 * The first problem with secondPartials far out, or null: a NaN, a clipped row that is not 0, or an
 * entry unlike the central difference (relative step) of its first-order row. `columns` are the
 * variables whose differences are meaningful (not an arbitrary phase ω·t far beyond 2^53).
 */
export function farProblem(sub: Subspace, t: number, k: Coeffs, columns: readonly number[]): string | null {
  const where = `${sub} ${JSON.stringify(k)} t = ${t}`;
  const D = secondPartials(sub, t, k, S, new Float64Array(VARS * VARS));
  if (D.some(Number.isNaN)) return `${where}: NaN in ${[...D]}`;
  const v0 = [t, k.a, k.b, k.c, k.c1, k.c2], f0 = firstOrder(sub, v0);
  for (let i = 0; i < VARS; i++) {
    if (Math.abs(f0[i]) < M) continue;
    for (let j = 0; j < VARS; j++) if (D[i * VARS + j] !== 0) return `${where}: row ∂f_${NAMES[i]} is clipped (${f0[i]}) but ∂/∂${NAMES[j]} = ${D[i * VARS + j]}`;
  }
  for (const j of columns) {
    const fd = differences((v) => firstOrder(sub, v), v0, j);
    for (let i = 0; i < VARS; i++) {
      if (Math.abs(f0[i]) >= M || fd.slopes[i] === null) continue;
      const d = D[i * VARS + j];
      // an entry whose terms cancel (e.g. ∂(P − Q)/∂a with P = Q at the cap) carries the rounding of
      // the terms, which the row's other entries (made dimensionless) measure
      const tol = 1e-6 * (Math.abs(d) + fd.sizes[i] / Math.max(Math.abs(v0[j]), 1e-300)) + (1e-10 * rowScale(D, i, v0)) / Math.max(Math.abs(v0[j]), 1) + 2 * fd.errors[i] + 1e-300;
      if (!(Math.abs(fd.slopes[i]! - d) <= tol)) return `${where}: ∂f_${NAMES[i]}/∂${NAMES[j]} = ${d}, central difference ${fd.slopes[i]}`;
    }
  }
  // the value's own gradient: central differences of y (no δ_s: H is constant far out)
  const vg = valueGradient(sub, t, k, S, new Float64Array(VARS));
  if (vg.some(Number.isNaN)) return `${where}: NaN in valueGradient ${[...vg]}`;
  const y = (v: number[]) => [evaluate(sub, v[0], { a: v[1], b: v[2], c: v[3], c1: v[4], c2: v[5] }, S, new DeuPoint(), false).y];
  const y0 = y(v0)[0];
  for (const j of columns) {
    if (Math.abs(y0) >= M) {
      if (vg[j] !== 0) return `${where}: y is clipped but ∂y/∂${NAMES[j]} = ${vg[j]}`;
      continue;
    }
    const fd = differences(y, v0, j), slope = fd.slopes[0];
    if (slope === null) continue;
    const tol = 1e-6 * (Math.abs(vg[j]) + fd.sizes[0] / Math.max(Math.abs(v0[j]), 1e-300)) + 2 * fd.errors[0] + 1e-300;
    if (!(Math.abs(slope - vg[j]) <= tol)) return `${where}: ∂y/∂${NAMES[j]} = ${vg[j]}, central difference ${slope}`;
  }
  return null;
}

/**
 * Five-point central differences of each component of f along v_j, with steps h = 1e-4·max(|v_j|, 1)
 * (relative, absolute below 1: a coefficient may be 0) and h/4: the second is the estimate, their
 * disagreement its uncertainty (the draws include strongly curved neurons). Also the components'
 * largest magnitude; null where a component meets the clip within the stencil (its kink makes the
 * difference meaningless).
 */
function differences(f: (v: number[]) => number[], v0: readonly number[], j: number): { slopes: (number | null)[]; errors: number[]; sizes: number[] } {
  const at = (step: number) => f(v0.map((v, m) => (m === j ? v + step : v)));
  const fivePoint = (h: number) => {
    const [p1, m1, p2, m2] = [at(h), at(-h), at(2 * h), at(-2 * h)];
    const sizes = p1.map((_, i) => Math.max(Math.abs(p1[i]), Math.abs(m1[i]), Math.abs(p2[i]), Math.abs(m2[i])));
    return { sizes, slopes: p1.map((_, i) => (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h)) };
  };
  const h = 1e-4 * Math.max(Math.abs(v0[j]), 1), coarse = fivePoint(h), fine = fivePoint(h / 4);
  return {
    slopes: fine.slopes.map((v, i) => (coarse.sizes[i] >= M ? null : v)),
    errors: fine.slopes.map((v, i) => Math.abs(v - coarse.slopes[i])),
    sizes: coarse.sizes,
  };
}

/** max_j |∂f_i/∂v_j|·max(|v_j|, 1): row i's entries made dimensionless. */
function rowScale(D: Float64Array, i: number, v: readonly number[]): number {
  let m = 0;
  for (let j = 0; j < VARS; j++) if (Number.isFinite(D[i * VARS + j])) m = Math.max(m, Math.abs(D[i * VARS + j]) * Math.max(Math.abs(v[j]), 1));
  return m;
}

export const ALL = [0, 1, 2, 3, 4, 5];
/** Where ω·t is far beyond 2^53 the phase is arbitrary: only c1 and c2 (which it multiplies) can be differenced. */
export const oscillates = (sub: Subspace) => sub === '1-0-1 ac>0' || sub === '1-1-1 Δ<0';
/** c1, c2 kept, zeroed or one of them zeroed: with both 0 and t < 0 the rows of H·g are not clipped. */
export const labelled = (sub: Subspace) =>
  fc.tuple(neuronIn(sub), fc.constantFrom(0, 1, 2, 3)).map(([k, which]) => ({ ...k, c1: which & 1 || Math.abs(k.c1) < 1e-3 ? 0 : k.c1, c2: which & 2 || Math.abs(k.c2) < 1e-3 ? 0 : k.c2 }));

export const size = fc.double({ min: 0.5, max: 2, noNaN: true });
export const rate = signed(fc.double({ min: 0.2, max: 8, noNaN: true }));
export const tiny = fc.double({ min: -0.009, max: 0.009, noNaN: true });
/** c1, c2: 0 or at least 1e-3 in magnitude (a subnormal label has no digits left to compare). */
export const label = fc.oneof(fc.constant(0), signed(fc.double({ min: 1e-3, max: 1, noNaN: true })));

/**
 * Neurons whose rates are about 1/t, so that at a far t every exponent and phase is of order one
 * (nothing saturates, nothing is an arbitrary phase): the far formulas' t-dependence at full
 * strength. Their coefficients grow like t or t², and the polynomial coefficients are products of
 * their reciprocals (∂ω/∂a squared times t² is ~t⁻⁶·t²): to keep those normal float64 numbers,
 * with their precision, t ≤ 1e45.
 */
export function slowNeuron(sub: Formed): fc.Arbitrary<[Coeffs, number]> | null {
  const T = logT(Math.log10(FAR_FROM), 45);
  const w = <A>(arb: fc.Arbitrary<A>) => fc.tuple(arb, T, label, label);
  switch (sub) {
    case '0-1-1': // (c/b)·t = ψ
      return w(fc.tuple(signed(size), rate, tiny)).map(([[c, psi, a], t, c1, c2]) => [{ a, b: (c * t) / psi, c, c1, c2 }, t]);
    case '1-1-0': // (b/a)·t = ψ
      return w(fc.tuple(signed(size), rate, tiny)).map(([[b, psi, c], t, c1, c2]) => [{ a: (b * t) / psi, b, c, c1, c2 }, t]);
    case '1-0-1 ac>0': // √(c/a)·t = φ
    case '1-0-1 ac<0':
      return w(fc.tuple(signed(size), fc.double({ min: 0.2, max: 6, noNaN: true }), tiny)).map(([[c, phi, b], t, c1, c2]) => {
        const a = (sub === '1-0-1 ac>0' ? c : -c) * (t / phi) ** 2;
        return [{ a, b, c, c1, c2 }, t];
      });
    case '1-1-1 Δ<0': // α·t = ψ, ω·t = φ: c/a = (φ² + ψ²)/t², b = 2aψ/t
      return w(fc.tuple(signed(size), fc.double({ min: 0.5, max: 8, noNaN: true }), signed(fc.double({ min: 0.1, max: 5, noNaN: true })))).map(([[c, phi, psi], t, c1, c2]) => {
        const a = (c * t * t) / (phi * phi + psi * psi);
        return [{ a, b: (2 * a * psi) / t, c, c1, c2 }, t];
      });
    case '1-1-1 Δ>0': // r± = ρ±/t: a = c·t²/(ρ₊ρ₋), b = −a(ρ₊ + ρ₋)/t
      return w(fc.tuple(signed(size), rate, rate).filter(([, r1, r2]) => Math.abs(r1 - r2) > 0.5 && Math.abs(r1 + r2) > 0.1)).map(([[c, r1, r2], t, c1, c2]) => {
        const a = (c * t * t) / (r1 * r2);
        return [{ a, b: (-a * (r1 + r2)) / t, c, c1, c2 }, t];
      });
    default: // 0-1-0, 1-0-0: no rates; the band: ρ = ±1 whatever the coefficients
      return null;
  }
}
