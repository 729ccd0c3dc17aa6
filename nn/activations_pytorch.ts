// The rest of torch.nn's elementwise activations as modules, with PyTorch's names and defaults:
// each is the op of the same name (ops/unary_table.ts, where its gradient is declared), its
// hyperparameters checked once, at construction. With nn/activation.ts, PReLU, RReLU and SiLU
// this completes torch.nn's elementwise list; the activations over one axis (GLU, Softmax, ...)
// are in nn/activations_dim.ts.
import { checkFinite, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import {
  gelu, hardshrink, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, softshrink, softsign, tanhshrink, threshold,
} from '../ops/unary.js';
import { checkInput } from './checks.js';
import { Module } from './module.js';

/** x·Φ(x) (Hendrycks & Gimpel, 2016); approximate 'tanh' uses the tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') fail('GELU', `approximate must be 'none' or 'tanh', got ${String(approximate)}`);
    this.approximate = approximate;
  }

  override forward(x: Tensor): Tensor {
    return gelu(checkInput('GELU', x, ['...']), this.approximate);
  }

  override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

/** min(max(x, minVal), maxVal). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;

  constructor(minVal = -1, maxVal = 1) {
    super();
    this.minVal = checkFinite('Hardtanh', 'minVal', minVal);
    this.maxVal = checkFinite('Hardtanh', 'maxVal', maxVal);
    if (minVal >= maxVal) fail('Hardtanh', `minVal (${minVal}) must be below maxVal (${maxVal})`);
  }

  override forward(x: Tensor): Tensor {
    return hardtanh(checkInput('Hardtanh', x, ['...']), this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** x·relu6(x + 3)/6 (Howard et al., 2019, MobileNetV3). */
export class Hardswish extends Module {
  override forward(x: Tensor): Tensor {
    return hardswish(checkInput('Hardswish', x, ['...']));
  }
}

/** relu6(x + 3)/6 (Howard et al., 2019). */
export class Hardsigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return hardsigmoid(checkInput('Hardsigmoid', x, ['...']));
  }
}

/** x·tanh(softplus(x)) (Misra, 2019). */
export class Mish extends Module {
  override forward(x: Tensor): Tensor {
    return mish(checkInput('Mish', x, ['...']));
  }
}

/** x/(1 + |x|). */
export class Softsign extends Module {
  override forward(x: Tensor): Tensor {
    return softsign(checkInput('Softsign', x, ['...']));
  }
}

/** log(sigmoid(x)), stable for any x. */
export class LogSigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return logsigmoid(checkInput('LogSigmoid', x, ['...']));
  }
}

/** x − tanh(x). */
export class Tanhshrink extends Module {
  override forward(x: Tensor): Tensor {
    return tanhshrink(checkInput('Tanhshrink', x, ['...']));
  }
}

/** x − λ above λ, x + λ below −λ, 0 between. */
export class Softshrink extends Module {
  readonly lambd: number;

  constructor(lambd = 0.5) {
    super();
    if (checkFinite('Softshrink', 'lambd', lambd) < 0) fail('Softshrink', `lambd must be at least 0, got ${lambd}`);
    this.lambd = lambd;
  }

  override forward(x: Tensor): Tensor {
    return softshrink(checkInput('Softshrink', x, ['...']), this.lambd);
  }

  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

/** x where |x| > λ, else 0. */
export class Hardshrink extends Module {
  readonly lambd: number;

  constructor(lambd = 0.5) {
    super();
    this.lambd = checkFinite('Hardshrink', 'lambd', lambd);
  }

  override forward(x: Tensor): Tensor {
    return hardshrink(checkInput('Hardshrink', x, ['...']), this.lambd);
  }

  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

/** x where x > threshold, else value; both are required, as in torch.nn.Threshold. */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;

  constructor(threshold: number, value: number) {
    super();
    this.threshold = checkFinite('Threshold', 'threshold', threshold);
    this.value = checkFinite('Threshold', 'value', value);
  }

  override forward(x: Tensor): Tensor {
    return threshold(checkInput('Threshold', x, ['...']), this.threshold, this.value);
  }

  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}
