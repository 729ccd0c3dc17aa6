// A float64 with an exponent of its own: value = m·2^e, m a double in [1, 2) (or 0, ±∞, NaN with
// e = 0) and e any integer. It exists for PAU's second derivatives far out (pau_second_far.ts),
// whose intermediate terms (x^9/Q², P″·Q′…) leave float64's range long before the results do.
//
// Why the results keep the plain formula's bits. A product or quotient of two mantissas in [1, 2)
// is rounded to 53 bits exactly as the product of the two doubles would be, and a sum shifts the
// smaller operand by a power of two (exact while it stays a normal number) before one float64
// addition. So wherever the plain float64 formula meets neither overflow nor subnormals, the same
// operations in the same order give the very same bits here; beyond, they go on with 53-bit
// precision where float64 would give ∞, 0 or NaN. Only toNumber() rounds to float64's range.
import { ldexp } from './pau_far.js';

export class Wide {
  private constructor(readonly m: number, readonly e: number) {}

  static readonly ZERO = new Wide(0, 0);
  static readonly ONE = new Wide(1, 0);

  /** The double v, exactly. */
  static of(v: number): Wide {
    return Wide.normalized(v, 0);
  }

  /** m·2^e with m brought into [1, 2). */
  private static normalized(m: number, e: number): Wide {
    if (m === 0 || !Number.isFinite(m)) return new Wide(m, 0);
    // log2 may round up just below a power of two: one step of correction either way
    let k = Math.floor(Math.log2(Math.abs(m)));
    let r = ldexp(m, -k);
    if (Math.abs(r) >= 2) {
      r /= 2;
      k++;
    } else if (Math.abs(r) < 1) {
      r *= 2;
      k--;
    }
    return new Wide(r, e + k);
  }

  private static from(v: Wide | number): Wide {
    return typeof v === 'number' ? Wide.of(v) : v;
  }

  times(other: Wide | number): Wide {
    const o = Wide.from(other);
    return Wide.normalized(this.m * o.m, this.e + o.e);
  }

  over(other: Wide | number): Wide {
    const o = Wide.from(other);
    return Wide.normalized(this.m / o.m, this.e - o.e);
  }

  plus(other: Wide | number): Wide {
    const o = Wide.from(other);
    // (0 + −0 is +0, as in float64)
    if (o.m === 0) return this.m === 0 ? new Wide(this.m + o.m, 0) : this;
    if (this.m === 0) return o;
    // ∞ and NaN carry e = 0 and a finite partner's mantissa cannot change them
    if (!Number.isFinite(this.m) || !Number.isFinite(o.m)) return new Wide(this.m + o.m, 0);
    const [big, small] = this.e >= o.e ? [this as Wide, o] : [o, this as Wide];
    return Wide.normalized(big.m + ldexp(small.m, small.e - big.e), big.e);
  }

  minus(other: Wide | number): Wide {
    return this.plus(Wide.from(other).neg());
  }

  neg(): Wide {
    return new Wide(-this.m, this.e);
  }

  abs(): Wide {
    return new Wide(Math.abs(this.m), this.e);
  }

  /** −1 below zero, +1 otherwise (sgn of pau_rational.ts: +0 and −0 give +1). */
  sign(): number {
    return this.m < 0 ? -1 : 1;
  }

  /** The nearest double: ±∞ beyond float64's range, subnormal or 0 below it. */
  toNumber(): number {
    return ldexp(this.m, this.e);
  }
}
