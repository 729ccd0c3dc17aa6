// The datasets the CLI trains on, as (train, test) pairs rebuilt identically from a name and a
// seed, so `tapegrad eval` sees exactly the test set `tapegrad train` reported on.
//   mnist, fashion   the official 60k/10k splits, normalised with MNIST's mean and std (0.1307, 0.3081),
//                    the PAU paper's preprocessing (it reuses MNIST's statistics for Fashion-MNIST)
//   circles, spirals 1,000 seeded points, the first 800 for training, the last 200 for testing
//   sine             1,000 seeded samples of sin t on [−6, 6], split 800 / 200
//   diabetes         442 patients in a seeded order, split 353 / 89; the target is standardised
//                    with the training part's mean and std (the raw one runs to 346), so the MSE
//                    is in units of its variance
// --limit N keeps the first N training samples (the test set stays whole).
import { fail } from '../../core/errors.js';
import { Generator } from '../../core/rng.js';
import { type Dataset, makeDataset, subset } from '../../data/dataset.js';
import { loadDiabetes } from '../../data/diabetes.js';
import { loadFashionMnist, loadMnist } from '../../data/mnist.js';
import { shuffleInPlace } from '../../data/random.js';
import { circles, sine, spirals } from '../../data/synthetic.js';
import { normalise, type Transform } from '../../data/transforms.js';

export const DATASETS = ['mnist', 'fashion', 'diabetes', 'circles', 'spirals', 'sine'] as const;
export type DatasetName = (typeof DATASETS)[number];

/**
 * What each dataset gives a model, known without loading it: a checkpoint's run info must say
 * exactly this, so a crafted file cannot ask eval to build a model of any other size.
 */
export const DATASET_SHAPES: Record<DatasetName, { inputShape: number[]; task: 'classification' | 'regression'; numClasses?: number; outputs?: number }> = {
  mnist: { inputShape: [1, 28, 28], task: 'classification', numClasses: 10 },
  fashion: { inputShape: [1, 28, 28], task: 'classification', numClasses: 10 },
  circles: { inputShape: [2], task: 'classification', numClasses: 2 },
  spirals: { inputShape: [2], task: 'classification', numClasses: 2 },
  sine: { inputShape: [1], task: 'regression', outputs: 1 },
  diabetes: { inputShape: [10], task: 'regression', outputs: 1 },
};

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface DatasetPair {
  train: Dataset;
  test: Dataset;
  task: 'classification' | 'regression';
  inputShape: number[];
  numClasses?: number;
  /** Outputs of a regression model. */
  outputs?: number;
  /** Applied to every batch, train and test. */
  transform?: Transform;
  /** How the pair was made, for the log and the checkpoint. */
  description: string;
}

export interface DatasetOptions {
  seed?: number;
  /** Keep only the first `limit` training samples. */
  limit?: number;
  /** A folder with the MNIST / Fashion-MNIST IDX files, instead of the installed packages. */
  root?: string;
}

export function isDatasetName(name: unknown): name is DatasetName {
  return typeof name === 'string' && (DATASETS as readonly string[]).includes(name);
}

export function loadDatasetPair(name: DatasetName, options: DatasetOptions = {}): DatasetPair {
  const seed = options.seed ?? 0;
  let pair: DatasetPair;
  switch (name) {
    case 'mnist':
    case 'fashion': {
      const load = name === 'mnist' ? loadMnist : loadFashionMnist;
      const root = options.root ? { root: options.root } : {};
      const train = load({ split: 'train', ...root });
      const test = load({ split: 'test', ...root });
      pair = {
        train, test, task: 'classification', inputShape: [...train.sampleShape], numClasses: 10,
        transform: normalise(MNIST_MEAN, MNIST_STD),
        description: `${name === 'mnist' ? 'MNIST' : 'Fashion-MNIST'} ${train.length} train / ${test.length} test, normalised (${MNIST_MEAN}, ${MNIST_STD})`,
      };
      break;
    }
    case 'circles':
    case 'spirals': {
      const all = (name === 'circles' ? circles : spirals)({ n: 1000, seed });
      pair = { ...split(all, 800), task: 'classification', inputShape: [...all.sampleShape], numClasses: all.classes, description: `${name}: 1000 points (seed ${seed}), 800 train / 200 test` };
      break;
    }
    case 'sine': {
      const all = sine({ n: 1000, seed });
      pair = { ...split(all, 800), task: 'regression', inputShape: [1], outputs: 1, description: `sine: 1000 samples of sin t on [-6, 6] (seed ${seed}), 800 train / 200 test` };
      break;
    }
    case 'diabetes': {
      const raw = loadDiabetes();
      const order = Array.from(shuffleInPlace(Int32Array.from({ length: raw.length }, (_, i) => i), new Generator(seed)));
      const shuffled = subset(raw, order);
      const { train, test } = split(shuffled, 353);
      const targets = Array.from(train.y);
      const mean = targets.reduce((a, b) => a + b, 0) / targets.length;
      const std = Math.sqrt(targets.reduce((a, b) => a + (b - mean) ** 2, 0) / targets.length);
      const scale = (d: Dataset) => makeDataset({ x: d.x, sampleShape: d.sampleShape, y: Float32Array.from(d.y, (v) => (v - mean) / std), targetShape: d.targetShape });
      pair = {
        train: scale(train), test: scale(test), task: 'regression', inputShape: [10], outputs: 1,
        description: `diabetes: 442 patients (order seed ${seed}), 353 train / 89 test, target standardised (mean ${mean.toFixed(2)}, std ${std.toFixed(2)})`,
      };
      break;
    }
    default:
      return fail('loadDatasetPair', `unknown dataset ${JSON.stringify(name)}; choose one of ${DATASETS.join(', ')}`);
  }
  if (options.limit !== undefined && options.limit < pair.train.length) {
    pair.train = subset(pair.train, { start: 0, end: options.limit });
    pair.description += `; training on the first ${options.limit}`;
  }
  return pair;
}

function split(all: Dataset, trainSize: number): { train: Dataset; test: Dataset } {
  return { train: subset(all, { start: 0, end: trainSize }), test: subset(all, { start: trainSize, end: all.length }) };
}
