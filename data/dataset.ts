// A dataset is two flat host arrays (inputs and targets) and the shape of one sample of each.
// Keeping the data on the host as typed arrays (float32 unless asked otherwise) lets the DataLoader copy rows into a batch and
// run transforms with plain loops, then upload once per batch: tensors only appear at the end.
import { checkOptions, fail, formatShape } from '../core/errors.js';
import { sizeOf } from '../core/shape.js';
import { fromHost, type Tensor } from '../core/tensor.js';
import { getBackend } from '../core/backend.js';
import { allocArray, dtypeOfArray, type TypedArray } from '../core/dtype.js';

interface DatasetBase {
  readonly length: number;
  /** length × sampleSize values, row-major (sample i starts at i·sampleSize). */
  readonly x: TypedArray;
  /** One sample's shape, e.g. [1, 28, 28] for MNIST (batches are [B, ...sampleShape]). */
  readonly sampleShape: readonly number[];
  /** length × targetSize values. */
  readonly y: TypedArray;
  readonly targetShape: readonly number[];
}

/** y holds class indices 0 … classes−1; batches carry them as number[] (what crossEntropy takes). */
export interface ClassificationDataset extends DatasetBase {
  readonly classes: number;
}

/** y holds real targets; batches carry them as a tensor [B, ...targetShape]. */
export interface RegressionDataset extends DatasetBase {
  readonly classes?: undefined;
}

export type Dataset = ClassificationDataset | RegressionDataset;

export interface DatasetSpec {
  x: TypedArray;
  sampleShape: readonly number[];
  y: TypedArray;
  targetShape?: readonly number[];
  classes?: number;
}

/** Checks that the arrays fill `length` samples (and that labels are class indices). */
export function makeDataset(spec: DatasetSpec & { classes: number }): ClassificationDataset;
export function makeDataset(spec: DatasetSpec & { classes?: undefined }): RegressionDataset;
export function makeDataset(spec: DatasetSpec): Dataset {
  const fn = 'makeDataset';
  const sampleSize = sizeOf(spec.sampleShape);
  const targetShape = spec.targetShape ?? [];
  const targetSize = sizeOf(targetShape);
  if (sampleSize === 0 || spec.x.length % sampleSize !== 0) fail(fn, `${spec.x.length} input values do not split into samples of shape ${formatShape(spec.sampleShape)}`);
  const length = spec.x.length / sampleSize;
  if (spec.y.length !== length * targetSize) fail(fn, `${length} samples need ${length * targetSize} target values (shape ${formatShape(targetShape)} each), got ${spec.y.length}`);
  if (spec.classes !== undefined) {
    if (targetSize !== 1) fail(fn, `a classification set has one label per sample, got target shape ${formatShape(targetShape)}`);
    const bad = spec.y.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= spec.classes!);
    if (bad >= 0) fail(fn, `label ${spec.y[bad]} of sample ${bad} is not a class index in [0, ${spec.classes})`);
  }
  return { length, x: spec.x, sampleShape: [...spec.sampleShape], y: spec.y, targetShape: [...targetShape], classes: spec.classes };
}

/** The samples at `indices` (or in [start, end)), copied: e.g. a train/test split. */
export function subset<D extends Dataset>(ds: D, indices: readonly number[] | { start: number; end: number }): D {
  const list = Array.isArray(indices) ? indices : rangeOf((indices as { start: number; end: number }).start, (indices as { end: number }).end);
  const sx = sizeOf(ds.sampleShape);
  const sy = sizeOf(ds.targetShape);
  const x = allocArray(dtypeOfArray(ds.x), list.length * sx);
  const y = allocArray(dtypeOfArray(ds.y), list.length * sy);
  list.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= ds.length) fail('subset', `index ${i} is outside [0, ${ds.length})`);
    x.set(ds.x.subarray(i * sx, (i + 1) * sx), k * sx);
    y.set(ds.y.subarray(i * sy, (i + 1) * sy), k * sy);
  });
  return { ...ds, length: list.length, x, y };
}

function rangeOf(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
}

/** The whole set as one batch: inputs [N, ...sampleShape], and labels or a target tensor. */
export function datasetTensors(ds: ClassificationDataset, options?: { backend?: string }): { x: Tensor; y: number[] };
export function datasetTensors(ds: RegressionDataset, options?: { backend?: string }): { x: Tensor; y: Tensor };
export function datasetTensors(ds: Dataset, options: { backend?: string } = {}): { x: Tensor; y: Tensor | number[] } {
  checkOptions('datasetTensors', options, ['backend']);
  const backend = getBackend(options.backend);
  const x = fromHost(ds.x, [ds.length, ...ds.sampleShape], backend);
  const y = ds.classes !== undefined ? Array.from(ds.y) : fromHost(ds.y, [ds.length, ...ds.targetShape], backend);
  return { x, y };
}
