// Identity, as torch.nn.Identity: returns its input. A placeholder where an architecture
// switches a layer off (e.g. a shortcut without a projection) without changing its structure.
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';

export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
