// Flatten, as torch.nn.Flatten: merges axes startDim..endDim (by default all but the batch
// axis), e.g. [N, C, H, W] → [N, C·H·W] between a convolution and a Linear layer.
import { checkInteger } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput } from './checks.js';
import { Module } from './module.js';

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = checkInteger('Flatten', 'startDim', startDim);
    this.endDim = checkInteger('Flatten', 'endDim', endDim);
  }

  override forward(x: Tensor): Tensor {
    // the axes must exist: startDim=1 needs at least 2 axes, endDim=-3 at least 3
    const needed = Math.max(...[this.startDim, this.endDim].map((d) => (d >= 0 ? d + 1 : -d)));
    const free = Array.from({ length: needed }, (_, i) => `d${i}`);
    checkInput(`Flatten(${this.extraRepr()})`, x, [...free, '...']);
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
