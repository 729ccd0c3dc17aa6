// torch.optim.SGD: stochastic gradient descent with optional momentum, dampening, Nesterov
// momentum, L2 weight decay and maximize. Per step, with g the gradient (PyTorch 2's order:
// maximize negates g first, so weight decay still shrinks the weights when maximizing):
//   g ← −g if maximize;  g ← g + λθ;
//   b ← g at the first step, else μb + (1 − τ)g;  g ← g + μb if nesterov, else b;
//   θ ← θ − γg
import { fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { bool, finite, nonNegative } from './checks.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export type SGDOptions = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
};

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    super('SGD', params, defaults, options, ['momentum_buffer']);
  }

  protected check(g: SGDOptions): void {
    nonNegative('SGD', 'lr', g.lr);
    nonNegative('SGD', 'momentum', g.momentum);
    finite('SGD', 'dampening', g.dampening);
    nonNegative('SGD', 'weightDecay', g.weightDecay);
    bool('SGD', 'nesterov', g.nesterov);
    bool('SGD', 'maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      fail('SGD', `nesterov needs momentum > 0 and dampening 0, got momentum ${g.momentum}, dampening ${g.dampening}`);
    }
  }

  protected update(param: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(param.mul(g.weightDecay));
    if (g.momentum !== 0) {
      const previous = state.momentum_buffer as Tensor | undefined;
      // clone: at the first step d may be param.grad itself, which zeroGrad disposes
      const buffer = previous === undefined ? d.clone() : previous.mul(g.momentum).add(d.mul(1 - g.dampening));
      this.setState(state, 'momentum_buffer', buffer);
      d = g.nesterov ? d.add(buffer.mul(g.momentum)) : buffer;
    }
    param.assign(param.sub(d.mul(g.lr)));
  }
}
