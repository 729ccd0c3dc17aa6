// SReLU, the S-shaped rectified linear unit (Jin, Xu, Feng, Wei, Xiong & Yan, 2016, "Deep
// learning with S-shaped rectified linear activation units"): three linear pieces joined at two
// learned thresholds,
//
//          ⎧ t_r + a_r·(x − t_r)   x ≥ t_r
//   f(x) = ⎨ x                     t_l < x < t_r
//          ⎩ t_l + a_l·(x − t_l)   x ≤ t_l
//
// with four learned values per channel (axis 1 of the input, as PReLU) or shared by the layer.
// Written as the identity plus two hinges,
//
//   f(x) = x + (a_r − 1)·max(0, x − t_r) − (a_l − 1)·max(0, t_l − x),
//
// which is the formula above while t_l ≤ t_r, and stays continuous and piecewise linear if
// training moves the thresholds past each other (the three-case form would jump there). At a
// threshold the gradient is relu's 0 side, i.e. the middle piece's.
//
// Initialisation: t_l = 0, a_l = 0.01, t_r = 1, a_r = 1, i.e. a leaky ReLU, the paper's warm
// start (it then sets t_r from a quantile of the data; here it is a constant and learned).
import { checkFinite } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, positiveInt } from './checks.js';
import { alongChannels } from './channels.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';

export interface SReLUOptions {
  /** 1 (one set for the layer, default) or the number of channels. */
  numParameters?: number;
  /** Initial values (defaults: a leaky ReLU, tLeft 0, aLeft 0.01, tRight 1, aRight 1). */
  tLeft?: number;
  aLeft?: number;
  tRight?: number;
  aRight?: number;
}

export class SReLU extends Module {
  tLeft: Parameter;
  aLeft: Parameter;
  tRight: Parameter;
  aRight: Parameter;

  constructor({ numParameters = 1, tLeft = 0, aLeft = 0.01, tRight = 1, aRight = 1 }: SReLUOptions = {}) {
    super();
    const C = positiveInt('SReLU', 'numParameters', numParameters);
    this.tLeft = fullParameter([C], checkFinite('SReLU', 'tLeft', tLeft));
    this.aLeft = fullParameter([C], checkFinite('SReLU', 'aLeft', aLeft));
    this.tRight = fullParameter([C], checkFinite('SReLU', 'tRight', tRight));
    this.aRight = fullParameter([C], checkFinite('SReLU', 'aRight', aRight));
  }

  override forward(x: Tensor): Tensor {
    const layer = `SReLU(${this.extraRepr()})`;
    checkInput(layer, x, ['...']);
    return tidy(() => {
      const [tl, al, tr, ar] = [this.tLeft, this.aLeft, this.tRight, this.aRight].map((p) => alongChannels(layer, p, x));
      const right = x.sub(tr).relu().mul(ar.sub(1));
      const left = tl.sub(x).relu().mul(al.sub(1));
      return x.add(right).sub(left);
    });
  }

  override extraRepr(): string {
    return `numParameters=${this.tLeft.shape[0]}`;
  }
}
