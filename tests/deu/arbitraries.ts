// fast-check draws of a neuron inside a given subspace, away from its boundaries: coefficients the
// subspace uses are 0.5 to 2 in magnitude (so |rate·t| < 14 for |t| ≤ 2: no exponent is capped),
// the ones it treats as zero are below 0.009, and Δ keeps at least 0.05 from the band unless the
// subspace is the band itself.
import fc from 'fast-check';
import type { Coeffs, Subspace } from '../../core/cpu/deu_solutions.js';

const big = fc.tuple(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));
const small = fc.double({ min: -0.009, max: 0.009, noNaN: true });
const label = fc.double({ min: -1, max: 1, noNaN: true });

export function neuronIn(sub: Subspace, labels = true): fc.Arbitrary<Coeffs> {
  const [A, B, C] = sub.slice(0, 5).split('-').map((d) => d === '1');
  const c12 = labels ? fc.tuple(label, label) : fc.constant([0, 0] as [number, number]);
  if (sub === '1-1-1 Δ≈0') {
    // c from a, b and a discriminant inside the band: c = (b² − Δ)/(4a) has a's sign
    return fc.tuple(big, big, fc.double({ min: -0.009, max: 0.009, noNaN: true }), c12)
      .map(([a, b, delta, [c1, c2]]) => ({ a, b, c: (b * b - delta) / (4 * a), c1, c2 }));
  }
  return fc.tuple(A ? big : small, B ? big : small, C ? big : small, c12)
    .map(([a, b, c, [c1, c2]]) => ({ a, b, c, c1, c2 }))
    .filter(({ a, b, c }) => {
      if (sub === '1-0-1 ac>0') return a * c > 0;
      if (sub === '1-0-1 ac<0') return a * c < 0;
      const delta = b * b - 4 * a * c;
      if (sub === '1-1-1 Δ<0') return delta < -0.05;
      if (sub === '1-1-1 Δ>0') return delta > 0.05;
      return true;
    });
}

/** |t| in [0.2, 2], either sign: past δ_s's bump at 0. */
export const awayFromZero = fc.tuple(fc.double({ min: 0.2, max: 2, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));
