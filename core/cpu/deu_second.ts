// Second derivatives of DEU (issue 18): the derivatives of the first-order gradient functions of
// deu_solutions.ts, per element. With v = (t, a, b, c, c1, c2) and y = H·g + c1·φ1 + c2·φ2, the
// backward pass uses the six functions
//   f_t  = H·g_t + δ_s·g + c1·φ1_t + c2·φ2_t       (δ_s: H's surrogate slope)
//   f_θ  = H·g_θ + c1·φ1_θ + c2·φ2_θ               (θ ∈ {a, b, c})
//   f_c1 = φ1,  f_c2 = φ2
// each clipped to ±1000. Their derivatives ∂f_i/∂v_j, away from t = 0 where H is constant, are
//   ∂f_t/∂t = H·g_tt + δ_s′·g + δ_s·g_t + c1·φ1_tt + c2·φ2_tt,   ∂f_t/∂θ = H·g_tθ + δ_s·g_θ + …,
//   ∂f_θ/∂t = H·g_θt + c1·φ1_θt + c2·φ2_θt,   ∂f_θ/∂θ′ = H·g_θθ′ + …,   ∂f_i/∂c1 = ∂φ1…
// i.e. the exact derivatives of what the first-order backward computes (so finite differences of
// the first-order gradients check them, as gradgradcheck does), with g, φ1, φ2 and their first and
// second partials from jets (deu_jet.ts) of the value formulas. Where the first-order rule is
// constant the derivative is 0: a clipped f_i (|f_i| > 1000) has a zero row, and where a cap is
// active the capped E, its straight-through E′ = e^14 and δ_s's floor are constants. Away from t = 0 and from the capped/clipped regions the
// δ_s terms vanish (to e^−st) and ∂f_t/∂t = y″: a·y″ + b·y′ + c·y = u(t) can be checked by autodiff.
//
// Two places are not derivatives of the forward map, and are differentiated as what they compute:
//   - the forced band |Δ| < ε: its a-, b-, c-partials are pseudo-gradients (spec §2.9), yet
//     functions of (t, b, c_f) with c_f = sign(c)|b|/2, so they are differentiated as such: by t
//     exactly, by b through c_f too, by a and c not at all (the band is flat in |a| and |c|);
//   - outward gravitation's borrowed columns (a neuron with a coefficient below ε): through the
//     nudged neuron, the batch mean t* and the ridge solve (deu_gravitation_second.ts).
//
// Far out (|t| ≥ 2^128, float64 only) the same value formulas run over deu_jet_far.ts's jets, whose
// numbers are polynomials in t with bounded coefficients, and the same assembly below combines
// them polynomial-wise (a weight 0 contributes exact zeros, never ∞·0) and evaluates each entry at
// t only at the end (deu_far.ts's idea, carried to second order). 0-0-0 and 0-0-1 need no far
// path: the first has no second derivatives, the second meets t only inside E(−s·t).
import { type JetAlgebra, type JetNumbers, type JetView, NEAR_JETS, NEAR_NUMBERS, resetJets, SLOTS } from './deu_jet.js';
import { FarJets, farNumbers, type Poly } from './deu_jet_far.js';
import { FAR_FROM } from './deu_far.js';
import { borrowedSecond } from './deu_gravitation_second.js';
import { hasSmallCoefficient, outwardGravitation, type Gravitation } from './deu_gravitation.js';
import { type Coeffs, DEU_NUMERICS, DeuPoint, evaluate, neuronAt, type Subspace, subspaceOf } from './deu_solutions.js';

const CAP = DEU_NUMERICS.expCap;
const M = DEU_NUMERICS.maxValue;

export interface JetParts<J> {
  g: J;
  p1: J;
  p2: J;
}

type Formed = Exclude<Subspace, '0-0-0' | '0-0-1'>;
type Formula = <J>(A: JetAlgebra<J>, t: J, a: J, b: J, c: J) => JetParts<J>;

/**
 * deu_solutions.ts's SOLUTIONS, value parts only, in jets over (t, a, b, c) of either algebra (A:
 * numbers near, polynomials in t far out); the band's c slot holds c_f.
 */
const JET_SOLUTIONS: Record<Formed, Formula> = {
  '0-1-0': (A, t, _a, b) => ({ g: A.div(t, b), p1: A.constant(1), p2: A.constant(0) }),
  '0-1-1': (A, t, _a, b, c) => {
    const q = A.capExp(A.scale(A.mul(A.div(c, b), t), -1), CAP);
    return { g: A.div(A.plus(1, A.scale(q, -1)), c), p1: q, p2: A.constant(0) };
  },
  '1-0-0': (A, t, a) => ({ g: A.div(A.mul(t, t), A.scale(a, 2)), p1: t, p2: A.constant(1) }),
  '1-0-1 ac>0': (A, t, a, _b, c) => {
    const w = A.div(A.sqrt(A.mul(a, c)), a), wt = A.mul(w, t);
    return { g: A.div(A.plus(1, A.scale(A.cos(wt), -1)), c), p1: A.cos(wt), p2: A.sin(wt) };
  },
  '1-0-1 ac<0': (A, t, a, _b, c) => {
    const lam = A.div(A.sqrt(A.scale(A.mul(a, c), -1)), a), kap = A.abs(lam);
    const lt = A.mul(lam, t), kt = A.mul(kap, t);
    const cosh = A.scale(A.add(A.capExp(kt, CAP), A.capExp(A.scale(kt, -1), CAP)), 0.5);
    return { g: A.div(A.plus(1, A.scale(cosh, -1)), c), p1: A.capExp(A.scale(lt, -1), CAP), p2: A.capExp(lt, CAP) };
  },
  '1-1-0': (A, t, a, b) => {
    const q = A.capExp(A.scale(A.div(A.mul(b, t), a), -1), CAP);
    return { g: A.sub(A.div(t, b), A.div(A.mul(a, A.plus(1, A.scale(q, -1))), A.mul(b, b))), p1: A.scale(A.mul(A.div(a, b), q), -1), p2: A.constant(1) };
  },
  '1-1-1 Δ≈0': (A, t, _a, b, cf) => {
    const rho = A.scale(A.div(cf, b), -2), e = A.capExp(A.mul(rho, t), CAP);
    return { g: A.div(A.plus(1, A.scale(A.mul(e, A.plus(1, A.scale(A.mul(rho, t), -1))), -1)), cf), p1: A.mul(t, e), p2: e };
  },
  '1-1-1 Δ<0': (A, t, a, b, c) => {
    const W = A.sqrt(A.sub(A.scale(A.mul(a, c), 4), A.mul(b, b))), alpha = A.div(b, A.scale(a, 2)), omega = A.div(W, A.scale(a, 2));
    const e = A.capExp(A.scale(A.mul(alpha, t), -1), CAP), wt = A.mul(omega, t), C = A.cos(wt), S = A.sin(wt);
    const K = A.add(C, A.mul(A.div(b, W), S));
    return { g: A.div(A.plus(1, A.scale(A.mul(e, K), -1)), c), p1: A.mul(e, C), p2: A.mul(e, S) };
  },
  '1-1-1 Δ>0': (A, t, a, b, c) => {
    const D = A.sqrt(A.sub(A.mul(b, b), A.scale(A.mul(a, c), 4))), twoA = A.scale(a, 2);
    const rPlus = A.div(A.sub(D, b), twoA), rMinus = A.div(A.scale(A.add(b, D), -1), twoA);
    const P = A.capExp(A.mul(rPlus, t), CAP), Q = A.capExp(A.mul(rMinus, t), CAP);
    const N = A.add(A.mul(A.add(b, D), P), A.mul(A.sub(D, b), Q));
    return { g: A.div(A.plus(1, A.scale(A.div(N, A.scale(D, 2)), -1)), c), p1: Q, p2: P };
  },
};

const cSlotOf = (sub: Formed, k: Coeffs) => (sub === '1-1-1 Δ≈0' ? (Math.sign(k.c) * Math.abs(k.b)) / 2 : k.c);

/**
 * g, φ1, φ2 of a subspace at t as number jets (the band's c slot holds c_f; exported for the
 * tests). They live until the next call (the jets are recycled).
 */
export function jetParts(sub: Formed, t: number, k: Coeffs): JetParts<JetView<number>> {
  resetJets();
  const A = NEAR_JETS;
  return JET_SOLUTIONS[sub](A, A.variable(t, 0), A.variable(k.a, 1), A.variable(k.b, 2), A.variable(cSlotOf(sub, k), 3));
}

/** The same as polynomial jets in t (deu_jet_far.ts), at any t ≠ 0 (exported for the tests). */
export function farJetParts(sub: Formed, t: number, k: Coeffs): JetParts<JetView<Poly>> {
  const A = new FarJets(t);
  return JET_SOLUTIONS[sub](A, A.variable(t, 0), A.variable(k.a, 1), A.variable(k.b, 2), A.variable(cSlotOf(sub, k), 3));
}

/** Number of variables v = (t, a, b, c, c1, c2). */
export const VARS = 6;

let forceFar = false;
/** Whether t takes the number jets: |t| < 2^128, unless a test forces the far path. */
const nearAt = (t: number): boolean => Math.abs(t) < FAR_FROM && !forceFar;

/**
 * Runs fn with the far path (polynomial jets) taken at every t, for the tests to compare it with the
 * number jets where neither overflows. (t = 0 exactly has no far form: valueAt divides by t.)
 */
export function withFarPath<R>(fn: () => R): R {
  const before = forceFar;
  forceFar = true;
  try {
    return fn();
  } finally {
    forceFar = before;
  }
}

/** A matrix or row of entries of type T (a Float64Array near, polynomials far out). */
type Cells<T> = { [i: number]: T };

/** n polynomial cells, all zero: the far assembly's matrix or row before evaluation. */
function farCells(n: number, N: JetNumbers<Poly>): Poly[] {
  return new Array<Poly>(n).fill(N.zero);
}

/** The cells' values at t, written into out: the only place the far path evaluates. */
function evaluateCells(cells: readonly Poly[], N: JetNumbers<Poly>, out: Float64Array): Float64Array {
  for (let i = 0; i < cells.length; i++) out[i] = N.at(cells[i]);
  return out;
}

/**
 * D[i·6 + j] = ∂f_i/∂v_j for the first-order functions f of one element (see the top of the file).
 * Not defined at t = 0 exactly (H jumps; the value there is that of t > 0's side).
 */
export function secondPartials(sub: Subspace, t: number, k: Coeffs, s: number, D: Float64Array): Float64Array {
  D.fill(0);
  if (sub === '0-0-0') return D; // y = t: f_t = 1, the rest 0
  if (sub === '0-0-1') {
    // y = σ_s(t)/c with no H: its first-order partials are the exact ones, so D is y's Hessian in (t, c)
    resetJets();
    const A = NEAR_JETS, tj = A.variable(t, 0), cj = A.variable(k.c, 3);
    const Y = A.div(A.recip(A.plus(1, A.capExp(A.scale(tj, -s), CAP))), cj);
    for (const i of [0, 3]) {
      if (Math.abs(Y.g[i]) > M) continue; // clipped: a constant first-order rule
      for (const j of [0, 3]) D[i * VARS + j] = Y.h[i * SLOTS + j];
    }
    return D;
  }
  if (nearAt(t)) {
    assemble(NEAR_NUMBERS, jetParts(sub, t, k), sub, t, k, s, D);
    return D;
  }
  const N = farNumbers(t), cells = farCells(VARS * VARS, N);
  assemble(N, farJetParts(sub, t, k), sub, t, k, s, cells);
  return evaluateCells(cells, N, D);
}

/** secondPartials' assembly, the same text over numbers (near) and polynomials in t (far out). */
function assemble<T>(N: JetNumbers<T>, { g, p1, p2 }: JetParts<JetView<T>>, sub: Formed, t: number, k: Coeffs, s: number, D: Cells<T>): void {
  const H = t > 0 ? 1 : 0, { c1, c2 } = k;
  const e = Math.exp(Math.min(-s * t, CAP)), delta = (s * e) / ((1 + e) * (1 + e));
  // dδ_s/dt of δ_s as computed: 0 on its floor, where −st is capped
  const deltaSlope = -s * t > CAP ? 0 : (s * s * e * (e - 1)) / ((1 + e) * (1 + e) * (1 + e));
  for (let i = 0; i < SLOTS; i++) {
    // the unclipped first-order value of row i: a row the clip holds at ±M is constant
    let f = N.lin(H, g.g[i], c1, p1.g[i], c2, p2.g[i]);
    if (i === 0) f = N.lin(1, f, delta, g.v, 0, N.zero);
    for (let j = 0; j < SLOTS; j++) {
      const ij = i * SLOTS + j;
      let v = N.lin(H, g.h[ij], c1, p1.h[ij], c2, p2.h[ij]);
      if (i === 0) v = N.lin(1, v, j === 0 ? deltaSlope : 0, g.v, delta, g.a[j]);
      D[i * VARS + j] = v;
    }
    D[i * VARS + 4] = p1.g[i];
    D[i * VARS + 5] = p2.g[i];
    if (Math.abs(N.at(f)) > M) for (let j = 0; j < VARS; j++) D[i * VARS + j] = N.zero;
    if (Math.abs(N.at(p1.v)) <= M) D[4 * VARS + i] = p1.a[i];
    if (Math.abs(N.at(p2.v)) <= M) D[5 * VARS + i] = p2.a[i];
  }
  if (sub === '1-1-1 Δ≈0') band(N, D, k);
}

/**
 * The actual derivatives of the computed output y (clipped: 0 where the clip holds it) by
 * v = (t, a, b, c, c1, c2): the value's own slope, no δ_s (H is constant away from t = 0), and in
 * the band the true derivatives through c_f (not the pseudo-gradients). Outward gravitation's
 * matching of values differentiates through these.
 */
export function valueGradient(sub: Subspace, t: number, k: Coeffs, s: number, out: Float64Array): Float64Array {
  out.fill(0);
  if (sub === '0-0-0') {
    if (Math.abs(t) <= M) out[0] = 1;
    return out;
  }
  if (sub === '0-0-1') {
    resetJets();
    const A = NEAR_JETS;
    const Y = A.div(A.recip(A.plus(1, A.capExp(A.scale(A.variable(t, 0), -s), CAP))), A.variable(k.c, 3));
    if (Math.abs(Y.v) <= M) [out[0], out[3]] = [Y.a[0], Y.a[3]];
    return out;
  }
  if (nearAt(t)) {
    valueColumns(NEAR_NUMBERS, jetParts(sub, t, k), sub, t, k, out);
    return out;
  }
  const N = farNumbers(t), cells = farCells(VARS, N);
  valueColumns(N, farJetParts(sub, t, k), sub, t, k, cells);
  return evaluateCells(cells, N, out);
}

function valueColumns<T>(N: JetNumbers<T>, { g, p1, p2 }: JetParts<JetView<T>>, sub: Formed, t: number, k: Coeffs, out: Cells<T>): void {
  const H = t > 0 ? 1 : 0;
  if (Math.abs(N.at(N.lin(H, g.v, k.c1, p1.v, k.c2, p2.v))) > M) return;
  for (let j = 0; j < SLOTS; j++) out[j] = N.lin(H, g.a[j], k.c1, p1.a[j], k.c2, p2.a[j]);
  out[4] = p1.v;
  out[5] = p2.v;
  if (sub === '1-1-1 Δ≈0') bandColumns(N, out, k);
}

/** φ1, φ2 at t (unclipped) and their actual derivatives by (t, a, b, c), band columns mapped. */
export function basisGradient(sub: Formed, t: number, k: Coeffs): { phi: [number, number]; d1: Float64Array; d2: Float64Array } {
  const d1 = new Float64Array(VARS), d2 = new Float64Array(VARS);
  if (nearAt(t)) {
    const { p1, p2 } = jetParts(sub, t, k);
    basisColumns(NEAR_NUMBERS, p1, sub, k, d1);
    basisColumns(NEAR_NUMBERS, p2, sub, k, d2);
    return { phi: [p1.v, p2.v], d1, d2 };
  }
  const N = farNumbers(t), { p1, p2 } = farJetParts(sub, t, k), c1 = farCells(VARS, N), c2 = farCells(VARS, N);
  basisColumns(N, p1, sub, k, c1);
  basisColumns(N, p2, sub, k, c2);
  return { phi: [N.at(p1.v), N.at(p2.v)], d1: evaluateCells(c1, N, d1), d2: evaluateCells(c2, N, d2) };
}

function basisColumns<T>(N: JetNumbers<T>, phi: JetView<T>, sub: Formed, k: Coeffs, out: Cells<T>): void {
  for (let j = 0; j < SLOTS; j++) out[j] = phi.a[j];
  if (sub === '1-1-1 Δ≈0') bandColumns(N, out, k);
}

/** A gradient by the band's slots (t, ·, b, c_f) as one by (t, a, b, c): c_f = sign(c)|b|/2. */
function bandColumns<T>(N: JetNumbers<T>, row: Cells<T>, k: Coeffs): void {
  row[2] = N.lin(1, row[2], (Math.sign(k.b) * Math.sign(k.c)) / 2, row[3], 0, N.zero);
  row[1] = N.zero;
  row[3] = N.zero;
}

/**
 * The band's rows and columns: the slots are (t, ·, b, c_f), f_a = −f_c (spec §2.9), and the true
 * coefficients enter only through b and c_f = sign(c)|b|/2, so ∂/∂b gains ∂/∂c_f·sign(b·c)/2 and
 * ∂/∂a = ∂/∂c = 0. (Far out these sums must be taken before evaluation: the t²-terms of ∂/∂b and
 * ∂/∂c_f cancel, ρ being ±1 whatever b is.)
 */
function band<T>(N: JetNumbers<T>, D: Cells<T>, k: Coeffs): void {
  const dcf = (Math.sign(k.b) * Math.sign(k.c)) / 2;
  for (let j = 0; j < VARS; j++) D[1 * VARS + j] = N.lin(-1, D[3 * VARS + j], 0, N.zero, 0, N.zero);
  for (let i = 0; i < VARS; i++) {
    D[i * VARS + 2] = N.lin(1, D[i * VARS + 2], dcf, D[i * VARS + 3], 0, N.zero);
    D[i * VARS + 1] = N.zero;
    D[i * VARS + 3] = N.zero;
  }
}

/** The layout of x [N, F, ...]: neuron f's elements are x[n, f, :], S contiguous values each. */
interface Layout {
  N: number;
  F: number;
  S: number;
}

function layoutOf(shape: readonly number[]): Layout {
  return { N: shape[0], F: shape[1], S: shape.slice(2).reduce((p, d) => p * d, 1) };
}

function* elementsOf({ N, F, S }: Layout, f: number): Generator<number> {
  for (let n = 0; n < N; n++) for (let i = (n * F + f) * S, end = i + S; i < end; i++) yield i;
}

export interface DeuSecondInput {
  x: ArrayLike<number>;
  params: ArrayLike<number>;
  shape: readonly number[];
  eps: number;
  s: number;
}

/**
 * The backward of dx = g·f_t (the first-order input gradient as a function of g, x, params), given
 * its upstream u: dx2[i] = u_i·g_i·∂f_t/∂t, dparams2[f, j] = Σ u_i·g_i·∂f_t/∂v_j (j = a … c2).
 * (The g-gradient u·f_t is the first-order rule again; the caller takes it from the fused kernel.)
 */
export function deuGradXBackward(u: ArrayLike<number>, g: ArrayLike<number>, input: DeuSecondInput): { dx: Float64Array; dparams: Float64Array } {
  const { x, params, eps, s } = input, L = layoutOf(input.shape);
  const dx = new Float64Array(x.length), dparams = new Float64Array(5 * L.F), D = new Float64Array(VARS * VARS);
  for (let f = 0; f < L.F; f++) {
    const k = neuronAt(params, f), sub = subspaceOf(k.a, k.b, k.c, eps);
    const acc = [0, 0, 0, 0, 0];
    for (const i of elementsOf(L, f)) {
      const w = u[i] * g[i];
      if (sub === null) {
        dx[i] = NaN;
        continue;
      }
      if (w === 0) continue;
      secondPartials(sub, x[i], k, s, D);
      dx[i] = w * D[0];
      for (let j = 1; j < VARS; j++) acc[j - 1] += w * D[j];
    }
    dparams.set(sub === null ? [NaN, NaN, NaN, NaN, NaN] : acc, 5 * f);
  }
  return { dx, dparams };
}

/**
 * The backward of dparams[f, j] = Σ_i g_i·f_j(x_i) (the first-order coefficient gradient), given its
 * upstream U [F, 5]: dg_i = Σ_j U[f, j]·f_j(x_i), dx_i = g_i·Σ_j U[f, j]·∂f_j/∂t, and
 * dparams2[f, k] = Σ_i g_i·Σ_j U[f, j]·∂f_j/∂v_k. The f_j are the first-order backward's own values
 * (outward gravitation's borrowed columns included); only dg is computed unless `second`.
 */
export function deuGradPBackward(U: ArrayLike<number>, g: ArrayLike<number>, input: DeuSecondInput, second: boolean): { dg: Float64Array; dx: Float64Array | null; dparams: Float64Array | null } {
  const { x, params, eps, s } = input, L = layoutOf(input.shape);
  const dg = new Float64Array(x.length);
  const dx = second ? new Float64Array(x.length) : null, dparams = second ? new Float64Array(5 * L.F) : null;
  const D = new Float64Array(VARS * VARS), point = new DeuPoint(), borrowed = new DeuPoint();
  for (let f = 0; f < L.F; f++) {
    const k = neuronAt(params, f), sub = subspaceOf(k.a, k.b, k.c, eps);
    const Uf = [U[5 * f], U[5 * f + 1], U[5 * f + 2], U[5 * f + 3], U[5 * f + 4]];
    if (sub === null) {
      for (const i of elementsOf(L, f)) {
        dg[i] = NaN;
        if (dx) dx[i] = NaN;
      }
      dparams?.set([NaN, NaN, NaN, NaN, NaN], 5 * f);
      continue;
    }
    const { gravity, mean } = gravitationOf(k, sub, x, L, f, eps, s);
    const borrows = gravity ? [gravity.nudged.a, gravity.nudged.b, gravity.nudged.c] : [false, false, false];
    const acc = [0, 0, 0, 0, 0];
    if (second && gravity && borrows.some((b, j) => b && Uf[j] !== 0)) {
      borrowedSecond({ k, sub, gravity, tStar: mean, elements: [...elementsOf(L, f)], s }, x, g, Uf, dx!, acc);
    }
    // the rows the neuron's own subspace gives (a borrowed row's own D row is unused: zero weight)
    const own = Uf.map((v, j) => (j < 3 && borrows[j] ? 0 : v));
    for (const i of elementsOf(L, f)) {
      const t = x[i];
      const p = evaluate(sub, t, k, s, point, true);
      const q = gravity ? evaluate(gravity.subspace, t, gravity.at, s, borrowed, true) : p;
      const cols = [borrows[0] ? q.da : p.da, borrows[1] ? q.db : p.db, borrows[2] ? q.dc : p.dc, p.dc1, p.dc2];
      let v = 0;
      for (let j = 0; j < 5; j++) v += Uf[j] * cols[j];
      dg[i] = v;
      if (!second || g[i] === 0) continue;
      secondPartials(sub, t, k, s, D);
      // Σ_j U_j·∂f_j/∂v_k over the rows a … c2 (rows 1 … 5 of D)
      let vt = 0;
      for (let j = 0; j < 5; j++) vt += own[j] * D[(j + 1) * VARS];
      dx![i] += g[i] * vt;
      for (let kk = 1; kk < VARS; kk++) {
        let vk = 0;
        for (let j = 0; j < 5; j++) vk += own[j] * D[(j + 1) * VARS + kk];
        acc[kk - 1] += g[i] * vk;
      }
    }
    dparams?.set(acc, 5 * f);
  }
  return { dg, dx, dparams };
}

/** Outward gravitation for neuron f, as the first-order backward (core/cpu/deu.ts) computes it, and t*. */
function gravitationOf(k: Coeffs, sub: Subspace, x: ArrayLike<number>, L: Layout, f: number, eps: number, s: number): { gravity: Gravitation | null; mean: number } {
  const count = L.N * L.S;
  if (count === 0 || !hasSmallCoefficient(k.a, k.b, k.c, eps)) return { gravity: null, mean: NaN };
  let sum = 0;
  for (const i of elementsOf(L, f)) sum += x[i];
  let mean = sum / count;
  if (!Number.isFinite(sum)) {
    mean = 0;
    for (const i of elementsOf(L, f)) mean += x[i] / count;
  }
  return { gravity: outwardGravitation(k, sub, mean, eps, s), mean };
}
