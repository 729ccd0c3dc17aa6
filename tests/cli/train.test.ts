// tapegrad end to end on the toy sets: train writes checkpoints, metrics and model.safetensors
// with the run's metadata; eval rebuilds the model from the file alone and reproduces the
// reported test accuracy; plot writes SVGs whose curves are the model's activations; and the
// real executable (spawned) exits with the right codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '../../nn/safetensors_file.js';
import { activationCurves } from '../../models/plot/index.js';
import { cosineDecay, loadTrained, main, METADATA_KEY, type RunInfo } from '../../models/cli/index.js';
import { assertClose } from '../helpers.js';
import { pixelTolerance, readPanels } from '../plot/svg_reader.js';
import { captureIo } from './io.js';

const root = mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));
const out = join(root, 'circles-pau');

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('train: 2 epochs of an MLP with PAUs on circles write everything eval and plot need', async () => {
  const r = await run('train', '--model', 'mlp', '--act', 'pau', '--dataset', 'circles', '--epochs', '2', '--batch', '32', '--lr', '0.01', '--seed', '3', '--out', out, '--progress', 'lines');
  assert.is(r.code, 0, r.err);
  for (const file of ['model.safetensors', 'run.json', 'metrics.jsonl', 'latest.json', 'epoch-0001.safetensors', 'epoch-0002.safetensors']) assert.ok(existsSync(join(out, file)), file);
  assert.match(r.err, /tapegrad train: mlp with pau on circles: 1000 points \(seed 3\), 800 train \/ 200 test; 1,238 parameters; adam lr 0.01 \(cosine\), batch 32, cpu/);
  assert.match(r.err, /epoch 1\/2 {2}loss [\d.]+/);
  assert.match(r.out, /circles test accuracy \d+\.\d\d% \(loss \d\.\d{4}\) after 2 epochs/);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => l.epoch), [1, 2]);
  // the cosine schedule: epoch 2 starts halfway down, at lr/2
  assertClose(lines.map((l) => l.lr), [0.01, 0.005], 1e-9);
  const file = await loadSafetensors(join(out, 'model.safetensors'));
  const info = JSON.parse(file.metadata[METADATA_KEY]) as RunInfo;
  assert.equal([info.model, info.act, info.dataset, info.seed, info.inputShape, info.numClasses, info.task], ['mlp', 'pau', 'circles', 3, [2], 2, 'classification']);
  assert.equal(info.history!.map((h) => h.trainLoss), lines.map((l) => l.trainLoss));
  assert.equal(Object.keys(file.tensors).sort(), ['0.bias', '0.weight', '1.denominator', '1.numerator', '2.bias', '2.weight', '3.denominator', '3.numerator', '4.bias', '4.weight']);
  for (const t of Object.values(file.tensors)) t.dispose();
  // the loss went down and the model learned something in two epochs
  assert.ok(lines[1].trainLoss < lines[0].trainLoss, 'loss decreases');
  assert.ok(lines[1].metrics.accuracy > 0.6, `accuracy ${lines[1].metrics.accuracy}`);
});

test('eval rebuilds the model from the checkpoint and reproduces the reported accuracy', async () => {
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.is(info.model, 'mlp');
  const last = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!);
  const r = await run('eval', '--checkpoint', join(out, 'model.safetensors'), '--json');
  assert.is(r.code, 0, r.err);
  const result = JSON.parse(r.out);
  assert.equal([result.model, result.act, result.dataset, result.samples], ['mlp', 'pau', 'circles', 200]);
  assertClose([result.metrics.accuracy], [last.metrics.accuracy], 1e-9);
  assertClose([result.loss], [last.testLoss], 1e-6);
  const text = await run('eval', '--checkpoint', join(out, 'model.safetensors'));
  assert.match(text.out, new RegExp(`circles test accuracy ${(last.metrics.accuracy * 100).toFixed(2)}% \\(loss ${last.testLoss.toFixed(4)}\\) on 200 samples \\(mlp, pau\\)`));
  // a per-epoch checkpoint (weights and optimizer state, no metadata) is rebuilt through run.json
  const first = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]);
  const epoch1 = JSON.parse((await run('eval', '--checkpoint', join(out, 'epoch-0001.safetensors'), '--json')).out);
  assertClose([epoch1.metrics.accuracy], [first.metrics.accuracy], 1e-9);
});

test('plot writes activations.svg with the trained PAUs and history.svg with the recorded epochs', async () => {
  const plots = join(root, 'plots');
  const r = await run('plot', '--checkpoint', join(out, 'model.safetensors'), '--out', plots, '--from', '-4', '--to', '4', '--points', '81');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wrote .*activations\.svg \(2 layers\) and .*history\.svg \(2 epochs\)/);
  const { model } = await loadTrained(join(out, 'model.safetensors'));
  const expected = activationCurves(model, { from: -4, to: 4, points: 81 });
  const panels = readPanels(readFileSync(join(plots, 'activations.svg'), 'utf8'));
  assert.equal(panels.map((p) => p.title), ['PAU 1', 'PAU 2']); // numbered among the activations
  panels.forEach((panel, k) => {
    const points = panel.series.get('PAU')!;
    const tol = pixelTolerance(panel);
    assertClose(points.map((p) => p[0]), expected[k].x, tol.x, 0, 'x');
    assertClose(points.map((p) => p[1]), expected[k].curves[0].y, tol.y, 0, 'y');
  });
  const history = readPanels(readFileSync(join(plots, 'history.svg'), 'utf8'));
  const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const loss = history[0].series.get('train loss')!;
  assertClose(loss.map((p) => p[1]), records.map((rec) => rec.trainLoss), pixelTolerance(history[0]).y);
  const accuracy = history[1].series.get('test accuracy (%)')!;
  assertClose(accuracy.map((p) => p[1]), records.map((rec) => rec.metrics.accuracy * 100), pixelTolerance(history[1]).y);
  // by default the SVGs go beside the checkpoint
  assert.is((await run('plot', '--checkpoint', join(out, 'model.safetensors'))).code, 0);
  assert.ok(existsSync(join(out, 'activations.svg')) && existsSync(join(out, 'history.svg')));
});

test('train --resume continues from the last epoch; a ReLU model’s plot draws its fixed activations', async () => {
  const r = await run('train', '--model', 'mlp', '--act', 'pau', '--dataset', 'circles', '--epochs', '3', '--batch', '32', '--lr', '0.01', '--seed', '3', '--out', out, '--progress', 'none', '--resume');
  assert.is(r.code, 0, r.err);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => l.epoch), [1, 2, 3]);
  const relu = join(root, 'sine-relu');
  assert.is((await run('train', '--dataset', 'sine', '--epochs', '1', '--limit', '200', '--hidden', '16,8', '--out', relu, '--progress', 'none')).code, 0);
  const info = JSON.parse(readFileSync(join(relu, 'run.json'), 'utf8')) as RunInfo;
  assert.equal([info.hidden, info.task, info.loss, info.limit], [[16, 8], 'regression', 'mse', 200]);
  const evaluated = JSON.parse((await run('eval', '--checkpoint', join(relu, 'model.safetensors'), '--json')).out);
  assert.equal(Object.keys(evaluated.metrics), ['mse']);
  const plotted = await run('plot', '--checkpoint', join(relu, 'model.safetensors'));
  assert.is(plotted.code, 0, plotted.err);
  const panels = readPanels(readFileSync(join(relu, 'activations.svg'), 'utf8'));
  assert.equal(panels.map((p) => p.title), ['ReLU 1', 'ReLU 2']);
  assert.match(readFileSync(join(relu, 'activations.svg'), 'utf8'), /Activations \(none learned\)/);
});

test('cosineDecay: from lr to 0 over the run, batch by batch', () => {
  const optimizer = { paramGroups: [{ lr: 0.1 }, { lr: 0.1 }] };
  const decay = cosineDecay(optimizer, 0.1, 2);
  decay.onBatchEnd!({ epoch: 1, batch: 5, batches: 10, loss: 0 });
  assertClose(optimizer.paramGroups.map((g) => g.lr), [0.1 * (1 + Math.cos(Math.PI / 4)) / 2, 0.1 * (1 + Math.cos(Math.PI / 4)) / 2], 1e-12);
  decay.onBatchEnd!({ epoch: 2, batch: 10, batches: 10, loss: 0 });
  assertClose(optimizer.paramGroups.map((g) => g.lr), [0, 0], 1e-12);
});

test('the executable: exit codes 0, 2 and 1 from a real process', () => {
  const exe = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'models/cli/tapegrad.ts', ...argv], { encoding: 'utf8' });
  const help = exe('--help');
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /usage: tapegrad <command>/);
  const bad = exe('train', '--epochs', 'x');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /tapegrad train: --epochs must be a positive integer, got 'x'/);
  const evaluated = exe('eval', '--checkpoint', join(out, 'model.safetensors'));
  assert.is(evaluated.status, 0, evaluated.stderr);
  assert.match(evaluated.stdout, /circles test accuracy \d+\.\d\d%/);
  const missing = exe('plot', '--checkpoint', join(root, 'missing.safetensors'));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /^tapegrad plot: /);
});

test.run();
