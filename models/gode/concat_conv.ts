// ConcatConv2d — Neural-ODE's time-aware convolution (Chen et al. 2018): a constant plane
// holding t is put in front of the channels (channel 0), then a 3×3 convolution with bias maps
// in + 1 channels to out. The time plane is zero-padded like the others (as the reference).
import { full } from '../../core/creation.js';
import type { Tensor } from '../../core/tensor.js';
import { concat } from '../../ops/shape.js';
import { Conv2d } from '../../nn/conv.js';
import { Module } from '../../nn/module.js';

export class ConcatConv2d extends Module {
  layer: Conv2d;

  constructor(inChannels: number, outChannels: number) {
    super();
    this.layer = new Conv2d(inChannels + 1, outChannels, 3, { padding: 1 });
  }

  forward(t: number, x: Tensor): Tensor {
    const [n, , h, w] = x.shape;
    const time = full([n, 1, h, w], t, { dtype: x.dtype, backend: x.backend.name });
    return this.layer.forward(concat([time, x], 1));
  }
}
