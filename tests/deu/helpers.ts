// Shared by the DEU tests: scalar evaluation in float64 straight from the closed forms (a subspace
// can be forced, bypassing the ε-dispatch, as the spec's limit tests need), finite differences,
// and a sample neuron per subspace.
import { DeuPoint, evaluate, subspaceOf, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';

export const EPS = 0.01;
export const S = 100;

/** y and its partials at t, in the given subspace or the one the coefficients select. */
export function at(t: number, k: Coeffs, sub: Subspace = subspaceOf(k.a, k.b, k.c, EPS)!): DeuPoint {
  return evaluate(sub, t, k, S, new DeuPoint(), true);
}

export function y(t: number, k: Coeffs, sub?: Subspace): number {
  return at(t, k, sub).y;
}

export const coeffs = (a: number, b: number, c: number, c1 = 0, c2 = 0): Coeffs => ({ a, b, c, c1, c2 });

/** Central difference of f at v with step h. */
export function central(f: (v: number) => number, v: number, h = 1e-6): number {
  return (f(v + h) - f(v - h)) / (2 * h);
}

/** One neuron inside each subspace (c1 = 0.3, c2 = −0.2), the coefficients of the golden table. */
export const SAMPLES: Record<Subspace, Coeffs> = {
  '0-0-0': coeffs(0, 0.005, -0.004, 0.3, -0.2),
  '0-0-1': coeffs(0, 0, 0.8, 0.3, -0.2),
  '0-1-0': coeffs(0, 1, 0, 0.3, -0.2),
  '0-1-1': coeffs(0, 0.9, 0.6, 0.3, -0.2),
  '1-0-0': coeffs(1, 0, 0, 0.3, -0.2),
  '1-0-1 ac>0': coeffs(0.6, 0, 1.3, 0.3, -0.2),
  '1-0-1 ac<0': coeffs(0.6, 0, -1.3, 0.3, -0.2),
  '1-1-0': coeffs(0.6, 0.9, 0, 0.3, -0.2),
  '1-1-1 Δ≈0': coeffs(0.25, 1, 0.999, 0.3, -0.2),
  '1-1-1 Δ<0': coeffs(0.6, 0.5, 0.9, 0.3, -0.2),
  '1-1-1 Δ>0': coeffs(0.6, 1.9, 0.4, 0.3, -0.2),
};

export const SUBSPACES = Object.keys(SAMPLES) as Subspace[];

/** The coefficients the formula of a subspace actually uses: zeros for small ones, (a_f, b, c_f) in the band. */
export function seenBy(k: Coeffs, sub: Subspace): [number, number, number] {
  const [A, B, C] = sub.slice(0, 5).split('-').map((d) => d === '1');
  if (sub === '1-1-1 Δ≈0') return [(Math.sign(k.a) * Math.abs(k.b)) / 2, k.b, (Math.sign(k.c) * Math.abs(k.b)) / 2];
  return [A ? k.a : 0, B ? k.b : 0, C ? k.c : 0];
}
