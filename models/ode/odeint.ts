// odeint: solve dy/dt = f(t, y) from y(times[0]) = y0 and return y at every requested time,
// stacked into one tensor [len(times), ...y0.shape] — the torchdiffeq interface.
//   methods  euler, midpoint, rk4 (classical), rk4_38 (torchdiffeq's "rk4"), dopri5 (adaptive)
//   odeint          differentiates by backpropagation through every solver step (the tape):
//                   the exact gradient of the discrete map, memory growing with the steps;
//   odeintAdjoint   runs the forward pass untaped and gets gradients by solving the adjoint
//                   ODE backward in time: memory independent of the number of steps, and the
//                   gradient of the continuous problem (equal to the other within tolerance).
import { fail, formatShape } from '../../core/errors.js';
import { Tensor } from '../../core/tensor.js';
import { stack } from '../../ops/shape.js';
import { tidy } from '../../core/scope.js';
import { integrateDopri5 } from './dopri5.js';
import { integrateFixed, makeGrid, type Dynamics } from './fixed_grid.js';
import { checkGridSteps, checkOptions, checkProblem, DEFAULT_ADAPTIVE_STEPS, DEFAULT_FIXED_STEPS, describe, type OdeOptions } from './options.js';
import type { State } from './state.js';
import { FIXED_TABLEAUS } from './tableau.js';

export { checkTimes, ODE_METHODS, type OdeMethod, type OdeOptions } from './options.js';

export interface OdeStats {
  /** Function evaluations of the forward solve. */
  nfe: number;
  accepted?: number;
  rejected?: number;
}

/** Integrates a multi-tensor state; the building block of both odeint and the adjoint (options already checked). */
export function solveState(fn: string, f: Dynamics, y0: State, times: readonly number[], options: OdeOptions): { states: State[]; stats: OdeStats } {
  const method = options.method ?? 'dopri5';
  if (times.length === 1) return { states: [y0], stats: { nfe: 0 } };
  if (method === 'dopri5') {
    const rtol = options.rtol ?? 1e-7, atol = options.atol ?? 1e-9;
    const maxSteps = options.maxSteps ?? DEFAULT_ADAPTIVE_STEPS;
    const result = integrateDopri5(fn, f, y0, times, { rtol, atol, maxSteps, firstStep: options.firstStep });
    return { states: result.states, stats: { nfe: result.nfe, accepted: result.accepted, rejected: result.rejected } };
  }
  const t0 = times[0], t1 = times[times.length - 1];
  const maxSteps = options.maxSteps ?? DEFAULT_FIXED_STEPS;
  let grid: readonly number[];
  if (options.stepSize !== undefined) {
    checkGridSteps(fn, t0, t1, options.stepSize, maxSteps);
    grid = makeGrid(t0, t1, options.stepSize, maxSteps);
  } else if (options.grid) {
    grid = options.grid;
    if (grid[0] !== t0 || grid[grid.length - 1] !== t1) fail(fn, `grid must start at ${t0} and end at ${t1}, got [${grid[0]}, …, ${grid[grid.length - 1]}]`);
    if (grid.length - 1 > maxSteps) fail(fn, `grid has ${grid.length - 1} steps, more than maxSteps = ${maxSteps}`);
  } else grid = times;
  const result = integrateFixed(f, FIXED_TABLEAUS[method], y0, grid, times);
  return { states: result.states, stats: { nfe: result.nfe } };
}

/** f as the solvers call it: its result must be a Tensor of y's shape (else the error names f, not a stage). */
export function checkedDynamics(fn: string, f: (t: number, y: Tensor) => Tensor, shape: readonly number[]): Dynamics {
  return (t, [y]) => {
    const dy = f(t, y);
    if (!(dy instanceof Tensor) || dy.shape.length !== shape.length || dy.shape.some((d, i) => d !== shape[i])) {
      fail(fn, `f(t, y) must return a Tensor of y0's shape ${formatShape(shape)}, got ${describe(dy)} at t = ${t}`);
    }
    return [dy];
  };
}

/** Backpropagation through the solver: every step is recorded on the tape. */
export function odeint(f: (t: number, y: Tensor) => Tensor, y0: Tensor, times: readonly number[], options: OdeOptions = {}): { ys: Tensor; stats: OdeStats } {
  checkProblem('odeint', f, y0, times);
  checkOptions('odeint', options, times);
  let stats: OdeStats = { nfe: 0 };
  const ys = tidy(() => {
    const solved = solveState('odeint', checkedDynamics('odeint', f, y0.shape), [y0], times, options);
    stats = solved.stats;
    return stack(solved.states.map(([y]) => y));
  });
  return { ys, stats };
}
