// The functions a PAU can start out as (specs/pau.md §2). The piecewise-linear ones have no
// Taylor series at 0, so they are fitted by least squares on [−3, 3); the smooth ones use their
// exact [m/n] Padé approximant at 0, as the paper's Table 6 does.
import { type Fraction, sigmoidSeries, swishSeries, tanhSeries } from './pade.js';

export interface FittedTarget {
  readonly kind: 'fit';
  readonly f: (x: number) => number;
}

export interface PadeTarget {
  readonly kind: 'pade';
  readonly f: (x: number) => number;
  /** Taylor coefficients c_0 … c_K at 0, exactly. */
  readonly series: (K: number) => Fraction[];
}

export type Target = FittedTarget | PadeTarget;

const leaky = (slope: number): FittedTarget => ({ kind: 'fit', f: (x) => (x >= 0 ? x : slope * x) });
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Named targets, with rational_activations' names ("leaky_relu_0.01" is its plain "leaky_relu"). */
export const PAU_TARGETS = {
  relu: leaky(0),
  'leaky_relu_0.01': leaky(0.01),
  'leaky_relu_0.2': leaky(0.2),
  'leaky_relu_0.25': leaky(0.25),
  'leaky_relu_0.3': leaky(0.3),
  'leaky_relu_-0.5': leaky(-0.5),
  sigmoid: { kind: 'pade', f: sigmoid, series: sigmoidSeries },
  tanh: { kind: 'pade', f: Math.tanh, series: tanhSeries },
  swish: { kind: 'pade', f: (x: number) => x * sigmoid(x), series: swishSeries },
} as const satisfies Record<string, Target>;

export type PauTargetName = keyof typeof PAU_TARGETS;
