// The closed-form solutions of one DEU neuron's ODE  a·y'' + b·y' + c·y = u(t)  (specs/deu.md §1)
// and their partial derivatives (§2), one element at a time.
//
// Every subspace but two has the same shape:  y(t) = H(t)·g(t) + c1·φ1(t) + c2·φ2(t)
//   g       the step response from rest (g(0) = 0), switched on at t = 0 by the Heaviside H;
//   φ1, φ2  homogeneous solutions, and c1, c2 their coefficients (not y(0), y'(0) in general).
// So one assembly rule gives every partial:
//   ∂y/∂t  = H·g' + δ_s(t)·g + c1·φ1' + c2·φ2'   (δ_s, the smoothed Dirac delta, is H's surrogate slope)
//   ∂y/∂θ  = H·∂g/∂θ + c1·∂φ1/∂θ + c2·∂φ2/∂θ     (θ ∈ {a, b, c}: H does not depend on θ)
//   ∂y/∂c1 = φ1,  ∂y/∂c2 = φ2
// and a subspace only writes g, φ1, φ2 and their t-, a-, b-, c-partials. A coefficient the subspace
// treats as zero does not appear in its formulas, so its partial is 0 (outward gravitation borrows
// one later: deu_gravitation.ts). The two exceptions are 0-0-0, the identity, and 0-0-1, the steep
// sigmoid σ_s(t)/c.
//
// Numerics (§0), kept from the reference because its trained models and golden values depend on
// them: every exponential is capped, E(x) = exp(min(x, 14)), and differentiated as if it were exp
// (straight through, so a saturated unit still gets a gradient); y and each partial are clipped to
// [−1000, 1000], also straight through. For |t| ≥ 2^128 (float64 only) the same formulas, grouped
// by powers of t, run in deu_far.ts, so that t² and t·E(·) cannot overflow into ∞·0 = NaN.
import { evaluateFar, FAR_FROM } from './deu_far.js';

/** The reference's fixed numerical constants (§0): every backend uses the same ones. */
export const DEU_NUMERICS = {
  /** M: the clip of y and of every partial. */
  maxValue: 1000,
  /** X: the cap on exponent arguments. */
  expCap: 14,
  /** Δt: the forward-difference step of outward gravitation's slopes. */
  gravitationStep: 1e-3,
  /** The ridge term of outward gravitation's 2×2 least-squares solve. */
  ridge: 1e-9,
} as const;

const M = DEU_NUMERICS.maxValue;
const CAP = DEU_NUMERICS.expCap;

/** The capped exponential: it cannot overflow, and its derivative is taken to be E(x) itself. */
export const E = (x: number): number => Math.exp(Math.min(x, CAP));
/** H(0) = 0, the paper's u(t) = 0 for t ≤ 0. */
export const heaviside = (t: number): number => (t > 0 ? 1 : 0);
/** σ_s(t) = 1/(1 + E(−s t)): a near-hard step for s = 100. */
export const sigmoidS = (t: number, s: number): number => 1 / (1 + E(-s * t));
/** δ_s = dσ_s/dt. Because of the cap it has a floor of about 8.3e-5 for t < −0.14 (s = 100). */
export function deltaS(t: number, s: number): number {
  const e = E(-s * t);
  return (s * e) / ((1 + e) * (1 + e));
}
/** Clips to [−M, M]; NaN passes through, so a bug stays visible. */
export const clip = (v: number): number => (v < -M ? -M : v > M ? M : v);

/** One neuron's five learned coefficients, the columns of the parameter tensor (§4). */
export interface Coeffs {
  a: number;
  b: number;
  c: number;
  c1: number;
  c2: number;
}

/**
 * The subspaces of §1.1, named by which of a, b, c are at least ε in magnitude (1) or treated as
 * zero (0), then by the sign of a·c or of the discriminant Δ = b² − 4ac.
 */
export type Subspace =
  | '0-0-0' | '0-0-1' | '0-1-0' | '0-1-1' | '1-0-0'
  | '1-0-1 ac>0' | '1-0-1 ac<0' | '1-1-0'
  | '1-1-1 Δ≈0' | '1-1-1 Δ<0' | '1-1-1 Δ>0';

/**
 * The subspaces numbered as the WebAssembly kernel numbers them (core/wasm/assembly/deu_subspaces.ts):
 * subspaceIndex's results, SUBSPACES[i] its name.
 */
export const SUBSPACES: readonly Subspace[] = [
  '1-1-1 Δ>0', '1-1-1 Δ<0', '1-1-1 Δ≈0', '0-1-1', '1-1-0', '1-0-1 ac>0', '1-0-1 ac<0', '1-0-0', '0-1-0', '0-0-1', '0-0-0',
];

/**
 * Chooses a neuron's subspace, once per neuron (never per element). |p| = ε counts as non-zero,
 * and |Δ| = ε is not forced. Null for non-finite coefficients: the kernels then write NaN.
 */
export function subspaceOf(a: number, b: number, c: number, eps: number): Subspace | null {
  const i = subspaceIndex(a, b, c, eps);
  return i < 0 ? null : SUBSPACES[i];
}

/** subspaceOf as its index in SUBSPACES (−1 for null): for a loop over a layer's neurons, no strings. */
export function subspaceIndex(a: number, b: number, c: number, eps: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return -1;
  const A = Math.abs(a) >= eps, B = Math.abs(b) >= eps, C = Math.abs(c) >= eps;
  if (!A && !B) return C ? 9 : 10; // 0-0-1, 0-0-0
  if (!A) return C ? 3 : 8; // 0-1-1, 0-1-0
  if (!B && !C) return 7; // 1-0-0
  if (!B) return a * c > 0 ? 5 : 6; // 1-0-1 ac>0, ac<0
  if (!C) return 4; // 1-1-0
  const delta = b * b - 4 * a * c;
  // The paper's condition sign(a) = sign(c), missing in the reference: only then does forcing
  // a = ±|b|/2, c = ±|b|/2 give a repeated root (otherwise Δ ≥ 5ε² and Δ > 0's formulas hold).
  if (Math.abs(delta) < eps && Math.sign(a) === Math.sign(c)) return 2; // 1-1-1 Δ≈0
  return delta < 0 ? 1 : 0; // 1-1-1 Δ<0, Δ>0
}

/** g, φ1, φ2 at one t, with their partials by t, a, b and c. */
export class Parts {
  g = 0; gt = 0; ga = 0; gb = 0; gc = 0;
  p1 = 0; p1t = 0; p1a = 0; p1b = 0; p1c = 0;
  p2 = 0; p2t = 0; p2a = 0; p2b = 0; p2c = 0;

  reset(): void {
    this.g = this.gt = this.ga = this.gb = this.gc = 0;
    this.p1 = this.p1t = this.p1a = this.p1b = this.p1c = 0;
    this.p2 = this.p2t = this.p2a = this.p2b = this.p2c = 0;
  }
}

/** Writes g, φ1, φ2 into p, and their partials too when `partials` (the backward pass). */
type Solution = (t: number, a: number, b: number, c: number, p: Parts, partials: boolean) => void;

/** The subspaces of the form H·g + c1·φ1 + c2·φ2 (§1.1's table, §2.3–2.9's partials). */
const SOLUTIONS: Record<Exclude<Subspace, '0-0-0' | '0-0-1'>, Solution> = {
  // b·y' = u: a ramp, y = H·t/b + c1 (ReLU when b = 1)
  '0-1-0': (t, _a, b, _c, p, partials) => {
    p.g = t / b; p.p1 = 1;
    if (!partials) return;
    p.gt = 1 / b; p.gb = -t / (b * b);
  },
  // b·y' + c·y = u: first order, q = E(−ct/b), y = c1·q + H·(1 − q)/c
  '0-1-1': (t, _a, b, c, p, partials) => {
    const k = c / b, q = E(-k * t);
    p.g = (1 - q) / c; p.p1 = q;
    if (!partials) return;
    p.gt = q / b;
    p.gb = (-t * q) / (b * b);
    p.gc = (t * q) / (b * c) - (1 - q) / (c * c);
    p.p1t = -k * q; p.p1b = (k * t * q) / b; p.p1c = (-t * q) / b;
  },
  // a·y'' = u: y = H·t²/(2a) + c1·t + c2 (ReQU when a = 1)
  '1-0-0': (t, a, _b, _c, p, partials) => {
    p.g = (t * t) / (2 * a); p.p1 = t; p.p2 = 1;
    if (!partials) return;
    p.gt = t / a; p.ga = (-t * t) / (2 * a * a); p.p1t = 1;
  },
  // a·y'' + c·y = u with ac > 0: undamped oscillator, w = √(ac)/a keeps the sign of a
  '1-0-1 ac>0': (t, a, _b, c, p, partials) => {
    const w = Math.sqrt(a * c) / a, C = Math.cos(w * t), S = Math.sin(w * t);
    p.g = (1 - C) / c; p.p1 = C; p.p2 = S;
    if (!partials) return;
    const wa = -w / (2 * a), wc = w / (2 * c); // from w² = c/a
    p.gt = (w * S) / c;
    p.ga = (t * S * wa) / c;
    p.gc = (t * S * wc) / c - (1 - C) / (c * c);
    p.p1t = -w * S; p.p1a = -t * S * wa; p.p1c = -t * S * wc;
    p.p2t = w * C; p.p2a = t * C * wa; p.p2c = t * C * wc;
  },
  // a·y'' + c·y = u with ac < 0: hyperbolic, λ = √(−ac)/a, κ = |λ|, g = (1 − cosh κt)/c
  '1-0-1 ac<0': (t, a, _b, c, p, partials) => {
    const lam = Math.sqrt(-a * c) / a, kap = Math.abs(lam);
    const P = E(lam * t), Q = E(-lam * t), up = E(kap * t), down = E(-kap * t);
    const cosh = (up + down) / 2, sinh = (up - down) / 2;
    p.g = (1 - cosh) / c; p.p1 = Q; p.p2 = P;
    if (!partials) return;
    const la = -lam / (2 * a), lc = lam / (2 * c), ka = -kap / (2 * a), kc = kap / (2 * c); // λ² = −c/a
    p.gt = (-kap * sinh) / c;
    p.ga = (-t * sinh * ka) / c;
    p.gc = (-t * sinh * kc) / c - (1 - cosh) / (c * c);
    p.p1t = -lam * Q; p.p1a = -t * la * Q; p.p1c = -t * lc * Q;
    p.p2t = lam * P; p.p2a = t * la * P; p.p2c = t * lc * P;
  },
  // a·y'' + b·y' = u: q = E(−bt/a), y = c2 − c1·(a/b)·q + H·[t/b − (a/b²)(1 − q)]
  '1-1-0': (t, a, b, _c, p, partials) => {
    const q = E((-b * t) / a), b2 = b * b;
    p.g = t / b - (a * (1 - q)) / b2; p.p1 = (-a / b) * q; p.p2 = 1;
    if (!partials) return;
    p.gt = (1 - q) / b;
    p.ga = -(1 - q) / b2 + (t * q) / (a * b);
    p.gb = -t / b2 + (2 * a * (1 - q)) / (b2 * b) - (t * q) / b2;
    p.p1t = q; p.p1a = -q / b - (t * q) / a; p.p1b = (a * q) / b2 + (t * q) / b;
  },
  // |Δ| < ε with sign(a) = sign(c): forced to a repeated root (§1.2, §2.9)
  '1-1-1 Δ≈0': forcedRepeatedRoot,
  // Δ < 0: damped oscillation (§2.8)
  '1-1-1 Δ<0': dampedOscillation,
  // Δ > 0: two real roots (§2.8)
  '1-1-1 Δ>0': realRoots,
};

/**
 * The band |Δ| < ε: a and c are replaced by a_f = sign(a)|b|/2, c_f = sign(c)|b|/2, so the decay
 * rate ρ = −2c_f/b is ±1 and the output ignores |a| and |c|. The b- and c-partials are those of the
 * repeated-root form y(t; b, c) with c free, taken at c_f; the a-partial is that of the family
 * c = b²/(4a), i.e. ∂c/∂a = −4c_f²/b² = −1 times the c-partial. None is a derivative of the forward
 * map (it is flat in |a| and |c|): these are the reference's pseudo-gradients.
 */
function forcedRepeatedRoot(t: number, _a: number, b: number, c: number, p: Parts, partials: boolean): void {
  const cf = (Math.sign(c) * Math.abs(b)) / 2, rho = (-2 * cf) / b;
  const e = E(rho * t);
  p.g = (1 - e * (1 - rho * t)) / cf; p.p1 = t * e; p.p2 = e;
  if (!partials) return;
  p.gt = (rho * rho * t * e) / cf;
  p.p1t = e + rho * t * e; p.p2t = rho * e;
  const rb = -rho / b, rc = -2 / b; // ∂ρ/∂b, ∂ρ/∂c
  p.gb = (rho * t * t * rb * e) / cf; p.p1b = t * t * rb * e; p.p2b = t * rb * e;
  p.gc = (rho * t * t * rc * e) / cf - p.g / cf; p.p1c = t * t * rc * e; p.p2c = t * rc * e;
  p.ga = -p.gc; p.p1a = -p.p1c; p.p2a = -p.p2c;
}

/**
 * Δ < 0: α = b/(2a), W = √(4ac − b²), ω = W/(2a), e = E(−αt), K = cos ωt + (b/W)·sin ωt;
 * g = (1 − e·K)/c, φ1 = e·cos ωt, φ2 = e·sin ωt. For θ ∈ {a, b, c}:
 *   K_θ = t·ω_θ·(−sin ωt + (b/W)·cos ωt) + sin ωt·(b/W)_θ,   g_θ = −(e·K_θ − t·e·K·α_θ)/c [− g/c].
 */
function dampedOscillation(t: number, a: number, b: number, c: number, p: Parts, partials: boolean): void {
  const W = Math.sqrt(4 * a * c - b * b), alpha = b / (2 * a), omega = W / (2 * a), bw = b / W;
  const e = E(-alpha * t), cos = Math.cos(omega * t), sin = Math.sin(omega * t), K = cos + bw * sin;
  p.g = (1 - e * K) / c; p.p1 = e * cos; p.p2 = e * sin;
  if (!partials) return;
  p.gt = (2 * e * sin) / W;
  p.p1t = e * (-alpha * cos - omega * sin); p.p2t = e * (-alpha * sin + omega * cos);
  const W3 = W * W * W, dK = -sin + bw * cos;
  // ∂α, ∂ω, ∂(b/W) by a, by b, by c
  const alA = -alpha / a, omA = c / (a * W) - omega / a, bwA = (-2 * b * c) / W3;
  const alB = 1 / (2 * a), omB = -b / (2 * a * W), bwB = (4 * a * c) / W3;
  const omC = 1 / W, bwC = (-2 * a * b) / W3; // α does not depend on c
  p.ga = oscillationG(t, c, e, K, dK, sin, alA, omA, bwA);
  p.gb = oscillationG(t, c, e, K, dK, sin, alB, omB, bwB);
  p.gc = oscillationG(t, c, e, K, dK, sin, 0, omC, bwC) - p.g / c;
  p.p1a = e * t * (-alA * cos - omA * sin); p.p2a = e * t * (-alA * sin + omA * cos);
  p.p1b = e * t * (-alB * cos - omB * sin); p.p2b = e * t * (-alB * sin + omB * cos);
  p.p1c = e * t * -omC * sin; p.p2c = e * t * omC * cos;
}

/** g_θ = −(e·K_θ − t·e·K·α_θ)/c, with K_θ = t·ω_θ·(−sin ωt + (b/W)·cos ωt) + sin ωt·(b/W)_θ. */
function oscillationG(t: number, c: number, e: number, K: number, dK: number, sin: number, dAlpha: number, dOmega: number, dBw: number): number {
  return -(e * (t * dOmega * dK + sin * dBw) - t * e * K * dAlpha) / c;
}

/**
 * Δ > 0: D = √(b² − 4ac), r± = (−b ± D)/(2a), P = E(r₊t), Q = E(r₋t), N = (b + D)·P + (D − b)·Q;
 * g = (1 − N/(2D))/c, φ1 = Q, φ2 = P. For θ ∈ {a, b, c}:
 *   r±_θ = (−[θ = b] ± D_θ)/(2a) − [θ = a]·r±/a,   g_θ = −(N_θ·D − N·D_θ)/(2D²c) [− g/c].
 */
function realRoots(t: number, a: number, b: number, c: number, p: Parts, partials: boolean): void {
  const D = Math.sqrt(b * b - 4 * a * c), rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a);
  const P = E(rPlus * t), Q = E(rMinus * t), N = (b + D) * P + (D - b) * Q;
  p.g = (1 - N / (2 * D)) / c; p.p1 = Q; p.p2 = P;
  if (!partials) return;
  p.gt = (P - Q) / D;
  p.p1t = rMinus * Q; p.p2t = rPlus * P;
  const Da = (-2 * c) / D, Db = b / D, Dc = (-2 * a) / D;
  // r±_θ = (−[θ = b] ± D_θ)/(2a) − [θ = a]·r±/a
  const rpA = Da / (2 * a) - rPlus / a, rmA = -Da / (2 * a) - rMinus / a;
  const rpB = (-1 + Db) / (2 * a), rmB = (-1 - Db) / (2 * a);
  const rpC = Dc / (2 * a), rmC = -Dc / (2 * a);
  // (b + D)_θ = [θ = b] + D_θ and (D − b)_θ = D_θ − [θ = b]
  p.ga = realRootsG(t, b, c, D, N, P, Q, Da, Da, Da, rpA, rmA);
  p.gb = realRootsG(t, b, c, D, N, P, Q, Db, 1 + Db, Db - 1, rpB, rmB);
  p.gc = realRootsG(t, b, c, D, N, P, Q, Dc, Dc, Dc, rpC, rmC) - p.g / c;
  p.p1a = t * rmA * Q; p.p2a = t * rpA * P;
  p.p1b = t * rmB * Q; p.p2b = t * rpB * P;
  p.p1c = t * rmC * Q; p.p2c = t * rpC * P;
}

/** g_θ = −(N_θ·D − N·D_θ)/(2D²c), N_θ = (b + D)_θ·P + (b + D)·t·r₊_θ·P + (D − b)_θ·Q + (D − b)·t·r₋_θ·Q. */
function realRootsG(t: number, b: number, c: number, D: number, N: number, P: number, Q: number, dD: number, dSum: number, dDiff: number, dPlus: number, dMinus: number): number {
  const dN = dSum * P + (b + D) * t * dPlus * P + dDiff * Q + (D - b) * t * dMinus * Q;
  return -(dN * D - N * dD) / (2 * D * D * c);
}

/** y and its seven partials at one t, each clipped to [−M, M]. */
export class DeuPoint {
  y = 0; dt = 0; da = 0; db = 0; dc = 0; dc1 = 0; dc2 = 0;
}

const scratch = new Parts();

/**
 * Evaluates the neuron (in subspace `sub`, whatever its coefficients say: tests call a formula
 * across its boundary this way) at t. Only y is computed unless `partials`.
 */
export function evaluate(sub: Subspace, t: number, k: Coeffs, s: number, out: DeuPoint, partials: boolean): DeuPoint {
  out.da = out.db = out.dc = out.dc1 = out.dc2 = 0;
  if (sub === '0-0-0') {
    out.y = clip(t);
    out.dt = 1;
    return out;
  }
  if (sub === '0-0-1') {
    out.y = clip(sigmoidS(t, s) / k.c);
    if (partials) {
      out.dt = clip(deltaS(t, s) / k.c);
      out.dc = clip(-sigmoidS(t, s) / (k.c * k.c));
    }
    return out;
  }
  if (Math.abs(t) >= FAR_FROM) return evaluateFar(sub, t, k, s, out, partials); // float64 beyond 2^128: deu_far.ts
  const p = basisParts(sub, t, k, partials);
  const H = heaviside(t);
  out.y = clip(H * p.g + k.c1 * p.p1 + k.c2 * p.p2);
  if (!partials) return out;
  out.dt = clip(H * p.gt + deltaS(t, s) * p.g + k.c1 * p.p1t + k.c2 * p.p2t);
  out.da = clip(H * p.ga + k.c1 * p.p1a + k.c2 * p.p2a);
  out.db = clip(H * p.gb + k.c1 * p.p1b + k.c2 * p.p2b);
  out.dc = clip(H * p.gc + k.c1 * p.p1c + k.c2 * p.p2c);
  out.dc1 = clip(p.p1);
  out.dc2 = clip(p.p2);
  return out;
}

/** The unclipped g, φ1, φ2 (and partials) of a subspace of the form H·g + c1·φ1 + c2·φ2. */
export function basisParts(sub: Exclude<Subspace, '0-0-0' | '0-0-1'>, t: number, k: Coeffs, partials: boolean): Parts {
  scratch.reset();
  SOLUTIONS[sub](t, k.a, k.b, k.c, scratch, partials);
  return scratch;
}

/** Neuron f's coefficients: row f of the [F, 5] parameter array. */
export function neuronAt(params: ArrayLike<number>, f: number): Coeffs {
  const o = 5 * f;
  return { a: params[o], b: params[o + 1], c: params[o + 2], c1: params[o + 3], c2: params[o + 4] };
}
