// Binary ops with NumPy broadcasting. Like the unary table, each op is declared once as scalar
// functions: its value and the gradient rules for each side, gradA(g, a, b, y) and
// gradB(g, a, b, y). The backward maps them over the broadcast shape and sums back to each
// input's shape. maximum/minimum split a tie's gradient evenly between the two sides, and
// propagate NaN from either side as PyTorch does (a comparison with NaN is false, hence the
// `a !== a`); where either side is NaN, both sides get the whole gradient, as PyTorch's
// `grad.masked_fill(a < b, 0)` rules give.
import type { ElementwiseFn, NativeElementwise } from '../core/backend.js';
import { broadcastShapes, type Shape } from '../core/shape.js';
import { isGradEnabled, record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { binaryGrad } from './grad_ops.js';
import { registerOp } from './registry.js';
import { asTensor, checkCompatible, mapKernel, sumTo, type TensorLike } from './util.js';

export interface BinaryDef {
  readonly name: string;
  readonly f: (a: number, b: number) => number;
  readonly gradA: (g: number, a: number, b: number, y: number) => number;
  readonly gradB: (g: number, a: number, b: number, y: number) => number;
  /** The backend's native kernel for f, if it has one (the CPU's WebAssembly add, sub, mul, div). */
  readonly native?: NativeElementwise;
  /**
   * Second order (createGraph): g·∂²f/∂a², g·∂²f/∂a∂b, g·∂²f/∂b², with y standing for f(a, b).
   * They are the backward rules of gradA and gradB (ops/grad_ops.ts); absent, a second backward
   * through the op throws, naming it.
   */
  readonly gradAA?: (g: number, a: number, b: number, y: number) => number;
  readonly gradAB?: (g: number, a: number, b: number, y: number) => number;
  readonly gradBB?: (g: number, a: number, b: number, y: number) => number;
  /** Where the property suite draws a and b. */
  readonly domainA: readonly [number, number];
  readonly domainB: readonly [number, number];
}

export const BINARY: Record<string, BinaryDef> = {
  add: { name: 'add', native: 'add', f: (a, b) => a + b, gradA: (g) => g, gradB: (g) => g,
    gradAA: (g) => 0 * g, gradAB: (g) => 0 * g, gradBB: (g) => 0 * g,
    domainA: [-3, 3], domainB: [-3, 3] },
  sub: { name: 'sub', native: 'sub', f: (a, b) => a - b, gradA: (g) => g, gradB: (g) => -g,
    gradAA: (g) => 0 * g, gradAB: (g) => 0 * g, gradBB: (g) => 0 * g,
    domainA: [-3, 3], domainB: [-3, 3] },
  mul: { name: 'mul', native: 'mul', f: (a, b) => a * b, gradA: (g, a, b) => g * b, gradB: (g, a) => g * a,
    gradAA: (g) => 0 * g, gradAB: (g) => g, gradBB: (g) => 0 * g,
    domainA: [-3, 3], domainB: [-3, 3] },
  div: { name: 'div', native: 'div', f: (a, b) => a / b, gradA: (g, a, b) => g / b, gradB: (g, a, b, y) => (-g * y) / b,
    gradAA: (g) => 0 * g, gradAB: (g, a, b) => -g / (b * b), gradBB: (g, a, b, y) => (2 * g * y) / (b * b),
    domainA: [-3, 3], domainB: [0.5, 3] },
  pow: {
    name: 'pow',
    // as torch.pow (C's pow): pow(x, 0) = pow(1, y) = 1 even for NaN, NaN otherwise propagates,
    // and a negative base takes an integer exponent. Each case is spelled out because GLSL's pow
    // is undefined for a negative base and headless-gl gave pow(NaN, 2) = 0 and pow(-1, 2) = NaN.
    f: (a, b) => (b === 0 || a === 1 ? 1 : a !== a || b !== b ? a + b
      : a < 0 && Math.floor(b) === b ? (Math.floor(b / 2) * 2 === b ? 1 : -1) * Math.pow(-a, b)
      : Math.pow(a, b)),
    // b·a^(b−1) = b·y/a away from a = 0, so a negative base never reaches GLSL's pow
    gradA: (g, a, b, y) => (b === 0 ? 0 : a === 0 ? g * b * Math.pow(a, b - 1) : (g * b * y) / a),
    // d/db a^b = a^b·log a, taken as 0 where a = 0 (the limit from the right for b > 0)
    gradB: (g, a, b, y) => (a === 0 ? 0 : g * y * Math.log(a)),
    gradAA: (g, a, b, y) => (b === 0 ? 0 : a === 0 ? g * b * (b - 1) * Math.pow(a, b - 2) : (g * b * (b - 1) * y) / (a * a)),
    gradAB: (g, a, b, y) => (a === 0 ? 0 : (g * y * (1 + b * Math.log(a))) / a),
    gradBB: (g, a, b, y) => (a === 0 ? 0 : g * y * Math.log(a) * Math.log(a)),
    domainA: [0.3, 3], domainB: [-2, 2],
  },
  maximum: {
    name: 'maximum', f: (a, b) => (a > b || a !== a ? a : b),
    gradA: (g, a, b) => (a < b ? 0 : a === b ? 0.5 * g : g), gradB: (g, a, b) => (a > b ? 0 : a === b ? 0.5 * g : g),
    gradAA: (g) => 0 * g, gradAB: (g) => 0 * g, gradBB: (g) => 0 * g,
    domainA: [-3, 3], domainB: [-3, 3],
  },
  minimum: {
    name: 'minimum', f: (a, b) => (a < b || a !== a ? a : b),
    gradA: (g, a, b) => (a > b ? 0 : a === b ? 0.5 * g : g), gradB: (g, a, b) => (a < b ? 0 : a === b ? 0.5 * g : g),
    gradAA: (g) => 0 * g, gradAB: (g) => 0 * g, gradBB: (g) => 0 * g,
    domainA: [-3, 3], domainB: [-3, 3],
  },
  atan2: {
    // NaN tested first: headless-gl's atan(NaN, -1) gave π/2
    name: 'atan2', f: (a, b) => (a !== a || b !== b ? a + b : Math.atan2(a, b)),
    gradA: (g, a, b) => (g * b) / (a * a + b * b), gradB: (g, a, b) => (-g * a) / (a * a + b * b),
    gradAA: (g, a, b) => (-2 * g * a * b) / ((a * a + b * b) * (a * a + b * b)), gradAB: (g, a, b) => (g * (a * a - b * b)) / ((a * a + b * b) * (a * a + b * b)), gradBB: (g, a, b) => (2 * g * a * b) / ((a * a + b * b) * (a * a + b * b)),
    domainA: [0.3, 3], domainB: [-3, 3],
  },
};

for (const def of Object.values(BINARY)) registerOp(def.name, 'primitive', !!(def.gradAA && def.gradAB && def.gradBB));

export function binary(def: BinaryDef, aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = asTensor(def.name, aLike, typeof bLike === 'number' ? undefined : bLike);
  const b = asTensor(def.name, bLike, a);
  checkCompatible(def.name, [a, b]);
  const shape = broadcastShapes(def.name, a.shape, b.shape);
  const y = mapKernel({ name: def.name, fn: def.f, native: def.native }, [a, b], shape);
  // each side's gradient is an op of its own, so that createGraph can differentiate it again
  return record(def.name, [a, b], y, (g, needs) => {
    const fast = isGradEnabled() ? null : firstOrder(def.name, g, a, b, shape);
    return [
      needs[0] ? sumTo(fast?.[0]() ?? binaryGrad(def, 'A', g, a, b, y, shape), a.shape) : null,
      needs[1] ? sumTo(fast?.[1]() ?? binaryGrad(def, 'B', g, a, b, y, shape), b.shape) : null,
    ];
  }, [a, b, y]);
}

const NEG: ElementwiseFn = { name: 'neg', fn: (x: number) => -x, native: 'neg' };
const MUL: ElementwiseFn = { name: 'mul', fn: (x: number, y: number) => x * y, native: 'mul' };
const DIV: ElementwiseFn = { name: 'div', fn: (x: number, y: number) => x / y, native: 'div' };

/**
 * The first-order gradients of add, sub, mul and div (side A) as the native maps they are (g
 * itself for add): the same values as the table's rules, which map a four-input scalar function
 * (g, a, b, y) in JavaScript. Null (per side) where the table's rule runs. Under createGraph the
 * table's rules always run, since they are what the second backward differentiates.
 */
function firstOrder(op: string, g: Tensor, a: Tensor, b: Tensor, shape: Shape): [() => Tensor | null, () => Tensor | null] | null {
  switch (op) {
    case 'add': return [() => g, () => g];
    case 'sub': return [() => g, () => mapKernel(NEG, [g], shape)];
    case 'mul': return [() => mapKernel(MUL, [g, b], shape), () => mapKernel(MUL, [g, a], shape)];
    case 'div': return [() => mapKernel(DIV, [g, b], shape), () => null];
    default: return null;
  }
}

export const add = (a: TensorLike, b: TensorLike) => binary(BINARY.add, a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary(BINARY.sub, a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary(BINARY.mul, a, b);
export const div = (a: TensorLike, b: TensorLike) => binary(BINARY.div, a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary(BINARY.pow, a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary(BINARY.maximum, a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary(BINARY.minimum, a, b);
export const atan2 = (a: TensorLike, b: TensorLike) => binary(BINARY.atan2, a, b);
