// DEU, the layer: Differential Equation Units (specs/deu.md). Neuron f's activation is the
// closed-form solution of  a·y'' + b·y' + c·y = u(t)  with its own five learned coefficients, so
// each neuron learns its functional form (ReLU, ReQU, sigmoid, sinusoids, exponentials...).
// Input [N, F] (after Linear) or [N, C, H, W] (after Conv2d, one neuron per channel).
//
// The coefficients are one [numFeatures, 5] parameter with columns (a, b, c, c1, c2), named
// `coeffs` as in the reference's deu.py, so checkpoints move between the two. The math, and every
// deviation from the reference and the paper, is documented in ops/deu.ts.
import { tensor } from '../core/creation.js';
import { checkFinite, checkOptions, fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { deu } from '../ops/deu.js';
import { checkInput, positiveInt, positiveNumber } from './checks.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

/** Named starting forms (a, b, c, c1, c2): each is one subspace of spec §1.1. */
export const DEU_FORMS = {
  /** 0-1-0: y = H(t)·t, the paper's sine experiment starts here. */
  relu: [0, 1, 0, 0, 0],
  /** 1-0-0: y = H(t)·t²/2. */
  requ: [1, 0, 0, 0, 0],
  /** 0-0-1: y = σ(100·t), a near-hard step. */
  sigmoid: [0, 0, 1, 0, 0],
  /** 0-0-0: y = t. */
  identity: [0, 0, 0, 0, 0],
} as const;

export type DEUInit = 'uniform' | keyof typeof DEU_FORMS | readonly [number, number, number, number, number];

export interface DEUOptions {
  /** Coefficients below eps in magnitude count as zero (default 0.01). */
  eps?: number;
  /** Steepness of the smoothed step and delta (default 100). */
  s?: number;
  /** 'uniform' (the reference: a, b, c ~ U(0, 1), c1 = c2 = 0), a named form, or (a, b, c, c1, c2). */
  init?: DEUInit;
}

export class DEU extends Module {
  coeffs: Parameter;
  readonly numFeatures: number;
  readonly eps: number;
  readonly s: number;
  readonly init: DEUInit;

  constructor(numFeatures: number, options: DEUOptions = {}) {
    super();
    const { eps = 0.01, s = 100, init = 'uniform' } = checkOptions('DEU', options, ['eps', 's', 'init']);
    this.numFeatures = positiveInt('DEU', 'numFeatures', numFeatures);
    this.eps = positiveNumber('DEU', 'eps', eps);
    this.s = positiveNumber('DEU', 's', s);
    if (!(init === 'uniform' || (typeof init === 'string' && Object.hasOwn(DEU_FORMS, init)) || (Array.isArray(init) && init.length === 5))) {
      fail('DEU', `init must be 'uniform', one of ${Object.keys(DEU_FORMS).join(', ')}, or five numbers (a, b, c, c1, c2), got ${JSON.stringify(init)}`);
    }
    if (Array.isArray(init)) init.forEach((v, i) => checkFinite('DEU', `init[${i}]`, v));
    this.init = init;
    this.coeffs = fullParameter([numFeatures, 5]);
    this.resetParameters();
  }

  resetParameters(): void {
    const { dtype, backend } = this.coeffs;
    if (this.init === 'uniform') {
      uniform_(this.coeffs, 0, 1);
      // as the reference: the whole table drawn, then c1 = c2 = 0
      noGrad(() => tidy(() => void this.coeffs.assign(this.coeffs.mul(tensor([1, 1, 1, 0, 0], { dtype, backend: backend.name })))));
      return;
    }
    const row = typeof this.init === 'string' ? DEU_FORMS[this.init] : this.init;
    noGrad(() => tidy(() => void this.coeffs.assign(tensor(Array.from({ length: this.numFeatures }, () => [...row]), { dtype, backend: backend.name }))));
  }

  override forward(x: Tensor): Tensor {
    checkInput(`DEU(${this.extraRepr()})`, x, ['N', this.numFeatures], ['N', this.numFeatures, '...']);
    return deu(x, this.coeffs, { eps: this.eps, s: this.s });
  }

  override extraRepr(): string {
    return `numFeatures=${this.numFeatures}, eps=${this.eps}, s=${this.s}, init=${JSON.stringify(this.init)}`;
  }
}
