// Evaluation: the model in eval mode (dropout off, batch norm on its running statistics), no
// tape, one pass over the loader, the loss and metrics averaged over samples. The model's
// training flag is put back afterwards, so evaluate can be called between training epochs.
import { checkOptions, fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { noGrad } from '../../core/tape.js';
import { DataLoader } from '../../data/loader.js';
import { Module } from '../../nn/module.js';
import { resolveLoss, type LossFunction, type LossSpec } from './losses.js';
import { checkMetricNames, RunningAverages, type MetricName } from './metrics.js';

export interface EvaluateOptions {
  /** Default 'cross_entropy'. */
  loss?: LossSpec;
  metrics?: MetricName[];
}

export interface Evaluation {
  loss: number;
  metrics: Record<string, number>;
}

export function evaluate(model: Module, loader: DataLoader, options: EvaluateOptions = {}): Evaluation {
  const fn = 'evaluate';
  const { loss, metrics } = checkOptions(fn, options, ['loss', 'metrics']);
  if (!(model instanceof Module)) fail(fn, `expected a Module to evaluate, got ${String(model)}`);
  if (!(loader instanceof DataLoader)) fail(fn, `expected a DataLoader, got ${String(loader)}`);
  if (loader.length === 0) fail(fn, 'the loader yields no batches (an empty dataset, or dropLast with fewer samples than batchSize)');
  return evaluateWith(fn, model, loader, resolveLoss(fn, loss), checkMetricNames(fn, metrics));
}

/** evaluate without the argument checks, for fit, which has checked its options once. */
export function evaluateWith(fn: string, model: Module, loader: DataLoader, loss: LossFunction, metrics: readonly MetricName[]): Evaluation {
  const wasTraining = model.training;
  model.eval();
  try {
    const averages = new RunningAverages(fn, metrics);
    for (const batch of loader) {
      noGrad(() => tidy(() => {
        const output = model.forward(batch.x);
        averages.add(batch.x.shape[0], loss(output, batch.y).item(), output, batch.y);
      }));
    }
    return { loss: averages.loss, metrics: averages.metrics() };
  } finally {
    model.train(wasTraining);
  }
}
