// ResNet, Neural-ODE and Neural-GODE for MNIST (1×28×28) and CIFAR-10 (3×32×32), with the shared
// stem and head of the reference (spec gode.md §1.1):
//   stem  conv3×3(in→64, pad 0) → GN → ReLU → conv4×4(s2, p1) → GN → ReLU → conv4×4(s2, p1)
//   head  GN → ReLU → adaptive average pool to 1×1 → flatten → linear(64→10)
// Parameter counts (tested): MNIST 576,778 / 208,266 / 428,042 and CIFAR 1,613,706 / 209,418 /
// 724,106 for ResNet (6 / 20 blocks), Neural-ODE, Neural-GODE (k = 1, m = 4 / 8).
import type { Tensor } from '../../core/tensor.js';
import { adaptiveAvgPool2d } from '../../ops/pool.js';
import { relu } from '../../ops/unary.js';
import { Conv2d } from '../../nn/conv.js';
import { ModuleList, Sequential } from '../../nn/containers.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { ReLU } from '../../nn/activation.js';
import { odeint, type OdeOptions, type OdeStats } from '../ode/odeint.js';
import { odeintAdjoint } from '../ode/adjoint.js';
import { GODEFunc, groupNorm, ODEFunc, ResBlock } from './blocks.js';
import type { SplineConv2dOptions } from './spline_conv.js';

export type Dataset = 'mnist' | 'cifar10';

export function stem(inChannels: number, channels = 64): Sequential {
  return new Sequential(
    new Conv2d(inChannels, channels, 3),
    groupNorm(channels),
    new ReLU(),
    new Conv2d(channels, channels, 4, { stride: 2, padding: 1 }),
    groupNorm(channels),
    new ReLU(),
    new Conv2d(channels, channels, 4, { stride: 2, padding: 1 }),
  );
}

class Head extends Module {
  norm: ReturnType<typeof groupNorm>;
  fc: Linear;
  constructor(channels = 64, classes = 10) {
    super();
    this.norm = groupNorm(channels);
    this.fc = new Linear(channels, classes);
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(adaptiveAvgPool2d(relu(this.norm.forward(x)), 1).flatten(1));
  }
}

const inputChannels = (dataset: Dataset) => (dataset === 'mnist' ? 1 : 3);

export class ResNet extends Module {
  stem: Sequential;
  blocks: ModuleList;
  head: Head;

  constructor(options: { dataset?: Dataset; blocks?: number; channels?: number } = {}) {
    super();
    const dataset = options.dataset ?? 'mnist';
    const channels = options.channels ?? 64;
    this.stem = stem(inputChannels(dataset), channels);
    this.blocks = new ModuleList(Array.from({ length: options.blocks ?? (dataset === 'mnist' ? 6 : 20) }, () => new ResBlock(channels)));
    this.head = new Head(channels);
  }

  forward(x: Tensor): Tensor {
    let h = this.stem.forward(x);
    for (const block of this.blocks) h = (block as ResBlock).forward(h);
    return this.head.forward(h);
  }
}

export interface SolverOptions extends OdeOptions {
  /** Integrate over [0, T]. */
  T?: number;
  /** Gradients by the adjoint method instead of backprop through the solver. */
  adjoint?: boolean;
}

/** Solves dh/dt = func(t, h) over [0, T] from the stem's output; the paper's Euler, h = 0.05, by default. */
abstract class ODEModel extends Module {
  stem: Sequential;
  abstract func: Module & { forward(t: number, h: Tensor): Tensor };
  head: Head;
  readonly solver: SolverOptions;
  /** Statistics of the last forward solve. */
  lastStats: OdeStats = { nfe: 0 };

  constructor(dataset: Dataset, channels: number, solver: SolverOptions) {
    super();
    this.stem = stem(inputChannels(dataset), channels);
    this.head = new Head(channels);
    this.solver = { method: 'euler', stepSize: 0.05, ...solver };
  }

  forward(x: Tensor): Tensor {
    const h0 = this.stem.forward(x);
    const { T = 1, adjoint = false, ...options } = this.solver;
    const f = (t: number, h: Tensor) => this.func.forward(t, h);
    const solved = adjoint ? odeintAdjoint(f, h0, [0, T], this.func.parameters(), options) : odeint(f, h0, [0, T], options);
    this.lastStats = solved.stats;
    return this.head.forward(solved.ys.narrow(0, 1, 1).squeeze(0));
  }
}

export class NeuralODE extends ODEModel {
  func: ODEFunc;
  constructor(options: { dataset?: Dataset; channels?: number; solver?: SolverOptions } = {}) {
    super(options.dataset ?? 'mnist', options.channels ?? 64, options.solver ?? {});
    this.func = new ODEFunc(options.channels ?? 64);
  }
}

export class NeuralGODE extends ODEModel {
  func: GODEFunc;
  constructor(options: { dataset?: Dataset; channels?: number; spline?: SplineConv2dOptions; solver?: SolverOptions } = {}) {
    const dataset = options.dataset ?? 'mnist';
    super(dataset, options.channels ?? 64, options.solver ?? {});
    const T = options.solver?.T ?? 1;
    this.func = new GODEFunc(options.channels ?? 64, { degree: 1, count: dataset === 'mnist' ? 4 : 8, T, ...options.spline });
  }
}
