// prod's gradient for createGraph: ∂(Π x)/∂x_i = Π_{k≠i} x_k (the product of the others in i's
// group), built from recorded slices and products, so that it can be differentiated again. It is
// exact with zeros (no division by x_i), like the backend's prodOthers kernel that the first-order
// backward uses.
//   one axis: the others of x_j are (x_0···x_{j−1})·(x_{j+1}···x_{n−1}), prefix times suffix;
//   several: the group minus element i is (i's line along the first axis, minus i) together with
//   (every other line), so others(x, [a, ...rest]) = othersAlong(x, a) · others(prod_a(x), rest).
import { fromStorage, type Tensor } from '../core/tensor.js';
import { mul } from './binary.js';
import { concat, slice, type SliceRange } from './shape.js';

/** Π over the group except each element, x's shape; prodKeep(t, a) = prod over axis a, kept. */
export function productOfOthers(x: Tensor, axes: readonly number[], prodKeep: (t: Tensor, axis: number) => Tensor): Tensor {
  const [a, ...rest] = axes;
  if (a === undefined) return ones(x); // no axis reduced (a 0-d x): each element is its own group
  const along = othersAlong(x, a);
  return rest.length === 0 ? along : mul(along, productOfOthers(prodKeep(x, a), rest, prodKeep));
}

function othersAlong(x: Tensor, axis: number): Tensor {
  const n = x.shape[axis];
  // a group of one: the product of no others is 1 (and an empty axis has no elements at all)
  if (n <= 1) return ones(x);
  const at = (j: number) => {
    const ranges: SliceRange[] = x.shape.map(() => null);
    ranges[axis] = [j, j + 1, 1];
    return slice(x, ranges);
  };
  const items = Array.from({ length: n }, (_, j) => at(j));
  const prefix: (Tensor | null)[] = [null];
  for (let j = 1; j < n; j++) prefix.push(prefix[j - 1] ? mul(prefix[j - 1]!, items[j - 1]) : items[j - 1]);
  const suffix: (Tensor | null)[] = new Array<Tensor | null>(n).fill(null);
  for (let j = n - 2; j >= 0; j--) suffix[j] = suffix[j + 1] ? mul(items[j + 1], suffix[j + 1]!) : items[j + 1];
  const pieces = items.map((_, j) => (prefix[j] && suffix[j] ? mul(prefix[j]!, suffix[j]!) : (prefix[j] ?? suffix[j])!));
  return concat(pieces, axis);
}

function ones(x: Tensor): Tensor {
  return fromStorage(x.backend.fill(x.size, x.dtype, 1), x.shape, x.dtype, x.backend);
}
