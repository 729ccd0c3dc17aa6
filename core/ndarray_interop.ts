// Interop with the scijs ndarray ecosystem. fromNdarray shares the ndarray's buffer when it is a
// contiguous row-major Float32Array/Float64Array and the CPU backend holds it; otherwise it copies.
import type { NdArrayLike } from './ndarray_types.js';
import { getBackend } from './backend.js';
import { allocArray, type DType, type TypedArray } from './dtype.js';
import { fail } from './errors.js';
import { sizeOf, stridesOf } from './shape.js';
import { fromHost, fromStorage, Tensor } from './tensor.js';
import { wrapCpuArray } from './cpu/storage.js';

function isRowMajorContiguous(nd: NdArrayLike): boolean {
  const expected = stridesOf(nd.shape);
  return nd.shape.every((d, i) => d <= 1 || nd.stride[i] === expected[i]);
}

export function fromNdarray(nd: NdArrayLike, options: { dtype?: DType; backend?: string } = {}): Tensor {
  if (!nd || !Array.isArray(nd.shape) || !Array.isArray(nd.stride)) fail('fromNdarray', `expected an ndarray, got ${String(nd)}`);
  const data = nd.data as unknown;
  const native: DType | null = data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : null;
  const dtype = options.dtype ?? native ?? 'float32';
  const backend = getBackend(options.backend);
  const shape = [...nd.shape];
  const size = sizeOf(shape);
  if (backend.name === 'cpu' && native === dtype && isRowMajorContiguous(nd)) {
    const view = (data as TypedArray).subarray(nd.offset, nd.offset + size);
    return fromStorage(wrapCpuArray(backend, view), shape, dtype, backend);
  }
  const out = allocArray(dtype, size);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    out[i] = nd.get(...index);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return fromHost(out, shape, backend);
}
