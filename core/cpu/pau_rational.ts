// One rational function F = P/Q at one point, with every partial derivative the backward pass
// needs (specs/pau.md §1.4). The CPU kernels (pau.ts) call it per element; the coefficient
// fitter (nn/pau_init/fit.ts) calls it for its Jacobian rows.
//
// Overflow. P grows like |x|^m and Q like |x|^n, so evaluating them as written overflows long
// before F = P/Q does (x^5 passes float32's limit at |x| ≈ 5e7 although F ≈ 0.7·x stays finite).
// Dividing P and Q by σ = 2^(e·d), with 2^e ≈ |x| and d the top degree, changes nothing in F but
// keeps every term within a few powers of two of its coefficient (σ = 1 for |x| ≤ 1). With
// t = x/2^e, the scaled powers are
//   u_j = x^j/σ = t^j · 2^(−e·(d−j)),
// t^j by repeated multiplication (never pow), the powers of two by repeated halving downwards
// from u_d. Scaling by a power of two is exact, so each u_j carries the very bits of x^j as the
// plain formula computes it, exponent shifted: every result below is bit for bit the unscaled
// formula's wherever that one does not overflow (the identity init gives F(x) = x exactly). Far
// out, the low powers underflow to 0 one by one, which is harmless: they are negligible there.
// Since the scaling changes no bit where nothing overflows, it is skipped (σ = 1) for
// |x| < UNSCALED_BELOW = 2^32, where x^5 < 2^160 leaves coefficients 2^860 of headroom: the
// common case then costs no log2 and no pow. (The gpu kernels, in float32, scale from |x| ≥ 2.)
// In the scaled powers
//   P̃ = P/σ = Σ a_j u_j,  Q̃ = Q/σ (its constant term 1 becomes u_0),
//   F = P̃/Q̃,  ∂F/∂x = (R̃ − S̃·F)/Q̃,  ∂F/∂a_j = u_j/Q̃,  ∂F/∂b_k = −F·(∂Q/∂b_k)~/Q̃,
// with R̃ = P′/σ = Σ j·a_j·u_{j−1} and S̃ = Q′/σ: each the unscaled quotient with σ cancelled.
//
// Signs. Wherever |z| is differentiated the derivative is sgn(z) = (z < 0 ? −1 : +1) (§1.5): at
// z = 0 this is CUDA's copysign(1, +0) = +1, so a coefficient that is exactly 0 still gets a
// gradient (the identity and Padé initialisations start with zeros and must be able to move).
import type { PauVersion } from '../backend.js';

export const sgn = (z: number): number => (z < 0 ? -1 : 1);

/** Below this |x| the powers are used unscaled (float64 cannot overflow there, so no bit changes). */
export const UNSCALED_BELOW = 2 ** 32;

/** Denominator index i multiplies x^(i + first): b_1… for A, B, N; b_0… for C. */
export const firstDenominatorPower = (version: PauVersion): number => (version === 'C' ? 0 : 1);

/** The constant term of Q besides the absolute value: 0.1 for C, 1 otherwise. */
const constantTerm = (version: PauVersion): number => (version === 'C' ? 0.1 : 1);

/** Scratch and results for one point; reused across points so the inner loop allocates nothing. */
export class RationalPoint {
  /** F(x). */
  f = 0;
  /** ∂F/∂x. */
  dx = 0;
  /** ∂F/∂a_j, j = 0…m. */
  readonly da: Float64Array;
  /** ∂F/∂b, one per stored denominator coefficient. */
  readonly db: Float64Array;
  /** The scaled powers u_0 … u_d. */
  private readonly u: Float64Array;
  readonly degree: number;

  constructor(readonly version: PauVersion, readonly numeratorLength: number, readonly denominatorLength: number) {
    this.degree = Math.max(numeratorLength - 1, denominatorLength - 1 + firstDenominatorPower(version), 0);
    this.u = new Float64Array(this.degree + 1);
    this.da = new Float64Array(numeratorLength);
    this.db = new Float64Array(denominatorLength);
  }

  /** Evaluates F at x for coefficients a (length m+1) and b; the partials only if `grads`. */
  evaluate(x: number, a: ArrayLike<number>, b: ArrayLike<number>, grads: boolean): void {
    const { u, degree: d, version } = this;
    const m1 = this.numeratorLength, nb = this.denominatorLength, first = firstDenominatorPower(version);
    const e = Math.abs(x) >= UNSCALED_BELOW ? Math.floor(Math.log2(Math.abs(x))) : 0; // NaN: e = 0, NaN spreads
    const down = 2 ** -e, t = x * down; // both exact
    u[0] = 1;
    for (let j = 1; j <= d; j++) u[j] = u[j - 1] * t;
    for (let j = d, w = 1; j >= 0; j--, w *= down) u[j] *= w;

    let p = 0, dp = 0; // P̃ and R̃
    for (let j = 0; j < m1; j++) {
      p += a[j] * u[j];
      if (j > 0) dp += j * a[j] * u[j - 1];
    }

    // The polynomial inside the denominator and its derivative: Σ b_k u_k and Σ k·b_k·u_{k−1}
    // (with |b_k|, |u_k| for A, whose every term is an absolute value).
    let s = 0, ds = 0;
    for (let i = 0; i < nb; i++) {
      const k = i + first;
      if (version === 'A') {
        s += Math.abs(b[i]) * Math.abs(u[k]);
        ds += k * Math.abs(b[i]) * Math.abs(u[k - 1]);
      } else {
        s += b[i] * u[k];
        if (k > 0) ds += k * b[i] * u[k - 1];
      }
    }
    const one = constantTerm(version) * u[0];
    let q: number, dq: number, side: number; // Q̃, S̃, and the sign ∂|s|/∂s (1 where no |·|)
    switch (version) {
      case 'A': q = one + s; side = 1; dq = sgn(x) * ds; break;
      case 'N': q = one + s; side = 1; dq = ds; break;
      default: side = sgn(s); q = one + side * s; dq = side * ds; break; // B, C: |s| = sgn(s)·s
    }
    const f = p / q;
    this.f = f;
    if (!grads) return;

    this.dx = (dp - dq * f) / q;
    for (let j = 0; j < m1; j++) this.da[j] = u[j] / q;
    const scale = -f / q;
    for (let i = 0; i < nb; i++) {
      const uk = u[i + first];
      const dQdb = version === 'A' ? sgn(b[i]) * Math.abs(uk) : side * uk;
      this.db[i] = scale * dQdb;
    }
  }
}
