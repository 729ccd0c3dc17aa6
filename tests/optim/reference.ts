// Hand-written float64 references for the optimizers, one plain loop per update formula, from
// PyTorch's documented algorithms (and its implementation where the two differ: maximize negates
// the gradient first; AMSGrad keeps the max of the raw second moment). Plus a driver that feeds
// the same gradients to a tapegrad optimizer and to a reference and compares after every step.
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose } from '../helpers.js';

export interface SGDHyper { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean }
export interface AdamHyper { lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean }

/** One parameter's reference state: its values and whatever buffers the rule keeps. */
export interface RefParam { theta: number[]; buf?: number[]; m?: number[]; v?: number[]; vmax?: number[]; t?: number }

export function sgdRef(p: RefParam, grad: number[], h: SGDHyper): void {
  const first = p.buf === undefined;
  if (h.momentum !== 0 && first) p.buf = new Array(grad.length).fill(0);
  p.theta = p.theta.map((theta, i) => {
    let g = h.maximize ? -grad[i] : grad[i];
    if (h.weightDecay !== 0) g = g + h.weightDecay * theta;
    if (h.momentum !== 0) {
      const b = first ? g : h.momentum * p.buf![i] + (1 - h.dampening) * g;
      p.buf![i] = b;
      g = h.nesterov ? g + h.momentum * b : b;
    }
    return theta - h.lr * g;
  });
}

export function adamRef(p: RefParam, grad: number[], h: AdamHyper, decoupled: boolean): void {
  const [b1, b2] = h.betas;
  const n = grad.length;
  p.t = (p.t ?? 0) + 1;
  p.m ??= new Array(n).fill(0);
  p.v ??= new Array(n).fill(0);
  p.vmax ??= new Array(n).fill(0);
  const bc1 = 1 - b1 ** p.t;
  const bc2 = 1 - b2 ** p.t;
  p.theta = p.theta.map((theta, i) => {
    let g = h.maximize ? -grad[i] : grad[i];
    if (h.weightDecay !== 0) {
      if (decoupled) theta = theta * (1 - h.lr * h.weightDecay);
      else g = g + h.weightDecay * theta;
    }
    p.m![i] = b1 * p.m![i] + (1 - b1) * g;
    p.v![i] = b2 * p.v![i] + (1 - b2) * g * g;
    p.vmax![i] = Math.max(p.vmax![i], p.v![i]);
    const mHat = p.m![i] / bc1;
    const vHat = (h.amsgrad ? p.vmax![i] : p.v![i]) / bc2;
    return theta - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
  });
}

/** A gradient that depends on the current values and the step, so errors would compound. */
export function syntheticGrad(theta: number[], t: number, k: number): number[] {
  return theta.map((x, i) => 0.7 * x + Math.sin(1.3 * t + 0.5 * i + k) - 0.2);
}

export function float64Param(values: tg.NestedArray): Tensor {
  return tg.tensor(values, { dtype: 'float64', requiresGrad: true });
}

/**
 * Runs `steps` steps of `optimizer` over `params` and of `refStep` over copies, with identical
 * gradients, and compares all values after each step at |error| ≤ 1e-14 + 1e-12·|expected|.
 * `refStep(i, p, grad)` updates reference parameter i.
 */
export function compareSteps(
  optimizer: { step(): void; zeroGrad(o?: { setToNone?: boolean }): void },
  params: Tensor[],
  refStep: (i: number, p: RefParam, grad: number[]) => void,
  steps: number,
  what: string,
  refs: RefParam[] = params.map((p) => ({ theta: Array.from(p.data()) })),
): RefParam[] {
  for (let t = 1; t <= steps; t++) {
    optimizer.zeroGrad();
    refs.forEach((ref, i) => {
      const grad = syntheticGrad(ref.theta, t, i);
      params[i].grad = tg.tensor(grad, { dtype: 'float64', shape: params[i].shape });
      refStep(i, ref, grad);
    });
    optimizer.step();
    params.forEach((p, i) => assertClose(p.data(), refs[i].theta, 1e-14, 1e-12, `${what}, step ${t}, param ${i}`));
  }
  optimizer.zeroGrad();
  return refs;
}
