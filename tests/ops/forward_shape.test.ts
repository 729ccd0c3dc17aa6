// Shape and indexing ops against naive index arithmetic (Python/PyTorch semantics spelled out
// per element), over fast-check draws of shapes (including size-0 and size-1 axes) and arguments.
// Data movement is exact, so values are compared with equality.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { build, f32, f64, get, type Nd, ndArb, shapeArb, sizeOf, unravel } from './forward_reference.js';

function same(y: Tensor, expected: Nd, what = ''): void {
  assert.equal([...y.shape], expected.shape, `${what} shape`);
  assert.equal(Array.from(y.data()), expected.values, `${what} values`);
}

/** Distinct values (the flat position), so that any misplaced element shows. */
const positionsArb = (minRank = 0, maxRank = 4, minDim = 0, maxDim = 4) =>
  shapeArb(minRank, maxRank, minDim, maxDim).map((shape): Nd => ({ shape, values: Array.from({ length: sizeOf(shape) }, (_, i) => i + 0.5) }));

const run = <T>(arb: fc.Arbitrary<T>, check: (v: T) => void, numRuns = 60, seed = 41) =>
  fc.assert(fc.property(arb, (v) => tg.tidy(() => check(v))), { numRuns, seed });

test('reshape (with one -1), view and flatten keep the row-major order', () => {
  run(positionsArb().chain((x) => fc.record({ x: fc.constant(x), order: fc.shuffledSubarray(x.shape.map((_, i) => i)), infer: fc.boolean() })), ({ x, order, infer }) => {
    // a new shape: some of the axes' sizes, reordered, then one axis holding the rest
    const picked = order.map((i) => x.shape[i]);
    const target = [...picked, sizeOf(x.shape) / Math.max(1, sizeOf(picked))];
    const asked = infer && !target.includes(0) ? target.map((d, i) => (i === target.length - 1 ? -1 : d)) : target;
    same(f64(x).reshape(asked), { shape: target, values: x.values }, `reshape ${JSON.stringify(asked)}`);
    same(f64(x).view([-1]), { shape: [x.values.length], values: x.values }, 'view([-1])');
  });
  const x = tg.arange(24).reshape([2, 3, 4]);
  assert.equal([...x.reshape([4, -1]).shape], [4, 6]);
  assert.equal([...x.flatten().shape], [24]);
  assert.equal([...x.flatten(1).shape], [2, 12]);
  assert.equal([...x.flatten(0, 1).shape], [6, 4]);
  assert.equal([...x.flatten(-2, -1).shape], [2, 12]);
  assert.equal([...tg.flatten(tg.tensor(3)).shape], [1]);
  assert.equal(Array.from(x.flatten(1).data()), Array.from(x.data()));
  assert.equal([...tg.zeros([0, 3]).reshape([3, 0]).shape], [3, 0]);
});

test('permute and transpose move element [i0, i1, ...] to the permuted position', () => {
  run(positionsArb(1).chain((x) => fc.record({ x: fc.constant(x), order: fc.shuffledSubarray(x.shape.map((_, i) => i), { minLength: x.shape.length }) })), ({ x, order }) => {
    const expected = build(order.map((a) => x.shape[a]), (index) => {
      const source = x.shape.map(() => 0);
      order.forEach((a, k) => (source[a] = index[k]));
      return get(x, source);
    });
    same(f64(x).permute(order), expected, `permute ${JSON.stringify(order)}`);
    same(tg.permute(f64(x), order.map((a) => a - x.shape.length)), expected, 'permute with negative axes');
  });
  run(positionsArb(2).chain((x) => fc.record({ x: fc.constant(x), d0: fc.nat(x.shape.length - 1), d1: fc.nat(x.shape.length - 1) })), ({ x, d0, d1 }) => {
    const shape = [...x.shape];
    [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
    const expected = build(shape, (index) => {
      const source = [...index];
      [source[d0], source[d1]] = [source[d1], source[d0]];
      return get(x, source);
    });
    same(f64(x).transpose(d0, d1), expected, `transpose ${d0} ${d1}`);
  });
  const m = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(m.transpose().toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(tg.transpose(tg.tensor([1, 2])).toArray(), [1, 2]);
});

test('expand broadcasts size-1 axes and adds leading ones (-1 keeps an axis)', () => {
  const arb = positionsArb(0, 3, 0, 3).chain((x) =>
    fc.record({
      x: fc.constant(x),
      lead: shapeArb(0, 2, 0, 3),
      grow: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: x.shape.length, maxLength: x.shape.length }),
      keep: fc.array(fc.boolean(), { minLength: x.shape.length, maxLength: x.shape.length }),
    }),
  );
  run(arb, ({ x, lead, grow, keep }) => {
    const own = x.shape.map((d, i) => (d === 1 ? grow[i] : d));
    const target = [...lead, ...own];
    const asked = [...lead, ...own.map((d, i) => (keep[i] && x.shape[i] === d ? -1 : d))];
    const expected = build(target, (index) => get(x, x.shape.map((d, i) => (d === 1 ? 0 : index[lead.length + i]))));
    same(f64(x).expand(asked), expected, `expand ${JSON.stringify(x.shape)} to ${JSON.stringify(asked)}`);
  });
});

test('squeeze and unsqueeze', () => {
  run(positionsArb(0, 4, 0, 2).chain((x) => fc.record({ x: fc.constant(x), axis: fc.integer({ min: -x.shape.length - 1, max: x.shape.length }) })), ({ x, axis }) => {
    same(f64(x).squeeze(), { shape: x.shape.filter((d) => d !== 1), values: x.values }, 'squeeze()');
    const a = axis < 0 ? axis + x.shape.length + 1 : axis;
    const shape = [...x.shape];
    shape.splice(a, 0, 1);
    same(f64(x).unsqueeze(axis), { shape, values: x.values }, `unsqueeze ${axis}`);
    if (x.shape.length > 0) {
      const s = Math.min(a, x.shape.length - 1);
      same(tg.squeeze(f64(x), s), { shape: x.shape[s] === 1 ? x.shape.filter((_, i) => i !== s) : x.shape, values: x.values }, `squeeze ${s}`);
    }
  });
});

/** Python's range for a slice a[start:end:step] of an axis of `size`. */
function pyRange(size: number, start: number | null | undefined, end: number | null | undefined, step: number): number[] {
  const norm = (v: number | null | undefined, fallback: number) => (v === null || v === undefined ? fallback : Math.min(Math.max(v < 0 ? v + size : v, 0), size));
  const out: number[] = [];
  for (let i = norm(start, 0); i < norm(end, size); i += step) out.push(i);
  return out;
}

test('slice follows Python: negative bounds count from the end, out-of-range bounds clamp, steps skip', () => {
  const bound = fc.option(fc.integer({ min: -6, max: 6 }), { nil: undefined });
  const arb = positionsArb(1).chain((x) =>
    fc.record({
      x: fc.constant(x),
      ranges: fc.array(fc.option(fc.tuple(bound, fc.option(bound, { nil: null }), fc.integer({ min: 1, max: 3 })), { nil: null }), { minLength: 0, maxLength: x.shape.length }),
    }),
  );
  run(arb, ({ x, ranges }) => {
    const picked = x.shape.map((size, axis) => {
      const r = ranges[axis];
      return r ? pyRange(size, r[0], r[1], r[2]) : pyRange(size, null, null, 1);
    });
    const expected = build(picked.map((p) => p.length), (index) => get(x, index.map((v, axis) => picked[axis][v])));
    same(f64(x).slice(ranges), expected, `slice ${JSON.stringify(ranges)}`);
  }, 120);
  const t = tg.arange(10);
  assert.equal(t.slice([[-3]]).toArray(), [7, 8, 9]);
  assert.equal(t.slice([[1, -1, 3]]).toArray(), [1, 4, 7]);
  assert.equal(t.slice([[null, null, 4]]).toArray(), [0, 4, 8]);
  assert.equal(t.slice([[8, 2]]).toArray(), []);
  assert.equal(t.slice([[-100, 100, 5]]).toArray(), [0, 5]);
});

test('narrow takes `length` entries from `start` (negative start counts from the end)', () => {
  const arb = positionsArb(1, 3, 1, 4).chain((x) =>
    fc.integer({ min: 0, max: x.shape.length - 1 }).chain((dim) =>
      fc.integer({ min: 0, max: x.shape[dim] }).chain((start) =>
        fc.record({ x: fc.constant(x), dim: fc.constant(dim), start: fc.constant(start), length: fc.integer({ min: 0, max: x.shape[dim] - start }), negative: fc.boolean() }),
      ),
    ),
  );
  run(arb, ({ x, dim, start, length, negative }) => {
    const shape = x.shape.map((d, i) => (i === dim ? length : d));
    const expected = build(shape, (index) => get(x, index.map((v, i) => (i === dim ? v + start : v))));
    const s = negative && start < x.shape[dim] ? start - x.shape[dim] : start;
    same(f64(x).narrow(dim, s, length), expected, `narrow ${dim} ${s} ${length}`);
  });
});

test('indexSelect picks entries of one axis (repeats allowed), from a number array or a tensor', () => {
  const arb = positionsArb(1, 3, 1, 4).chain((x) =>
    fc.integer({ min: 0, max: x.shape.length - 1 }).chain((dim) =>
      fc.record({ x: fc.constant(x), dim: fc.constant(dim), index: fc.array(fc.integer({ min: 0, max: x.shape[dim] - 1 }), { maxLength: 5 }), asTensor: fc.boolean() }),
    ),
  );
  run(arb, ({ x, dim, index, asTensor }) => {
    const expected = build(x.shape.map((d, i) => (i === dim ? index.length : d)), (at) => get(x, at.map((v, i) => (i === dim ? index[v] : v))));
    same(f64(x).indexSelect(dim, asTensor ? tg.tensor(index, { dtype: 'float64' }) : index), expected, `indexSelect ${dim} ${JSON.stringify(index)}`);
  });
});

/** An input, an axis, and an index tensor of the input's rank, no larger off the axis. */
const gatherArb = positionsArb(1, 3, 1, 3).chain((x) =>
  fc.integer({ min: 0, max: x.shape.length - 1 }).chain((dim) =>
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: x.shape.length, maxLength: x.shape.length }).chain((sizes) => {
      const shape = sizes.map((s, i) => (i === dim ? s : Math.min(s, x.shape[i])));
      return fc.record({
        x: fc.constant(x),
        dim: fc.constant(dim),
        index: fc.array(fc.integer({ min: 0, max: x.shape[dim] - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((values): Nd => ({ shape, values })),
        negativeDim: fc.boolean(),
      });
    }),
  ),
);

test('gather: out[i][j] = x[i][index[i][j]] along the axis, for every axis', () => {
  run(gatherArb, ({ x, dim, index, negativeDim }) => {
    const expected = build(index.shape, (at) => get(x, at.map((v, i) => (i === dim ? get(index, at) : v))));
    same(f64(x).gather(negativeDim ? dim - x.shape.length : dim, f64(index)), expected, `gather dim ${dim}`);
  }, 80);
  const x = tg.tensor([[1, 2], [3, 4]]);
  assert.equal(tg.gather(x, 1, tg.tensor([[0, 0], [1, 0]])).toArray(), [[1, 1], [4, 3]]);
});

test('scatterAdd: a copy of x with src[i][j] added at [i][index[i][j]], repeats accumulating', () => {
  run(gatherArb.chain((spec) => fc.record({ spec: fc.constant(spec), extra: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: spec.x.shape.length, maxLength: spec.x.shape.length }) })), ({ spec: { x, dim, index }, extra }) => {
    // src may be larger than index; only the part index covers is added
    const srcShape = index.shape.map((d, i) => d + extra[i]);
    const src = build(srcShape, (at) => 100 * (at.reduce((a, b) => a * 7 + b, 1) % 13));
    const out = [...x.values];
    for (let flat = 0; flat < index.values.length; flat++) {
      const at = unravel(flat, index.shape);
      const target = at.map((v, i) => (i === dim ? index.values[flat] : v));
      out[target.reduce((acc, v, i) => acc * x.shape[i] + v, 0)] += get(src, at);
    }
    same(f64(x).scatterAdd(dim, f64(index), f64(src)), { shape: x.shape, values: out }, `scatterAdd dim ${dim}`);
  }, 80);
  const y = tg.scatterAdd(tg.zeros([2, 3]), 1, tg.tensor([[0, 0, 2], [1, 1, 1]]), tg.ones([2, 3]));
  assert.equal(y.toArray(), [[2, 0, 1], [0, 3, 0]]);
});

test('concat joins along any axis (empty pieces allowed); stack adds a new axis', () => {
  const arb = shapeArb(1, 3, 0, 3).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: 0, max: shape.length - 1 }),
      sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
    }),
  );
  run(arb, ({ shape, axis, sizes }) => {
    let counter = 0;
    const pieces: Nd[] = sizes.map((s) => build(shape.map((d, i) => (i === axis ? s : d)), () => counter++));
    const total = sizes.reduce((a, b) => a + b, 0);
    const expected = build(shape.map((d, i) => (i === axis ? total : d)), (index) => {
      let k = index[axis], p = 0;
      while (k >= sizes[p]) k -= sizes[p++];
      return get(pieces[p], index.map((v, i) => (i === axis ? k : v)));
    });
    same(tg.concat(pieces.map((p) => f64(p)), axis), expected, `concat axis ${axis}`);
    same(tg.cat(pieces.map((p) => f64(p)), axis - shape.length), expected, 'cat with a negative axis');
  });
  run(positionsArb(0, 3, 0, 3).chain((x) => fc.record({ x: fc.constant(x), count: fc.integer({ min: 1, max: 3 }), axis: fc.integer({ min: 0, max: x.shape.length }) })), ({ x, count, axis }) => {
    const pieces = Array.from({ length: count }, (_, k) => ({ shape: x.shape, values: x.values.map((v) => v + 1000 * k) }));
    const shape = [...x.shape];
    shape.splice(axis, 0, count);
    const expected = build(shape, (index) => get(pieces[index[axis]], index.filter((_, i) => i !== axis)));
    same(tg.stack(pieces.map((p) => f64(p)), axis), expected, `stack axis ${axis}`);
  });
});

test('split by a size (the last piece smaller) or by sections; chunk like torch.chunk', () => {
  run(positionsArb(1, 3, 0, 6).chain((x) => fc.record({ x: fc.constant(x), axis: fc.integer({ min: 0, max: x.shape.length - 1 }), size: fc.integer({ min: 1, max: 4 }), chunks: fc.integer({ min: 1, max: 5 }) })), ({ x, axis, size, chunks }) => {
    const n = x.shape[axis];
    const piecesOf = (sizes: number[]) => {
      let offset = 0;
      return sizes.map((s) => {
        const start = offset;
        offset += s;
        return build(x.shape.map((d, i) => (i === axis ? s : d)), (index) => get(x, index.map((v, i) => (i === axis ? v + start : v))));
      });
    };
    const bySize: number[] = [];
    for (let s = 0; s < n; s += size) bySize.push(Math.min(size, n - s));
    if (n === 0) bySize.push(0); // torch gives one empty piece
    const got = f64(x).split(size, axis);
    assert.is(got.length, bySize.length);
    got.forEach((t, i) => same(t, piecesOf(bySize)[i], `split ${size} piece ${i}`));
    // torch.chunk: pieces of ceil(n / chunks)
    const c = Math.max(1, Math.ceil(n / chunks));
    const byChunk: number[] = [];
    for (let s = 0; s < n; s += c) byChunk.push(Math.min(c, n - s));
    if (n === 0) byChunk.push(0);
    const chunked = tg.chunk(f64(x), chunks, axis);
    assert.is(chunked.length, byChunk.length, `chunk ${chunks} of ${n}`);
    chunked.forEach((t, i) => same(t, piecesOf(byChunk)[i], `chunk piece ${i}`));
  });
  const x = tg.arange(5);
  assert.equal(tg.split(x, [1, 0, 4]).map((t) => t.toArray()), [[0], [], [1, 2, 3, 4]]);
  assert.equal(x.chunk(3).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
  assert.is(tg.arange(6).chunk(4).length, 3); // as torch.chunk: ceil(6/4) = 2 per piece
  assert.equal(tg.zeros([0, 2]).split(2).map((t) => [...t.shape]), [[0, 2]]); // torch.split: one empty piece
  assert.equal(tg.zeros([2, 0]).chunk(3, 1).map((t) => [...t.shape]), [[2, 0]]);
});

/** Where output coordinate i of a padded axis reads (-1: the constant), from the modes' definitions. */
function padSource(i: number, before: number, size: number, mode: string): number {
  const j = i - before;
  if (j >= 0 && j < size) return j;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return Math.min(Math.max(j, 0), size - 1);
  // reflect: mirror about the edges without repeating them, i.e. period 2(size − 1)
  const period = 2 * (size - 1);
  const k = ((j % period) + period) % period;
  return k < size ? k : period - k;
}

test('pad: (before, after) pairs from the last axis, constant/reflect/replicate', () => {
  const arb = positionsArb(1, 4, 1, 4).chain((x) =>
    fc.record({
      x: fc.constant(x),
      mode: fc.constantFrom('constant', 'reflect', 'replicate'),
      value: fc.constantFrom(0, -7.5),
      axes: fc.integer({ min: 1, max: x.shape.length }),
    }).chain((s) => {
      const limits = Array.from({ length: s.axes }, (_, i) => (s.mode === 'reflect' ? x.shape[x.shape.length - 1 - i] - 1 : 4));
      return fc.record({ s: fc.constant(s), pads: fc.tuple(...limits.flatMap((l) => [fc.integer({ min: 0, max: l }), fc.integer({ min: 0, max: l })])) });
    }),
  );
  run(arb, ({ s: { x, mode, value, axes }, pads }) => {
    const rank = x.shape.length;
    const perAxis = x.shape.map((_, axis) => {
      const k = rank - 1 - axis; // pads[2k], pads[2k + 1] belong to axis rank − 1 − k
      return k < axes ? [pads[2 * k], pads[2 * k + 1]] : [0, 0];
    });
    const expected = build(x.shape.map((d, i) => d + perAxis[i][0] + perAxis[i][1]), (index) => {
      const source = index.map((v, i) => padSource(v, perAxis[i][0], x.shape[i], mode));
      return source.includes(-1) ? value : get(x, source);
    });
    same(f64(x).pad(pads as number[], mode as 'constant', value), expected, `pad ${mode} ${JSON.stringify(pads)}`);
  }, 120);
});

test('pad matches torch.nn.functional.pad on worked examples', () => {
  const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  // F.pad(x, (2, 1), 'reflect')
  assert.equal(tg.pad(x, [2, 1], 'reflect').toArray(), [[3, 2, 1, 2, 3, 2], [6, 5, 4, 5, 6, 5]]);
  // F.pad(x, (1, 1, 1, 0), 'replicate')
  assert.equal(tg.pad(x, [1, 1, 1, 0], 'replicate').toArray(), [[1, 1, 2, 3, 3], [1, 1, 2, 3, 3], [4, 4, 5, 6, 6]]);
  // F.pad(x, (0, 1, 2, 0), value=9)
  assert.equal(tg.pad(x, [0, 1, 2, 0], 'constant', 9).toArray(), [[9, 9, 9, 9], [9, 9, 9, 9], [1, 2, 3, 9], [4, 5, 6, 9]]);
  // F.pad(x, (0, 0, 1, 1), 'reflect'): the second-to-last axis
  assert.equal(tg.pad(x, [0, 0, 1, 1], 'reflect').toArray(), [[4, 5, 6], [1, 2, 3], [4, 5, 6], [1, 2, 3]]);
});

test('flip reverses the listed axes', () => {
  run(positionsArb(0).chain((x) => fc.record({ x: fc.constant(x), axes: fc.subarray(x.shape.map((_, i) => i)) })), ({ x, axes }) => {
    const expected = build(x.shape, (index) => get(x, index.map((v, i) => (axes.includes(i) ? x.shape[i] - 1 - v : v))));
    same(f64(x).flip(axes), expected, `flip ${JSON.stringify(axes)}`);
  });
  assert.equal(tg.flip(tg.tensor([[1, 2], [3, 4]]), -1).toArray(), [[2, 1], [4, 3]]);
});

test('repeat copies whole blocks (extra reps add leading axes); tile pads short reps with 1s', () => {
  const arb = positionsArb(0, 3, 0, 3).chain((x) =>
    fc.record({ x: fc.constant(x), reps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: x.shape.length, maxLength: x.shape.length + 2 }), short: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: x.shape.length }) }),
  );
  run(arb, ({ x, reps, short }) => {
    const repeated = (r: number[]) => {
      const shape = [...new Array(r.length - x.shape.length).fill(1), ...x.shape];
      return build(shape.map((d, i) => d * r[i]), (index) => get(x, index.slice(r.length - x.shape.length).map((v, i) => v % x.shape[i])));
    };
    same(f64(x).repeat(reps), repeated(reps), `repeat ${JSON.stringify(reps)}`);
    const full = [...new Array(Math.max(0, x.shape.length - short.length)).fill(1), ...short];
    same(tg.tile(f64(x), short), repeated(full), `tile ${JSON.stringify(short)}`);
  });
  assert.equal(tg.tensor([1, 2]).repeat([2, 2]).toArray(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
});

test('shape ops keep the dtype (float32 data moves bit-exactly)', () => {
  const x = f32({ shape: [2, 3], values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] });
  for (const y of [x.permute([1, 0]), x.pad([1, 1]), x.flip(0), x.slice([[0, 1]]), x.repeat([2, 1]), tg.concat([x, x]), x.gather(1, [[0], [2]])]) {
    assert.is(y.dtype, 'float32');
  }
  assert.equal(Array.from(x.flip([0, 1]).data()), Array.from(x.data()).reverse());
});

test.run();
