// Bad input: every error names the function, what it expected and what it got.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { evaluate, fit, ProgressBar, readMetricsFile, type FitOptions } from '../../models/training/index.js';
import { assertThrows } from '../helpers.js';
import { makeRun, rejection, withTempDir } from './helpers.js';

async function fitError(change: Partial<Record<keyof FitOptions, unknown>>, model?: unknown): Promise<string> {
  const run = makeRun(0);
  const options = { ...run, epochs: 1, progress: 'none', ...change } as FitOptions;
  return (await rejection(fit((model ?? run.model) as tg.nn.Module, options))).message;
}

const mentions = (message: string, ...fragments: string[]) => {
  for (const f of fragments) assert.ok(message.includes(f), `"${message}" does not mention ${f}`);
};

test('fit refuses a bad epochs count, naming what came', async () => {
  for (const epochs of [0, -2, 1.5, NaN, '3', undefined]) {
    mentions(await fitError({ epochs }), 'fit:', 'epochs must be a positive integer', `got ${typeof epochs === 'string' ? '"3"' : String(epochs)}`);
  }
});

test('fit refuses missing or wrong loaders, optimizer, scheduler and model', async () => {
  mentions(await fitError({ train: undefined }), 'fit:', 'missing the training loader');
  mentions(await fitError({ train: [[1, 2]] }), 'fit:', 'train must be a DataLoader', 'got Array');
  mentions(await fitError({ test: {} }), 'fit:', 'test must be a DataLoader');
  mentions(await fitError({ optimizer: undefined }), 'fit:', 'optimizer must be an Optimizer', 'got undefined');
  const other = makeRun(1);
  mentions(await fitError({ scheduler: other.scheduler }), 'fit:', 'another optimizer');
  mentions(await fitError({}, { forward: () => null }), 'fit:', 'expected a Module', 'got Object');
  const empty = new tg.data.DataLoader(tg.data.circles({ n: 4 }), { batchSize: 8, dropLast: true });
  mentions(await fitError({ train: empty }), 'fit:', 'no batches');
});

test('unknown loss, metric and progress names list the valid ones', async () => {
  mentions(await fitError({ loss: 'crossentropy' }), 'fit:', '"crossentropy"', "'cross_entropy', 'mse'");
  mentions(await fitError({ metrics: ['accuracy', 'f1'] }), 'fit:', '"f1"', "'accuracy', 'mse'");
  mentions(await fitError({ metrics: 'accuracy' }), 'fit:', 'metrics must be an array');
  mentions(await fitError({ progress: 'fancy' }), 'fit:', '"fancy"', "'auto', 'bar', 'lines', 'none'");
  mentions(await fitError({ gradClip: 0 }), 'fit:', 'gradClip must be a positive number, got 0');
  mentions(await fitError({ resume: 3 }), 'fit:', 'resume must be');
});

test('a loss that does not fit the data, or returns no scalar, is reported by fit', async () => {
  mentions(await fitError({ loss: 'mse' }), 'fit:', "loss 'mse' needs target tensors", 'number[]');
  mentions(await fitError({ metrics: ['mse'] }), 'fit:', "metric 'mse' needs target tensors");
  mentions(await fitError({ loss: (out: tg.Tensor) => out }), 'fit:', 'one-element Tensor', 'got Tensor');
});

test('evaluate checks its arguments', () => {
  const run = makeRun(0);
  assertThrows(() => evaluate(run.model, [] as unknown as tg.data.DataLoader), 'evaluate:', 'expected a DataLoader');
  assertThrows(() => evaluate({} as tg.nn.Module, run.test), 'evaluate:', 'expected a Module');
  assertThrows(() => evaluate(run.model, run.test, { metrics: ['top5' as 'accuracy'] }), 'evaluate:', '"top5"', "'accuracy', 'mse'");
});

test('ProgressBar checks its options', () => {
  assertThrows(() => new ProgressBar({ total: -1 }), 'ProgressBar:', 'total must be a non-negative integer, got -1');
  assertThrows(() => new ProgressBar({ total: 2, mode: 'fancy' as 'bar' }), 'ProgressBar:', '"fancy"', "'auto', 'bar', 'lines', 'none'");
});

test('readMetricsFile names the file, the line and the field', withTempDir(async (dir) => {
  const file = join(dir, 'm.jsonl');
  const record = { epoch: 1, trainLoss: 0.5, metrics: {}, lr: 0.1, seconds: 1, samplesPerSecond: 10 };
  writeFileSync(file, `${JSON.stringify(record)}\n{"epoch": 2, "trainLoss": "low", "metrics": {}}\n`);
  mentions((await rejection(readMetricsFile(file))).message, 'readMetricsFile:', `${file}:2`, "'record.trainLoss'", '"low"');
  writeFileSync(file, `${JSON.stringify(record)}\nnot json\n`);
  mentions((await rejection(readMetricsFile(file))).message, `${file}:2`, 'not valid JSON');
  writeFileSync(file, `${JSON.stringify(record)}\n{"epoch": 2, "trainL`); // killed mid-write: ignored
  assert.equal(await readMetricsFile(file), [record]);
  mentions((await rejection(readMetricsFile(join(dir, 'missing.jsonl')))).message, 'readMetricsFile:', 'missing.jsonl');
}));

test.run();
