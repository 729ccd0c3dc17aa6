// APL, the adaptive piecewise linear unit (Agostinelli, Hoffman, Sadowski & Baldi, 2015,
// "Learning activation functions to improve deep neural networks"):
//
//   h(x) = max(0, x) + Σ_{s=1..S} a_s · max(0, −x + b_s)
//
// a ReLU plus S learned hinges that open to the left, each with a learned slope a_s ("slopes")
// and a learned position b_s ("hinges"); one set per channel (numParameters = C, axis 1 of the
// input, as PReLU) or one shared set. The paper learns one set per neuron, with S = 1 … 5.
//
// Initialisation: a_s = 0, so the unit starts as a ReLU and the slopes' gradient
// max(0, −x + b_s) is nonzero from the first step; b_s spread evenly over (−1, 1). (The paper's
// exact initial values are not given; a zero slope is the choice that leaves the network
// unchanged.) Written with relu, so at a hinge the gradient is relu's 0 side, and it runs on
// every backend.
import { fail } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { tensor } from '../core/creation.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, positiveInt } from './checks.js';
import { Module } from './module.js';
import { fullParameter, Parameter } from './parameter.js';

export interface APLOptions {
  /** The number of hinges S (default 2). */
  hinges?: number;
  /** 1 (one set of hinges for the layer, default) or the number of channels. */
  numParameters?: number;
}

export class APL extends Module {
  /** a_s per channel, shape [S, C]. */
  slopes: Parameter;
  /** b_s per channel, shape [S, C]. */
  hinges: Parameter;

  constructor({ hinges = 2, numParameters = 1 }: APLOptions = {}) {
    super();
    const S = positiveInt('APL', 'hinges', hinges);
    const C = positiveInt('APL', 'numParameters', numParameters);
    const positions = Array.from({ length: S }, (_, s) => -1 + (2 * (s + 0.5)) / S).flatMap((b) => new Array<number>(C).fill(b));
    this.slopes = fullParameter([S, C], 0);
    const values = tensor(positions, { shape: [S, C] });
    this.hinges = new Parameter(values);
    values.dispose(); // the parameter holds the storage
  }

  override forward(x: Tensor): Tensor {
    const layer = `APL(${this.extraRepr()})`;
    const [S, C] = this.slopes.shape;
    checkInput(layer, x, C === 1 ? ['...'] : ['N', C, '...']);
    if (x.rank === 0) fail(layer, 'expected an input with at least one axis, got a scalar');
    return tidy(() => {
      // every hinge at once: x as [1, ...x.shape] against a and b as [S, 1, C, 1, ..., 1]
      const along = [S, ...(C === 1 ? new Array<number>(x.rank).fill(1) : [1, C, ...new Array<number>(x.rank - 2).fill(1)])];
      const a = this.slopes.reshape(along);
      const b = this.hinges.reshape(along);
      const openings = b.sub(x.unsqueeze(0)).relu().mul(a).sum(0);
      return x.relu().add(openings);
    });
  }

  override extraRepr(): string {
    return `hinges=${this.slopes.shape[0]}, numParameters=${this.slopes.shape[1]}`;
  }
}
