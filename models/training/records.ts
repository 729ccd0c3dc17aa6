// What one epoch of training leaves behind. A record is plain JSON (numbers and strings only),
// so the same object goes into the history, the loop-state file and the metrics file, and a
// resumed run's history is exactly the one an uninterrupted run would have built.

export interface EpochRecord {
  /** 1-based: the first epoch is epoch 1. */
  epoch: number;
  /** The mean loss over the epoch's training samples, as measured during training. */
  trainLoss: number;
  /** The mean loss over the test set after the epoch; absent without a test loader. */
  testLoss?: number;
  /** Test-set metrics under their names ({accuracy: 0.97}), and running training ones ({train_accuracy}). */
  metrics: Record<string, number>;
  /** The learning rate the epoch trained with (the first parameter group's). */
  lr: number;
  /** Wall-clock time of the epoch's training and evaluation (not of writing files). */
  seconds: number;
  /** Training samples per second of training time. */
  samplesPerSecond: number;
}

export interface History {
  epochs: EpochRecord[];
}

/** A number short enough for a log line, still exact enough to compare runs by eye. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(5)));
}

/** The one-line summary of an epoch: the 'lines' progress format, and the bar's final line. */
export function formatRecord(record: EpochRecord, epochs: number): string {
  const parts = [`epoch ${record.epoch}/${epochs}`, `loss ${formatNumber(record.trainLoss)}`];
  if (record.testLoss !== undefined) parts.push(`test_loss ${formatNumber(record.testLoss)}`);
  for (const [name, value] of Object.entries(record.metrics)) parts.push(`${name} ${formatNumber(value)}`);
  parts.push(`lr ${formatNumber(record.lr)}`, `${record.seconds.toFixed(2)}s`, `${Math.round(record.samplesPerSecond)} samples/s`);
  return parts.join('  ');
}
