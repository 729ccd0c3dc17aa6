// torch.optim.Adam, with AMSGrad, L2 weight decay, maximize, and PyTorch 2.6's
// decoupledWeightDecay (which makes it AdamW; see adamw.ts). Per step t, with g the gradient:
//   g ← −g if maximize;  then either θ ← θ(1 − γλ) (decoupled) or g ← g + λθ (L2);
//   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
//   v_max ← max(v_max, v) if amsgrad (the raw second moment, as PyTorch's implementation);
//   θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)   with v_max in place of v if amsgrad
import type { Tensor } from '../core/tensor.js';
import { betas, bool, nonNegative, positive } from './checks.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export type AdamOptions = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupledWeightDecay: boolean;
};

export const ADAM_STATE = ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'];

export const adamDefaults = (weightDecay: number, decoupledWeightDecay: boolean): AdamOptions => ({
  lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false, decoupledWeightDecay,
});

/** Adam and AdamW share the update; they differ in name and default weight decay. */
export abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected check(g: AdamOptions): void {
    nonNegative(this.name, 'lr', g.lr);
    betas(this.name, g.betas);
    positive(this.name, 'eps', g.eps);
    nonNegative(this.name, 'weightDecay', g.weightDecay);
    bool(this.name, 'amsgrad', g.amsgrad);
    bool(this.name, 'maximize', g.maximize);
    bool(this.name, 'decoupledWeightDecay', g.decoupledWeightDecay);
  }

  protected update(param: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    const [beta1, beta2] = g.betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let d = g.maximize ? grad.neg() : grad;
    let theta = param;
    if (g.weightDecay !== 0) {
      if (g.decoupledWeightDecay) theta = param.mul(1 - g.lr * g.weightDecay);
      else d = d.add(param.mul(g.weightDecay));
    }
    // the buffers start at zero, so the first step's average is just (1 − β)·x
    const ema = (key: string, x: Tensor, beta: number) => {
      const previous = state[key] as Tensor | undefined;
      return this.setState(state, key, previous === undefined ? x.mul(1 - beta) : previous.mul(beta).add(x.mul(1 - beta)));
    };
    const m = ema('exp_avg', d, beta1);
    let v = ema('exp_avg_sq', d.mul(d), beta2);
    if (g.amsgrad) {
      const previous = state.max_exp_avg_sq as Tensor | undefined;
      // clone at the first step: exp_avg_sq is replaced (and disposed) by the next one
      v = this.setState(state, 'max_exp_avg_sq', previous === undefined ? v.clone() : previous.maximum(v));
    }
    const stepSize = g.lr / (1 - beta1 ** step);
    const denom = v.sqrt().div(Math.sqrt(1 - beta2 ** step)).add(g.eps);
    param.assign(theta.sub(m.div(denom).mul(stepSize)));
  }
}

export class Adam extends AdamFamily {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, adamDefaults(0, false), options, ADAM_STATE);
  }
}
