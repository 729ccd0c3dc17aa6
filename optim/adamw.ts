// torch.optim.AdamW: Adam with decoupled weight decay (Loshchilov & Hutter): the weights shrink
// by γλ directly, θ ← θ(1 − γλ), instead of λθ being added to the gradient, so the decay is not
// rescaled by Adam's per-coordinate step sizes. Default weightDecay 1e-2, as PyTorch.
import { ADAM_STATE, AdamFamily, adamDefaults, type AdamOptions } from './adam.js';
import type { ParamsInput } from './optimizer.js';

export class AdamW extends AdamFamily {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, adamDefaults(1e-2, true), options, ADAM_STATE);
  }
}
