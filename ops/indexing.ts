// Indexing along one axis: gather and scatterAdd are each other's adjoints; indexSelect is a
// gather with a broadcast index. Indices are float tensors holding integers (or number arrays).
import { fail, formatShape } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import { record } from '../core/tape.js';
import { fromStorage, type NestedArray, type Tensor } from '../core/tensor.js';
import { tensor } from '../core/creation.js';
import { linearMap } from './grad_ops.js';
import { registerOp } from './registry.js';
import { broadcastTo, checkTensor } from './util.js';

// gather's backward is a scatterAdd into zeros and scatterAdd's a gather: linear maps recorded with
// their adjoints (linearMap), so both are differentiable to any order
registerOp('gather', 'primitive', true);
registerOp('scatterAdd', 'primitive', true);
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
  const gathered = (t: Tensor) => fromStorage(t.backend.kernels.gather(t.kernelView(), d, idx.kernelView()), idx.shape, t.dtype, t.backend);
  return record('gather', [x], gathered(x), (g) => [linearMap('gatherGrad', 'gatherGradGrad', g, (t) => scatteredInto(x, d, idx, t), gathered)], [idx]);
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
  // positions of src that index does not reach get no gradient
  const pads = src.shape.map((s, i) => [0, s - idx.shape[i]] as [number, number]);
  const picked = (t: Tensor) => {
    const p = fromStorage(t.backend.kernels.gather(t.kernelView(), d, idx.kernelView()), idx.shape, t.dtype, t.backend);
    if (!pads.some(([, after]) => after > 0)) return p;
    const padded = fromStorage(t.backend.kernels.pad(p.kernelView(), pads, 'constant', 0), src.shape, t.dtype, t.backend);
    p.dispose();
    return padded;
  };
  return record('scatterAdd', [x, src], y, (g, needs) => [
    g,
    needs[1] ? linearMap('scatterAddGrad', 'scatterAddGradGrad', g, picked, (t) => scatteredInto(x, d, idx, t)) : null,
  ], [idx]);
}

/** zeros of x's shape with t (index-shaped or larger) added at index along d: gather's adjoint. */
function scatteredInto(x: Tensor, d: number, idx: Tensor, t: Tensor): Tensor {
  const zero = fromStorage(t.backend.fill(x.size, t.dtype, 0), x.shape, t.dtype, t.backend);
  const out = fromStorage(t.backend.kernels.scatterAdd(zero.kernelView(), d, idx.kernelView(), t.kernelView()), x.shape, t.dtype, t.backend);
  zero.dispose();
  return out;
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
