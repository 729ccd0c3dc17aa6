// Metrics are averages over samples, so a metric is two running sums: its total over the
// batches seen and how many things it counted (samples for accuracy, elements for MSE). Summing
// first and dividing once at the end weighs a short last batch correctly.
import '../../ops/methods.js'; // argmax, sub, square... as tensor methods
import { fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { noGrad } from '../../core/tape.js';
import { Tensor } from '../../core/tensor.js';
import type { Target } from './losses.js';

export type MetricName = 'accuracy' | 'mse';

/** One batch's contribution: the sum of the metric over what it counted, and the count. */
type Measure = (fn: string, output: Tensor, target: Target) => { total: number; count: number };

const MEASURES: Record<MetricName, Measure> = {
  accuracy(fn, output, target) {
    const labels = target instanceof Tensor ? Array.from(target.data()) : target;
    if (output.rank !== 2 || output.shape[0] !== labels.length) {
      fail(fn, `metric 'accuracy' needs outputs [batch, classes] and one class label per sample, got output ${output.toString()} for ${labels.length} labels`);
    }
    const predicted = output.argmax(1).data();
    let correct = 0;
    labels.forEach((label, i) => (correct += predicted[i] === label ? 1 : 0));
    return { total: correct, count: labels.length };
  },
  mse(fn, output, target) {
    if (!(target instanceof Tensor)) fail(fn, "metric 'mse' needs target tensors (a regression dataset), got class labels (number[])");
    // compared element by element: broadcasting [B] against [B, 1] would silently measure B² pairs
    if (output.shape.join() !== target.shape.join()) fail(fn, `metric 'mse' needs outputs shaped like the targets, got output ${output.toString()} for target ${target.toString()}`);
    return { total: output.sub(target).square().sum().item(), count: output.size };
  },
};

export const METRIC_NAMES = Object.keys(MEASURES) as MetricName[];

/** Checks a list of metric names, naming the valid ones when one is unknown. */
export function checkMetricNames(fn: string, names: unknown): MetricName[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) fail(fn, `metrics must be an array of names (${METRIC_NAMES.join(', ')}), got ${String(names)}`);
  for (const name of names) {
    if (!Object.hasOwn(MEASURES, name)) fail(fn, `unknown metric ${JSON.stringify(name)}; expected some of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')}`);
  }
  return [...new Set(names as MetricName[])];
}

/** Running sums of the loss and of each metric over an epoch's batches. */
export class RunningAverages {
  private samples = 0;
  private lossTotal = 0;
  private readonly sums = new Map<MetricName, { total: number; count: number }>();

  /** `fn` names the caller (fit or evaluate) in errors. */
  constructor(private readonly fn: string, private readonly names: readonly MetricName[]) {
    for (const name of names) this.sums.set(name, { total: 0, count: 0 });
  }

  /** Adds one batch: its mean loss (weighted by its size) and its metrics, read without a tape. */
  add(batchSize: number, meanLoss: number, output: Tensor, target: Target): void {
    this.samples += batchSize;
    this.lossTotal += meanLoss * batchSize;
    noGrad(() => tidy(() => {
      for (const name of this.names) {
        const { total, count } = MEASURES[name](this.fn, output, target);
        const sum = this.sums.get(name)!;
        sum.total += total;
        sum.count += count;
      }
    }));
  }

  get sampleCount(): number {
    return this.samples;
  }

  get loss(): number {
    return this.lossTotal / this.samples;
  }

  /** The averages under their names, each prefixed (e.g. 'train_'). */
  metrics(prefix = ''): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, { total, count }] of this.sums) out[prefix + name] = total / count;
    return out;
  }
}
