// DEU far out: |t| ≥ 2^128, beyond float32's range, where float64 inputs can make the closed forms
// of deu_solutions.ts overflow although every output is clipped to ±1000 anyway. ReQU's t²/(2a)
// passes float64's limit at |t| ≈ 1.3e154, t·E(·)/b² at 1e298 for b = ε; and an overflowed ±∞ then
// meets a zero (H = 0 for t < 0, c1 = 0, an underflowed exponential) or the opposite infinity, and
// gives NaN. (float32 inputs never get here: its largest value is below 2^128.)
//
// The cure is the structure of the formulas: in every part (g, φ1, φ2 and their partials) t occurs
// in two ways, inside a bounded factor (E(r·t), cos ωt, sin ωt, the Heaviside H, δ_s) and as a
// polynomial factor t or t². So each part is written here as a quadratic  p0 + p1·t + p2·t²  whose
// coefficients are bounded numbers (the bounded factors evaluated at the real t), the outputs are
// assembled as quadratics (y = H·g + c1·φ1 + c2·φ2 coefficient by coefficient: a zero factor gives
// exact zeros, never ∞·0), and each quadratic is evaluated only at the end, as
//   t²·(p2 + (p1 + p0/t)/t)  (or t·(p1 + p0/t), or p0: the highest non-zero degree decides),
// which cannot produce NaN from finite coefficients, overflows to ±∞ (then clipped to ±1000) only
// when the value really is beyond float64, and has the sign the leading term gives it. These are
// deu_solutions.ts's formulas term for term, only regrouped by powers of t; the tests check both
// against each other where neither overflows.
import { clip, deltaS, E, heaviside, type Coeffs, type DeuPoint, type Subspace } from './deu_solutions.js';

/** Below this |t| the closed forms run as written (no finite coefficients of sane size overflow there). */
export const FAR_FROM = 2 ** 128;

/** p0 + p1·t + p2·t². */
type Quadratic = [number, number, number];

const k0 = (v: number): Quadratic => [v, 0, 0];
const k1 = (v: number): Quadratic => [0, v, 0];
const k2 = (v: number): Quadratic => [0, 0, v];
const ZERO: Quadratic = [0, 0, 0];

/** Σ w_i·q_i, where a weight 0 contributes exact zeros (the point of the exercise: no ∞·0). */
function combine(...terms: [number, Quadratic][]): Quadratic {
  const out: Quadratic = [0, 0, 0];
  for (const [w, q] of terms) {
    if (w === 0) continue;
    out[0] += w * q[0];
    out[1] += w * q[1];
    out[2] += w * q[2];
  }
  return out;
}

/**
 * The value at t of p0 + p1·t + … + p_d·t^d (d the highest non-zero degree), as
 * (p_d + (… + (p1 + p0/t)/t …)/t)·t^d: no ∞ − ∞ and no ∞·0, ±∞ only beyond float64's range. (A
 * quadratic here; deu_jet_far.ts's second-order jets have polynomials up to degree 4.)
 */
export function valueAt(p: ArrayLike<number>, t: number): number {
  let d = p.length - 1;
  while (d > 0 && p[d] === 0) d--;
  let r = p[0];
  for (let k = 1; k <= d; k++) r = p[k] + r / t;
  for (let k = 0; k < d; k++) r *= t;
  return r;
}

/**
 * cos ωt and sin ωt, also where the product ωt overflows: the phase is halved k times until it is
 * finite, then the double-angle formulas (renormalised) undo the halvings. Far beyond 2^53 the
 * computed phase of any product ωt is arbitrary to many multiples of 2π (the rounding of ωt
 * alone is larger), so only the bounds |cos|, |sin| ≤ 1 carry meaning out here.
 */
export function cosSin(omega: number, t: number): [number, number] {
  const z = omega * t;
  if (Number.isFinite(z) || !Number.isFinite(omega) || !Number.isFinite(t)) return [Math.cos(z), Math.sin(z)];
  const k = Math.ceil(Math.log2(Math.abs(omega)) + Math.log2(Math.abs(t))) - 1020;
  let c = Math.cos(omega * 2 ** -k * t), s = Math.sin(omega * 2 ** -k * t);
  for (let i = 0; i < k; i++) {
    const c2 = c * c - s * s, s2 = 2 * s * c, r = Math.hypot(c2, s2);
    c = c2 / r;
    s = s2 / r;
  }
  return [c, s];
}

/** g, φ1, φ2 and their t-, a-, b-, c-partials as quadratics in t. */
interface FarParts {
  g: Quadratic; gt: Quadratic; ga: Quadratic; gb: Quadratic; gc: Quadratic;
  p1: Quadratic; p1t: Quadratic; p1a: Quadratic; p1b: Quadratic; p1c: Quadratic;
  p2: Quadratic; p2t: Quadratic; p2a: Quadratic; p2b: Quadratic; p2c: Quadratic;
}

const parts = (p: Partial<FarParts>): FarParts => ({
  g: ZERO, gt: ZERO, ga: ZERO, gb: ZERO, gc: ZERO,
  p1: ZERO, p1t: ZERO, p1a: ZERO, p1b: ZERO, p1c: ZERO,
  p2: ZERO, p2t: ZERO, p2a: ZERO, p2b: ZERO, p2c: ZERO,
  ...p,
});

type FarSolution = (t: number, a: number, b: number, c: number) => FarParts;

/** deu_solutions.ts's SOLUTIONS, each term grouped by its power of t (the comments there derive them). */
const FAR_SOLUTIONS: Record<Exclude<Subspace, '0-0-0' | '0-0-1'>, FarSolution> = {
  '0-1-0': (_t, _a, b) => parts({ g: k1(1 / b), p1: k0(1), gt: k0(1 / b), gb: k1(-1 / (b * b)) }),
  '0-1-1': (t, _a, b, c) => {
    const k = c / b, q = E(-k * t);
    return parts({
      g: k0((1 - q) / c), p1: k0(q), gt: k0(q / b), gb: k1(-q / (b * b)),
      gc: [-(1 - q) / (c * c), q / (b * c), 0],
      p1t: k0(-k * q), p1b: k1((k * q) / b), p1c: k1(-q / b),
    });
  },
  '1-0-0': (_t, a) => parts({ g: k2(1 / (2 * a)), p1: k1(1), p2: k0(1), gt: k1(1 / a), ga: k2(-1 / (2 * a * a)), p1t: k0(1) }),
  '1-0-1 ac>0': (t, a, _b, c) => {
    const w = Math.sqrt(a * c) / a, [C, S] = cosSin(w, t), wa = -w / (2 * a), wc = w / (2 * c);
    return parts({
      g: k0((1 - C) / c), p1: k0(C), p2: k0(S),
      gt: k0((w * S) / c), ga: k1((S * wa) / c), gc: [-(1 - C) / (c * c), (S * wc) / c, 0],
      p1t: k0(-w * S), p1a: k1(-S * wa), p1c: k1(-S * wc),
      p2t: k0(w * C), p2a: k1(C * wa), p2c: k1(C * wc),
    });
  },
  '1-0-1 ac<0': (t, a, _b, c) => {
    const lam = Math.sqrt(-a * c) / a, kap = Math.abs(lam);
    const P = E(lam * t), Q = E(-lam * t), up = E(kap * t), down = E(-kap * t);
    const cosh = (up + down) / 2, sinh = (up - down) / 2;
    const la = -lam / (2 * a), lc = lam / (2 * c), ka = -kap / (2 * a), kc = kap / (2 * c);
    return parts({
      g: k0((1 - cosh) / c), p1: k0(Q), p2: k0(P),
      gt: k0((-kap * sinh) / c), ga: k1((-sinh * ka) / c), gc: [-(1 - cosh) / (c * c), (-sinh * kc) / c, 0],
      p1t: k0(-lam * Q), p1a: k1(-la * Q), p1c: k1(-lc * Q),
      p2t: k0(lam * P), p2a: k1(la * P), p2c: k1(lc * P),
    });
  },
  '1-1-0': (t, a, b) => {
    const q = E((-b * t) / a), b2 = b * b;
    return parts({
      g: [-(a * (1 - q)) / b2, 1 / b, 0], p1: k0((-a / b) * q), p2: k0(1),
      gt: k0((1 - q) / b), ga: [-(1 - q) / b2, q / (a * b), 0], gb: [(2 * a * (1 - q)) / (b2 * b), -1 / b2 - q / b2, 0],
      p1t: k0(q), p1a: [-q / b, -q / a, 0], p1b: [(a * q) / b2, q / b, 0],
    });
  },
  '1-1-1 Δ≈0': (t, _a, b, c) => {
    const cf = (Math.sign(c) * Math.abs(b)) / 2, rho = (-2 * cf) / b, e = E(rho * t);
    const rb = -rho / b, rc = -2 / b;
    const g: Quadratic = [(1 - e) / cf, (rho * e) / cf, 0];
    const gc = combine([1, k2((rho * rc * e) / cf)], [-1 / cf, g]);
    return parts({
      g, p1: k1(e), p2: k0(e),
      gt: k1((rho * rho * e) / cf), p1t: [e, rho * e, 0], p2t: k0(rho * e),
      gb: k2((rho * rb * e) / cf), p1b: k2(rb * e), p2b: k1(rb * e),
      gc, p1c: k2(rc * e), p2c: k1(rc * e),
      ga: combine([-1, gc]), p1a: k2(-rc * e), p2a: k1(-rc * e),
    });
  },
  '1-1-1 Δ<0': (t, a, b, c) => {
    const W = Math.sqrt(4 * a * c - b * b), alpha = b / (2 * a), omega = W / (2 * a), bw = b / W;
    const e = E(-alpha * t), [cos, sin] = cosSin(omega, t), K = cos + bw * sin;
    const W3 = W * W * W, dK = -sin + bw * cos;
    const alA = -alpha / a, omA = c / (a * W) - omega / a, bwA = (-2 * b * c) / W3;
    const alB = 1 / (2 * a), omB = -b / (2 * a * W), bwB = (4 * a * c) / W3;
    const omC = 1 / W, bwC = (-2 * a * b) / W3;
    // g_θ = −(e·(t·ω_θ·dK + sin·(b/W)_θ) − t·e·K·α_θ)/c
    const gTheta = (dAlpha: number, dOmega: number, dBw: number): Quadratic => [-(e * sin * dBw) / c, -(e * dOmega * dK - e * K * dAlpha) / c, 0];
    const g = k0((1 - e * K) / c);
    return parts({
      g, p1: k0(e * cos), p2: k0(e * sin),
      gt: k0((2 * e * sin) / W), p1t: k0(e * (-alpha * cos - omega * sin)), p2t: k0(e * (-alpha * sin + omega * cos)),
      ga: gTheta(alA, omA, bwA), gb: gTheta(alB, omB, bwB), gc: combine([1, gTheta(0, omC, bwC)], [-1 / c, g]),
      p1a: k1(e * (-alA * cos - omA * sin)), p2a: k1(e * (-alA * sin + omA * cos)),
      p1b: k1(e * (-alB * cos - omB * sin)), p2b: k1(e * (-alB * sin + omB * cos)),
      p1c: k1(e * -omC * sin), p2c: k1(e * omC * cos),
    });
  },
  '1-1-1 Δ>0': (t, a, b, c) => {
    const D = Math.sqrt(b * b - 4 * a * c), rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a);
    const P = E(rPlus * t), Q = E(rMinus * t), N = (b + D) * P + (D - b) * Q;
    const Da = (-2 * c) / D, Db = b / D, Dc = (-2 * a) / D;
    const rpA = Da / (2 * a) - rPlus / a, rmA = -Da / (2 * a) - rMinus / a;
    const rpB = (-1 + Db) / (2 * a), rmB = (-1 - Db) / (2 * a);
    const rpC = Dc / (2 * a), rmC = -Dc / (2 * a);
    // g_θ = −(N_θ·D − N·D_θ)/(2D²c), N_θ = (b + D)_θ·P + (D − b)_θ·Q + t·((b + D)·r₊_θ·P + (D − b)·r₋_θ·Q)
    const gTheta = (dD: number, dSum: number, dDiff: number, dPlus: number, dMinus: number): Quadratic => {
      const den = 2 * D * D * c;
      return [-((dSum * P + dDiff * Q) * D - N * dD) / den, -(((b + D) * dPlus * P + (D - b) * dMinus * Q) * D) / den, 0];
    };
    const g = k0((1 - N / (2 * D)) / c);
    return parts({
      g, p1: k0(Q), p2: k0(P),
      gt: k0((P - Q) / D), p1t: k0(rMinus * Q), p2t: k0(rPlus * P),
      ga: gTheta(Da, Da, Da, rpA, rmA), gb: gTheta(Db, 1 + Db, Db - 1, rpB, rmB),
      gc: combine([1, gTheta(Dc, Dc, Dc, rpC, rmC)], [-1 / c, g]),
      p1a: k1(rmA * Q), p2a: k1(rpA * P), p1b: k1(rmB * Q), p2b: k1(rpB * P), p1c: k1(rmC * Q), p2c: k1(rpC * P),
    });
  },
};

/** The far-out quadratics of g, φ1, φ2 and partials (exported for the tests and outward gravitation). */
export function farParts(sub: Exclude<Subspace, '0-0-0' | '0-0-1'>, t: number, k: Coeffs): FarParts {
  return FAR_SOLUTIONS[sub](t, k.a, k.b, k.c);
}

/** evaluate() of deu_solutions.ts for a subspace of the form H·g + c1·φ1 + c2·φ2, far out. */
export function evaluateFar(sub: Exclude<Subspace, '0-0-0' | '0-0-1'>, t: number, k: Coeffs, s: number, out: DeuPoint, partials: boolean): DeuPoint {
  const p = farParts(sub, t, k), H = heaviside(t), { c1, c2 } = k;
  const at = (q: Quadratic) => clip(valueAt(q, t));
  out.da = out.db = out.dc = out.dc1 = out.dc2 = 0;
  out.y = at(combine([H, p.g], [c1, p.p1], [c2, p.p2]));
  if (!partials) return out;
  out.dt = at(combine([H, p.gt], [deltaS(t, s), p.g], [c1, p.p1t], [c2, p.p2t]));
  out.da = at(combine([H, p.ga], [c1, p.p1a], [c2, p.p2a]));
  out.db = at(combine([H, p.gb], [c1, p.p1b], [c2, p.p2b]));
  out.dc = at(combine([H, p.gc], [c1, p.p1c], [c2, p.p2c]));
  out.dc1 = at(p.p1);
  out.dc2 = at(p.p2);
  return out;
}
