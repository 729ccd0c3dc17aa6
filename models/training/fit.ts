// fit: the training loop. Each epoch, in this order:
//   1. train: for every batch, zero the gradients, forward, loss, backward, (clip), step, all
//      inside one tidy so the step leaves no tensor behind;
//   2. evaluate on the test loader, if any (eval mode, no tape);
//   3. step the LR scheduler (so the next epoch trains with the new lr);
//   4. record the epoch, append it to the metrics file, write the checkpoint and loop state;
//   5. print the epoch's line and call the callbacks, any of which may stop training.
// Every random draw of the run (dropout masks, RReLU slopes, RPAU noise) comes from a generator
// of its own, seeded from the training loader's seed; the global one (manualSeed) is untouched.
// fit is async, so two runs can be in flight at once: with one shared generator each would draw
// what the other left, and neither would compute what it computes alone.
// A resumed run restores, before its first epoch, everything that decides what the next epoch
// computes: weights, optimizer, scheduler, the run's generator and the loaders' epoch counters.
// What it then computes is bit-for-bit what the uninterrupted run computed.
import { Generator, withGenerator } from '../../core/rng.js';
import { tidy } from '../../core/scope.js';
import { deriveSeed } from '../../data/random.js';
import type { Module } from '../../nn/module.js';
import { clipGradNorm } from '../../optim/clip.js';
import { findLoopStateFile, loadWeights, readLoopState, saveEpoch } from './checkpoints.js';
import { evaluateWith } from './evaluate.js';
import { checkFitOptions, type CheckedFitOptions, type FitOptions } from './fit_options.js';
import { LOOP_STATE_FORMAT, LOOP_STATE_VERSION } from './loop_state.js';
import { RunningAverages } from './metrics.js';
import { appendMetricsLine } from './metrics_file.js';
import { ProgressBar } from './progress.js';
import { formatRecord, type EpochRecord, type History } from './records.js';
import { restoreLoop } from './resume.js';
import { captureRng } from './rng_state.js';

/** Sets the run's generator apart from the loader's shuffling and augmentation streams. */
const FIT_STREAM = 0x66697421;

export async function fit(model: Module, options: FitOptions): Promise<History> {
  const fn = 'fit';
  const o = checkFitOptions(fn, model, options);
  const rng = new Generator(deriveSeed(o.train.seed, FIT_STREAM));
  const history: EpochRecord[] = [];
  if (o.resume) {
    const file = await findLoopStateFile(fn, o.resume, o.checkpointDir);
    const state = await readLoopState(fn, file);
    restoreLoop(fn, file, state, o, rng);
    await loadWeights(fn, file, state, model, o.optimizer);
    history.push(...state.history);
  }
  try {
    for (let epoch = history.length + 1; epoch <= o.epochs; epoch++) {
      const record = await runEpoch(model, o, rng, epoch, history);
      let stop = false;
      for (const callback of o.callbacks) if ((await callback.onEpochEnd?.(record)) === 'stop') stop = true;
      if (stop) break;
    }
  } finally {
    o.optimizer.zeroGrad(); // the last step's gradients are of no use after training
  }
  return { epochs: history };
}

/** Steps 1 to 5 of one epoch but the callbacks; returns the epoch's record. */
async function runEpoch(model: Module, o: CheckedFitOptions, rng: Generator, epoch: number, history: EpochRecord[]): Promise<EpochRecord> {
  const began = performance.now();
  const bar = new ProgressBar({ total: o.train.length, label: `epoch ${epoch}/${o.epochs}`, mode: o.progress, stream: o.progressStream });
  const lr = o.optimizer.paramGroups[0].lr as number; // SGD, Adam and AdamW all have a numeric lr
  const train = trainEpoch(model, o, rng, epoch, bar);
  const trainSeconds = (performance.now() - began) / 1000;
  const test = o.test ? withGenerator(rng, () => evaluateWith('fit', model, o.test!, o.loss, o.metrics)) : undefined;
  o.scheduler?.step();

  const record: EpochRecord = {
    epoch,
    trainLoss: train.loss,
    ...(test ? { testLoss: test.loss } : {}),
    metrics: { ...test?.metrics, ...train.metrics('train_') },
    lr,
    seconds: (performance.now() - began) / 1000,
    samplesPerSecond: train.sampleCount / trainSeconds,
  };
  history.push(record);

  if (o.metricsFile) await appendMetricsLine(o.metricsFile, record);
  if (o.checkpointDir) {
    await saveEpoch(o.checkpointDir, model, o.optimizer, {
      format: LOOP_STATE_FORMAT,
      version: LOOP_STATE_VERSION,
      epoch,
      history: [...history],
      scheduler: o.scheduler?.stateDict() ?? null,
      rng: captureRng(rng),
      loaders: { train: o.train.epoch, test: o.test?.epoch ?? null },
      seed: o.train.seed,
    });
  }
  bar.finish(formatRecord(record, o.epochs));
  return record;
}

/** One pass over the training loader; returns the epoch's running loss and metrics. */
function trainEpoch(model: Module, o: CheckedFitOptions, rng: Generator, epoch: number, bar: ProgressBar): RunningAverages {
  model.train();
  const params = o.optimizer.params();
  const averages = new RunningAverages('fit', o.metrics);
  let batch = 0;
  for (const { x, y } of o.train) {
    batch++;
    // the step runs synchronously, so the run's generator serves it and nothing else
    const loss = withGenerator(rng, () => tidy(() => {
      o.optimizer.zeroGrad();
      const output = model.forward(x);
      const loss = o.loss(output, y);
      loss.backward();
      if (o.gradClip !== undefined) clipGradNorm(params, o.gradClip);
      o.optimizer.step();
      const value = loss.item();
      averages.add(x.shape[0], value, output, y);
      return value;
    }));
    bar.tick({ items: x.shape[0], loss });
    for (const callback of o.callbacks) callback.onBatchEnd?.({ epoch, batch, batches: o.train.length, loss });
  }
  return averages;
}
