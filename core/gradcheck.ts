// gradcheck: compares the gradients the tape computes with central finite differences, in
// float64, with the semantics of torch.autograd.gradcheck:
//   slow mode — the full Jacobian, column by column from (f(x + eps·e_j) − f(x − eps·e_j)) / 2eps,
//               against one backward per output element (rows vᵀJ with one-hot v);
//   fast mode — for random unit vectors u (per input) and v (per output), compares vᵀ(J·u) from
//               finite differences with (vᵀJ)·u from one backward, with atol scaled by Σu·Σv.
// Both modes also check that backward is reentrant (a second backward gives identical grads),
// that a zero grad-output gives zero grads, and that an unused input gets a zero gradient.
// |analytic − numeric| ≤ atol + rtol·|numeric| is the test, elementwise.
import { grad } from './autograd.js';
import { checkOptions, describe, fail, TapegradError } from './errors.js';
import { Generator } from './rng.js';
import { tidy } from './scope.js';
import { enableGrad, noGrad } from './tape.js';
import { fromHost, Tensor } from './tensor.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Random projections instead of full Jacobians (for large inputs). */
  fast?: boolean;
  /** Allowed difference between two backward passes (0: bit-identical). */
  nondetTol?: number;
  /** Throw on failure (default) or only report. */
  raiseException?: boolean;
}

export interface Mismatch {
  output: number;
  input: number;
  /** Flat element index into the input (slow mode), or -1 for a fast-mode projection. */
  element: number;
  /** Flat element index into the output (slow mode), or -1. */
  outputElement: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckReport {
  ok: boolean;
  mode: 'slow' | 'fast';
  /** Largest |analytic − numeric| seen. */
  maxAbsError: number;
  /** The comparison that failed worst (exceeded its tolerance by the largest margin), if any. */
  worst: Mismatch | null;
  reentrant: boolean;
  zeroGradOutputGivesZero: boolean;
  message: string;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(result: Tensor | readonly Tensor[]): Tensor[] {
  if (!(result instanceof Tensor) && !Array.isArray(result)) fail('gradcheck', `fn must return a Tensor or an array of Tensors, got ${String(result)}`);
  const list = result instanceof Tensor ? [result] : [...result];
  list.forEach((o, i) => {
    if (!(o instanceof Tensor)) fail('gradcheck', `fn must return a Tensor or an array of Tensors; output ${i} is ${String(o)}`);
    if (o.dtype !== 'float64') fail('gradcheck', `output ${i} is ${o.dtype}; gradcheck works in float64 (cast inputs with .to('float64'))`);
  });
  return list;
}

function evaluate(fn: Fn, inputs: Tensor[]): Float64Array[] {
  return noGrad(() => tidy(() => outputsOf(fn(...inputs)).map((o) => Float64Array.from(o.data()))));
}

function hostTensor(values: Float64Array, like: Tensor): Tensor {
  return fromHost(values, like.shape, like.backend);
}

/** vᵀJ for each given grad-output set (one backward per set, on one forward). */
function vectorJacobianProducts(fn: Fn, inputs: Tensor[], diff: number[], gradOutputSets: Float64Array[][]): Float64Array[][] {
  return enableGrad(() => tidy(() => {
    const outputs = outputsOf(fn(...inputs));
    const results: Float64Array[][] = [];
    gradOutputSets.forEach((set, k) => {
      const usable = outputs.map((o, i) => ({ o, g: set[i] })).filter(({ o }) => o.requiresGrad);
      if (usable.length === 0) {
        results.push(diff.map((i) => new Float64Array(inputs[i].size)));
        return;
      }
      const grads = grad(
        usable.map(({ o }) => o),
        diff.map((i) => inputs[i]),
        { gradOutputs: usable.map(({ o, g }) => hostTensor(g, o)), retainGraph: k < gradOutputSets.length - 1 },
      );
      results.push(grads.map((g, j) => (g === null ? new Float64Array(inputs[diff[j]].size) : Float64Array.from(g.data()))));
    });
    return results;
  }));
}

/** eps, atol, rtol and nondetTol: finite, non-negative, eps > 0 (gradgradcheck shares this). */
export function checkTolerances(fn: string, values: { eps: unknown; atol: unknown; rtol: unknown; nondetTol: unknown }): void {
  for (const [name, v] of Object.entries(values)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(fn, `${name} must be a finite non-negative number, got ${describe(v)}`);
  }
  // central differences divide by 2·eps: eps = 0 gives 0/0 for every entry
  if (values.eps === 0) fail(fn, 'eps must be > 0 (the finite-difference step), got 0');
}

export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'fast', 'nondetTol', 'raiseException']);
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const nondetTol = options.nondetTol ?? 0;
  if (typeof fn !== 'function') fail('gradcheck', 'fn must be a function of the input tensors');
  if (!Array.isArray(inputs)) fail('gradcheck', 'inputs must be an array of tensors');
  checkTolerances('gradcheck', { eps, atol, rtol, nondetTol });
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail('gradcheck', `input ${i} is not a Tensor`);
    if (x.requiresGrad && x.dtype !== 'float64') fail('gradcheck', `input ${i} is ${x.dtype}; gradients are checked in float64: pass x.to('float64')`);
  });
  // fresh leaves with copied values: the check perturbs them, and must not reach into the graph
  // that produced an input (nor the caller's values)
  const xs = inputs.map((x) => (x.requiresGrad ? noGrad(() => x.clone()).requiresGrad_() : x));
  try {
    return checkAll(fn, xs, eps, atol, rtol, nondetTol, options);
  } finally {
    xs.forEach((x, i) => x !== inputs[i] && x.dispose());
  }
}

function checkAll(fn: Fn, xs: Tensor[], eps: number, atol: number, rtol: number, nondetTol: number, options: GradcheckOptions): GradcheckReport {
  const diff = xs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (diff.length === 0) fail('gradcheck', 'no input requires grad: there is nothing to check');

  const base = evaluate(fn, xs);
  const outSizes = base.map((o) => o.length);
  const report = options.fast
    ? fastCheck(fn, xs, diff, outSizes, eps, atol, rtol)
    : slowCheck(fn, xs, diff, outSizes, eps, atol, rtol);

  // structural checks: reentrancy and multiplication by the grad output
  const probe = outSizes.map((n) => Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13 - 0.4));
  const zero = outSizes.map((n) => new Float64Array(n));
  const [first, second, fromZero] = vectorJacobianProducts(fn, xs, diff, [probe, probe, zero]);
  let reentrant = true;
  first.forEach((g, j) => g.forEach((v, e) => {
    if (!(Math.abs(v - second[j][e]) <= nondetTol)) reentrant = false;
  }));
  const zeroGradOutputGivesZero = fromZero.every((g) => g.every((v) => v === 0));

  const problems: string[] = [];
  if (report.worst) {
    const w = report.worst;
    const where = w.element >= 0 ? `element ${w.element} of input ${w.input}, element ${w.outputElement} of output ${w.output}` : `input ${w.input}, output ${w.output} (random projection)`;
    problems.push(`Jacobian mismatch at ${where}: analytic ${w.analytic}, numeric ${w.numeric} (|diff| ${Math.abs(w.analytic - w.numeric).toExponential(3)}; atol ${atol}, rtol ${rtol})`);
  }
  if (!reentrant) problems.push(`backward is not reentrant: two backward passes differ by more than nondetTol ${nondetTol}`);
  if (!zeroGradOutputGivesZero) problems.push('backward is not multiplied by the grad output: a zero grad output gave nonzero gradients');
  const ok = problems.length === 0;
  const message = ok ? `gradcheck passed (${report.mode} mode, max |error| ${report.maxAbsError.toExponential(3)})` : `gradcheck: ${problems.join('; ')}`;
  const full: GradcheckReport = { ...report, ok, reentrant, zeroGradOutputGivesZero, message };
  if (!ok && (options.raiseException ?? true)) {
    const error = new TapegradError('gradcheck', problems.join('; '));
    (error as TapegradError & { report?: GradcheckReport }).report = full;
    throw error;
  }
  return full;
}

type PartialReport = Pick<GradcheckReport, 'mode' | 'maxAbsError' | 'worst'>;

/** Evaluates f with input `i` replaced by `values`, then restores it. */
function evaluateAt(fn: Fn, xs: Tensor[], i: number, values: Float64Array, original: Float64Array): Float64Array[] {
  xs[i].writeValues(values);
  try {
    return evaluate(fn, xs);
  } finally {
    xs[i].writeValues(original);
  }
}

function slowCheck(fn: Fn, xs: Tensor[], diff: number[], outSizes: number[], eps: number, atol: number, rtol: number): PartialReport {
  // numeric[j][o][e * outSize + r]: d output o element r / d input diff[j] element e
  const numeric = diff.map((i) => {
    const original = Float64Array.from(xs[i].data());
    const columns = outSizes.map((n) => new Float64Array(original.length * n));
    const work = Float64Array.from(original);
    for (let e = 0; e < original.length; e++) {
      work[e] = original[e] + eps;
      const plus = evaluateAt(fn, xs, i, work, original);
      work[e] = original[e] - eps;
      const minus = evaluateAt(fn, xs, i, work, original);
      work[e] = original[e];
      plus.forEach((p, o) => {
        for (let r = 0; r < p.length; r++) columns[o][e * p.length + r] = (p[r] - minus[o][r]) / (2 * eps);
      });
    }
    return columns;
  });
  // one backward per output element, with a one-hot grad output
  const oneHots: Float64Array[][] = [];
  outSizes.forEach((n, o) => {
    for (let r = 0; r < n; r++) {
      oneHots.push(outSizes.map((m, q) => {
        const v = new Float64Array(m);
        if (q === o) v[r] = 1;
        return v;
      }));
    }
  });
  const rows = oneHots.length > 0 ? vectorJacobianProducts(fn, xs, diff, oneHots) : [];
  let maxAbsError = 0;
  let worst: Mismatch | null = null;
  let worstExcess = 0;
  let row = 0;
  outSizes.forEach((n, o) => {
    for (let r = 0; r < n; r++, row++) {
      diff.forEach((i, j) => {
        const analyticRow = rows[row][j];
        for (let e = 0; e < analyticRow.length; e++) {
          const a = analyticRow[e];
          const num = numeric[j][o][e * n + r];
          const err = Math.abs(a - num);
          if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : Math.max(maxAbsError, err);
          const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(num));
          if (excess > worstExcess) {
            worstExcess = excess;
            worst = { output: o, input: i, element: e, outputElement: r, analytic: a, numeric: num };
          }
        }
      });
    }
  });
  return { mode: 'slow', maxAbsError, worst };
}

function unitVector(rng: Generator, n: number): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.uniform());
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function fastCheck(fn: Fn, xs: Tensor[], diff: number[], outSizes: number[], eps: number, atol: number, rtol: number): PartialReport {
  const rng = new Generator(20240601); // a private generator: the user's random stream is untouched
  const vs = outSizes.map((n) => unitVector(rng, n));
  const [vjp] = vectorJacobianProducts(fn, xs, diff, [vs]);
  let maxAbsError = 0;
  let worst: Mismatch | null = null;
  let worstExcess = 0;
  diff.forEach((i, j) => {
    const original = Float64Array.from(xs[i].data());
    const u = unitVector(rng, original.length);
    const plus = evaluateAt(fn, xs, i, original.map((x, e) => x + eps * u[e]), original);
    const minus = evaluateAt(fn, xs, i, original.map((x, e) => x - eps * u[e]), original);
    const sumU = u.reduce((s, x) => s + x, 0);
    let analyticTotal = 0;
    for (let e = 0; e < u.length; e++) analyticTotal += vjp[j][e] * u[e];
    outSizes.forEach((n, o) => {
      // the projection onto output o alone: the grad output is v on o and zero elsewhere
      const [single] = vectorJacobianProducts(fn, xs, [i], [outSizes.map((m, q) => (q === o ? vs[o] : new Float64Array(m)))]);
      let analytic = 0;
      for (let e = 0; e < u.length; e++) analytic += single[0][e] * u[e];
      let numeric = 0;
      for (let r = 0; r < n; r++) numeric += (vs[o][r] * (plus[o][r] - minus[o][r])) / (2 * eps);
      const sumV = vs[o].reduce((s, x) => s + x, 0);
      const err = Math.abs(analytic - numeric);
      maxAbsError = Number.isNaN(err) ? NaN : Math.max(maxAbsError, err);
      const excess = Number.isNaN(err) ? Infinity : err - (atol * sumU * sumV + rtol * Math.abs(numeric));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { output: o, input: i, element: -1, outputElement: -1, analytic, numeric };
      }
    });
    void analyticTotal;
  });
  return { mode: 'fast', maxAbsError, worst };
}
