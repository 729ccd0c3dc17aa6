// Padé approximants, exactly. The [m/n] Padé approximant of f at 0 is the rational function
// P/Q (deg P ≤ m, deg Q ≤ n, Q(0) = 1) whose Taylor series agrees with f's up to x^(m+n). The
// paper initialises PAUs that imitate sigmoid, tanh and swish with their [5/4] approximants
// (specs/pau.md §2.2). Everything here is in exact rational arithmetic (BigInt fractions), so the
// coefficients come out as fractions (tanh: a_3 = 1/9, b_4 = 1/63) and only the final conversion
// to a double rounds.

/** A fraction in lowest terms with a positive denominator. */
export class Fraction {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den = 1n) {
    if (den === 0n) throw new Error('Fraction: zero denominator');
    const sign = den < 0n ? -1n : 1n;
    const g = gcd(num < 0n ? -num : num, den < 0n ? -den : den) || 1n;
    this.num = (sign * num) / g;
    this.den = (sign * den) / g;
  }

  static of(n: number, d = 1): Fraction {
    return new Fraction(BigInt(n), BigInt(d));
  }

  add(o: Fraction): Fraction { return new Fraction(this.num * o.den + o.num * this.den, this.den * o.den); }
  sub(o: Fraction): Fraction { return new Fraction(this.num * o.den - o.num * this.den, this.den * o.den); }
  mul(o: Fraction): Fraction { return new Fraction(this.num * o.num, this.den * o.den); }
  div(o: Fraction): Fraction { return new Fraction(this.num * o.den, this.den * o.num); }
  isZero(): boolean { return this.num === 0n; }
  /** The nearest double while both parts fit in 53 bits, as they do for the orders used here. */
  toNumber(): number { return Number(this.num) / Number(this.den); }
  toString(): string { return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`; }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Taylor coefficients t_0 … t_K of tanh, from tanh′ = 1 − tanh²: (k+1)·t_{k+1} = [k = 0] − Σ_{i ≤ k} t_i t_{k−i}. */
export function tanhSeries(K: number): Fraction[] {
  const t = [Fraction.of(0)];
  for (let k = 0; k < K; k++) {
    let rhs = Fraction.of(k === 0 ? 1 : 0);
    for (let i = 0; i <= k; i++) rhs = rhs.sub(t[i].mul(t[k - i]));
    t.push(rhs.div(Fraction.of(k + 1)));
  }
  return t;
}

/** σ(x) = (1 + tanh(x/2))/2, so s_0 = 1/2 and s_k = t_k/2^(k+1). */
export function sigmoidSeries(K: number): Fraction[] {
  return tanhSeries(K).map((t, k) => (k === 0 ? Fraction.of(1, 2) : t.div(new Fraction(2n ** BigInt(k + 1)))));
}

/** swish(x) = x·σ(x): the sigmoid's series shifted by one power. */
export function swishSeries(K: number): Fraction[] {
  return [Fraction.of(0), ...sigmoidSeries(K - 1)];
}

/**
 * The [m/n] Padé approximant of the series c (at least m+n+1 terms): Q's coefficients q_1…q_n
 * solve Σ_{k=0}^{n} q_k c_{j−k} = 0 for j = m+1 … m+n (q_0 = 1), then p_j = Σ_{k≤min(j,n)} q_k c_{j−k}.
 * Returns numerator p_0…p_m and denominator q_1…q_n.
 */
export function pade(c: readonly Fraction[], m: number, n: number): { numerator: Fraction[]; denominator: Fraction[] } {
  if (c.length < m + n + 1) throw new Error(`pade: [${m}/${n}] needs ${m + n + 1} Taylor coefficients, got ${c.length}`);
  const at = (i: number) => (i >= 0 ? c[i] : Fraction.of(0));
  // row r (equation j = m+1+r): Σ_{k=1}^{n} q_k c_{j−k} = −c_j
  const rows = Array.from({ length: n }, (_, r) => {
    const j = m + 1 + r;
    return [...Array.from({ length: n }, (_, k) => at(j - k - 1)), Fraction.of(0).sub(at(j))];
  });
  const q = [Fraction.of(1), ...solve(rows, n)];
  const numerator = Array.from({ length: m + 1 }, (_, j) => {
    let p = Fraction.of(0);
    for (let k = 0; k <= Math.min(j, n); k++) p = p.add(q[k].mul(at(j - k)));
    return p;
  });
  return { numerator, denominator: q.slice(1) };
}

/** Gauss–Jordan elimination on an augmented n×(n+1) matrix, exact, so any nonzero pivot will do. */
function solve(rows: Fraction[][], n: number): Fraction[] {
  for (let col = 0; col < n; col++) {
    const pivot = rows.findIndex((row, r) => r >= col && !row[col].isZero());
    if (pivot < 0) throw new Error('pade: the linear system is singular (this [m/n] approximant is not unique)');
    [rows[col], rows[pivot]] = [rows[pivot], rows[col]];
    for (let r = 0; r < n; r++) {
      if (r === col || rows[r][col].isZero()) continue;
      const factor = rows[r][col].div(rows[col][col]);
      rows[r] = rows[r].map((v, k) => v.sub(factor.mul(rows[col][k])));
    }
  }
  return rows.map((row, r) => row[n].div(row[r]));
}
