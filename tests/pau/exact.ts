// PAU's F and partials computed exactly, in rationals of BigInts, for reference values far out
// (|x| up to 1e300, where x^5 is a 5000-bit number): every double is a dyadic rational, so
// P, Q, P′, Q′ and the quotients are exact, and only the final conversion to a double rounds.
import type { PauVersion } from '../../index.js';

/** n/d with d > 0. */
export interface Rational { n: bigint; d: bigint }

const ZERO: Rational = { n: 0n, d: 1n };

export function fromDouble(v: number): Rational {
  if (!Number.isFinite(v)) throw new Error(`fromDouble: ${v} is not finite`);
  if (v === 0) return ZERO;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return exponent >= 0 ? { n: sign * (mantissa << BigInt(exponent)), d: 1n } : { n: sign * mantissa, d: 1n << BigInt(-exponent) };
}

export const add = (a: Rational, b: Rational): Rational => (a.d === b.d ? { n: a.n + b.n, d: a.d } : { n: a.n * b.d + b.n * a.d, d: a.d * b.d });
export const sub = (a: Rational, b: Rational): Rational => add(a, neg(b));
export const mul = (a: Rational, b: Rational): Rational => ({ n: a.n * b.n, d: a.d * b.d });
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const abs = (a: Rational): Rational => ({ n: a.n < 0n ? -a.n : a.n, d: a.d });
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new Error('div: division by zero');
  return b.n < 0n ? { n: -a.n * b.d, d: a.d * -b.n } : { n: a.n * b.d, d: a.d * b.n };
}
const int = (k: number): Rational => ({ n: BigInt(k), d: 1n });
/** sgn with sgn(0) = +1 (the kernels' copysign(1, +0)). */
const sign = (a: Rational): Rational => int(a.n < 0n ? -1 : 1);

const bitLength = (v: bigint): number => (v === 0n ? 0 : v.toString(2).length);

/** The double nearest to r (within one ulp; ±Infinity beyond the largest double, 0 far below the least). */
export function toDouble({ n, d }: Rational): number {
  if (n === 0n) return 0;
  const negative = n < 0n, m = negative ? -n : n;
  const shift = bitLength(d) - bitLength(m) + 64; // the quotient then has about 64 bits
  const q = shift >= 0 ? (m << BigInt(shift)) / d : m / (d << BigInt(-shift));
  let v = Number(q), e = -shift;
  while (e > 1000) { v *= 2 ** 1000; e -= 1000; }
  while (e < -1000) { v *= 2 ** -1000; e += 1000; }
  v *= 2 ** e;
  return negative ? -v : v;
}

function power(x: Rational, k: number): Rational {
  let r: Rational = { n: 1n, d: 1n };
  for (let i = 0; i < k; i++) r = mul(r, x);
  return r;
}

export interface ExactPartials { f: number; dx: number; da: number[]; db: number[] }

/**
 * F = P/Q at x (specs/pau.md §1.2) and its partials (§1.4), exactly, for a_0…a_m and the stored
 * denominator coefficients b (b_1…b_n; b_0…b_n for C).
 */
export function exactPau(version: PauVersion, a: readonly number[], b: readonly number[], x: number): ExactPartials {
  const X = fromDouble(x), A = a.map(fromDouble), B = b.map(fromDouble);
  const first = version === 'C' ? 0 : 1;
  let P = ZERO, dP = ZERO;
  A.forEach((c, j) => {
    P = add(P, mul(c, power(X, j)));
    if (j > 0) dP = add(dP, mul(mul(int(j), c), power(X, j - 1)));
  });
  // s = Σ b_k x^k (A: Σ |b_k|·|x|^k) and s′
  let s = ZERO, ds = ZERO;
  B.forEach((c, i) => {
    const k = i + first;
    const coefficient = version === 'A' ? abs(c) : c, base = version === 'A' ? abs(X) : X;
    s = add(s, mul(coefficient, power(base, k)));
    if (k > 0) ds = add(ds, mul(mul(int(k), coefficient), power(base, k - 1)));
  });
  if (version === 'A') ds = mul(sign(X), ds);
  const constant = fromDouble(version === 'C' ? 0.1 : 1);
  const side = version === 'B' || version === 'C' ? sign(s) : int(1);
  const Q = add(constant, mul(side, s)), dQ = mul(side, ds);
  const Q2 = mul(Q, Q);
  const dQdb = B.map((c, i) => {
    const k = i + first;
    return version === 'A' ? mul(sign(c), power(abs(X), k)) : mul(side, power(X, k));
  });
  return {
    f: toDouble(div(P, Q)),
    dx: toDouble(div(sub(mul(dP, Q), mul(P, dQ)), Q2)),
    da: A.map((_, j) => toDouble(div(power(X, j), Q))),
    db: dQdb.map((dq) => toDouble(neg(div(mul(P, dq), Q2)))),
  };
}
