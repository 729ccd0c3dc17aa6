// Indexing along one axis: gather and scatterAdd are each other's adjoints; indexSelect is a
// gather with a broadcast index. Indices are float tensors holding integers (or number arrays).
import { fail, formatShape } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { record } from '../core/tape.js';
import { fromStorage, type NestedArray, type Tensor } from '../core/tensor.js';
import { tensor } from '../core/creation.js';
import { registerOp } from './registry.js';
import { broadcastTo, checkTensor } from './util.js';

registerOp('gather', 'primitive');
registerOp('scatterAdd', 'primitive');
registerOp('indexSelect', 'composite');

/** An index tensor, or (nested) arrays of integers. */
export type IndexLike = Tensor | readonly NestedArray[];

/** Index values must be integers in [0, size); converted to the data tensor's dtype and backend. */
function indexTensor(fn: string, index: IndexLike, like: Tensor, size: number): Tensor {
  const t = Array.isArray(index) ? tensor(index as NestedArray[], { dtype: like.dtype, backend: like.backend.name }) : checkTensor(fn, 'index', index);
  const values = t.data();
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v >= size) fail(fn, `index ${v} is out of range for an axis of size ${size}`);
  }
  if (t.dtype === like.dtype && t.backend === like.backend) return t;
  return tensor(values, { dtype: like.dtype, backend: like.backend.name, shape: t.shape });
}

function checkIndexShape(fn: string, x: Tensor, index: Tensor, dim: number): void {
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== dim && d > x.shape[i])) {
    fail(fn, `index ${formatShape(index.shape)} must have the rank of ${formatShape(x.shape)} and no larger size off axis ${dim}`);
  }
}

/** torch.gather: out[i][j] = x[i][index[i][j]] for dim = 1, and likewise for every axis. */
export function gather(x: Tensor, dim: number, index: IndexLike): Tensor {
  return gatherWith(x, dim, index, true);
}

/** Internal: gather with an index its caller already range-checked (no read-back to check it again). */
export function gatherTrusted(x: Tensor, dim: number, index: Tensor): Tensor {
  return gatherWith(x, dim, index, false);
}

function gatherWith(x: Tensor, dim: number, index: IndexLike, check: boolean): Tensor {
  checkTensor('gather', 'x', x);
  const d = normalizeAxis('gather', dim, x.rank);
  const idx = check ? indexTensor('gather', index, x, x.shape[d]) : (index as Tensor);
  checkIndexShape('gather', x, idx, d);
  const y = fromStorage(x.backend.kernels.gather(x.kernelView(), d, idx.kernelView()), idx.shape, x.dtype, x.backend);
  return record('gather', [x], y, (g) => {
    const zero = fromStorage(g.backend.fill(x.size, x.dtype, 0), x.shape, x.dtype, x.backend);
    return [fromStorage(g.backend.kernels.scatterAdd(zero.kernelView(), d, idx.kernelView(), g.kernelView()), x.shape, x.dtype, x.backend)];
  }, [idx]);
}

/** torch.scatter_add: a copy of x with src[i][j] added at x[i][index[i][j]] (dim = 1). */
export function scatterAdd(x: Tensor, dim: number, index: IndexLike, src: Tensor): Tensor {
  checkTensor('scatterAdd', 'x', x);
  checkTensor('scatterAdd', 'src', src);
  const d = normalizeAxis('scatterAdd', dim, x.rank);
  const idx = indexTensor('scatterAdd', index, x, x.shape[d]);
  checkIndexShape('scatterAdd', x, idx, d);
  if (src.rank !== idx.rank || idx.shape.some((s, i) => s > src.shape[i])) {
    fail('scatterAdd', `src ${formatShape(src.shape)} must cover index ${formatShape(idx.shape)}`);
  }
  if (src.dtype !== x.dtype) fail('scatterAdd', `dtypes differ (${x.dtype} and ${src.dtype})`);
  const y = fromStorage(x.backend.kernels.scatterAdd(x.kernelView(), d, idx.kernelView(), src.kernelView()), x.shape, x.dtype, x.backend);
  return record('scatterAdd', [x, src], y, (g) => {
    const picked = fromStorage(g.backend.kernels.gather(g.kernelView(), d, idx.kernelView()), idx.shape, g.dtype, g.backend);
    // positions of src that index does not reach get no gradient
    const pads = src.shape.map((s, i) => [0, s - idx.shape[i]] as [number, number]);
    const srcGrad = pads.some(([, after]) => after > 0)
      ? fromStorage(g.backend.kernels.pad(picked.kernelView(), pads, 'constant', 0), src.shape, g.dtype, g.backend)
      : picked;
    return [g, srcGrad];
  }, [idx]);
}

/** torch.index_select: the entries of axis `dim` listed in a 1-D index. */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  checkTensor('indexSelect', 'x', x);
  const d = normalizeAxis('indexSelect', dim, x.rank);
  const idx = indexTensor('indexSelect', index, x, x.shape[d]);
  if (idx.rank !== 1) fail('indexSelect', `index must be 1-D, got ${formatShape(idx.shape)}`);
  return tidy(() => {
    const shape = x.shape.map((s, i) => (i === d ? idx.shape[0] : s));
    const viewShape = x.shape.map((_, i) => (i === d ? idx.shape[0] : 1));
    const full = broadcastTo(fromStorage(idx.storage, viewShape, idx.dtype, idx.backend), shape);
    return gather(x, d, full);
  });
}
