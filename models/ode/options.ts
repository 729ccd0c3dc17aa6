// The checks odeint and odeintAdjoint run on their arguments before solving anything. A bad value
// here would otherwise surface far from its cause: a NaN maxSteps never stops the step loop, a
// string rtol compares as a number, a step size of 1e-12 asks for a trillion-point grid, and a
// plain array y0 fails deep inside the first stage.
import { fail } from '../../core/errors.js';
import { Tensor } from '../../core/tensor.js';

export type OdeMethod = 'euler' | 'midpoint' | 'rk4' | 'rk4_38' | 'dopri5';
export const ODE_METHODS: readonly OdeMethod[] = ['euler', 'midpoint', 'rk4', 'rk4_38', 'dopri5'];

export interface OdeOptions {
  method?: OdeMethod;
  /** Fixed-grid methods: the step size (else the grid is `grid`, else the requested times). */
  stepSize?: number;
  grid?: readonly number[];
  /** dopri5: tolerances and an optional first step (at most the span of the requested times). */
  rtol?: number;
  atol?: number;
  firstStep?: number;
  /** The step budget: dopri5's attempted steps (default 10,000), a fixed grid's steps (default 1,000,000). */
  maxSteps?: number;
}

const OPTION_NAMES = ['method', 'stepSize', 'grid', 'rtol', 'atol', 'firstStep', 'maxSteps'] as const;

export const DEFAULT_ADAPTIVE_STEPS = 10_000;
/** A fixed grid of a million steps is already minutes of work for a small model; more is a typo in stepSize. */
export const DEFAULT_FIXED_STEPS = 1_000_000;

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

export function checkTimes(fn: string, times: readonly number[], name = 'times'): void {
  if (!Array.isArray(times) || times.length < 1 || !times.every((t) => typeof t === 'number' && Number.isFinite(t))) {
    fail(fn, `${name} must be a non-empty array of finite numbers, got ${describe(times)}`);
  }
  const direction = Math.sign(times[times.length - 1] - times[0]);
  for (let i = 1; i < times.length; i++) {
    if (Math.sign(times[i] - times[i - 1]) !== direction || direction === 0) fail(fn, `${name} must be strictly monotonic, got ${describe(times)}`);
  }
}

/** f, y0 and times: the arguments every solve shares. */
export function checkProblem(fn: string, f: unknown, y0: unknown, times: readonly number[]): void {
  if (typeof f !== 'function') fail(fn, `f must be a function (t, y) => dy/dt, got ${describe(f)}`);
  if (!(y0 instanceof Tensor)) fail(fn, `y0 must be a Tensor, got ${describe(y0)} (wrap an array with tensor(...))`);
  checkTimes(fn, times);
}

/** Rejects unknown option names (own keys only: an inherited `toString` is no option) and bad values. */
export function checkOptions(fn: string, options: OdeOptions, times: readonly number[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(fn, `options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) fail(fn, `unknown option '${key}'; expected some of ${OPTION_NAMES.join(', ')}`);
  }
  const { method, stepSize, grid, rtol, atol, firstStep, maxSteps } = options;
  if (method !== undefined && !ODE_METHODS.includes(method)) fail(fn, `method must be one of ${ODE_METHODS.join(', ')}, got ${describe(method)}`);
  if (stepSize !== undefined && !(isNumber(stepSize) && stepSize > 0 && Number.isFinite(stepSize))) {
    fail(fn, `stepSize must be a positive finite number, got ${describe(stepSize)}`);
  }
  if (grid !== undefined) checkTimes(fn, grid, 'grid');
  for (const [name, value] of [['rtol', rtol], ['atol', atol]] as const) {
    if (value !== undefined && !(isNumber(value) && value >= 0 && Number.isFinite(value))) fail(fn, `${name} must be a non-negative finite number, got ${describe(value)}`);
  }
  if ((rtol ?? 1) + (atol ?? 1) === 0) fail(fn, 'rtol and atol must not both be 0 (the error ratio would divide by zero where y = 0)');
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps >= 1)) fail(fn, `maxSteps must be a positive integer, got ${describe(maxSteps)}`);
  if (firstStep !== undefined) {
    // as scipy's solve_ivp: a first step beyond the whole interval is a mistake, not a request
    const span = Math.abs(times[times.length - 1] - times[0]);
    if (!(isNumber(firstStep) && firstStep > 0 && firstStep <= span)) {
      fail(fn, `firstStep must be a positive number no larger than the span of times (${span}), got ${describe(firstStep)}`);
    }
  }
}

/** The number of steps a fixed grid of step `stepSize` over [t0, t1] takes, refused above the budget. */
export function checkGridSteps(fn: string, t0: number, t1: number, stepSize: number, maxSteps: number): number {
  const steps = Math.ceil(Math.abs(t1 - t0) / stepSize);
  if (!(steps <= maxSteps)) {
    fail(fn, `stepSize = ${stepSize} over [${t0}, ${t1}] needs ${steps} steps, more than maxSteps = ${maxSteps} (raise maxSteps if that many is meant)`);
  }
  return steps;
}

/** A short description of a received value for an error message. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `the string '${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (Array.isArray(v)) return v.length > 8 ? `an array of ${v.length} values` : `the array [${v.map((e) => (typeof e === 'string' ? `'${e}'` : String(e))).join(', ')}]`;
  if (typeof v === 'function') return 'a function';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  return String(v);
}
