// torch.cumsum: running sums along one axis. Composed from pad, narrow and add as a
// Hillis–Steele scan (after step k every entry holds the sum of the 2^k entries ending at it), so
// it needs no kernel of its own, runs on every backend in ⌈log₂ n⌉ steps, and its gradient — the
// reversed running sum of g — comes from the parts (and is itself differentiable).
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { add } from './binary.js';
import { registerOp } from './registry.js';
import { narrow, pad } from './shape.js';
import { checkTensor } from './util.js';

registerOp('cumsum', 'composite');

/** y[..., i, ...] = Σ_{j ≤ i} x[..., j, ...] along `dim` (required, as in PyTorch). */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor('cumsum', 'x', x);
  // a 0-d tensor has one axis for the purpose of dim (0 or −1), as in PyTorch
  const axis = normalizeAxis('cumsum', dim, x.rank);
  const n = x.rank === 0 ? 1 : x.shape[axis];
  if (n <= 1) return x;
  return tidy(() => {
    let y = x;
    for (let shift = 1; shift < n; shift *= 2) {
      // y shifted by `shift` along the axis, zeros entering: pad's pairs count from the last axis
      const pads = new Array<number>(2 * (x.rank - axis)).fill(0);
      pads[2 * (x.rank - 1 - axis)] = shift;
      y = add(y, narrow(pad(y, pads), axis, 0, n));
    }
    return y;
  });
}
