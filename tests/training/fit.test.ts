// fit: it learns, it measures what it reports, it leaks nothing, and its options take effect.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { evaluate, fit, readMetricsFile, type EpochRecord } from '../../models/training/index.js';
import { makeRun, parameterValues, withTempDir } from './helpers.js';

const { nn, optim, data } = tg;

function circlesRun(seed = 0) {
  tg.manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(2, 32), new nn.Tanh(), new nn.Linear(32, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const train = new data.DataLoader(data.circles({ n: 256, seed: 1 }), { batchSize: 32, shuffle: true, seed: 3 });
  const test = new data.DataLoader(data.circles({ n: 128, seed: 2 }), { batchSize: 64 });
  return { model, optimizer, train, test };
}

test('fit learns circles: test accuracy above 0.9 within 10 epochs with Adam', async () => {
  const run = circlesRun();
  const history = await fit(run.model, { ...run, epochs: 10, metrics: ['accuracy'], progress: 'none' });
  const first = history.epochs[0];
  const last = history.epochs.at(-1)!;
  assert.is(history.epochs.length, 10);
  assert.equal(history.epochs.map((r) => r.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(last.metrics.accuracy > 0.9, `test accuracy ${last.metrics.accuracy}`);
  assert.ok(last.metrics.train_accuracy > 0.9, `train accuracy ${last.metrics.train_accuracy}`);
  assert.ok(last.trainLoss < first.trainLoss / 2, `train loss ${first.trainLoss} → ${last.trainLoss}`);
  assert.ok(last.testLoss! < first.testLoss!, `test loss ${first.testLoss} → ${last.testLoss}`);
  for (const r of history.epochs) assert.ok(r.seconds > 0 && r.samplesPerSecond > 0 && r.lr === 0.05);
});

test("an epoch's testLoss and accuracy are evaluate()'s, and evaluate averages over samples", async () => {
  const run = circlesRun();
  const history = await fit(run.model, { ...run, epochs: 2, metrics: ['accuracy'], progress: 'none' });
  run.model.train();
  const again = evaluate(run.model, run.test, { metrics: ['accuracy'] });
  assert.ok(run.model.training, 'evaluate puts the training flag back');
  assert.is(again.loss, history.epochs[1].testLoss);
  assert.is(again.metrics.accuracy, history.epochs[1].metrics.accuracy);
  // the whole test set in one batch gives the same mean
  const { x, y } = tg.data.datasetTensors(run.test.dataset);
  const direct = tg.noGrad(() => tg.tidy(() => {
    const logits = run.model.eval().forward(x);
    return [tg.crossEntropy(logits, y as number[]).item(), logits.argmax(1).data()] as const;
  }));
  assert.ok(Math.abs(again.loss - direct[0]) < 1e-6, `${again.loss} vs ${direct[0]}`);
  const labels = y as number[];
  assert.is(again.metrics.accuracy, labels.filter((label, i) => direct[1][i] === label).length / labels.length);
});

test("regression: loss 'mse' and metric 'mse' agree", async () => {
  tg.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(1, 16), new nn.Tanh(), new nn.Linear(16, 1));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const train = new data.DataLoader(data.sine({ n: 96, seed: 1 }), { batchSize: 16, shuffle: true });
  const test = new data.DataLoader(data.sine({ n: 50, seed: 2 }), { batchSize: 16 }); // a short last batch
  const history = await fit(model, { train, test, optimizer, epochs: 3, loss: 'mse', metrics: ['mse'], progress: 'none' });
  for (const r of history.epochs) {
    assert.ok(Math.abs(r.metrics.mse - r.testLoss!) < 1e-6 * r.testLoss!, `${r.metrics.mse} vs ${r.testLoss}`);
    assert.ok(Math.abs(r.metrics.train_mse - r.trainLoss) < 1e-6 * r.trainLoss);
  }
});

test('a loss function can be passed, and onBatchEnd sees every batch', async () => {
  const run = circlesRun();
  const seen: string[] = [];
  let calls = 0;
  const loss = (output: tg.Tensor, target: tg.Tensor | number[]) => {
    calls++;
    return tg.crossEntropy(output, target, { labelSmoothing: 0.1 });
  };
  const callback = { onBatchEnd: (i: { epoch: number; batch: number; batches: number; loss: number }) => void seen.push(`${i.epoch}:${i.batch}/${i.batches}`) };
  await fit(run.model, { ...run, test: undefined, epochs: 2, loss, progress: 'none', callbacks: [callback] });
  assert.is(calls, 2 * run.train.length);
  assert.is(seen.length, 2 * 8);
  assert.is(seen[0], '1:1/8');
  assert.is(seen.at(-1), '2:8/8');
});

test('the live tensor count is flat across epochs (no leaks), also when writing checkpoints', withTempDir(async (dir) => {
  const run = makeRun(0);
  const counts: number[] = [];
  const before = tg.memory().tensors;
  const count = { onEpochEnd: () => void counts.push(tg.memory().tensors) };
  await fit(run.model, { ...run, epochs: 4, metrics: ['accuracy'], progress: 'none', checkpointDir: dir, metricsFile: join(dir, 'm.jsonl'), callbacks: [count] });
  assert.ok(counts.every((c) => c === counts[0]), `live tensors per epoch: ${counts.join(', ')}`);
  // what remains is Adam's two moment buffers per parameter; the gradients are freed
  const params = run.model.parameters().length;
  assert.is(tg.memory().tensors - before, 2 * params);
  assert.ok(run.model.parameters().every((p) => p.grad === null));
}));

test('the metrics file holds one JSON line per epoch, equal to the history', withTempDir(async (dir) => {
  const file = join(dir, 'logs', 'metrics.jsonl');
  const run = makeRun(0);
  const history = await fit(run.model, { ...run, epochs: 3, metrics: ['accuracy'], progress: 'none', metricsFile: file });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.is(lines.length, 3);
  assert.equal(lines.map((l) => JSON.parse(l) as EpochRecord), history.epochs);
  assert.equal(await readMetricsFile(file), history.epochs);
}));

test('a resumed run appends to the metrics file; readMetricsFile keeps the last line of an epoch', withTempDir(async (dir) => {
  const file = join(dir, 'metrics.jsonl');
  const first = makeRun(0);
  await fit(first.model, { ...first, epochs: 2, progress: 'none', metricsFile: file, checkpointDir: dir });
  const second = makeRun(1);
  const history = await fit(second.model, { ...second, epochs: 3, progress: 'none', metricsFile: file, resume: join(dir, 'epoch-0001.json') });
  assert.is(readFileSync(file, 'utf8').trimEnd().split('\n').length, 4); // 1, 2, then 2 again and 3
  assert.equal(await readMetricsFile(file), history.epochs);
}));

test('gradClip bounds each step: with SGD, every parameter moves at most lr · clip per step', async () => {
  const run = circlesRun();
  const optimizer = new optim.SGD(run.model.parameters(), { lr: 0.1 });
  const before = Object.values(parameterValues(run.model)).flat();
  const clip = 1e-3;
  await fit(run.model, { ...run, optimizer, epochs: 1, gradClip: clip, progress: 'none' });
  const after = Object.values(parameterValues(run.model)).flat();
  const moved = Math.hypot(...after.map((v, i) => v - before[i]));
  assert.ok(moved > 0 && moved <= run.train.length * 0.1 * clip * 1.001, `moved ${moved}`);
});

test("'stop' from a callback ends training after that epoch, once every callback has run", async () => {
  const run = circlesRun();
  const order: string[] = [];
  const stopper = { onEpochEnd: async (r: EpochRecord) => (order.push(`a${r.epoch}`), r.epoch === 2 ? ('stop' as const) : undefined) };
  const watcher = { onEpochEnd: (r: EpochRecord) => void order.push(`b${r.epoch}`) };
  const history = await fit(run.model, { ...run, epochs: 5, progress: 'none', callbacks: [stopper, watcher] });
  assert.is(history.epochs.length, 2);
  assert.equal(order, ['a1', 'b1', 'a2', 'b2']);
});

test.run();
