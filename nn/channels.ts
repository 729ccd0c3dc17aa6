// Learnable activations with one value per channel (PReLU, IdentityReLUMixture) keep a weight
// of shape [C] and apply entry c to channel c, i.e. axis 1 of x [N, C, ...]. A shared weight
// has shape [1] and broadcasts against anything.
import type { Tensor } from '../core/tensor.js';
import { checkInput } from './checks.js';

/** The weight shaped [C, 1, ..., 1] so that it broadcasts along axis 1 of x. */
export function alongChannels(layer: string, weight: Tensor, x: Tensor): Tensor {
  const C = weight.shape[0];
  if (C === 1) return weight;
  checkInput(layer, x, ['N', C, '...']);
  return weight.reshape([C, ...new Array<number>(x.rank - 2).fill(1)]);
}
