// BatchNorm1d and BatchNorm2d, as torch.nn.BatchNorm1d/2d (Ioffe & Szegedy, 2015), composed of
// tensor ops so that the gradient comes for free.
//   training: each channel is normalised by the batch's mean and biased variance (over the
//     batch and spatial axes), and these are folded into the running statistics,
//       running ← (1 − momentum)·running + momentum·batch,
//     with the unbiased variance n/(n − 1)·var, as PyTorch (momentum null: a cumulative average,
//     momentum = 1/numBatchesTracked).
//   eval: the running statistics are used instead, so a sample's output does not depend on
//     the rest of its batch. Without running statistics the batch's are used in both modes.
import { ones, zeros } from '../core/creation.js';
import { checkFinite, checkOptions, fail, formatShape } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { checkInput, flag, positiveInt, positiveNumber, type ShapePattern } from './checks.js';
import { Module } from './module.js';
import { fullParameter, type Parameter } from './parameter.js';
import { constant_ } from './init.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true). */
  trackRunningStats?: boolean;
}

/** What BatchNorm1d and BatchNorm2d share; they differ only in the input shapes they accept. */
export abstract class BatchNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;

  protected abstract readonly inputShapes: readonly ShapePattern[];

  constructor(layer: string, numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = checkOptions(layer, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    this.numFeatures = positiveInt(layer, 'numFeatures', numFeatures);
    this.eps = positiveNumber(layer, 'eps', eps);
    if (momentum !== null && (checkFinite(layer, 'momentum', momentum) < 0 || momentum > 1)) fail(layer, `momentum must be in [0, 1] or null, got ${momentum}`);
    this.momentum = momentum;
    const learn = flag(layer, 'affine', affine);
    this.weight = learn ? fullParameter([numFeatures], 1) : null;
    this.bias = learn ? fullParameter([numFeatures], 0) : null;
    const track = flag(layer, 'trackRunningStats', trackRunningStats);
    this.runningMean = this.registerBuffer('runningMean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('runningVar', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('numBatchesTracked', track ? zeros([]) : null);
  }

  /** Running mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    if (this.runningMean) constant_(this.runningMean, 0);
    if (this.runningVar) constant_(this.runningVar, 1);
    if (this.numBatchesTracked) constant_(this.numBatchesTracked, 0);
  }

  override forward(x: Tensor): Tensor {
    checkInput(`${this.typeName}(${this.extraRepr()})`, x, ...this.inputShapes);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1); // all but the channels
    const statShape = x.shape.map((d, i) => (i === 1 ? d : 1)); // [1, C, 1, ...] broadcasts
    const n = x.size / this.numFeatures; // values per channel
    if (this.training && n <= 1) fail(this.typeName, `expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
    return tidy(() => {
      let mean: Tensor, variance: Tensor;
      if (this.training || this.runningMean === null || this.runningVar === null) {
        mean = x.mean(axes, { keepDim: true });
        variance = x.var(axes, { keepDim: true, correction: 0 });
        if (this.training) this.updateRunningStats(mean, variance, n);
      } else {
        mean = this.runningMean.reshape(statShape);
        variance = this.runningVar.reshape(statShape);
      }
      let y = x.sub(mean).mul(variance.add(this.eps).rsqrt());
      if (this.weight) y = y.mul(this.weight.reshape(statShape));
      if (this.bias) y = y.add(this.bias.reshape(statShape));
      return y;
    });
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    const { runningMean, runningVar, numBatchesTracked: count } = this;
    if (!runningMean || !runningVar || !count) return;
    noGrad(() => {
      count.assign(count.add(1));
      const m = this.momentum ?? 1 / count.item(); // the cumulative average reads the count back
      const channels = [this.numFeatures];
      runningMean.assign(runningMean.mul(1 - m).add(mean.reshape(channels).mul(m)));
      runningVar.assign(runningVar.mul(1 - m).add(variance.reshape(channels).mul((m * n) / (n - 1))));
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}

/** Over [N, C] (features) or [N, C, L] (sequences). */
export class BatchNorm1d extends BatchNorm {
  protected readonly inputShapes: readonly ShapePattern[];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
    this.inputShapes = [['N', numFeatures], ['N', numFeatures, 'L']];
  }
}

/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  protected readonly inputShapes: readonly ShapePattern[];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
    this.inputShapes = [['N', numFeatures, 'H', 'W']];
  }
}
