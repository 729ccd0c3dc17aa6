// Loss modules with PyTorch's names and defaults (torch.nn.MSELoss, L1Loss, SmoothL1Loss,
// HuberLoss; the classification losses are in nn/loss_classification.ts). Each is the function of
// ops/loss*.ts with its options fixed when the module is built, and checked there, so a bad
// reduction fails at the line that wrote it, naming the module.
import { checkFinite, checkOptions, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss, type Reduction } from '../ops/loss.js';
import { checkReduction } from '../ops/loss_common.js';
import { Module } from './module.js';

/** What every loss module shares: a reduction ('mean' by default), checked when built. */
export abstract class Loss<R extends string = Reduction> extends Module {
  readonly reduction: R;

  protected constructor(layer: string, reduction: R | undefined, allowed: readonly R[] = ['none', 'mean', 'sum'] as unknown as R[]) {
    super();
    const r = reduction ?? ('mean' as R);
    checkReduction(layer, r, allowed);
    this.reduction = r;
  }

  abstract override forward(input: Tensor, target: unknown): Tensor;

  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

/** A positive number option (beta, delta). */
function positive(layer: string, name: string, value: number): number {
  if (checkFinite(layer, name, value) <= 0) fail(layer, `${name} must be positive, got ${value}`);
  return value;
}

export interface ReductionOptions { reduction?: Reduction }

/** Mean squared error (x − y)². */
export class MSELoss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('MSELoss', checkOptions('MSELoss', options, ['reduction']).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error |x − y|. */
export class L1Loss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('L1Loss', checkOptions('L1Loss', options, ['reduction']).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** 0.5·d²/beta where |d| < beta, else |d| − 0.5·beta (beta 1 by default). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: ReductionOptions & { beta?: number } = {}) {
    super('SmoothL1Loss', checkOptions('SmoothL1Loss', options, ['reduction', 'beta']).reduction);
    this.beta = positive('SmoothL1Loss', 'beta', options.beta ?? 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** 0.5·d² where |d| < delta, else delta·(|d| − 0.5·delta) (delta 1 by default). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: ReductionOptions & { delta?: number } = {}) {
    super('HuberLoss', checkOptions('HuberLoss', options, ['reduction', 'delta']).reduction);
    this.delta = positive('HuberLoss', 'delta', options.delta ?? 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}
