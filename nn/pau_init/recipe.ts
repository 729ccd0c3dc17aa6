// How each shipped initialisation is made, for every version at once (examples/pau_init_table.ts
// runs this and writes table.ts).
//   Padé targets: the exact approximant. Its denominator 1 + q_2x² + q_4x⁴ (the odd q are 0 for
//     these three functions, the even ones positive) is the same function under A, B and N, and
//     under C with b_0 = 0.9 (0.1 + |0.9 + …| = 1 + …).
//   Fitted targets: Levenberg–Marquardt on `points` grid points of [−3, 3) (spec §2.1).
//     A starts from all ones, the paper's recipe, which reproduces its Table 6. B, C and N also
//     start from all ones (the reference's recipe) and, a second time, from the A optimum
//     (|b|; b_0 = 0.9 prepended for C); the lower sum of squares wins. From ones alone, B lands
//     on worse local optima for leaky slopes 0.2–0.3 and −0.5 (spec §2.1: the problem is not convex).
import type { PauVersion } from '../../core/backend.js';
import { RationalPoint } from '../../core/cpu/pau_rational.js';
import { fitRational, type FitResult } from './fit.js';
import { pade } from './pade.js';
import type { PadeTarget, Target } from './targets.js';

export const VERSIONS: readonly PauVersion[] = ['A', 'B', 'C', 'N'];

export interface InitEntry {
  numerator: number[];
  denominator: number[];
  /** max |F − target| on the grid. */
  maxError: number;
  /** How the set was made: "pade", or the start LM converged from ("ones", "A"). */
  source: string;
  /** Padé sets: the exact fractions, numerator then denominator. */
  fractions?: string[];
}

export interface RecipeOptions {
  m?: number;
  n?: number;
  points?: number;
}

/** Every version's initialisation for one target. */
export function initialisationsFor(target: Target, options: RecipeOptions = {}): Record<PauVersion, InitEntry> {
  return target.kind === 'pade' ? padeSets(target, options) : fittedSets(target.f, options);
}

function padeSets(target: PadeTarget, { m = 5, n = 4, points = 100_000 }: RecipeOptions): Record<PauVersion, InitEntry> {
  const { numerator, denominator } = pade(target.series(m + n), m, n);
  const fractions = [...numerator, ...denominator].map(String);
  const a = numerator.map((v) => v.toNumber()), b = denominator.map((v) => v.toNumber());
  if (b.some((v, i) => (i % 2 === 0 ? v !== 0 : v < 0))) throw new Error('padeSets: expected an even denominator with positive coefficients');
  const entry = (version: PauVersion): InitEntry => {
    const den = version === 'C' ? [0.9, ...b] : b;
    return { numerator: a, denominator: den, maxError: maxError(target.f, version, a, den, points), source: 'pade', fractions };
  };
  return { A: entry('A'), B: entry('B'), C: entry('C'), N: entry('N') };
}

function fittedSets(f: (x: number) => number, { m = 5, n = 4, points = 100_000 }: RecipeOptions): Record<PauVersion, InitEntry> {
  const fromA = fitRational(f, { version: 'A', m, n, points });
  const result = { A: entryOf(fromA, 'ones') } as Record<PauVersion, InitEntry>;
  for (const version of VERSIONS.slice(1)) {
    const abs = fromA.denominator.map(Math.abs);
    const start = { numerator: fromA.numerator, denominator: version === 'C' ? [0.9, ...abs] : abs };
    const ones = fitRational(f, { version, m, n, points });
    const seeded = fitRational(f, { version, m, n, points, start });
    result[version] = seeded.sumOfSquares < ones.sumOfSquares ? entryOf(seeded, 'A') : entryOf(ones, 'ones');
  }
  return result;
}

function entryOf(fit: FitResult, source: string): InitEntry {
  return { numerator: fit.numerator, denominator: fit.denominator, maxError: fit.maxError, source };
}

/** max |F − f| over `points` evenly spaced points of [lower, upper). */
export function maxError(f: (x: number) => number, version: PauVersion, a: readonly number[], b: readonly number[], points = 100_000, lower = -3, upper = 3): number {
  const point = new RationalPoint(version, a.length, b.length);
  let worst = 0;
  for (let i = 0; i < points; i++) {
    const x = lower + ((upper - lower) * i) / points;
    point.evaluate(x, a, b, false);
    worst = Math.max(worst, Math.abs(point.f - f(x)));
  }
  return worst;
}
