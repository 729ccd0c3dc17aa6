// odeint: solve dy/dt = f(t, y) from y(times[0]) = y0 and return y at every requested time,
// stacked into one tensor [len(times), ...y0.shape] — the torchdiffeq interface.
//   methods  euler, midpoint, rk4 (classical), rk4_38 (torchdiffeq's "rk4"), dopri5 (adaptive)
//   odeint          differentiates by backpropagation through every solver step (the tape):
//                   the exact gradient of the discrete map, memory growing with the steps;
//   odeintAdjoint   runs the forward pass untaped and gets gradients by solving the adjoint
//                   ODE backward in time: memory independent of the number of steps, and the
//                   gradient of the continuous problem (equal to the other within tolerance).
import { fail } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import { stack } from '../../ops/shape.js';
import { tidy } from '../../core/scope.js';
import { integrateDopri5 } from './dopri5.js';
import { integrateFixed, makeGrid, type Dynamics } from './fixed_grid.js';
import type { State } from './state.js';
import { FIXED_TABLEAUS } from './tableau.js';

export type OdeMethod = 'euler' | 'midpoint' | 'rk4' | 'rk4_38' | 'dopri5';
export const ODE_METHODS: readonly OdeMethod[] = ['euler', 'midpoint', 'rk4', 'rk4_38', 'dopri5'];

export interface OdeOptions {
  method?: OdeMethod;
  /** Fixed-grid methods: the step size (else the grid is `grid`, else the requested times). */
  stepSize?: number;
  grid?: readonly number[];
  /** dopri5: tolerances, step budget, and an optional first step. */
  rtol?: number;
  atol?: number;
  maxSteps?: number;
  firstStep?: number;
}

export interface OdeStats {
  /** Function evaluations of the forward solve. */
  nfe: number;
  accepted?: number;
  rejected?: number;
}

export function checkTimes(fn: string, times: readonly number[]): void {
  if (!Array.isArray(times) || times.length < 1 || !times.every(Number.isFinite)) fail(fn, `times must be a non-empty array of finite numbers, got ${JSON.stringify(times)}`);
  const direction = Math.sign(times[times.length - 1] - times[0]);
  for (let i = 1; i < times.length; i++) {
    if (Math.sign(times[i] - times[i - 1]) !== direction || direction === 0) fail(fn, `times must be strictly monotonic, got ${JSON.stringify(times)}`);
  }
}

/** Integrates a multi-tensor state; the building block of both odeint and the adjoint. */
export function solveState(fn: string, f: Dynamics, y0: State, times: readonly number[], options: OdeOptions): { states: State[]; stats: OdeStats } {
  const method = options.method ?? 'dopri5';
  if (!ODE_METHODS.includes(method)) fail(fn, `method must be one of ${ODE_METHODS.join(', ')}, got ${String(method)}`);
  if (times.length === 1) return { states: [y0], stats: { nfe: 0 } };
  if (method === 'dopri5') {
    const rtol = options.rtol ?? 1e-7, atol = options.atol ?? 1e-9;
    if (!(rtol >= 0) || !(atol >= 0) || rtol + atol === 0) fail(fn, `rtol and atol must be non-negative and not both 0, got ${rtol}, ${atol}`);
    const result = integrateDopri5(f, y0, times, { rtol, atol, maxSteps: options.maxSteps ?? 10000, firstStep: options.firstStep });
    return { states: result.states, stats: { nfe: result.nfe, accepted: result.accepted, rejected: result.rejected } };
  }
  const t0 = times[0], t1 = times[times.length - 1];
  let grid: readonly number[];
  if (options.stepSize !== undefined) grid = makeGrid(t0, t1, options.stepSize);
  else if (options.grid) {
    grid = options.grid;
    if (grid[0] !== t0 || grid[grid.length - 1] !== t1) fail(fn, `grid must start at ${t0} and end at ${t1}`);
    checkTimes(fn, grid);
  } else grid = times;
  const result = integrateFixed(f, FIXED_TABLEAUS[method], y0, grid, times);
  return { states: result.states, stats: { nfe: result.nfe } };
}

/** Backpropagation through the solver: every step is recorded on the tape. */
export function odeint(f: (t: number, y: Tensor) => Tensor, y0: Tensor, times: readonly number[], options: OdeOptions = {}): { ys: Tensor; stats: OdeStats } {
  checkTimes('odeint', times);
  let stats: OdeStats = { nfe: 0 };
  const ys = tidy(() => {
    const solved = solveState('odeint', (t, [y]) => [f(t, y)], [y0], times, options);
    stats = solved.stats;
    return stack(solved.states.map(([y]) => y));
  });
  return { ys, stats };
}
