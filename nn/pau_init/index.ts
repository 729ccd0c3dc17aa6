// Initial PAU coefficients by name: a set belongs to its version (specs/pau.md §1.3: the paper's
// version-A ReLU fits are 2× worse when evaluated as version B), so the lookup takes both.
import type { PauVersion } from '../../core/backend.js';
import { fail } from '../../core/errors.js';
import { PAU_INIT_TABLE } from './table.js';
import { PAU_TARGETS, type PauTargetName } from './targets.js';

export { fitRational, type FitOptions, type FitResult } from './fit.js';
export { pade, Fraction, tanhSeries, sigmoidSeries, swishSeries } from './pade.js';
export { PAU_TARGETS, type PauTargetName } from './targets.js';
export { PAU_INIT_TABLE } from './table.js';

/** rational_activations' plain "leaky_relu" is slope 0.01. */
const ALIASES: Record<string, PauTargetName> = { leaky_relu: 'leaky_relu_0.01' };

export type PauInitName = PauTargetName | 'leaky_relu' | 'identity';

export const PAU_INIT_NAMES: readonly PauInitName[] = [...(Object.keys(PAU_TARGETS) as PauTargetName[]), 'leaky_relu', 'identity'];

/**
 * The numerator [m+1] and denominator [n] ([n+1] for C) that make a PAU start as `name`.
 * 'identity' (F(x) = x) exists for every degree; the others are tabulated for (5, 4): for other
 * degrees fit your own with fitRational and pass the coefficients.
 */
export function pauInitialCoefficients(name: string, version: PauVersion, m = 5, n = 4): { numerator: number[]; denominator: number[] } {
  const nb = version === 'C' ? n + 1 : n;
  if (name === 'identity') {
    if (m < 1) fail('pauInitialCoefficients', `the identity needs a numerator of degree ≥ 1, got m = ${m}`);
    const numerator = Array.from({ length: m + 1 }, (_, j) => (j === 1 ? 1 : 0));
    // C's constant term is 0.1 + |b_0|, so b_0 = 0.9 makes Q = 1
    const denominator = Array.from({ length: nb }, (_, i) => (version === 'C' && i === 0 ? 0.9 : 0));
    return { numerator, denominator };
  }
  const key = (ALIASES[name] ?? name) as PauTargetName;
  if (!(key in PAU_TARGETS)) fail('pauInitialCoefficients', `unknown initialisation '${name}'; known: ${PAU_INIT_NAMES.join(', ')}`);
  if (m !== 5 || n !== 4) {
    fail('pauInitialCoefficients', `'${name}' is tabulated for degrees (5, 4), got (${m}, ${n}); fit coefficients with fitRational (or use 'identity') and pass them`);
  }
  const entry = PAU_INIT_TABLE[version][key];
  return { numerator: [...entry.numerator], denominator: [...entry.denominator] };
}
