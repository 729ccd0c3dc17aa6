// DataLoader: iterates a dataset in batches, as torch.utils.data.DataLoader. The order of epoch
// k and the augmentations of its batches come from generators seeded by (seed, k, …) alone, not
// from a generator that carries state across epochs, so a run resumed at epoch k sees exactly the
// batches an uninterrupted run would (set `loader.epoch = k`, like DistributedSampler.set_epoch).
import { getBackend } from '../core/backend.js';
import { allocArray, dtypeOfArray, type DType } from '../core/dtype.js';
import { checkInteger, checkOptions, fail } from '../core/errors.js';
import { Generator as Rng } from '../core/rng.js';
import { sizeOf } from '../core/shape.js';
import { fromHost, type Tensor } from '../core/tensor.js';
import type { ClassificationDataset, Dataset } from './dataset.js';
import { deriveSeed, shuffleInPlace } from './random.js';
import type { Transform } from './transforms.js';

export interface DataLoaderOptions {
  /** Samples per batch (1 by default, as in PyTorch). */
  batchSize?: number;
  /** A new seeded permutation every epoch (false: dataset order). */
  shuffle?: boolean;
  seed?: number;
  /** Skip the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
  /** Applied to each input batch [B, ...sampleShape] on the host before upload. */
  transform?: Transform;
  /** The batches' dtype; the dataset's array type by default. */
  dtype?: DType;
  backend?: string;
  /**
   * Dispose each batch's tensors when the next batch is requested (and the last one when the
   * epoch ends normally), so a plain for..of loop does not leak device memory. true by default;
   * a batch needed longer must be cloned, or the loader made with autoDispose: false.
   */
  autoDispose?: boolean;
}

/** Inputs [B, ...sampleShape]; labels as number[] for classification sets, else a tensor [B, ...targetShape]. */
export type Batch<D extends Dataset = Dataset> = { x: Tensor; y: D extends ClassificationDataset ? number[] : Tensor };

const SHUFFLE_STREAM = 0;
const TRANSFORM_STREAM = 1;

export class DataLoader<D extends Dataset = Dataset> implements Iterable<Batch<D>> {
  /** The epoch the next for..of runs; incremented each time an iteration starts. */
  epoch = 0;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly options: DataLoaderOptions;

  constructor(readonly dataset: D, options: DataLoaderOptions = {}) {
    const fn = 'DataLoader';
    checkOptions(fn, options, ['batchSize', 'shuffle', 'seed', 'dropLast', 'transform', 'dtype', 'backend', 'autoDispose']);
    if (!dataset || !ArrayBuffer.isView(dataset.x) || !ArrayBuffer.isView(dataset.y) || !Number.isInteger(dataset.length)) {
      fail(fn, 'expected a dataset { length, x, sampleShape, y, targetShape } (see makeDataset)');
    }
    this.batchSize = checkInteger(fn, 'batchSize', options.batchSize ?? 1);
    if (this.batchSize < 1) fail(fn, `batchSize must be at least 1, got ${this.batchSize}`);
    this.seed = checkInteger(fn, 'seed', options.seed ?? 0);
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
      fail(fn, `dtype must be 'float32' or 'float64', got ${String(options.dtype)}`);
    }
    this.options = options;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of an epoch: a pure function of (seed, epoch). */
  order(epoch: number): Int32Array {
    checkInteger('DataLoader.order', 'epoch', epoch);
    const indices = new Int32Array(this.dataset.length);
    for (let i = 0; i < indices.length; i++) indices[i] = i;
    return this.shuffle ? shuffleInPlace(indices, new Rng(deriveSeed(this.seed, epoch, SHUFFLE_STREAM))) : indices;
  }

  [Symbol.iterator](): Iterator<Batch<D>> {
    return this.epochBatches(this.epoch++);
  }

  /** The batches of one given epoch, without touching `epoch`. */
  *epochBatches(epoch: number): Generator<Batch<D>, void, undefined> {
    const order = this.order(epoch);
    const autoDispose = this.options.autoDispose ?? true;
    let previous: Batch<D> | null = null;
    for (let b = 0; b < this.length; b++) {
      const batch = this.makeBatch(order.subarray(b * this.batchSize, (b + 1) * this.batchSize), epoch, b);
      if (autoDispose && previous) release(previous);
      previous = batch;
      yield batch;
    }
    // reached only when the consumer asked past the last batch (not on break)
    if (autoDispose && previous) release(previous);
  }

  private makeBatch(indices: Int32Array, epoch: number, index: number): Batch<D> {
    const ds = this.dataset;
    const backend = getBackend(this.options.backend);
    const dtype = this.options.dtype ?? dtypeOfArray(ds.x);
    const sx = sizeOf(ds.sampleShape);
    const sy = sizeOf(ds.targetShape);
    const xs = allocArray(dtype, indices.length * sx);
    indices.forEach((i, k) => xs.set(ds.x.subarray(i * sx, (i + 1) * sx), k * sx));
    let host = { data: xs, shape: [indices.length, ...ds.sampleShape] as readonly number[] };
    if (this.options.transform) {
      host = this.options.transform(host, new Rng(deriveSeed(this.seed, epoch, TRANSFORM_STREAM, index)));
    }
    const x = fromHost(host.data, host.shape, backend);
    if (ds.classes !== undefined) return { x, y: Array.from(indices, (i) => ds.y[i]) } as Batch<D>;
    const ys = allocArray(dtype, indices.length * sy);
    indices.forEach((i, k) => ys.set(ds.y.subarray(i * sy, (i + 1) * sy), k * sy));
    return { x, y: fromHost(ys, [indices.length, ...ds.targetShape], backend) } as Batch<D>;
  }
}

function release(batch: Batch): void {
  batch.x.dispose();
  if (!Array.isArray(batch.y)) (batch.y as Tensor).dispose();
}
