// The three feature blocks compared in the Neural-GODE paper (spec gode.md §1.2–1.4), all on
// 64 channels by default:
//   ResBlock     x + conv_b(relu(gn_2(conv_a(relu(gn_1(x))))))  (pre-activation, no bias)
//   ODEFunc      f(t, h) = gn_3(cc_2(t, relu(gn_2(cc_1(t, relu(gn_1(h)))))))   (Neural-ODE)
//   GODEFunc     f(t, h) = sc_2(t, relu(gn_2(sc_1(t, relu(gn_1(h))))))          (Neural-GODE)
// GroupNorm uses min(32, channels) groups, as the reference.
import type { Tensor } from '../../core/tensor.js';
import { relu } from '../../ops/unary.js';
import { Conv2d } from '../../nn/conv.js';
import { GroupNorm } from '../../nn/group_norm.js';
import { Module } from '../../nn/module.js';
import { ConcatConv2d } from './concat_conv.js';
import { SplineConv2d, type SplineConv2dOptions } from './spline_conv.js';

export const groupNorm = (channels: number) => new GroupNorm(Math.min(32, channels), channels);

export class ResBlock extends Module {
  norm1: GroupNorm;
  conv1: Conv2d;
  norm2: GroupNorm;
  conv2: Conv2d;

  constructor(channels = 64) {
    super();
    this.norm1 = groupNorm(channels);
    this.conv1 = new Conv2d(channels, channels, 3, { padding: 1, bias: false });
    this.norm2 = groupNorm(channels);
    this.conv2 = new Conv2d(channels, channels, 3, { padding: 1, bias: false });
  }

  forward(x: Tensor): Tensor {
    const h = this.conv1.forward(relu(this.norm1.forward(x)));
    return x.add(this.conv2.forward(relu(this.norm2.forward(h))));
  }
}

export class ODEFunc extends Module {
  norm1: GroupNorm;
  conv1: ConcatConv2d;
  norm2: GroupNorm;
  conv2: ConcatConv2d;
  norm3: GroupNorm;

  constructor(channels = 64) {
    super();
    this.norm1 = groupNorm(channels);
    this.conv1 = new ConcatConv2d(channels, channels);
    this.norm2 = groupNorm(channels);
    this.conv2 = new ConcatConv2d(channels, channels);
    this.norm3 = groupNorm(channels);
  }

  forward(t: number, h: Tensor): Tensor {
    const a = this.conv1.forward(t, relu(this.norm1.forward(h)));
    return this.norm3.forward(this.conv2.forward(t, relu(this.norm2.forward(a))));
  }
}

export class GODEFunc extends Module {
  norm1: GroupNorm;
  conv1: SplineConv2d;
  norm2: GroupNorm;
  conv2: SplineConv2d;

  constructor(channels = 64, spline: SplineConv2dOptions = {}) {
    super();
    this.norm1 = groupNorm(channels);
    this.conv1 = new SplineConv2d(channels, channels, spline);
    this.norm2 = groupNorm(channels);
    this.conv2 = new SplineConv2d(channels, channels, spline);
  }

  forward(t: number, h: Tensor): Tensor {
    const a = this.conv1.forward(t, relu(this.norm1.forward(h)));
    return this.conv2.forward(t, relu(this.norm2.forward(a)));
  }
}
