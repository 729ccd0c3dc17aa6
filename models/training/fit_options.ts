// What fit takes, and the checks that turn a wrong option into an error naming fit, the option,
// what was expected and what came, before any training starts.
import { fail } from '../../core/errors.js';
import { DataLoader } from '../../data/loader.js';
import { Optimizer } from '../../optim/optimizer.js';
import { LRScheduler } from '../../optim/lr_scheduler.js';
import { Module } from '../../nn/module.js';
import { resolveLoss, type LossFunction, type LossSpec } from './losses.js';
import { checkMetricNames, type MetricName } from './metrics.js';
import { PROGRESS_MODES, type ProgressMode, type TextStream } from './progress.js';
import type { EpochRecord } from './records.js';

export interface BatchInfo {
  /** 1-based, as EpochRecord.epoch. */
  epoch: number;
  /** 1-based index of the batch just trained. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** This batch's loss. */
  loss: number;
}

export interface FitCallbacks {
  onBatchEnd?(info: BatchInfo): void;
  /** Called after the epoch is recorded and checkpointed; returning 'stop' ends training there. */
  onEpochEnd?(record: EpochRecord): void | 'stop' | Promise<void | 'stop'>;
}

export interface FitOptions {
  train: DataLoader;
  /** Evaluated after every epoch (testLoss and the metrics). */
  test?: DataLoader;
  /**
   * Any optimizer (SGD, Adam, AdamW...). Each has its own hyperparameter type, and the loop uses
   * only what they all share (zeroGrad, step, params, state dicts, the groups' lr), hence `any`.
   */
  optimizer: Optimizer<any>;
  /** Stepped once per epoch, after the epoch's training. */
  scheduler?: LRScheduler;
  /** The total number of epochs, counting those a resumed run has already done. */
  epochs: number;
  /** Default 'cross_entropy'. */
  loss?: LossSpec;
  metrics?: MetricName[];
  callbacks?: FitCallbacks[];
  /** Where each epoch's checkpoint and loop state go (see checkpoints.ts). */
  checkpointDir?: string;
  /** true: continue from checkpointDir's latest.json; a string: that loop-state file. */
  resume?: boolean | string;
  progress?: ProgressMode;
  /** Default process.stderr. */
  progressStream?: TextStream;
  /** JSON lines, one EpochRecord per epoch, appended. */
  metricsFile?: string;
  /** Rescale the gradients each step so that their joint 2-norm is at most this. */
  gradClip?: number;
}

/** FitOptions checked, with defaults filled in and the loss as a function. */
export interface CheckedFitOptions extends Omit<FitOptions, 'loss' | 'metrics' | 'callbacks' | 'progress'> {
  loss: LossFunction;
  metrics: MetricName[];
  callbacks: FitCallbacks[];
  progress: ProgressMode;
}

export function checkFitOptions(fn: string, model: unknown, options: FitOptions): CheckedFitOptions {
  if (!(model instanceof Module)) fail(fn, `expected a Module to train, got ${describe(model)}`);
  if (options === null || typeof options !== 'object') fail(fn, `expected an options object {train, optimizer, epochs, ...}, got ${describe(options)}`);
  const o = options;
  if (o.train === undefined) fail(fn, 'missing the training loader: pass options.train, a DataLoader');
  if (!(o.train instanceof DataLoader)) fail(fn, `train must be a DataLoader, got ${describe(o.train)}`);
  if (o.train.length === 0) fail(fn, 'the training loader yields no batches (an empty dataset, or dropLast with fewer samples than batchSize)');
  if (o.test !== undefined && !(o.test instanceof DataLoader)) fail(fn, `test must be a DataLoader, got ${describe(o.test)}`);
  if (o.test !== undefined && o.test.length === 0) fail(fn, 'the test loader yields no batches');
  if (!(o.optimizer instanceof Optimizer)) fail(fn, `optimizer must be an Optimizer (SGD, Adam, AdamW...), got ${describe(o.optimizer)}`);
  if (o.scheduler !== undefined && !(o.scheduler instanceof LRScheduler)) fail(fn, `scheduler must be an LRScheduler, got ${describe(o.scheduler)}`);
  if (o.scheduler !== undefined && (o.scheduler.optimizer as unknown) !== o.optimizer) fail(fn, 'the scheduler belongs to another optimizer than options.optimizer');
  if (typeof o.epochs !== 'number' || !Number.isInteger(o.epochs) || o.epochs < 1) fail(fn, `epochs must be a positive integer, got ${describe(o.epochs)}`);
  const callbacks = o.callbacks ?? [];
  if (!Array.isArray(callbacks)) fail(fn, `callbacks must be an array of {onBatchEnd?, onEpochEnd?}, got ${describe(callbacks)}`);
  callbacks.forEach((c, i) => {
    if (c === null || typeof c !== 'object') fail(fn, `callbacks[${i}] must be an object {onBatchEnd?, onEpochEnd?}, got ${describe(c)}`);
  });
  for (const key of ['checkpointDir', 'metricsFile'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) fail(fn, `${key} must be a path, got ${describe(o[key])}`);
  }
  if (o.resume !== undefined && typeof o.resume !== 'boolean' && (typeof o.resume !== 'string' || o.resume === '')) {
    fail(fn, `resume must be true, false or a loop-state file path, got ${describe(o.resume)}`);
  }
  const progress = o.progress ?? 'auto';
  if (!PROGRESS_MODES.includes(progress)) fail(fn, `unknown progress ${describe(progress)}; expected one of ${PROGRESS_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (o.gradClip !== undefined && (typeof o.gradClip !== 'number' || !(o.gradClip > 0) || !Number.isFinite(o.gradClip))) {
    fail(fn, `gradClip must be a positive number, got ${describe(o.gradClip)}`);
  }
  return { ...o, loss: resolveLoss(fn, o.loss), metrics: checkMetricNames(fn, o.metrics), callbacks, progress };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return value.constructor?.name ?? 'an object';
}
