// Matrix products. One primitive, matmulT(a, b, transA, transB), covers every case: its
// backward is again matmulT with other flags, so no transpose is ever materialised.
//   C = A·B    dA = G·Bᵀ   dB = Aᵀ·G
//   C = A·Bᵀ   dA = G·B    dB = Gᵀ·A
//   C = Aᵀ·B   dA = B·Gᵀ   dB = A·G
//   C = Aᵀ·Bᵀ  dA = Bᵀ·Gᵀ  dB = Gᵀ·Aᵀ
// Batch axes broadcast (NumPy rules); their gradients are summed back.
import { fail, formatShape } from '../core/errors.js';
import { broadcastShapes, type Shape } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { add } from './binary.js';
import { viewAs } from './grad_ops.js';
import { registerOp } from './registry.js';
import { checkCompatible, checkTensor, sumTo } from './util.js';

registerOp('matmul', 'primitive', true); // its backward is matmuls again (recorded)
registerOp('linear', 'composite');

/** a (or aᵀ) times b (or bᵀ) over the last two axes; both must have rank ≥ 2. */
export function matmulT(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  checkCompatible('matmul', [a, b]);
  if (a.rank < 2 || b.rank < 2) fail('matmul', `matmulT needs rank ≥ 2 operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const [am, ak] = transA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [bk, bn] = transB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ak !== bk) {
    fail('matmul', `inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${ak} ≠ ${bk})`);
  }
  const outShape = [...batchShape(a.shape, b.shape), am, bn];
  const storage = a.backend.kernels.matmul(a.kernelView(), b.kernelView(), transA, transB, outShape);
  const y = fromStorage(storage, outShape, a.dtype, a.backend);
  return record('matmul', [a, b], y, (g, needs) => {
    // each operand's gradient is one more matmul (recorded, so createGraph can differentiate it
    // again; under noGrad it is the bare kernel): compute only the ones that are needed
    const [needA, needB] = needs;
    let da: Tensor | null = null, db: Tensor | null = null;
    if (!transA && !transB) [da, db] = [needA ? matmulT(g, b, false, true) : null, needB ? matmulT(a, g, true, false) : null];
    else if (!transA && transB) [da, db] = [needA ? matmulT(g, b, false, false) : null, needB ? matmulT(g, a, true, false) : null];
    else if (transA && !transB) [da, db] = [needA ? matmulT(b, g, false, true) : null, needB ? matmulT(a, g, false, false) : null];
    else [da, db] = [needA ? matmulT(b, g, true, true) : null, needB ? matmulT(g, a, true, true) : null];
    return [da && sumTo(da, a.shape), db && sumTo(db, b.shape)];
  }, [a, b]);
}

/** The broadcast batch axes; the error names both full shapes (the batch parts alone would confuse). */
function batchShape(a: Shape, b: Shape): number[] {
  const [ba, bb] = [a.slice(0, -2), b.slice(0, -2)];
  const offset = bb.length - ba.length;
  if (ba.some((d, i) => i + offset >= 0 && d !== 1 && bb[i + offset] !== 1 && d !== bb[i + offset])) {
    fail('matmul', `batch axes of ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
  }
  return broadcastShapes('matmul', ba, bb);
}

/**
 * torch.matmul: 1-D operands are promoted (a vector on the left becomes a row, on the right a
 * column) and the added axis is removed from the result; batch axes broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  if (a.rank === 0 || b.rank === 0) fail('matmul', `both operands need at least one axis, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  // checked here so that the message shows the shapes given, not the promoted ones
  const [ak, bk] = [a.shape[a.rank - 1], b.shape[Math.max(0, b.rank - 2)]];
  if (ak !== bk) fail('matmul', `inner dimensions differ: ${formatShape(a.shape)} · ${formatShape(b.shape)} (${ak} ≠ ${bk})`);
  if (a.rank >= 2 && b.rank >= 2) return matmulT(a, b);
  return tidy(() => {
    const a2 = a.rank === 1 ? viewOp(a, [1, a.shape[0]]) : a;
    const b2 = b.rank === 1 ? viewOp(b, [b.shape[0], 1]) : b;
    const y = matmulT(a2, b2);
    const shape = [...y.shape];
    if (b.rank === 1) shape.pop();
    if (a.rank === 1) shape.splice(shape.length - (b.rank === 1 ? 1 : 2), 1);
    return viewOp(y, shape);
  });
}

/** A recorded reshape (ops/shape imports this file, so it is not used here). */
function viewOp(x: Tensor, shape: number[]): Tensor {
  return viewAs(x, shape);
}

/** y = x·Wᵀ + b with W of shape [out, in], as torch.nn.functional.linear. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', 'x', x);
  checkTensor('linear', 'weight', weight);
  if (weight.rank !== 2) fail('linear', `weight must be [out, in], got ${formatShape(weight.shape)}`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== weight.shape[1]) {
    fail('linear', `x's last axis must be in_features = ${weight.shape[1]} (weight ${formatShape(weight.shape)}), got x ${formatShape(x.shape)}`);
  }
  checkCompatible('linear', bias ? [x, weight, checkTensor('linear', 'bias', bias)] : [x, weight]);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    fail('linear', `bias must be [${weight.shape[0]}] for weight ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`);
  }
  return tidy(() => {
    const x2 = x.rank === 1 ? viewOp(x, [1, x.shape[0]]) : x;
    let y = matmulT(x2, weight, false, true);
    if (bias) y = add(y, bias);
    return x.rank === 1 ? viewOp(y, [weight.shape[0]]) : y;
  });
}
