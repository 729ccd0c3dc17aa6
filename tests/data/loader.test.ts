// DataLoader: batch sizes and dropLast, every sample exactly once per epoch, seeded shuffling that
// is a pure function of (seed, epoch) so a resumed run replays epoch k, label vs tensor targets,
// dtype, seeded transforms, and that a plain for..of loop leaves no live tensors behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

const { DataLoader, makeDataset } = tg.data;

/** Sample i has inputs [i, 10i] and label i % 3 (so batches reveal which samples they hold). */
function indexed(n: number): tg.data.ClassificationDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) [x[2 * i], x[2 * i + 1]] = [i, 10 * i];
  return makeDataset({ x, sampleShape: [2], y: Float32Array.from({ length: n }, (_, i) => i % 3), classes: 3 });
}

function epochIds(loader: tg.data.DataLoader<tg.data.ClassificationDataset>): number[][] {
  const out: number[][] = [];
  for (const { x } of loader) out.push(Array.from(x.data()).filter((_, k) => k % 2 === 0));
  return out;
}

test('batch sizes, the short last batch, and dropLast', () => {
  const ds = indexed(10);
  const keep = new DataLoader(ds, { batchSize: 4 });
  assert.is(keep.length, 3);
  assert.equal(epochIds(keep), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.is(drop.length, 2);
  assert.equal(epochIds(drop), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.is(new DataLoader(ds, { batchSize: 20, dropLast: true }).length, 0);
});

test('every epoch visits each sample once (all batches full with dropLast), for any sizes', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.boolean(), fc.nat(), (n, batchSize, shuffle, dropLast, seed) => {
    const loader = new DataLoader(indexed(n), { batchSize, shuffle, dropLast, seed });
    const batches = epochIds(loader);
    assert.is(batches.length, loader.length);
    const seen = batches.flat();
    if (dropLast) {
      assert.ok(batches.every((b) => b.length === batchSize));
      assert.is(seen.length, Math.floor(n / batchSize) * batchSize);
    } else assert.equal([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    assert.is(new Set(seen).size, seen.length);
  }), { numRuns: 60 });
});

test('shuffling: same seed, same epochs; a new order each epoch; another seed differs', () => {
  const a = new DataLoader(indexed(50), { batchSize: 7, shuffle: true, seed: 11 });
  const b = new DataLoader(indexed(50), { batchSize: 7, shuffle: true, seed: 11 });
  const a0 = epochIds(a);
  const a1 = epochIds(a);
  assert.equal(epochIds(b), a0);
  assert.equal(epochIds(b), a1);
  assert.not.equal(a1, a0);
  assert.not.equal(epochIds(new DataLoader(indexed(50), { batchSize: 7, shuffle: true, seed: 12 })), a0);
  assert.is(a.epoch, 2);
});

test('resume: a fresh loader set to epoch k yields the batches of epoch k of an uninterrupted run', () => {
  const transform: tg.data.Transform = ({ data, shape }, rng) => ({ data: data.map((v) => v + rng.uniform()), shape });
  const options = { batchSize: 8, shuffle: true, seed: 5, transform };
  const run = new DataLoader(indexed(30), options);
  const epochs = [0, 1, 2, 3].map(() => Array.from(run, ({ x, y }) => [Array.from(x.data()), y]));
  const resumed = new DataLoader(indexed(30), options);
  resumed.epoch = 2;
  assert.equal(Array.from(resumed, ({ x, y }) => [Array.from(x.data()), y]), epochs[2]);
  assert.equal(Array.from(resumed.epochBatches(3), ({ x, y }) => [Array.from(x.data()), y]), epochs[3]);
  assert.equal(Array.from(resumed.order(1)), Array.from(run.order(1)));
});

test('classification batches carry labels as number[]; regression batches a tensor [B, ...targetShape]', () => {
  const [first] = new DataLoader(indexed(5), { batchSize: 5, autoDispose: false });
  assert.equal(first.x.shape, [5, 2]);
  assert.equal(first.y, [0, 1, 2, 0, 1]);
  const reg = makeDataset({ x: new Float32Array([1, 2, 3]), sampleShape: [1], y: new Float32Array([4, 5, 6]), targetShape: [1] });
  const [batch] = new DataLoader(reg, { batchSize: 2, dtype: 'float64', autoDispose: false });
  assert.equal(batch.x.shape, [2, 1]);
  assert.is(batch.x.dtype, 'float64');
  assert.equal(batch.y.shape, [2, 1]);
  assert.equal(batch.y.toArray(), [[4], [5]]);
});

test('autoDispose: an epoch leaves no live tensors; break keeps the current batch usable', () => {
  const before = tg.memory().tensors;
  for (const { x } of new DataLoader(tg.data.loadDiabetes(), { batchSize: 32 })) x.sum().dispose();
  assert.is(tg.memory().tensors, before);
  let kept: tg.Tensor | null = null;
  for (const { x } of new DataLoader(indexed(9), { batchSize: 3 })) {
    kept = x;
    break;
  }
  assert.equal(Array.from(kept!.data()), [0, 0, 1, 10, 2, 20]);
  kept!.dispose();
  assert.is(tg.memory().tensors, before);
  const all = Array.from(new DataLoader(indexed(9), { batchSize: 3, autoDispose: false }));
  assert.is(tg.memory().tensors, before + 3);
  all.forEach((b) => b.x.dispose());
});

test('bad arguments are named', () => {
  assertThrows(() => new DataLoader(indexed(3), { batchSize: 0 }), 'DataLoader', 'batchSize must be at least 1');
  assertThrows(() => new DataLoader(indexed(3), { batchSize: 1.5 }), 'DataLoader', 'batchSize must be an integer');
  assertThrows(() => new DataLoader({} as tg.data.Dataset), 'DataLoader', 'expected a dataset');
  assertThrows(() => makeDataset({ x: new Float32Array(5), sampleShape: [2], y: new Float32Array(2) }), 'makeDataset', '5 input values');
  assertThrows(() => makeDataset({ x: new Float32Array(4), sampleShape: [2], y: new Float32Array([0, 3]), classes: 3 }), 'label 3 of sample 1');
});

test.run();
