// Fixed-grid Runge–Kutta solvers with torchdiffeq's grid semantics (spec gode.md §2.2):
// with a step size h on [t0, t1] the grid is t0 + j·h for j = 0 … ceil((t1 − t0)/h + 1) − 1 with
// its last point overwritten by t1 (so a step that does not divide the interval leaves a shorter
// last step); without one the grid is the requested times (or an explicit grid). The state at a
// requested time between grid points is interpolated linearly.
import { fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { checkGridSteps, DEFAULT_FIXED_STEPS } from './options.js';
import type { Tableau } from './tableau.js';
import { combine, type State } from './state.js';

export type Dynamics = (t: number, y: State) => State;

export function makeGrid(t0: number, t1: number, stepSize: number, maxSteps = DEFAULT_FIXED_STEPS): number[] {
  if (typeof stepSize !== 'number' || !(stepSize > 0) || !Number.isFinite(stepSize)) fail('makeGrid', `stepSize must be a positive finite number, got ${String(stepSize)}`);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) fail('makeGrid', `t0 and t1 must be finite numbers, got ${t0}, ${t1}`);
  checkGridSteps('makeGrid', t0, t1, stepSize, maxSteps);
  const direction = t1 >= t0 ? 1 : -1;
  const n = Math.ceil(Math.abs(t1 - t0) / stepSize + 1);
  const grid = Array.from({ length: n }, (_, j) => t0 + direction * j * stepSize);
  grid[grid.length - 1] = t1;
  return grid;
}

export interface FixedResult {
  states: State[];
  nfe: number;
}

/** Integrates over `grid` and returns the state at each of `times` (all within the grid's range). */
export function integrateFixed(f: Dynamics, tableau: Tableau, y0: State, grid: readonly number[], times: readonly number[]): FixedResult {
  let nfe = 0;
  const counted: Dynamics = (t, y) => {
    nfe++;
    return f(t, y);
  };
  const out: State[] = [];
  let next = 0;
  let y = y0;
  // the direction of the whole integration: the first emit below has t0 = t1, so it cannot tell
  const forward = grid[grid.length - 1] >= grid[0];
  const emit = (t0: number, ya: State, t1: number, yb: State) => {
    while (next < times.length && (forward ? times[next] <= t1 : times[next] >= t1)) {
      const t = times[next];
      if (t === t0) out.push(ya);
      else if (t === t1) out.push(yb);
      else {
        const w = (t - t0) / (t1 - t0);
        out.push(ya.map((a, i) => a.add(yb[i].sub(a).mul(w))));
      }
      next++;
    }
  };
  emit(grid[0], y, grid[0], y);
  for (let j = 0; j + 1 < grid.length; j++) {
    const t0 = grid[j], h = grid[j + 1] - t0;
    // one step per tidy scope: only the new state survives it (the tape keeps what backward needs)
    const y1 = tidy(() => {
      const ks: State[] = [];
      tableau.c.forEach((c, i) => ks.push(counted(t0 + c * h, combine(y, h, tableau.a[i], ks))));
      return combine(y, h, tableau.b, ks);
    });
    emit(t0, y, grid[j + 1], y1);
    if (y !== y0 && !out.includes(y)) y.forEach((t) => t.dispose());
    y = y1;
  }
  return { states: out, nfe };
}
