// Issue #8's experiment: the three MNIST models of the Neural-GODE paper — ResNet (6 blocks),
// Neural-ODE (ConcatConv) and Neural-GODE (k = 1, m = 4) — trained with the paper's recipe
// (specs/gode.md §3: SGD momentum 0.9, lr 0.1, batch 128 with drop_last, RandomCrop(28, pad 4),
// Euler h = 0.05 over [0, 1]), on a subset by default so that it finishes within an hour on a
// small CPU. For each model it records test error, seconds per iteration (the paper's running
// average with momentum 0.99, data included) and peak memory, once with backprop through the
// solver and once with the adjoint method (the ResNet has no solver: one row). Writes a markdown
// table and the paper's figure 2 (one kernel weight over t for the three models, as SVG).
//
//   npx tsx examples/gode/train_mnist.ts                       (defaults: 1,024 images, 2 epochs)
//   npx tsx examples/gode/train_mnist.ts --train 60000 --epochs 160 --test 10000   (the paper)
//   flags: --models resnet,node,gode  --grad bpts,adjoint  --batch 128  --lr 0.1  --seed 0
//          --out DIR (default examples/gode/out; --write-results: the tracked examples/gode/results)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { DataLoader, loadMnist, randomCrop, subset } from '../../data/index.js';
import { NeuralGODE, NeuralODE, ResNet } from '../../models/gode/index.js';
import type { Module } from '../../nn/module.js';
import { figureTwo } from './figure2.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
function count(name: string, fallback: number): number {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isInteger(v) || v < 1) throw new Error(`train_mnist: --${name} must be a positive integer, got '${flag(name, '')}'`);
  return v;
}
const MODELS = ['resnet', 'node', 'gode'] as const;
const GRADS = ['bpts', 'adjoint'] as const;
type ModelName = (typeof MODELS)[number];
type GradName = (typeof GRADS)[number];
function list<T extends string>(name: string, valid: readonly T[], fallback: string): T[] {
  const got = flag(name, fallback).split(',');
  for (const g of got) if (!valid.includes(g as T)) throw new Error(`train_mnist: --${name}: unknown '${g}', expected some of ${valid.join(', ')}`);
  return got as T[];
}

const config = {
  train: count('train', 1024), test: count('test', 1000), epochs: count('epochs', 2), batch: count('batch', 128),
  lr: Number(flag('lr', '0.1')), seed: Number(flag('seed', '0')),
  models: list('models', MODELS, MODELS.join(',')), grads: list('grad', GRADS, GRADS.join(',')),
  // a run never changes tracked files unless asked to
  out: flag('out', join(here, argv.includes('--write-results') ? 'results' : 'out')),
};

function build(name: ModelName, grad: GradName): Module & { forward(x: Tensor): Tensor } {
  const solver = { method: 'euler' as const, stepSize: 0.05, adjoint: grad === 'adjoint' };
  if (name === 'resnet') return new ResNet();
  return name === 'node' ? new NeuralODE({ solver }) : new NeuralGODE({ solver });
}

interface Row { model: ModelName; grad: GradName | '—'; params: number; iterations: number; secondsPerIteration: number; peakMiB: number; testError: number; trainLoss: number; minutes: number }

function evaluate(model: Module & { forward(x: Tensor): Tensor }, loader: DataLoader): number {
  model.eval();
  let wrong = 0, seen = 0;
  tg.noGrad(() => {
    for (const { x, y } of loader) {
      const predicted = tg.tidy(() => Array.from(model.forward(x).argmax(1).data()));
      predicted.forEach((p, i) => { if (p !== (y as number[])[i]) wrong++; });
      seen += predicted.length;
    }
  });
  model.train();
  return wrong / seen;
}

function run(name: ModelName, grad: GradName, trainSet: ReturnType<typeof loadMnist>, testSet: ReturnType<typeof loadMnist>): Row {
  tg.manualSeed(config.seed);
  const model = build(name, grad);
  const optimizer = new tg.optim.SGD(model.parameters(), { lr: config.lr, momentum: 0.9 });
  const train = new DataLoader(trainSet, { batchSize: config.batch, shuffle: true, dropLast: true, seed: config.seed, transform: randomCrop(28, { padding: 4 }) });
  const test = new DataLoader(testSet, { batchSize: 1000 });
  tg.resetPeakMemory();
  const baseline = tg.memory().bytes;
  const started = performance.now();
  let average = 0, iterations = 0, lastLoss = NaN;
  let tick = performance.now();
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    for (const { x, y } of train) {
      lastLoss = tg.tidy(() => {
        optimizer.zeroGrad();
        const loss = tg.crossEntropy(model.forward(x), y as number[]);
        loss.backward();
        optimizer.step();
        return loss.item();
      });
      const now = performance.now();
      const seconds = (now - tick) / 1000;
      tick = now;
      // the reference's RunningAverageMeter(0.99), which starts at the first value
      average = iterations === 0 ? seconds : 0.99 * average + 0.01 * seconds;
      iterations++;
      if (iterations % 4 === 0 || iterations === train.length * config.epochs) {
        process.stderr.write(`\r${name} ${grad}: iteration ${iterations}/${train.length * config.epochs}, loss ${lastLoss.toFixed(4)}, ${average.toFixed(2)} s/iter   `);
      }
    }
  }
  process.stderr.write('\n');
  const peakMiB = (tg.memory().peakBytes - baseline) / 2 ** 20;
  // a diverged model would score by chance (10 %) without saying why: check first
  const nonFinite = model.namedParameters().filter(([, p]) => !Array.from(p.data()).every(Number.isFinite)).map(([n]) => n);
  if (nonFinite.length) console.log(`${name} ${grad}: DIVERGED, non-finite parameters: ${nonFinite.slice(0, 4).join(', ')}${nonFinite.length > 4 ? ', …' : ''}`);
  const testError = nonFinite.length ? NaN : evaluate(model, test);
  const row: Row = {
    model: name, grad: name === 'resnet' ? '—' : grad, params: model.numParameters(), iterations,
    secondsPerIteration: average, peakMiB, testError, trainLoss: lastLoss, minutes: (performance.now() - started) / 60000,
  };
  models.set(name, model);
  return row;
}

const models = new Map<ModelName, Module>();
const label: Record<ModelName, string> = { resnet: 'ResNet (6 blocks)', node: 'Neural-ODE', gode: 'Neural-GODE (k=1, m=4)' };

function table(rows: Row[]): string {
  const lines = [
    '| model | gradients | params | iterations | s/iteration | peak memory above the model (MiB) | final train loss | test error |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${label[r.model]} | ${r.grad === 'bpts' ? 'backprop through solver' : r.grad} | ${r.params.toLocaleString('en')} | ${r.iterations} | ${r.secondsPerIteration.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${r.trainLoss.toFixed(4)} | ${(100 * r.testError).toFixed(2)}% |`);
  }
  return lines.join('\n');
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const allTrain = loadMnist({ split: 'train' });
const allTest = loadMnist({ split: 'test' });
const trainSet = subset(allTrain, { start: 0, end: Math.min(config.train, allTrain.length) });
const testSet = subset(allTest, { start: 0, end: Math.min(config.test, allTest.length) });
console.log(`MNIST: ${trainSet.length} training images, ${testSet.length} test images, ${config.epochs} epoch(s), batch ${config.batch}, lr ${config.lr}, Euler h = 0.05, CPU backend`);

const rows: Row[] = [];
for (const name of config.models) {
  for (const grad of name === 'resnet' ? (['bpts'] as const) : config.grads) {
    const row = run(name, grad, trainSet, testSet);
    rows.push(row);
    console.log(`${label[name]}, ${row.grad}: test error ${(100 * row.testError).toFixed(2)}%, ${row.secondsPerIteration.toFixed(2)} s/iter, peak ${row.peakMiB.toFixed(0)} MiB, ${row.minutes.toFixed(1)} min`);
  }
}

mkdirSync(config.out, { recursive: true });
const command = `npx tsx examples/gode/train_mnist.ts ${argv.join(' ')}`.trim();
const report = [
  `# Neural-GODE on MNIST (\`${command}\`)`,
  '',
  `${new Date().toISOString()}: ${trainSet.length} training / ${testSet.length} test images, ${config.epochs} epoch(s) of batch ${config.batch}, SGD lr ${config.lr} momentum 0.9, RandomCrop(28, padding 4), Euler h = 0.05 on [0, 1], seed ${config.seed}, CPU backend. s/iteration is the paper's running average (momentum 0.99); peak memory is the backend's peak live bytes during training minus the bytes live before it (model and data), so it measures activations saved for backward.`,
  '',
  table(rows),
  '',
].join('\n');
writeAtomically(join(config.out, 'README.md'), report);
writeAtomically(join(config.out, 'rows.json'), JSON.stringify(rows, null, 2));
if (models.size) writeAtomically(join(config.out, 'figure2.svg'), figureTwo(models as Map<string, Module>, label));
console.log(`\n${table(rows)}\n\nwrote ${join(config.out, 'README.md')}${models.size ? ` and figure2.svg` : ''}`);
