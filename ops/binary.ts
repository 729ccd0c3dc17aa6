// Binary ops with NumPy broadcasting. Like the unary table, each op is declared once as scalar
// functions: its value and the gradient rules for each side, gradA(g, a, b, y) and
// gradB(g, a, b, y). The backward maps them over the broadcast shape and sums back to each
// input's shape. maximum/minimum split a tie's gradient evenly between the two sides.
import type { ElementwiseFn } from '../core/backend.js';
import { broadcastShapes } from '../core/shape.js';
import { record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { registerOp } from './registry.js';
import { asTensor, checkCompatible, mapKernel, sumTo, type TensorLike } from './util.js';

export interface BinaryDef {
  readonly name: string;
  readonly f: (a: number, b: number) => number;
  readonly gradA: (g: number, a: number, b: number, y: number) => number;
  readonly gradB: (g: number, a: number, b: number, y: number) => number;
  /** Where the property suite draws a and b. */
  readonly domainA: readonly [number, number];
  readonly domainB: readonly [number, number];
}

export const BINARY: Record<string, BinaryDef> = {
  add: { name: 'add', f: (a, b) => a + b, gradA: (g) => g, gradB: (g) => g, domainA: [-3, 3], domainB: [-3, 3] },
  sub: { name: 'sub', f: (a, b) => a - b, gradA: (g) => g, gradB: (g) => -g, domainA: [-3, 3], domainB: [-3, 3] },
  mul: { name: 'mul', f: (a, b) => a * b, gradA: (g, a, b) => g * b, gradB: (g, a) => g * a, domainA: [-3, 3], domainB: [-3, 3] },
  div: { name: 'div', f: (a, b) => a / b, gradA: (g, a, b) => g / b, gradB: (g, a, b, y) => (-g * y) / b, domainA: [-3, 3], domainB: [0.5, 3] },
  pow: {
    name: 'pow',
    f: (a, b) => Math.pow(a, b),
    gradA: (g, a, b) => (b === 0 ? 0 : g * b * Math.pow(a, b - 1)),
    // d/db a^b = a^b·log a, taken as 0 where a = 0 (the limit from the right for b > 0)
    gradB: (g, a, b, y) => (a === 0 ? 0 : g * y * Math.log(a)),
    domainA: [0.3, 3], domainB: [-2, 2],
  },
  maximum: {
    name: 'maximum', f: (a, b) => (a > b ? a : b),
    gradA: (g, a, b) => (a > b ? g : a === b ? 0.5 * g : 0), gradB: (g, a, b) => (b > a ? g : a === b ? 0.5 * g : 0),
    domainA: [-3, 3], domainB: [-3, 3],
  },
  minimum: {
    name: 'minimum', f: (a, b) => (a < b ? a : b),
    gradA: (g, a, b) => (a < b ? g : a === b ? 0.5 * g : 0), gradB: (g, a, b) => (b < a ? g : a === b ? 0.5 * g : 0),
    domainA: [-3, 3], domainB: [-3, 3],
  },
  atan2: {
    name: 'atan2', f: (a, b) => Math.atan2(a, b),
    gradA: (g, a, b) => (g * b) / (a * a + b * b), gradB: (g, a, b) => (-g * a) / (a * a + b * b),
    domainA: [0.3, 3], domainB: [-3, 3],
  },
};

for (const def of Object.values(BINARY)) registerOp(def.name, 'primitive');

export function binary(def: BinaryDef, aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = asTensor(def.name, aLike, typeof bLike === 'number' ? undefined : bLike);
  const b = asTensor(def.name, bLike, a);
  checkCompatible(def.name, [a, b]);
  const shape = broadcastShapes(def.name, a.shape, b.shape);
  const y = mapKernel({ name: def.name, fn: def.f }, [a, b], shape);
  const gradA: ElementwiseFn = { name: `${def.name}GradA`, fn: def.gradA };
  const gradB: ElementwiseFn = { name: `${def.name}GradB`, fn: def.gradB };
  return record(def.name, [a, b], y, (g) => [
    a.requiresGrad ? sumTo(mapKernel(gradA, [g, a, b, y], shape), a.shape) : null,
    b.requiresGrad ? sumTo(mapKernel(gradB, [g, a, b, y], shape), b.shape) : null,
  ], [a, b, y]);
}

export const add = (a: TensorLike, b: TensorLike) => binary(BINARY.add, a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary(BINARY.sub, a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary(BINARY.mul, a, b);
export const div = (a: TensorLike, b: TensorLike) => binary(BINARY.div, a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary(BINARY.pow, a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary(BINARY.maximum, a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary(BINARY.minimum, a, b);
export const atan2 = (a: TensorLike, b: TensorLike) => binary(BINARY.atan2, a, b);
