// Adaptive Dormand–Prince 5(4), following torchdiffeq (spec gode.md §2.3):
// - error ratio r = norm of err / (atol + rtol·max(|y0|, |y1|)), RMS over all elements (the
//   largest RMS over the components of a multi-tensor state); a step is accepted iff r ≤ 1, so a
//   NaN or infinite r (a stage overflowed, or f returned NaN) rejects it;
// - controller: h ← h·min(10, max(0.9·r^(−1/5), r < 1 ? 1 : 0.2)), and 10·h when r = 0; a
//   non-finite r shrinks h by the smallest factor, 0.2, until the step is finite or h underflows
//   (an error naming the time reached: the solution blows up or is not finite there);
// - the first step by Hairer–Nørsett–Wanner's rule (one extra evaluation of f);
// - the solver steps past each requested time and reads the state there off the quartic dense
//   output fitted to y0, y1, the midpoint value and the end slopes (so y(T) after an overshoot
//   is the interpolant's value, not the step end's).
// Step sizes are host numbers computed from read-back norms: they are constants for autograd,
// so backprop through the solver differentiates the realised step sequence.
import { fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { noGrad } from '../../core/tape.js';
import type { Tensor } from '../../core/tensor.js';
import { DOPRI5 } from './tableau.js';
import type { Dynamics } from './fixed_grid.js';
import { combine, stateNorm, type State } from './state.js';

export interface AdaptiveOptions {
  rtol: number;
  atol: number;
  maxSteps: number;
  firstStep?: number;
}

export interface AdaptiveResult {
  states: State[];
  nfe: number;
  accepted: number;
  rejected: number;
}

/** Quartic coefficients [e, d, c, b, a] of y(t0 + x·h) = e + d·x + c·x² + b·x³ + a·x⁴. */
function fitQuartic(y0: State, y1: State, mid: State, f0: State, f1: State, h: number): State[] {
  return y0.map((_, i) => {
    const a = f1[i].sub(f0[i]).mul(2 * h).sub(y1[i].add(y0[i]).mul(8)).add(mid[i].mul(16));
    const b = f0[i].mul(5 * h).sub(f1[i].mul(3 * h)).add(y0[i].mul(18)).add(y1[i].mul(14)).sub(mid[i].mul(32));
    const c = f1[i].mul(h).sub(f0[i].mul(4 * h)).sub(y0[i].mul(11)).sub(y1[i].mul(5)).add(mid[i].mul(16));
    const d = f0[i].mul(h);
    return [y0[i], d, c, b, a];
  });
}

function evaluateQuartic(coefficients: State[], x: number): State {
  return coefficients.map(([e, d, c, b, a]) => e.add(d.add(c.add(b.add(a.mul(x)).mul(x)).mul(x)).mul(x)));
}

function initialStep(f: Dynamics, t0: number, y0: State, f0: State, rtol: number, atol: number): number {
  const scaled = (parts: State, base: State) => noGrad(() => stateNorm(parts.map((p, i) => p.div(base[i].abs().mul(rtol).add(atol)))));
  const d0 = scaled(y0, y0), d1 = scaled(f0, y0);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  const f1 = f(t0 + h0, combine(y0, h0, [1], [f0]));
  const d2 = noGrad(() => scaled(f1.map((v, i) => v.sub(f0[i])), y0)) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
  return Math.min(100 * h0, h1);
}

/** The step-size factor after a step with error ratio r (NaN and Infinity shrink the most). */
export function stepFactor(ratio: number): number {
  if (!Number.isFinite(ratio)) return 0.2;
  if (ratio === 0) return 10;
  return Math.min(10, Math.max(0.9 * ratio ** (-1 / 5), ratio < 1 ? 1 : 0.2));
}

/** `fn` names the public function in errors (odeint or odeintAdjoint). */
export function integrateDopri5(fn: string, f: Dynamics, y0: State, times: readonly number[], options: AdaptiveOptions): AdaptiveResult {
  let nfe = 0;
  const counted: Dynamics = (t, y) => {
    nfe++;
    return f(t, y);
  };
  const { rtol, atol } = options;
  const t0 = times[0];
  const direction = times[times.length - 1] >= t0 ? 1 : -1;
  let y = y0;
  const f0 = counted(t0, y);
  let fy = f0;
  const emitted = new Set<State>();
  let h = direction * (options.firstStep ?? initialStep(counted, t0, y, fy, rtol, atol));
  if (!(Math.abs(h) > 0 && Number.isFinite(h))) {
    fail(fn, `dopri5 cannot choose a first step at t = ${t0}: y0 or f(t0, y0) is not finite (initial step ${Math.abs(h)})`);
  }
  let tStart = t0, tEnd = t0;
  let interpolant: State[] | null = null;
  let interpolantStart: State | null = null;
  let accepted = 0, rejected = 0;
  const out: State[] = [];
  for (const target of times) {
    while (direction * (target - tEnd) > 0) {
      if (accepted + rejected >= options.maxSteps) fail(fn, `dopri5 took more than maxSteps = ${options.maxSteps} steps before t = ${target} (reached t = ${tEnd})`);
      if (tEnd + h === tEnd) {
        fail(fn, `dopri5 step size underflow at t = ${tEnd} (h = ${h}): the solution is not finite just past it, or the problem is stiff`);
      }
      const t1 = tEnd + h;
      // one attempted step per tidy scope: only the new state, slope and interpolant survive
      const step = tidy(() => {
        const ks: State[] = [fy];
        for (let i = 1; i < 7; i++) ks.push(counted(tEnd + DOPRI5.c[i] * h, combine(y, h, DOPRI5.a[i], ks)));
        const y1 = combine(y, h, DOPRI5.b, ks);
        const ratio = noGrad(() => {
          const error = combine(y.map((v) => v.mul(0)), h, DOPRI5.e, ks);
          return stateNorm(error.map((err, i) => err.div(y[i].abs().maximum(y1[i].abs()).mul(rtol).add(atol))));
        });
        if (!(ratio <= 1)) return { ratio, y1: null, f1: null, fit: null }; // NaN too
        const mid = combine(y, h, DOPRI5.mid, ks);
        return { ratio, y1, f1: ks[6], fit: fitQuartic(y, y1, mid, fy, ks[6], h) };
      });
      const ratio = step.ratio;
      if (step.y1 && step.f1 && step.fit) { // accepted: r ≤ 1
        // free the previous step's leftovers: its interpolant (whose constant term is the state
        // it started from) and its slope; the new interpolant starts from the current y
        interpolant?.forEach((cs) => cs.slice(1).forEach((t) => t.dispose()));
        if (interpolantStart && interpolantStart !== y0 && !emitted.has(interpolantStart)) interpolantStart.forEach((t) => t.dispose());
        if (fy !== f0) fy.forEach((t) => t.dispose());
        interpolant = step.fit;
        interpolantStart = y;
        tStart = tEnd;
        tEnd = t1;
        y = step.y1;
        fy = step.f1;
        accepted++;
      } else rejected++;
      h *= stepFactor(ratio);
    }
    if (interpolant === null || target === tEnd) {
      out.push(target === tEnd ? y : y0);
      emitted.add(out[out.length - 1]);
    } else out.push(evaluateQuartic(interpolant, (target - tStart) / (tEnd - tStart)));
  }
  return { states: out, nfe, accepted, rejected };
}

export type { Tensor };
