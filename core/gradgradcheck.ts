// gradgradcheck: checks second derivatives with the semantics of torch.autograd.gradgradcheck.
// For fn with differentiable outputs y and grad outputs v (random in [−1, 1] from a seeded
// generator of its own, or the caller's), it builds the vector–Jacobian product
//   F(x, v) = vᵀ·∂y/∂x        (one tensor per differentiable input, by grad(..., {createGraph}))
// and runs gradcheck on F over the inputs and the grad outputs: central differences of F against
// the recorded backward of the backward. So a wrong second-order rule (∂F/∂x) and a backward not
// linear in v (∂F/∂v) both show up as a Jacobian mismatch of F.
import { grad } from './autograd.js';
import { checkOptions, describe, fail, formatShape, TapegradError } from './errors.js';
import { checkTolerances, gradcheck, type GradcheckOptions, type GradcheckReport } from './gradcheck.js';
import { Generator } from './rng.js';
import { tidy } from './scope.js';
import { shapesEqual } from './shape.js';
import { enableGrad, noGrad } from './tape.js';
import { fromHost, Tensor } from './tensor.js';

export interface GradgradcheckOptions extends GradcheckOptions {
  /**
   * The grad outputs v, one per differentiable output of fn (float64, the output's shape). Those
   * that require grad are checked as inputs of vᵀJ too, as in torch. Default: uniform in [−1, 1],
   * requiring grad, drawn from a generator of its own (the user's random stream is untouched).
   */
  gradOutputs?: readonly Tensor[];
  /** Seed of the generator that draws the default grad outputs (default 0). */
  seed?: number;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const NAME = 'gradgradcheck';

interface OutputInfo {
  shape: readonly number[];
  dtype: string;
}

/** The differentiable outputs' shapes (fn run once with recording on, then freed). */
function differentiableOutputs(fn: Fn, inputs: readonly Tensor[]): OutputInfo[] {
  return enableGrad(() => tidy(() => {
    const result = fn(...inputs);
    if (!(result instanceof Tensor) && !Array.isArray(result)) fail(NAME, `fn must return a Tensor or an array of Tensors, got ${describe(result)}`);
    const list = result instanceof Tensor ? [result] : [...result];
    list.forEach((o, i) => {
      if (!(o instanceof Tensor)) fail(NAME, `fn must return a Tensor or an array of Tensors; output ${i} is ${describe(o)}`);
    });
    return list.filter((o) => o.requiresGrad).map((o) => ({ shape: [...o.shape], dtype: o.dtype }));
  }));
}

function randomGradOutputs(outputs: OutputInfo[], seed: number, like: Tensor): Tensor[] {
  const rng = new Generator(seed);
  return outputs.map((o) => {
    const size = o.shape.reduce((a, b) => a * b, 1);
    const values = Float64Array.from({ length: size }, () => 2 * rng.uniform() - 1);
    return fromHost(values, o.shape, like.backend).requiresGrad_();
  });
}

function checkGradOutputs(given: unknown, outputs: OutputInfo[]): Tensor[] {
  if (!Array.isArray(given)) fail(NAME, `gradOutputs must be an array of tensors (one per differentiable output), got ${describe(given)}`);
  if (given.length !== outputs.length) {
    fail(NAME, `gradOutputs has ${given.length} tensors, but fn has ${outputs.length} differentiable output(s) (shapes ${outputs.map((o) => formatShape(o.shape)).join(', ')})`);
  }
  return given.map((v, k) => {
    if (!(v instanceof Tensor)) fail(NAME, `gradOutputs[${k}] is ${describe(v)}, expected a Tensor`);
    if (v.dtype !== 'float64' || !shapesEqual(v.shape, outputs[k].shape)) {
      fail(NAME, `gradOutputs[${k}] must be float64 ${formatShape(outputs[k].shape)} like output ${k}, got ${v.dtype} ${formatShape(v.shape)}`);
    }
    return v;
  });
}

export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], options: GradgradcheckOptions = {}): GradcheckReport {
  checkOptions(NAME, options, ['eps', 'atol', 'rtol', 'fast', 'nondetTol', 'raiseException', 'gradOutputs', 'seed']);
  if (typeof fn !== 'function') fail(NAME, `fn must be a function of the input tensors, got ${describe(fn)}`);
  if (!Array.isArray(inputs)) fail(NAME, `inputs must be an array of tensors, got ${describe(inputs)}`);
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail(NAME, `input ${i} is ${describe(x)}, not a Tensor`);
    if (x.requiresGrad && x.dtype !== 'float64') fail(NAME, `input ${i} is ${x.dtype}; second derivatives are checked in float64: pass x.to('float64')`);
  });
  const diff = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (diff.length === 0) fail(NAME, 'no input requires grad: there is nothing to check');
  checkTolerances(NAME, { eps: options.eps ?? 1e-6, atol: options.atol ?? 1e-5, rtol: options.rtol ?? 1e-3, nondetTol: options.nondetTol ?? 0 });
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail(NAME, `seed must be an integer, got ${describe(seed)}`);

  const outputs = differentiableOutputs(fn, inputs);
  if (outputs.length === 0) fail(NAME, 'no output of fn requires grad: fn does not depend on any input that requires grad');
  outputs.forEach((o, k) => {
    if (o.dtype !== 'float64') fail(NAME, `differentiable output ${k} is ${o.dtype}; second derivatives are checked in float64`);
  });
  const own = options.gradOutputs === undefined;
  const vs = own ? randomGradOutputs(outputs, seed, inputs[diff[0]]) : checkGradOutputs(options.gradOutputs, outputs);

  // F(x..., v...) = the gradients of fn's differentiable outputs (weighted by v) w.r.t. the
  // differentiable inputs, recorded so that gradcheck can differentiate them again. Inputs that do
  // not reach an output give no gradient and no output of F, as torch's allow_unused.
  const n = inputs.length;
  // which input each output of F is the gradient of (F leaves out the inputs that get none)
  let gradientOf: number[] = [];
  const vjp: Fn = (...args) => enableGrad(() => {
    const xs = args.slice(0, n);
    const result = fn(...xs);
    const ys = (result instanceof Tensor ? [result] : [...result]).filter((o) => o.requiresGrad);
    const gs = grad(ys, diff.map((i) => xs[i]), { gradOutputs: args.slice(n), createGraph: true });
    gradientOf = diff.filter((_, j) => gs[j] !== null);
    return gs.filter((g): g is Tensor => g !== null);
  });
  const { raiseException, gradOutputs: _v, seed: _s, ...checkOptionsForF } = options;
  try {
    const report = gradcheck(vjp, [...inputs, ...vs], { ...checkOptionsForF, raiseException: false });
    const message = report.ok ? report.message.replace(/^gradcheck/, NAME) : `${NAME}: ${describeFailure(report, n, gradientOf)}`;
    const full: GradcheckReport = { ...report, message };
    if (!report.ok && (raiseException ?? true)) {
      const error = new TapegradError(NAME, describeFailure(report, n, gradientOf));
      (error as TapegradError & { report?: GradcheckReport }).report = full;
      throw error;
    }
    return full;
  } finally {
    if (own) noGrad(() => vs.forEach((v) => v.dispose()));
  }
}

/** gradcheck's message about F, said in terms of fn: which second derivative is wrong. */
function describeFailure(report: GradcheckReport, n: number, gradientOf: readonly number[]): string {
  const problems: string[] = [];
  const w = report.worst;
  if (w) {
    const wrt = w.input < n ? `input ${w.input}` : `gradOutputs[${w.input - n}]`;
    const of = `the gradient of input ${gradientOf[w.output] ?? w.output}`;
    const at = w.element >= 0 ? ` at element ${w.outputElement} of the gradient, element ${w.element} of ${wrt}` : ' (random projection)';
    problems.push(
      `second derivative mismatch: d(${of})/d(${wrt})${at}: analytic ${w.analytic}, numeric ${w.numeric} (|diff| ${Math.abs(w.analytic - w.numeric).toExponential(3)})`,
    );
  }
  if (!report.reentrant) problems.push('the double backward is not reentrant: two passes differ by more than nondetTol');
  if (!report.zeroGradOutputGivesZero) problems.push('the double backward is not multiplied by its grad output: a zero grad output gave nonzero gradients');
  return problems.join('; ');
}
