// The fixed activation functions as modules, as torch.nn.ReLU, LeakyReLU, ... : each is the
// elementwise op of the same name (ops/unary_table.ts, where its gradient is declared), with
// its hyperparameters checked once, at construction. The learnable and random activations
// have files of their own: PReLU, RReLU, SiLU (with a learnable β), Maxout and
// IdentityReLUMixture.
import { checkFinite, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { celu, elu, leakyRelu, relu, relu6, selu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { checkInput, positiveNumber } from './checks.js';
import { Module } from './module.js';

/** max(0, x) (Nair & Hinton, 2010). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(checkInput('ReLU', x, ['...']));
  }
}

/** x for x > 0, negativeSlope·x otherwise (Maas et al., 2013). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(checkInput('LeakyReLU', x, ['...']), this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** min(max(0, x), 6) (Krizhevsky, 2010). */
export class ReLU6 extends Module {
  override forward(x: Tensor): Tensor {
    return relu6(checkInput('ReLU6', x, ['...']));
  }
}

/** x for x > 0, α·(eˣ − 1) otherwise (Clevert et al., 2016). */
export class ELU extends Module {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    this.alpha = checkFinite('ELU', 'alpha', alpha);
  }

  override forward(x: Tensor): Tensor {
    return elu(checkInput('ELU', x, ['...']), this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x for x > 0, α·(e^{x/α} − 1) otherwise: ELU made continuously differentiable (Barron, 2017). */
export class CELU extends Module {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    if (checkFinite('CELU', 'alpha', alpha) === 0) fail('CELU', 'alpha must not be 0');
    this.alpha = alpha;
  }

  override forward(x: Tensor): Tensor {
    return celu(checkInput('CELU', x, ['...']), this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** λ·ELU_α(x) with the self-normalising constants λ ≈ 1.0507, α ≈ 1.6733 (Klambauer et al., 2017). */
export class SELU extends Module {
  override forward(x: Tensor): Tensor {
    return selu(checkInput('SELU', x, ['...']));
  }
}

export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(checkInput('Tanh', x, ['...']));
  }
}

export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(checkInput('Sigmoid', x, ['...']));
  }
}

/** log(1 + e^{βx})/β, and x itself where βx > threshold (where the two agree to float precision). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = positiveNumber('Softplus', 'beta', beta);
    this.threshold = checkFinite('Softplus', 'threshold', threshold);
  }

  override forward(x: Tensor): Tensor {
    return softplus(checkInput('Softplus', x, ['...']), this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
