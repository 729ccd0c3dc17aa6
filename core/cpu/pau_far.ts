// F = P/Q and its partials far from 0 (|x| ≥ UNSCALED_BELOW = 2^32), for every version and any
// degrees: the path both pau_rational.ts and pau_54.ts take out there.
//
// Why each polynomial gets a scale of its own. P grows like |x|^m, Q like |x|^n, and the
// derivative's numerator P′Q − PQ′ like |x|^(m+n−1): written plainly, x^5 overflows float64 at
// |x| ≈ 6e61 although F ≈ 0.7·x is still small. One common scale σ = 2^(e·d) (2^e ≈ |x|) fixes F
// but not float64's whole range: from |x| ≈ 2^512 ≈ 1.3e154 on, σ = 2^2560 pushes the lower powers
// below 2^−1074, and the terms that then vanish are exactly those the derivatives need (Q′'s top
// term is one degree down, so ∂F/∂x lost its b_4 term, and −F/Q·x^k turned into ∞·0 = NaN).
// So P, Q, P′ = R and Q′ = S are each divided by their own power of two 2^k, with 2^k just above
// the polynomial's largest term |c_j|·|x|^j; every polynomial is then at most a few units, its
// leading terms are normal numbers, and only terms below 2^−1000 of the leading one can vanish.
// The results are rebuilt from the scaled values and the exponents:
//   F = P̂/Q̂ · 2^(kP−kQ),   ∂F/∂x = (R − S·F)/Q = (R̂·2^(kR−K) − Ŝ·(P̂/Q̂)·2^(kS+kP−kQ−K))/Q̂ · 2^(K−kQ),
//   ∂F/∂a_j = x^j/Q = (t^j/Q̂)·2^(j·e−kQ),   ∂F/∂b = −(F/Q)·∂Q/∂b = −(P̂/Q̂)/Q̂·(±t^k)·2^(kP−2kQ+k·e),
// with t = x/2^e ∈ [1, 2) and t^j by repeated multiplication (never pow). Multiplying by a power of
// two is exact between normal numbers, and each scaled term is the plain term's very bits with the
// exponent shifted, so wherever the plain formula neither overflows nor meets subnormals every
// result here is bit for bit the plain formula's.
import type { PauVersion } from '../backend.js';

/** v·2^n for any integer n (2 ** n alone is 0 or ∞ beyond ±1074); exact where the result is a normal number. */
export function ldexp(v: number, n: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  while (n > 1023) {
    v *= 2 ** 1023;
    n -= 1023;
  }
  while (n < -1022 && v !== 0) {
    v *= 2 ** -1022;
    n += 1022;
  }
  return v * 2 ** n;
}

/** The exponent k with 2^k ≥ the largest term (2^maxLog2): 0 for a zero polynomial, NaN stays NaN. */
const exponentAbove = (maxLog2: number): number => (Number.isFinite(maxLog2) ? Math.ceil(maxLog2) : maxLog2 === -Infinity || maxLog2 === Infinity ? 0 : NaN);

let powers = new Float64Array(16);

/**
 * F at x and, if `grads`, its partials, into out: out[0] = F, out[1] = ∂F/∂x, out[2 + j] = ∂F/∂a_j
 * (j < m1), out[2 + m1 + i] = ∂F/∂b_i (i < nb). The coefficients are a[aStart…], b[bStart…];
 * b_i multiplies x^(i + 1), or x^i for version C. x must be finite with |x| ≥ 2^32 (or NaN/±∞:
 * then every output is NaN, as ∞/∞ of the plain formula).
 */
export function evaluateFar(x: number, a: ArrayLike<number>, aStart: number, m1: number, b: ArrayLike<number>, bStart: number, nb: number, version: PauVersion, grads: boolean, out: Float64Array): void {
  if (!Number.isFinite(x)) {
    out.fill(NaN, 0, grads ? 2 + m1 + nb : 1);
    return;
  }
  const first = version === 'C' ? 0 : 1, absolute = version === 'A';
  const d = Math.max(m1 - 1, nb - 1 + first, 1);
  if (powers.length < d + 1) powers = new Float64Array(2 * (d + 1));
  const L = Math.log2(Math.abs(x)), e = Math.floor(L);
  const t = x * 2 ** -e; // exact: x/2^e lies in [1, 2) (e ≤ 1023, so 2^−e is representable)
  const T = powers;
  T[0] = 1;
  for (let j = 1; j <= d; j++) T[j] = T[j - 1] * t;

  // P̂ = P/2^kP and R̂ = P′/2^kR
  let maxP = -Infinity, maxR = -Infinity;
  for (let j = 0; j < m1; j++) {
    const c = a[aStart + j];
    if (c === 0) continue;
    maxP = Math.max(maxP, Math.log2(Math.abs(c)) + j * L);
    if (j > 0) maxR = Math.max(maxR, Math.log2(Math.abs(j * c)) + (j - 1) * L);
  }
  const kP = exponentAbove(maxP), kR = exponentAbove(maxR);
  let p = 0, r = 0;
  for (let j = 0; j < m1; j++) p += ldexp(a[aStart + j], j * e - kP) * T[j];
  for (let j = 1; j < m1; j++) r += ldexp(j * a[aStart + j], (j - 1) * e - kR) * T[j - 1];

  // Q̂ = Q/2^kQ with Q = constant + s (|·| per term for A, of the whole sum for B and C), Ŝ = Q′/2^kS
  const constant = version === 'C' ? 0.1 : 1;
  let maxQ = Math.log2(constant), maxS = -Infinity;
  for (let i = 0; i < nb; i++) {
    const c = b[bStart + i], k = i + first;
    if (c === 0) continue;
    maxQ = Math.max(maxQ, Math.log2(Math.abs(c)) + k * L);
    if (k > 0) maxS = Math.max(maxS, Math.log2(Math.abs(k * c)) + (k - 1) * L);
  }
  const kQ = exponentAbove(maxQ), kS = exponentAbove(maxS);
  let s = 0, ds = 0;
  for (let i = 0; i < nb; i++) {
    const c = b[bStart + i], k = i + first;
    if (absolute) {
      s += ldexp(Math.abs(c), k * e - kQ) * Math.abs(T[k]);
      ds += ldexp(k * Math.abs(c), (k - 1) * e - kS) * Math.abs(T[k - 1]);
    } else {
      s += ldexp(c, k * e - kQ) * T[k];
      if (k > 0) ds += ldexp(k * c, (k - 1) * e - kS) * T[k - 1];
    }
  }
  const one = ldexp(constant, -kQ);
  let q: number, dq: number, side = 1; // side: ∂|s|/∂s for B and C
  if (version === 'A') {
    q = one + s;
    dq = (x < 0 ? -1 : 1) * ds;
  } else if (version === 'N') {
    q = one + s;
    dq = ds;
  } else {
    side = s < 0 ? -1 : 1;
    q = one + side * s;
    dq = side * ds;
  }
  const f = p / q; // F/2^(kP−kQ)
  out[0] = ldexp(f, kP - kQ);
  if (!grads) return;

  // R − S·F over a common 2^K, then divided by Q
  const kSF = kS + kP - kQ, K = Math.max(kR, kSF);
  const numerator = ldexp(r, kR - K) - ldexp(dq * f, kSF - K);
  out[1] = ldexp(numerator / q, K - kQ);
  for (let j = 0; j < m1; j++) out[2 + j] = ldexp(T[j] / q, j * e - kQ);
  const scale = -f / q; // −F/Q over 2^(kP−2kQ)
  for (let i = 0; i < nb; i++) {
    const k = i + first, c = b[bStart + i];
    const dQdb = absolute ? (c < 0 ? -1 : 1) * Math.abs(T[k]) : side * T[k];
    out[2 + m1 + i] = ldexp(scale * dQdb, kP - 2 * kQ + k * e);
  }
}
