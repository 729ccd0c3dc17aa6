// Second-order jets for the DEU closed forms: a number together with its gradient and Hessian in
// four variables (t, a, b, c). Evaluating g, φ1 and φ2 of a subspace (deu_solutions.ts's formulas,
// value parts only) with jet arithmetic gives their first and second partials at once, with no
// hand-derived second derivatives to get wrong. The first partials must agree with the hand-written
// ones of deu_solutions.ts (the tests check it), which ties the two together.
//
// The reference's numerics carry over: the capped exponential E(x) = exp(min(x, 14)) has the
// derivative E straight through in the first-order rules; a jet's second-order part is the exact
// derivative of those first-order rules as computed (see Jet).

/** Variable slots: t, then the coefficients a, b, c. */
export const SLOTS = 4;

/**
 * A value v with, by the four variables,
 *   g  the gradient the first-order rules use (the capped E differentiated straight through),
 *   a  the actual gradient of v as computed (0 through a capped E, whose value is then constant),
 *   h  h[i·4 + j] = ∂g_i/∂v_j, the actual derivative of the first-order gradient.
 * Where no cap is active g = a and h is the (symmetric) Hessian.
 */
export class Jet {
  constructor(public v: number, readonly g: Float64Array, readonly a: Float64Array, readonly h: Float64Array) {}
}

// Jets come from a pool that resetJets() recycles (once per element, by the caller that owns the
// results): the per-element evaluation then allocates nothing, which makes it several times faster.
const pool: Jet[] = [];
let used = 0;

function take(v: number): Jet {
  if (used === pool.length) pool.push(new Jet(0, new Float64Array(SLOTS), new Float64Array(SLOTS), new Float64Array(SLOTS * SLOTS)));
  const jet = pool[used++];
  jet.v = v;
  return jet;
}

/** Recycles every jet handed out so far: results from before are overwritten by later ones. */
export function resetJets(): void {
  used = 0;
}

export function constant(v: number): Jet {
  const jet = take(v);
  jet.g.fill(0);
  jet.a.fill(0);
  jet.h.fill(0);
  return jet;
}

/** The variable of slot i, at value v. */
export function variable(v: number, i: number): Jet {
  const jet = constant(v);
  jet.g[i] = 1;
  jet.a[i] = 1;
  return jet;
}

/**
 * f(x) for a scalar f with f(x.v) = f0: f1 the derivative the first-order rules use, f1Actual the
 * derivative of f's computed value, f2 the derivative of the function f1 (the chain rule to second
 * order: ∂(f1·x.g_i)/∂v_j = f2·x.a_j·x.g_i + f1·x.h_ij).
 */
function chain(x: Jet, f0: number, f1: number, f2: number, f1Actual = f1): Jet {
  const out = take(f0), { g, a, h } = out;
  for (let i = 0; i < SLOTS; i++) {
    g[i] = f1 * x.g[i];
    a[i] = f1Actual * x.a[i];
  }
  for (let i = 0; i < SLOTS; i++) for (let j = 0; j < SLOTS; j++) h[i * SLOTS + j] = f2 * x.a[j] * x.g[i] + f1 * x.h[i * SLOTS + j];
  return out;
}

export function add(x: Jet, y: Jet): Jet {
  const out = take(x.v + y.v), { g, a, h } = out;
  for (let i = 0; i < SLOTS; i++) {
    g[i] = x.g[i] + y.g[i];
    a[i] = x.a[i] + y.a[i];
  }
  for (let i = 0; i < SLOTS * SLOTS; i++) h[i] = x.h[i] + y.h[i];
  return out;
}

export function scale(x: Jet, k: number): Jet {
  return chain(x, k * x.v, k, 0);
}

export function sub(x: Jet, y: Jet): Jet {
  return add(x, scale(y, -1));
}

/** k + x for a number k. */
export function plus(k: number, x: Jet): Jet {
  return chain(x, k + x.v, 1, 0);
}

export function mul(x: Jet, y: Jet): Jet {
  const out = take(x.v * y.v), { g, a, h } = out;
  for (let i = 0; i < SLOTS; i++) {
    g[i] = x.v * y.g[i] + y.v * x.g[i];
    a[i] = x.v * y.a[i] + y.v * x.a[i];
  }
  for (let i = 0; i < SLOTS; i++) {
    for (let j = 0; j < SLOTS; j++) {
      const ij = i * SLOTS + j;
      h[ij] = x.a[j] * y.g[i] + x.v * y.h[ij] + y.a[j] * x.g[i] + y.v * x.h[ij];
    }
  }
  return out;
}

export function recip(x: Jet): Jet {
  const r = 1 / x.v;
  return chain(x, r, -r * r, 2 * r * r * r);
}

/**
 * x/y: the derivatives those of x·(1/y), the value the quotient itself, as the closed forms compute
 * it (so a phase ω·t far beyond 2^53 is the same number in both, not one rounding apart).
 */
export function div(x: Jet, y: Jet): Jet {
  const out = mul(x, recip(y));
  out.v = x.v / y.v;
  return out;
}

/**
 * The capped exponential E: E′ = E straight through, as the first-order rules take it; where the
 * cap is active E's value and that E′ are constants, so their actual derivatives are 0.
 */
export function capExp(x: Jet, cap: number): Jet {
  const e = Math.exp(Math.min(x.v, cap)), live = x.v > cap ? 0 : e;
  return chain(x, e, e, live, live);
}

export function cos(x: Jet): Jet {
  const c = Math.cos(x.v), s = Math.sin(x.v);
  return chain(x, c, -s, -c);
}

export function sin(x: Jet): Jet {
  const c = Math.cos(x.v), s = Math.sin(x.v);
  return chain(x, s, c, -s);
}

export function sqrt(x: Jet): Jet {
  const r = Math.sqrt(x.v);
  return chain(x, r, 0.5 / r, -0.25 / (r * x.v));
}

/** |x|, away from 0 (its callers' arguments are at least ε² in magnitude). */
export function abs(x: Jet): Jet {
  return chain(x, Math.abs(x.v), Math.sign(x.v), 0);
}

/** A jet's numbers as the assembly of deu_second.ts reads them: plain numbers here, polynomials far out. */
export interface JetView<T> {
  readonly v: T;
  readonly g: { readonly [i: number]: T };
  readonly a: { readonly [i: number]: T };
  readonly h: { readonly [i: number]: T };
}

/**
 * The operations the value formulas (deu_second.ts's JET_SOLUTIONS) are written with, so that one
 * text of them runs over these jets near and over deu_jet_far.ts's (numbers that are polynomials in
 * t) for |t| ≥ 2^128.
 */
export interface JetAlgebra<J> {
  constant(v: number): J;
  variable(v: number, i: number): J;
  add(x: J, y: J): J;
  sub(x: J, y: J): J;
  scale(x: J, k: number): J;
  plus(k: number, x: J): J;
  mul(x: J, y: J): J;
  recip(x: J): J;
  div(x: J, y: J): J;
  capExp(x: J, cap: number): J;
  cos(x: J): J;
  sin(x: J): J;
  sqrt(x: J): J;
  abs(x: J): J;
}

/** The number jets of this file as a JetAlgebra (the near path: |t| < 2^128). */
export const NEAR_JETS: JetAlgebra<Jet> = { constant, variable, add, sub, scale, plus, mul, recip, div, capExp, cos, sin, sqrt, abs };

/**
 * How deu_second.ts's assembly combines and reads a jet's numbers (T: a number here, a polynomial
 * in t far out, where a weight 0 contributes exact zeros, never ∞·0).
 */
export interface JetNumbers<T> {
  readonly zero: T;
  /** w1·x1 + w2·x2 + w3·x3. */
  lin(w1: number, x1: T, w2: number, x2: T, w3: number, x3: T): T;
  /** The number's value at the element's t. */
  at(x: T): number;
}

export const NEAR_NUMBERS: JetNumbers<number> = {
  zero: 0,
  lin: (w1, x1, w2, x2, w3, x3) => w1 * x1 + w2 * x2 + w3 * x3,
  at: (x) => x,
};
