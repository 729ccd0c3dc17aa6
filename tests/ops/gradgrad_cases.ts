// The second-order property of every twice-differentiable op: the first-order suite's draws
// (gradient_cases.ts), each gradgradchecked in float64: the recorded backward of the backward
// against central differences of the vector–Jacobian product (core/gradgradcheck.ts).
// gradgrad.test.ts runs them all; gradgrad_harness.test.ts proves they can fail.
import fc from 'fast-check';
import * as tg from '../../index.js';
import { UNARY } from '../../ops/unary_table.js';
import { f64, GRADIENT_PROPERTIES, type GradProperty, shapeArb } from './gradient_cases.js';
import { uniform } from '../pau/reference.js';

// Unary ops are drawn uniformly in value over their domain (fc.double is uniform over bit patterns,
// so almost every draw would sit near 0 and a rule active above a threshold would go unexercised),
// away from their kinks. Where the second derivative has a kink that the first has not (softsign's
// f'' jumps from 2 to −2 at 0), central differences of the gradient are wrong within eps of it, so
// those draws are kept away from it too.
const SECOND_ORDER_KINKS: Record<string, number[]> = { softsign: [0] };
const MARGIN = 0.1;
const awayFrom = (v: number, kinks: readonly number[]) => {
  for (const k of kinks) if (Math.abs(v - k) < MARGIN) return v >= k ? k + MARGIN : k - MARGIN;
  return v;
};

const SECOND_ORDER_PROPERTIES: Record<string, GradProperty> = {};
for (const def of Object.values(UNARY)) {
  if (def.gradKind !== 'primitive') continue;
  const kinks = [...(def.kinks ?? []), ...(SECOND_ORDER_KINKS[def.name] ?? [])];
  SECOND_ORDER_PROPERTIES[def.name] = {
    arb: shapeArb().chain((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.array(uniform(def.domain[0], def.domain[1]), { minLength: n, maxLength: n }).map((vs) => ({ shape, values: vs.map((v) => awayFrom(v, kinks)) }));
    }),
    build: (spec) => {
      const { shape, values } = spec as { shape: number[]; values: number[] };
      return { inputs: [f64(values, shape)], fn: (x) => tg.unary(def, x) };
    },
  };
}

/** The draws of op `name` for the second-order suite. */
export function secondOrderProperty(name: string): GradProperty | undefined {
  return SECOND_ORDER_PROPERTIES[name] ?? GRADIENT_PROPERTIES[name];
}

/** Runs one op's draws through gradgradcheck; throws (fast-check's report) on the first failure. */
export function checkSecondOrderProperty(name: string, options: { numRuns?: number; seed?: number } = {}): void {
  const prop = secondOrderProperty(name);
  if (!prop) throw new Error(`no gradient property for '${name}'`);
  fc.assert(
    fc.property(prop.arb, (spec) => {
      tg.tidy(() => {
        const c = prop.build(spec);
        // the first-order case's tolerances (e.g. a trip through float32) hold for the second order too
        const { eps, atol, rtol } = c.options ?? {};
        tg.gradgradcheck(c.fn, c.inputs, { eps, atol, rtol });
      });
    }),
    { numRuns: options.numRuns ?? 10, seed: options.seed ?? 11, endOnFailure: true },
  );
}
