// PAU's and RPAU's second derivatives far out (|x| ≥ 2^32): the formulas of pau_second.ts, line for
// line and in the same order, on Wide numbers (wide.ts: a double with an exponent of its own).
//
// Why not the plain loop. Its intermediate terms grow like powers of x long before the results do:
// for degrees (5, 4), F_bk,bl = 2·F·Q_k·Q_l/Q² has Q² ≈ x^8 (float64 overflows at |x| ≈ 1e38)
// although the value is ≈ x; F_xx subtracts terms ≈ x^3/x^4 to leave ≈ x^−3. A shared power-of-two
// scale as in pau_far.ts would need one exponent bookkeeping per formula; Wide keeps one per number,
// so the formulas read as in pau_second.ts. Each final contribution is rounded to a double once
// (toNumber): a result beyond float64's range is ±∞ there, as the true value is.
//
// One source of truth: this file mirrors pau_second.ts's element loop (same terms, same order), so
// wherever the plain loop neither overflows nor meets subnormals the two give the same bits; the
// tests compare them at 2^32 ≤ |x| ≤ 2^100 and against finite differences of pau_far.ts's gradients
// up to 1e300 (tests/pau/second_order_far.test.ts). The near loop stays in plain doubles: it is
// the common case and must not pay for Wide's allocations.
import type { PauVersion } from '../backend.js';
import type { PauSecondResult } from './pau_second.js';
import { firstDenominatorPower } from './pau_rational.js';
import { Wide } from './wide.js';

/** One element's inputs, as pau_second.ts's loop has them. */
export interface FarElement {
  x: number;
  version: PauVersion;
  /** the coefficients this element sees (noisy for RPAU in training) and their noise factors φ */
  an: ArrayLike<number>;
  bn: ArrayLike<number>;
  phiA: ArrayLike<number>;
  phiB: ArrayLike<number>;
  /** RPAU's exact coefficient gradient: rows scaled by φ */
  exact: boolean;
  /** the weight of row x, g[i], and the coefficient upstreams at their row offsets oa, ob */
  wx: number;
  g: number;
  ua?: ArrayLike<number>;
  ub?: ArrayLike<number>;
  oa: number;
  ob: number;
}

/** Writes element i's dx and dg and adds its coefficient contributions to da and db. */
export function pauSecondFar(el: FarElement, i: number, out: PauSecondResult): void {
  const { x, version, an, bn, phiA, phiB, exact, wx, ua, ub, oa, ob } = el;
  const m1 = an.length, nb = bn.length;
  const first = firstDenominatorPower(version), c0 = version === 'C' ? 0.1 : 1;
  const d = Math.max(m1 - 1, nb - 1 + first, 0);
  const X = Wide.of(x), W = (v: number) => Wide.of(v);
  const u: Wide[] = [Wide.ONE];
  for (let j = 1; j <= d; j++) u[j] = u[j - 1].times(X);
  let P = Wide.ZERO, R = Wide.ZERO, R2 = Wide.ZERO;
  for (let j = 0; j < m1; j++) {
    P = P.plus(W(an[j]).times(u[j]));
    if (j > 0) R = R.plus(W(j * an[j]).times(u[j - 1]));
    if (j > 1) R2 = R2.plus(W(j * (j - 1) * an[j]).times(u[j - 2]));
  }
  // Q, S = Q′, S2 = Q″, Q_k, S_k for the version
  let Q: Wide, S = Wide.ZERO, S2 = Wide.ZERO;
  const Qk: Wide[] = [], Sk: Wide[] = [];
  if (version === 'A') {
    let s = Wide.ZERO;
    const sx = x < 0 ? -1 : 1;
    for (let i2 = 0; i2 < nb; i2++) {
      const k = i2 + first, ab = Math.abs(bn[i2]), sb = bn[i2] < 0 ? -1 : 1;
      s = s.plus(W(ab).times(u[k].abs()));
      S = S.plus(W(k * ab).times(u[k - 1].abs()));
      if (k > 1) S2 = S2.plus(W(k * (k - 1) * ab).times(u[k - 2].abs()));
      Qk[i2] = u[k].abs().times(sb);
      Sk[i2] = u[k - 1].abs().times(sb * sx * k);
    }
    Q = s.plus(c0);
    S = S.times(sx);
  } else {
    let s = Wide.ZERO, ds = Wide.ZERO, dds = Wide.ZERO;
    for (let i2 = 0; i2 < nb; i2++) {
      const k = i2 + first;
      s = s.plus(W(bn[i2]).times(u[k]));
      if (k > 0) ds = ds.plus(W(k * bn[i2]).times(u[k - 1]));
      if (k > 1) dds = dds.plus(W(k * (k - 1) * bn[i2]).times(u[k - 2]));
    }
    const side = version === 'N' ? 1 : s.sign();
    Q = s.times(side).plus(c0);
    S = ds.times(side);
    S2 = dds.times(side);
    for (let i2 = 0; i2 < nb; i2++) {
      const k = i2 + first;
      Qk[i2] = u[k].times(side);
      Sk[i2] = k > 0 ? u[k - 1].times(side * k) : Wide.ZERO;
    }
  }
  const F = P.over(Q), Fx = R.minus(S.times(F)).over(Q);
  // row weights (times the row scale: φ for an exact RPAU coefficient gradient)
  const G = W(el.g);
  const rowA = (j: number) => (exact ? phiA[j] : 1), rowB = (k: number) => (exact ? phiB[k] : 1);
  const wa = (j: number) => (ua ? G.times(ua[oa + j]).times(rowA(j)) : Wide.ZERO);
  const wb = (k: number) => (ub ? G.times(ub[ob + k]).times(rowB(k)) : Wide.ZERO);
  let sumWaU = Wide.ZERO, sumWbQ = Wide.ZERO, dg = Wide.ZERO;
  for (let j = 0; j < m1; j++) {
    sumWaU = sumWaU.plus(wa(j).times(u[j]));
    if (ua) dg = dg.plus(W(ua[oa + j]).times(u[j].over(Q)).times(rowA(j)));
  }
  for (let k = 0; k < nb; k++) {
    sumWbQ = sumWbQ.plus(wb(k).times(Qk[k]));
    if (ub) dg = dg.plus(W(ub[ob + k]).times(F.neg().times(Qk[k]).over(Q)).times(rowB(k)));
  }
  out.dg[i] = dg.toNumber();
  // (pau_second.ts also skips when the sums are 0; without ua and ub they are)
  if (wx === 0 && !ua && !ub) return;
  // v = w·H̃, then column c scaled by φ_c
  const Fxx = R2.minus(S2.times(F)).minus(S.times(2).times(Fx)).over(Q);
  const Q2 = Q.times(Q);
  let vx = Fxx.times(wx);
  for (let j = 0; j < m1; j++) {
    const Faj = u[j].over(Q), Fxaj = (j > 0 ? u[j - 1].times(j) : Wide.ZERO).minus(S.times(Faj)).over(Q);
    vx = vx.plus(wa(j).times(Fxaj));
    // F_x,aj·wx + Σ_k wb_k·F_aj,bk
    out.da[oa + j] += Fxaj.times(wx).minus(Faj.times(sumWbQ).over(Q)).times(phiA[j]).toNumber();
  }
  for (let k = 0; k < nb; k++) {
    const Fbk = F.neg().times(Qk[k]).over(Q), Fxbk = Sk[k].times(F).plus(S.times(Fbk)).plus(Fx.times(Qk[k])).over(Q).neg();
    vx = vx.plus(wb(k).times(Fxbk));
    const v = Fxbk.times(wx).minus(Qk[k].times(sumWaU).over(Q2)).plus(F.times(2).times(Qk[k]).times(sumWbQ).over(Q2));
    out.db[ob + k] += v.times(phiB[k]).toNumber();
  }
  out.dx[i] = vx.toNumber();
}
