// defineUnary: an elementwise function of your own, declared exactly as the built-in activations
// are in ops/unary_table.ts — a scalar function, its gradient rule, and where finite differences
// may check it:
//
//   const bent = tg.defineUnary({
//     name: 'bentIdentity',
//     f: (x) => (Math.sqrt(x * x + 1) - 1) / 2 + x,
//     grad: (g, x) => g * (x / (2 * Math.sqrt(x * x + 1)) + 1),
//   });
//   bent(x);                       // on the CPU, or on WebGL: gpu.js compiles f's source
//   tg.gradcheckUnary(bent);       // gradcheck over the domain, away from the kinks
//
// With `grad2: (g, x, y, p0, p1) => g·d²y/dx²` as well, the op is twice differentiable (createGraph,
// tg.gradgradcheck), as the table's entries are; without it a second backward through the op
// throws, naming it.
//
// The GPU backend compiles the source text of f and grad, not the closures, so both must be
// self-contained: their arguments, number literals, Math.* and local variables. defineUnary runs
// each once from its source alone, so a function that reads anything else fails here, by name,
// rather than inside a shader compiler.
import { checkFinite, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { gradcheck, type GradcheckOptions, type GradcheckReport } from '../core/gradcheck.js';
import { tensor } from '../core/creation.js';
import type { Tensor } from '../core/tensor.js';
import { registerCustomOp } from './registry.js';
import { unary } from './unary.js';
import type { UnaryDef } from './unary_table.js';

export interface UnaryDefinition {
  /** The op's name on the tape and in listOps(). */
  name: string;
  /** y = f(x, p0, p1): the value, with up to two parameters. */
  f: (x: number, p0: number, p1: number) => number;
  /** g·dy/dx, given the incoming gradient g, x, y = f(x) and the parameters. */
  grad: (g: number, x: number, y: number, p0: number, p1: number) => number;
  /** g·d²y/dx² (optional, same arguments as grad): makes the op twice differentiable. */
  grad2?: (g: number, x: number, y: number, p0: number, p1: number) => number;
  /** The interval gradcheckUnary samples (default [-3, 3]). */
  domain?: readonly [number, number];
  /** Points where f is not differentiable; gradcheckUnary keeps away from them. */
  kinks?: readonly number[];
  /** Default values of the parameters p0, p1 (one per parameter f takes). */
  params?: readonly number[];
}

export type UnaryOp = ((x: Tensor, ...params: number[]) => Tensor) & { readonly def: UnaryDef };

/** Defines a differentiable elementwise op from a scalar function and its gradient rule. */
export function defineUnary(definition: UnaryDefinition): UnaryOp {
  if (definition === null || typeof definition !== 'object') fail('defineUnary', `expected { name, f, grad, domain, kinks }, got ${String(definition)}`);
  const { name, f, grad, grad2, domain = [-3, 3], kinks = [], params = [] } = definition;
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) fail('defineUnary', `name must be an identifier, got ${JSON.stringify(name)}`);
  const who = `defineUnary '${name}'`;
  if (typeof f !== 'function') fail(who, `f must be a function (x, p0, p1) => number, got ${typeof f}`);
  if (typeof grad !== 'function') fail(who, `grad must be a function (g, x, y, p0, p1) => number, got ${typeof grad}`);
  if (f.length > 3) fail(who, `f takes at most x and two parameters, but declares ${f.length} arguments`);
  if (grad.length > 5) fail(who, `grad takes at most (g, x, y, p0, p1), but declares ${grad.length} arguments`);
  if (grad2 !== undefined && typeof grad2 !== 'function') fail(who, `grad2 must be a function (g, x, y, p0, p1) => number, got ${typeof grad2}`);
  if (grad2 !== undefined && grad2.length > 5) fail(who, `grad2 takes at most (g, x, y, p0, p1), but declares ${grad2.length} arguments`);
  if (!Array.isArray(domain) || domain.length !== 2) fail(who, `domain must be [lo, hi], got ${JSON.stringify(domain)}`);
  const [lo, hi] = [checkFinite(who, 'domain[0]', domain[0]), checkFinite(who, 'domain[1]', domain[1])];
  if (!(lo < hi)) fail(who, `domain must have lo < hi, got [${lo}, ${hi}]`);
  if (!Array.isArray(kinks)) fail(who, `kinks must be an array of numbers, got ${typeof kinks}`);
  kinks.forEach((k, i) => checkFinite(who, `kinks[${i}]`, k));
  if (!Array.isArray(params) || params.length > 2) fail(who, `params must be an array of at most two numbers, got ${JSON.stringify(params)}`);
  params.forEach((p, i) => checkFinite(who, `params[${i}]`, p));
  if (params.length < f.length - 1) fail(who, `f takes ${f.length - 1} parameter(s) after x, so params must give their default values, got ${params.length}`);

  // the same points gradcheckUnary would use: each function must run from its own source there
  const probe = [lo, (lo + hi) / 2, hi];
  const standaloneF = standalone(who, 'f', f);
  const standaloneGrad = standalone(who, 'grad', grad);
  const standaloneGrad2 = grad2 && standalone(who, 'grad2', grad2);
  for (const x of probe) {
    const y = runStandalone(who, 'f', standaloneF, [x, params[0], params[1]]);
    runStandalone(who, 'grad', standaloneGrad, [1, x, y, params[0], params[1]]);
    if (standaloneGrad2) runStandalone(who, 'grad2', standaloneGrad2, [1, x, y, params[0], params[1]]);
  }

  registerCustomOp('defineUnary', name, 'primitive', grad2 !== undefined);
  const def: UnaryDef = { name, f, grad, ...(grad2 ? { grad2 } : {}), gradKind: 'primitive', params: [...params], domain: [lo, hi], kinks: [...kinks] };
  const arity = params.length;
  const op = (x: Tensor, ...given: number[]): Tensor => {
    if (given.length > arity) fail(name, `takes ${arity} parameter(s) after x, got ${given.length}`);
    return unary(def, x, params.map((p, i) => (i < given.length ? given[i] : p)));
  };
  Object.defineProperty(op, 'def', { value: def });
  Object.defineProperty(op, 'name', { value: name });
  return op as UnaryOp;
}

type Scalar = (...args: number[]) => unknown;

/** The function rebuilt from its source text alone, as the GPU backend will see it. */
function standalone(who: string, what: string, fn: Scalar): Scalar {
  const text = fn.toString().trim();
  // an arrow or a function expression evaluates as it is; a method shorthand `f(x) {...}` needs a function keyword
  const sources = [`return (${text});`, `return (function ${text});`];
  for (const source of sources) {
    try {
      return new Function(source)() as Scalar;
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
  }
  return fail(who, `${what} must be a function expression or an arrow function the GPU backend can compile; its source is: ${text.slice(0, 120)}`);
}

function runStandalone(who: string, what: string, fn: Scalar, args: number[]): number {
  let value: unknown;
  try {
    value = fn(...args);
  } catch (e) {
    if (e instanceof ReferenceError) {
      fail(who, `${what} uses something other than its arguments, literals and Math (${e.message}); the GPU backend compiles its source alone, so copy that value into the function`);
    }
    throw e;
  }
  if (typeof value !== 'number') fail(who, `${what}(${args.filter((a) => a !== undefined).join(', ')}) must return a number, got ${typeof value}`);
  return value;
}

export interface GradcheckUnaryOptions extends GradcheckOptions {
  /** How many points of the domain to check (default 64). */
  points?: number;
  /** Parameters to check with (default: the op's defaults). */
  params?: readonly number[];
}

/**
 * gradcheck for an elementwise op: its gradient rule against central differences, in float64, at
 * points spread over its domain and kept 0.1 away from its kinks (where no derivative exists).
 */
export function gradcheckUnary(op: UnaryOp, options: GradcheckUnaryOptions = {}): GradcheckReport {
  if (typeof op !== 'function' || !op.def) fail('gradcheckUnary', 'expected an op made by defineUnary');
  const { points = 64, params = op.def.params ?? [], ...gradcheckOptions } = options;
  if (!Number.isInteger(points) || points < 1) fail('gradcheckUnary', `points must be a positive integer, got ${String(points)}`);
  const [lo, hi] = op.def.domain;
  const kinks = op.def.kinks ?? [];
  const xs: number[] = [];
  for (let i = 0; i < points; i++) {
    const x = lo + ((i + 0.5) / points) * (hi - lo);
    if (kinks.every((k) => Math.abs(x - k) >= 0.1)) xs.push(x);
  }
  if (xs.length === 0) fail('gradcheckUnary', `no point of the domain [${lo}, ${hi}] is 0.1 away from the kinks`);
  return tidy(() => {
    const x = tensor(xs, { dtype: 'float64', requiresGrad: true });
    return gradcheck((t) => op(t, ...params), [x], gradcheckOptions);
  });
}
