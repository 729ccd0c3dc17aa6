// Fast loops for the DEU subspaces 1-1-1 Δ > 0 and 1-1-1 Δ < 0 (core/cpu/deu.ts uses them for
// every neuron in one of them that outward gravitation leaves alone). Each is deu_solutions.ts's
// formula (realRoots, dampedOscillation) followed by evaluate()'s assembly, written out with the
// per-neuron constants computed once: the same expressions in the same order, so the same bits.
// Returns false for any other subspace (the caller then takes the generic path).
import type { Coeffs, Subspace } from './deu_solutions.js';
import { DeuPoint, DEU_NUMERICS } from './deu_solutions.js';
import { evaluateFar, FAR_FROM } from './deu_far.js';

type Out = { [i: number]: number };
const M = DEU_NUMERICS.maxValue;
/** Scratch for the elements far out (|t| ≥ 2^128), which take deu_far.ts's evaluation. */
const far = new DeuPoint();
const CAP = DEU_NUMERICS.expCap;

/** y for neuron f's elements x[n, f, :]; false if `sub` has no fast loop. */
export function fastForward(sub: Subspace, k: Coeffs, x: ArrayLike<number>, y: Out, N: number, F: number, S: number, f: number): boolean {
  const { a, b, c, c1, c2 } = k;
  // zero initial state (the reference's initialisation): y = 0 for t ≤ 0, no exponentials needed
  const rest = c1 === 0 && c2 === 0;
  if (sub === '1-1-1 Δ>0') {
    const D = Math.sqrt(b * b - 4 * a * c), rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a);
    const bD = b + D, Db = D - b, D2 = 2 * D;
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        const t = x[i];
        if (rest && t <= 0) {
          y[i] = 0; // H = 0 and c1 = c2 = 0: every term is ±0 (g, φ1, φ2 are finite)
          continue;
        }
        if (Math.abs(t) >= FAR_FROM) {
          y[i] = evaluateFar(sub, t, k, 0, far, false).y; // float64 beyond 2^128 (s only enters partials)
          continue;
        }
        const P = Math.exp(Math.min(rPlus * t, CAP)), Q = Math.exp(Math.min(rMinus * t, CAP));
        const g = (1 - (bD * P + Db * Q) / D2) / c;
        const v = (t > 0 ? 1 : 0) * g + c1 * Q + c2 * P;
        y[i] = v < -M ? -M : v > M ? M : v;
      }
    }
    return true;
  }
  if (sub === '1-1-1 Δ<0') {
    const W = Math.sqrt(4 * a * c - b * b), alpha = b / (2 * a), omega = W / (2 * a), bw = b / W;
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        const t = x[i];
        if (rest && t <= 0) {
          y[i] = 0;
          continue;
        }
        if (Math.abs(t) >= FAR_FROM) {
          y[i] = evaluateFar(sub, t, k, 0, far, false).y;
          continue;
        }
        const e = Math.exp(Math.min(-alpha * t, CAP)), cos = Math.cos(omega * t), sin = Math.sin(omega * t);
        const g = (1 - e * (cos + bw * sin)) / c;
        const v = (t > 0 ? 1 : 0) * g + c1 * (e * cos) + c2 * (e * sin);
        y[i] = v < -M ? -M : v > M ? M : v;
      }
    }
    return true;
  }
  return false;
}

const clip = (v: number): number => (v < -M ? -M : v > M ? M : v);

/**
 * δ_s(t) = s·E(−st)/(1 + E(−st))², as deltaS in deu_solutions.ts: where the cap is active (−st ≥ 14)
 * it is the constant `floor`, and where exp(−st) underflows to 0 (−st < −746) it is 0 — the same
 * values, without an exponential for most negative t.
 */
function delta(t: number, s: number, floor: number): number {
  const z = -s * t;
  if (z >= CAP) return floor;
  if (z < -746) return 0;
  const e = Math.exp(z);
  return (s * e) / ((1 + e) * (1 + e));
}
const deltaFloor = (s: number): number => {
  const e = Math.exp(CAP);
  return (s * e) / ((1 + e) * (1 + e));
};

/**
 * dx for neuron f's elements and its five parameter gradients dparams[5f …] (batch sums); false
 * if `sub` has no fast loop.
 */
export function fastBackward(sub: Subspace, k: Coeffs, s: number, g: ArrayLike<number>, x: ArrayLike<number>, dx: Out, dparams: Out, N: number, F: number, S: number, f: number): boolean {
  const { a, b, c, c1, c2 } = k;
  let da = 0, db = 0, dc = 0, dc1 = 0, dc2 = 0;
  const floor = deltaFloor(s);
  if (sub === '1-1-1 Δ>0') {
    const D = Math.sqrt(b * b - 4 * a * c), rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a);
    const bD = b + D, Db = D - b, D2 = 2 * D;
    const Da = (-2 * c) / D, Dbb = b / D, Dc = (-2 * a) / D;
    const rpA = Da / (2 * a) - rPlus / a, rmA = -Da / (2 * a) - rMinus / a;
    const rpB = (-1 + Dbb) / (2 * a), rmB = (-1 - Dbb) / (2 * a);
    const rpC = Dc / (2 * a), rmC = -Dc / (2 * a);
    const den = 2 * D * D * c;
    const sumB = 1 + Dbb, diffB = Dbb - 1;
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        const t = x[i], gi = g[i];
        if (Math.abs(t) >= FAR_FROM) {
          const p = evaluateFar(sub, t, k, s, far, true);
          dx[i] = gi * p.dt;
          da += gi * p.da; db += gi * p.db; dc += gi * p.dc; dc1 += gi * p.dc1; dc2 += gi * p.dc2;
          continue;
        }
        const P = Math.exp(Math.min(rPlus * t, CAP)), Q = Math.exp(Math.min(rMinus * t, CAP));
        const Nn = bD * P + Db * Q;
        const gg = (1 - Nn / D2) / c;
        const gt = (P - Q) / D;
        const p1t = rMinus * Q, p2t = rPlus * P;
        // realRootsG for a, b, c; only where H = 1 (H·g_θ is ±0 elsewhere, g_θ being finite)
        const H = t > 0 ? 1 : 0;
        let ga = 0, gb = 0, gc = 0;
        if (H) {
          const bDtP = bD * t, DbtQ = Db * t;
          const dNa = Da * P + bDtP * rpA * P + Da * Q + DbtQ * rmA * Q;
          ga = -(dNa * D - Nn * Da) / den;
          const dNb = sumB * P + bDtP * rpB * P + diffB * Q + DbtQ * rmB * Q;
          gb = -(dNb * D - Nn * Dbb) / den;
          const dNc = Dc * P + bDtP * rpC * P + Dc * Q + DbtQ * rmC * Q;
          gc = -(dNc * D - Nn * Dc) / den - gg / c;
        }
        dx[i] = gi * clip(H * gt + delta(t, s, floor) * gg + c1 * p1t + c2 * p2t);
        da += gi * clip(H * ga + c1 * (t * rmA * Q) + c2 * (t * rpA * P));
        db += gi * clip(H * gb + c1 * (t * rmB * Q) + c2 * (t * rpB * P));
        dc += gi * clip(H * gc + c1 * (t * rmC * Q) + c2 * (t * rpC * P));
        dc1 += gi * clip(Q);
        dc2 += gi * clip(P);
      }
    }
  } else if (sub === '1-1-1 Δ<0') {
    const W = Math.sqrt(4 * a * c - b * b), alpha = b / (2 * a), omega = W / (2 * a), bw = b / W;
    const W3 = W * W * W;
    const alA = -alpha / a, omA = c / (a * W) - omega / a, bwA = (-2 * b * c) / W3;
    const alB = 1 / (2 * a), omB = -b / (2 * a * W), bwB = (4 * a * c) / W3;
    const omC = 1 / W, bwC = (-2 * a * b) / W3;
    for (let n = 0; n < N; n++) {
      for (let i = (n * F + f) * S, end = i + S; i < end; i++) {
        const t = x[i], gi = g[i];
        if (Math.abs(t) >= FAR_FROM) {
          const p = evaluateFar(sub, t, k, s, far, true);
          dx[i] = gi * p.dt;
          da += gi * p.da; db += gi * p.db; dc += gi * p.dc; dc1 += gi * p.dc1; dc2 += gi * p.dc2;
          continue;
        }
        const e = Math.exp(Math.min(-alpha * t, CAP)), cos = Math.cos(omega * t), sin = Math.sin(omega * t), K = cos + bw * sin;
        const gg = (1 - e * K) / c;
        const gt = (2 * e * sin) / W;
        const p1t = e * (-alpha * cos - omega * sin), p2t = e * (-alpha * sin + omega * cos);
        // oscillationG for a, b, c; only where H = 1
        const H = t > 0 ? 1 : 0;
        let ga = 0, gb = 0, gc = 0;
        if (H) {
          const dK = -sin + bw * cos;
          ga = -(e * (t * omA * dK + sin * bwA) - t * e * K * alA) / c;
          gb = -(e * (t * omB * dK + sin * bwB) - t * e * K * alB) / c;
          gc = -(e * (t * omC * dK + sin * bwC) - t * e * K * 0) / c - gg / c;
        }
        const et = e * t;
        dx[i] = gi * clip(H * gt + delta(t, s, floor) * gg + c1 * p1t + c2 * p2t);
        da += gi * clip(H * ga + c1 * (et * (-alA * cos - omA * sin)) + c2 * (et * (-alA * sin + omA * cos)));
        db += gi * clip(H * gb + c1 * (et * (-alB * cos - omB * sin)) + c2 * (et * (-alB * sin + omB * cos)));
        dc += gi * clip(H * gc + c1 * (et * -omC * sin) + c2 * (et * omC * cos));
        dc1 += gi * clip(e * cos);
        dc2 += gi * clip(e * sin);
      }
    }
  } else {
    return false;
  }
  const o = 5 * f;
  dparams[o] = da; dparams[o + 1] = db; dparams[o + 2] = dc; dparams[o + 3] = dc1; dparams[o + 4] = dc2;
  return true;
}
