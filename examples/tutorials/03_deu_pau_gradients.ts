// Tutorial 3 — why DEU's and PAU's gradients are what they are.
//   npx tsx examples/tutorials/03_deu_pau_gradients.ts
// Both are fused ops (ops/pau.ts, ops/deu.ts): one tape entry whose backward is a hand-written
// kernel, not autodiff through elementary ops. Here we re-derive each partial on paper, compute it
// with plain numbers, and hold it against the op's backward and against finite differences.
import * as tg from '../../index.js';
import { check } from './check.js';

const f64 = { dtype: 'float64' as const };
const near = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
/** The op's gradients of y = op(x, ...params) at one x, via tg.grad. */
function opGrads(op: (...t: tg.Tensor[]) => tg.Tensor, values: number[][]): number[][] {
  const inputs = values.map((v) => tg.tensor(v, { ...f64, requiresGrad: true }));
  return tg.grad(op(...inputs).sum(), inputs).map((g) => Array.from(g!.data()));
}

// ---- PAU: F(x) = P(x)/Q(x), P = Σ_j a_j x^j, Q = 1 + |A(x)|, A = Σ_k b_k x^k (version B) -------
const a = [0.02, 0.5, 0.3, 0.1, 0.01, 0.002]; // a_0 … a_5
const b = [0.4, -0.2, 0.05, 0.01];            // b_1 … b_4 (no b_0: that is what keeps Q ≥ 1)
const x = 0.8;
const P = a.reduce((s, aj, j) => s + aj * x ** j, 0);
const A = b.reduce((s, bk, k) => s + bk * x ** (k + 1), 0);
const Q = 1 + Math.abs(A);
const [gx, ga, gb] = opGrads((x, a, b) => tg.pau(x, a, b), [[x], a, b]);
console.log(`PAU at x = ${x}: P = ${P.toFixed(6)}, Q = ${Q.toFixed(6)}, F = ${(P / Q).toFixed(6)}`);

// Step 1. F is linear in each a_j, so ∂F/∂a_j = x^j / Q: the numerator's gradient is the input's
// powers, damped by the denominator.
check('PAU ∂F/∂a_j = x^j / Q', a.every((_, j) => near(ga[j], x ** j / Q)));

// Step 2. b_k sits inside |A|: ∂Q/∂b_k = sgn(A)·x^k, and F = P·Q⁻¹ gives ∂F/∂b_k = −P/Q² · sgn(A)·x^k.
// sgn(0) is taken as +1 (ops/pau.ts): with abs′(0) = 0, coefficients that start at exactly 0 —
// the paper's initialisations have some — would never move.
check('PAU ∂F/∂b_k = −P/Q² · sgn(A) · x^k', b.every((_, k) => near(gb[k], (-P / Q ** 2) * Math.sign(A) * x ** (k + 1))));

// Step 3. The quotient rule: ∂F/∂x = (P′·Q − P·Q′)/Q², with Q′ = sgn(A)·A′.
const dP = a.reduce((s, aj, j) => s + j * aj * x ** (j - 1), 0);
const dA = b.reduce((s, bk, k) => s + (k + 1) * bk * x ** k, 0);
check('PAU ∂F/∂x = (P′Q − P·sgn(A)·A′)/Q²', near(gx[0], (dP * Q - P * Math.sign(A) * dA) / Q ** 2));

// Step 4. All at once, on a batch, against central differences (away from A(x) = 0, where |A|
// has a kink and finite differences mean nothing).
const xs = tg.tensor([-2.1, -0.9, 0.35, 0.8, 1.7, 2.6], { ...f64, requiresGrad: true });
const [ta, tb] = [a, b].map((v) => tg.tensor(v, { ...f64, requiresGrad: true }));
const pauReport = tg.gradcheck((x, a, b) => tg.pau(x, a, b), [xs, ta, tb], { raiseException: false });
check(`PAU ${pauReport.message}`, pauReport.ok);

// Step 5. Why sgn(0) = +1 matters: with every b_k = 0, A ≡ 0 and |·| sits at its kink.
const [, , gb0] = opGrads((x, a, b) => tg.pau(x, a, b), [[x], a, [0, 0, 0, 0]]);
check('PAU at b = 0: ∂F/∂b_k = −P·x^k ≠ 0, so a zero-initialised denominator still learns', gb0.every((g, k) => near(g, -P * x ** (k + 1))));

// ---- DEU: y(t) solves a·y″ + b·y′ + c·y = u(t) (u the unit step), five coefficients per neuron --
// With a ≈ 0 (|a| < ε = 0.01) the neuron is first order, b·y′ + c·y = u, whose closed form is
//   y = c1·q + H(t)·(1 − q)/c,   q = exp(−c·t/b)            (specs/deu.md §1.1, case 0-1-1)
const [db, dc, dc1] = [0.5, 1.2, 0.3];
const t = 0.9;
const q = Math.exp((-dc * t) / db);
const deuAt = (x: tg.Tensor, b: tg.Tensor, c: tg.Tensor, c1: tg.Tensor) => tg.deu(x.reshape([-1, 1]), [tg.zeros([1], f64), b, c, c1, tg.zeros([1], f64)]);
const [dt, dbG, dcG, dc1G] = opGrads(deuAt, [[t], [db], [dc], [dc1]]);
const yDeu = tg.noGrad(() => deuAt(...[[t], [db], [dc], [dc1]].map((v) => tg.tensor(v, f64)) as [tg.Tensor, tg.Tensor, tg.Tensor, tg.Tensor]).item());
check(`DEU forward: y(${t}) = c1·q + (1 − q)/c = ${yDeu.toFixed(6)}`, near(yDeu, dc1 * q + (1 - q) / dc));

// Step 1. c1 multiplies the homogeneous solution q, so ∂y/∂c1 = q (and c2, unused here, gets φ2 = 0).
check('DEU ∂y/∂c1 = q = exp(−ct/b)', near(dc1G[0], q));

// Step 2. b and c enter through q (∂q/∂b = q·ct/b², ∂q/∂c = −q·t/b) and through 1/c:
check('DEU ∂y/∂b = (c1 − 1/c)·q·ct/b²', near(dbG[0], (dc1 - 1 / dc) * q * (dc * t) / db ** 2));
check('DEU ∂y/∂c = −c1·tq/b + tq/(bc) − (1 − q)/c²', near(dcG[0], -dc1 * t * q / db + (t * q) / (db * dc) - (1 - q) / dc ** 2));

// Step 3. ∂y/∂t = H·g′ + h′ plus a term exact calculus does not have: H(t) jumps at 0, and DEU
// replaces its derivative δ(t) by the smooth bump δ_s(t) = s·e^(−st)/(1 + e^(−st))², s = 100.
// At t = 0.9 the bump is ~1e-37, so the slope is the textbook one; near 0 it is the paper's "bump".
check('DEU ∂y/∂t = q/b − (c/b)·c1·q (+ δ_s(t)·g(t), negligible at t = 0.9)', near(dt[0], q / db - (dc / db) * dc1 * q));
const bump = (tt: number) => opGrads(deuAt, [[tt], [db], [dc], [dc1]])[0][0];
const g = (tt: number) => (1 - Math.exp((-dc * tt) / db)) / dc;
const deltaS = (tt: number) => (100 * Math.exp(-100 * tt)) / (1 + Math.exp(-100 * tt)) ** 2;
check('DEU at t = −0.02: ∂y/∂t includes δ_s(t)·g(t), the smoothed jump', near(bump(-0.02), deltaS(-0.02) * g(-0.02) - (dc / db) * dc1 * Math.exp((dc * 0.02) / db), 1e-9));

// Step 4. The op against central differences, for t away from the step at 0 (where the true
// derivative has a delta and DEU's is deliberately smoothed) and a kept fixed (a "small"
// coefficient gets 0 or outward gravitation's nudge, specs/deu.md §3, not a derivative).
const ts = tg.tensor([0.3, 0.9, 1.7, 2.5], { ...f64, requiresGrad: true });
const [tbb, tcc, tc1] = [[db], [dc], [dc1]].map((v) => tg.tensor(v, { ...f64, requiresGrad: true }));
const deuReport = tg.gradcheck(deuAt, [ts, tbb, tcc, tc1], { raiseException: false });
check(`DEU ${deuReport.message}`, deuReport.ok);
