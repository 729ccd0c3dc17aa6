// gather and scatterAdd along one axis (torch.gather / torch.scatter_add semantics).
// Index values are stored as floats; the op layer has already checked them.
import type { View } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';

/** Offset in a tensor of `shape` of the index position, with coordinate `dim` replaced by `at`. */
function forEachIndexed(indexShape: readonly number[], dim: number, targetStrides: number[], idx: ArrayLike<number>, visit: (flat: number, target: number) => void): void {
  const n = sizeOf(indexShape);
  const pos = new Array<number>(indexShape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    let target = 0;
    for (let k = 0; k < pos.length; k++) target += (k === dim ? idx[flat] : pos[k]) * targetStrides[k];
    visit(flat, target);
    for (let axis = pos.length - 1; axis >= 0; axis--) {
      if (++pos[axis] < indexShape[axis]) break;
      pos[axis] = 0;
    }
  }
}

export function gather(alloc: CpuAllocator, x: View, dim: number, index: View): CpuStorage {
  const a = arrayOf(x.storage);
  const idx = arrayOf(index.storage);
  const out = alloc.alloc(x.dtype, idx.length);
  const o = out.array;
  forEachIndexed(index.shape, dim, stridesOf(x.shape), idx, (flat, src) => {
    o[flat] = a[src];
  });
  return out;
}

export function scatterAdd(alloc: CpuAllocator, base: View, dim: number, index: View, src: View): CpuStorage {
  const out = alloc.alloc(base.dtype, sizeOf(base.shape));
  const o = out.array;
  o.set(arrayOf(base.storage));
  const s = arrayOf(src.storage);
  const srcStrides = stridesOf(src.shape);
  const idxStrides = stridesOf(index.shape);
  const idx = arrayOf(index.storage);
  // src may be larger than index; only the positions index covers are scattered (as in PyTorch).
  forEachIndexed(index.shape, dim, stridesOf(base.shape), idx, (flat, dst) => {
    let srcOffset = 0;
    let rest = flat;
    for (let k = 0; k < idxStrides.length; k++) {
      const coord = Math.floor(rest / idxStrides[k]);
      rest -= coord * idxStrides[k];
      srcOffset += coord * srcStrides[k];
    }
    o[dst] += s[srcOffset];
  });
  return out;
}
