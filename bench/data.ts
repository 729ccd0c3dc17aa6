// `npm run bench:data`: the data loader must never be the bottleneck (issue #5). Times loading
// MNIST from its IDX files, and one shuffled, normalised epoch of batches (batch 64, the CLI's
// default) through the DataLoader, against one epoch of training the CLI's MNIST MLP on the CPU
// backend (the median step time × the epoch's batches; the steps and the loader epochs are
// interleaved so drift affects both alike). Target: the loader's epoch is under 5% of the MLP's.
import os from 'node:os';
import * as tg from '../index.js';
import { DataLoader, loadMnist, normalise } from '../data/index.js';
import { buildModel } from '../models/zoo/index.js';
import { median } from './gpu_workloads.js';
import { writeResultsSection } from './results_section.js';

const BATCH = 64;
const ROUNDS = process.argv.includes('--quick') ? 3 : 5;
const STEPS_PER_ROUND = 10;

const t0 = performance.now();
const train = loadMnist({ split: 'train' });
const loadMs = performance.now() - t0;
const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, seed: 0, transform: normalise(0.1307, 0.3081) });

tg.manualSeed(0);
const model = buildModel('mlp', { inputShape: [1, 28, 28], numClasses: 10 });
const optimizer = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
const fixed = new DataLoader(train, { batchSize: BATCH, autoDispose: false });
const batch = fixed[Symbol.iterator]().next().value!;
const step = () => tg.tidy(() => {
  optimizer.zeroGrad();
  const loss = tg.crossEntropy((model as unknown as { forward(x: tg.Tensor): tg.Tensor }).forward(batch.x), batch.y as number[]);
  loss.backward();
  optimizer.step();
  return loss.item();
});

/** One full epoch of batches, each touched (its first value read) as a training loop would. */
function loaderEpoch(): number {
  const start = performance.now();
  let touched = 0;
  for (const { x } of loader) touched += x.shape[0];
  if (touched !== train.length) throw new Error(`loader epoch gave ${touched} samples, expected ${train.length}`);
  return performance.now() - start;
}

step(); // warm-up
loaderEpoch();
const loaderTimes: number[] = [], stepTimes: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  loaderTimes.push(loaderEpoch());
  for (let s = 0; s < STEPS_PER_ROUND; s++) {
    const start = performance.now();
    step();
    stepTimes.push(performance.now() - start);
  }
}
const batches = loader.length;
const loaderMs = median(loaderTimes), mlpEpochMs = median(stepTimes) * batches;
const share = loaderMs / mlpEpochMs;
const lines = [
  '## Data loading (`npm run bench:data`)',
  '',
  `Written on ${new Date().toISOString()}: ${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}. MNIST train (60,000) through \`DataLoader\` (batch ${BATCH}, seeded shuffle, normalise), against the CLI's \`mlp\` (\`buildModel('mlp')\`) trained with Adam on the CPU backend; medians of ${ROUNDS} loader epochs and ${ROUNDS * STEPS_PER_ROUND} steps, interleaved.`,
  '',
  '| what | time |',
  '|---|---|',
  `| read the IDX files (once) | ${loadMs.toFixed(0)} ms |`,
  `| one loader epoch (${batches} batches) | ${loaderMs.toFixed(0)} ms |`,
  `| one MLP training epoch (${median(stepTimes).toFixed(1)} ms/step × ${batches}) | ${(mlpEpochMs / 1000).toFixed(1)} s |`,
  `| **loader ÷ training epoch** | **${(100 * share).toFixed(2)}%** (target < 5%) |`,
];
console.log(lines.slice(4).join('\n'));
console.log(`wrote ${writeResultsSection('data', lines.join('\n'))}`);
if (share >= 0.05) process.exitCode = 1;
