// One rational function F = P/Q at one point, with every partial derivative the backward pass
// needs (specs/pau.md §1.4). The CPU kernels (pau.ts) call it per element; the coefficient
// fitter (nn/pau_init/fit.ts) calls it for its Jacobian rows. Two kernels repeat its arithmetic
// operation for operation, so a change here must be made there too (tests/wasm/ catch a
// mismatch): pau_54.ts (degrees (5, 4)) and, for float32, core/wasm/assembly/pau_general.ts.
//
// Overflow. P grows like |x|^m and Q like |x|^n, so evaluating them as written overflows long
// before F = P/Q does (x^5 passes float32's limit at |x| ≈ 5e7 and float64's at 6e61 although
// F ≈ 0.7·x stays finite). For |x| < UNSCALED_BELOW = 2^32, x^5 < 2^160 leaves the coefficients
// 2^860 of headroom, so the formula runs as written (no log2, no pow: the common case). Beyond,
// pau_far.ts divides P, Q, P′ and Q′ each by a power of two near its largest term: exact scalings,
// so the results keep the plain formula's bits wherever that one does not overflow, and stay
// finite and right up to float64's limit. (The gpu kernels, in float32, scale from |x| ≥ 2.)
// The partials, with R = P′ and S = Q′:
//   ∂F/∂x = (R − S·F)/Q,  ∂F/∂a_j = x^j/Q,  ∂F/∂b_k = −F·(∂Q/∂b_k)/Q.
//
// Signs. Wherever |z| is differentiated the derivative is sgn(z) = (z < 0 ? −1 : +1) (§1.5): at
// z = 0 this is CUDA's copysign(1, +0) = +1, so a coefficient that is exactly 0 still gets a
// gradient (the identity and Padé initialisations start with zeros and must be able to move).
import type { PauVersion } from '../backend.js';
import { evaluateFar } from './pau_far.js';

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
  /** The powers x^0 … x^d. */
  private readonly u: Float64Array;
  /** evaluateFar's results (f, dx, da…, db…) for |x| ≥ UNSCALED_BELOW. */
  private readonly far: Float64Array;
  readonly degree: number;

  constructor(readonly version: PauVersion, readonly numeratorLength: number, readonly denominatorLength: number) {
    this.degree = Math.max(numeratorLength - 1, denominatorLength - 1 + firstDenominatorPower(version), 0);
    this.u = new Float64Array(this.degree + 1);
    this.da = new Float64Array(numeratorLength);
    this.db = new Float64Array(denominatorLength);
    this.far = new Float64Array(2 + numeratorLength + denominatorLength);
  }

  /** Evaluates F at x for coefficients a (length m+1) and b; the partials only if `grads`. */
  evaluate(x: number, a: ArrayLike<number>, b: ArrayLike<number>, grads: boolean): void {
    const { u, degree: d, version } = this;
    const m1 = this.numeratorLength, nb = this.denominatorLength, first = firstDenominatorPower(version);
    if (Math.abs(x) >= UNSCALED_BELOW) {
      this.evaluateFar(x, a, b, grads);
      return;
    }
    u[0] = 1; // NaN x: NaN spreads through every power
    for (let j = 1; j <= d; j++) u[j] = u[j - 1] * x;

    let p = 0, dp = 0; // P and R = P′
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
    let q: number, dq: number, side: number; // Q, S = Q′, and the sign ∂|s|/∂s (1 where no |·|)
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

  private evaluateFar(x: number, a: ArrayLike<number>, b: ArrayLike<number>, grads: boolean): void {
    const { far, numeratorLength: m1, denominatorLength: nb } = this;
    evaluateFar(x, a, 0, m1, b, 0, nb, this.version, grads, far);
    this.f = far[0];
    if (!grads) return;
    this.dx = far[1];
    for (let j = 0; j < m1; j++) this.da[j] = far[2 + j];
    for (let i = 0; i < nb; i++) this.db[i] = far[2 + m1 + i];
  }
}
