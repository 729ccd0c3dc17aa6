// Second-order jets far out (|t| ≥ 2^128, float64 only). deu_jet.ts's jets overflow there: t·t,
// t·E(·) and t²·E(·) become ±∞ in a value, a gradient or a Hessian entry, and meet a zero (H = 0,
// c1 = 0, an underflowed exponential) as ∞·0 = NaN. deu_far.ts's cure carries over: in the value
// formulas t occurs only inside bounded factors (E(·), cos, sin) and as a polynomial factor, so
// every number of a jet — value, both gradients, each Hessian entry — is kept as a polynomial
//   p0 + p1·t + … + p4·t⁴
// with bounded coefficients, the bounded factors evaluated at the real t. Products of polynomials
// are exact in structure (their coefficients are products of bounded numbers, and a zero factor
// gives exact zeros), and nothing is evaluated until deu_second.ts's assembly has combined the
// parts, with deu_far.ts's valueAt. So the same formulas (deu_second.ts's JET_SOLUTIONS) run over
// these jets and over deu_jet.ts's, the chain rules here being deu_jet.ts's, term for term.
//
// A function of a jet needs the value of its argument, a number: E, cos and sin take it at the real
// t (cos and sin of p0 + p1·t through cosSin's robust phase); 1/x, √x, |x| (and a divisor) are only
// ever taken of coefficients (numbers independent of t), which is asserted by name.
import { fail } from '../errors.js';
import { cosSin, valueAt } from './deu_far.js';
import { type JetAlgebra, type JetNumbers, SLOTS } from './deu_jet.js';

/** The highest power of t a jet's number can carry (the band's t·E(ρt) gives t³ in its Hessian). */
export const DEGREE = 4;

/** p0 + p1·t + … + p4·t⁴: never written after it is made, so one array may be shared. */
export type Poly = Float64Array;

const fresh = (): Poly => new Float64Array(DEGREE + 1);
const ZERO: Poly = fresh();
const constantPoly = (v: number): Poly => {
  const p = fresh();
  p[0] = v;
  return p;
};
const ONE = constantPoly(1);
const T = (() => {
  const p = fresh();
  p[1] = 1;
  return p;
})();

function degreeOf(p: Poly): number {
  let d = DEGREE;
  while (d > 0 && p[d] === 0) d--;
  return d;
}

/** w·p; a weight 0 gives exact zeros whatever p holds. */
function scaled(p: Poly, w: number): Poly {
  if (w === 0 || p === ZERO) return ZERO;
  if (w === 1) return p;
  const out = fresh();
  for (let k = 0; k <= DEGREE; k++) out[k] = w * p[k];
  return out;
}

function added(p: Poly, q: Poly): Poly {
  if (p === ZERO) return q;
  if (q === ZERO) return p;
  const out = fresh();
  for (let k = 0; k <= DEGREE; k++) out[k] = p[k] + q[k];
  return out;
}

function product(p: Poly, q: Poly): Poly {
  if (p === ZERO || q === ZERO) return ZERO;
  const dp = degreeOf(p), dq = degreeOf(q);
  if (dp + dq > DEGREE) fail('deu', `far-out second derivatives: a product of degree ${dp + dq} in t, above the ${DEGREE} the jets hold (a value formula multiplies more powers of t than the DEU solutions have)`);
  const out = fresh();
  for (let i = 0; i <= dp; i++) for (let j = 0; j <= dq; j++) out[i + j] += p[i] * q[j];
  return out;
}

/** A jet whose numbers are polynomials in t (the layout of deu_jet.ts's Jet: g, a by slot, h[i·4 + j]). */
export class PolyJet {
  constructor(readonly v: Poly, readonly g: Poly[], readonly a: Poly[], readonly h: Poly[]) {}
}

const zeros = (n: number): Poly[] => new Array<Poly>(n).fill(ZERO);

/** The jets at one real t (|t| ≥ 2^128 in use; any t ≠ 0 works, which the tests exploit). */
export class FarJets implements JetAlgebra<PolyJet> {
  constructor(readonly t: number) {}

  constant(v: number): PolyJet {
    return new PolyJet(constantPoly(v), zeros(SLOTS), zeros(SLOTS), zeros(SLOTS * SLOTS));
  }

  /** Slot 0 is t itself, the polynomial t; the others are coefficients, constants in t. */
  variable(v: number, i: number): PolyJet {
    const g = zeros(SLOTS), a = zeros(SLOTS);
    g[i] = a[i] = ONE;
    return new PolyJet(i === 0 ? T : constantPoly(v), g, a, zeros(SLOTS * SLOTS));
  }

  add(x: PolyJet, y: PolyJet): PolyJet {
    const pair = (p: Poly[], q: Poly[]) => p.map((pi, i) => added(pi, q[i]));
    return new PolyJet(added(x.v, y.v), pair(x.g, y.g), pair(x.a, y.a), pair(x.h, y.h));
  }

  sub(x: PolyJet, y: PolyJet): PolyJet {
    return this.add(x, this.scale(y, -1));
  }

  scale(x: PolyJet, k: number): PolyJet {
    const all = (p: Poly[]) => p.map((pi) => scaled(pi, k));
    return new PolyJet(scaled(x.v, k), all(x.g), all(x.a), all(x.h));
  }

  plus(k: number, x: PolyJet): PolyJet {
    return new PolyJet(added(x.v, constantPoly(k)), x.g, x.a, x.h);
  }

  mul(x: PolyJet, y: PolyJet): PolyJet {
    const g = zeros(SLOTS), a = zeros(SLOTS), h = zeros(SLOTS * SLOTS);
    for (let i = 0; i < SLOTS; i++) {
      g[i] = added(product(x.v, y.g[i]), product(y.v, x.g[i]));
      a[i] = added(product(x.v, y.a[i]), product(y.v, x.a[i]));
    }
    for (let i = 0; i < SLOTS; i++) {
      for (let j = 0; j < SLOTS; j++) {
        const ij = i * SLOTS + j;
        h[ij] = added(added(added(product(x.a[j], y.g[i]), product(x.v, y.h[ij])), product(y.a[j], x.g[i])), product(y.v, x.h[ij]));
      }
    }
    return new PolyJet(product(x.v, y.v), g, a, h);
  }

  recip(x: PolyJet): PolyJet {
    const r = 1 / this.coefficient(x, 'recip');
    return this.chain(x, r, -r * r, 2 * r * r * r);
  }

  /** deu_jet.ts's div: the value the quotient itself (y never depends on t in the formulas). */
  div(x: PolyJet, y: PolyJet): PolyJet {
    const out = this.mul(x, this.recip(y)), d = this.coefficient(y, 'div');
    return new PolyJet(x.v.map((p) => p / d), out.g, out.a, out.h);
  }

  /** deu_jet.ts's capExp, its argument's value taken at the real t (±∞ there is E = 0 or the cap). */
  capExp(x: PolyJet, cap: number): PolyJet {
    const v = valueAt(x.v, this.t), e = Math.exp(Math.min(v, cap)), live = v > cap ? 0 : e;
    return this.chain(x, e, e, live, live);
  }

  cos(x: PolyJet): PolyJet {
    const [c, s] = this.phase(x);
    return this.chain(x, c, -s, -c);
  }

  sin(x: PolyJet): PolyJet {
    const [c, s] = this.phase(x);
    return this.chain(x, s, c, -s);
  }

  sqrt(x: PolyJet): PolyJet {
    const v = this.coefficient(x, 'sqrt'), r = Math.sqrt(v);
    return this.chain(x, r, 0.5 / r, -0.25 / (r * v));
  }

  abs(x: PolyJet): PolyJet {
    const v = this.coefficient(x, 'abs');
    return this.chain(x, Math.abs(v), Math.sign(v), 0);
  }

  /** deu_jet.ts's chain rule to second order, on polynomials (a factor 0 gives exact zeros). */
  private chain(x: PolyJet, f0: number, f1: number, f2: number, f1Actual = f1): PolyJet {
    const h = zeros(SLOTS * SLOTS);
    for (let i = 0; i < SLOTS; i++) {
      for (let j = 0; j < SLOTS; j++) {
        const ij = i * SLOTS + j;
        h[ij] = added(f2 === 0 ? ZERO : scaled(product(x.a[j], x.g[i]), f2), scaled(x.h[ij], f1));
      }
    }
    return new PolyJet(constantPoly(f0), x.g.map((p) => scaled(p, f1)), x.a.map((p) => scaled(p, f1Actual)), h);
  }

  /** The value of a jet that must not depend on t (1/x, √x, |x| of a coefficient). */
  private coefficient(x: PolyJet, what: string): number {
    const d = degreeOf(x.v);
    if (d > 0) fail('deu', `far-out second derivatives: ${what} of a number that depends on t (a polynomial of degree ${d}); the value formulas take ${what} of coefficients only`);
    return x.v[0];
  }

  /** cos and sin of p0 + p1·t, with p1·t possibly beyond float64 (cosSin's halved phase). */
  private phase(x: PolyJet): [number, number] {
    const d = degreeOf(x.v);
    if (d > 1) fail('deu', `far-out second derivatives: cos/sin of a polynomial of degree ${d} in t; the value formulas only take them of phases ω·t`);
    const [p0, p1] = x.v, [c, s] = cosSin(p1, this.t);
    if (p0 === 0) return [c, s];
    const c0 = Math.cos(p0), s0 = Math.sin(p0);
    return [c0 * c - s0 * s, s0 * c + c0 * s];
  }
}

/** How deu_second.ts's assembly combines and reads these numbers: weight 0 skipped, evaluated at t at the end. */
export function farNumbers(t: number): JetNumbers<Poly> {
  return {
    zero: ZERO,
    lin: (w1, x1, w2, x2, w3, x3) => added(added(scaled(x1, w1), scaled(x2, w2)), scaled(x3, w3)),
    at: (p) => valueAt(p, t),
  };
}
