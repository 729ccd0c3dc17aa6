// Measures the data side of an MNIST epoch: reading + decoding the IDX files once, then one
// shuffled epoch of batch-128 tensors on the CPU backend (what a training loop pays per epoch
// besides the model). A measurement, not a test:
//
//   npx tsx data/scripts/bench_loader.ts [--epochs 5] [--batch 128] [--augment]
//
// --augment adds randomCrop(28, {padding: 4}) and randomRotation(10) to every batch.
import * as tg from '../../index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const epochs = option('epochs', 5);
const batchSize = option('batch', 128);
const augment = args.includes('--augment');

let start = performance.now();
const train = tg.data.loadMnist({ split: 'train' });
const loadMs = performance.now() - start;

const transform = augment ? tg.data.compose(tg.data.randomCrop(28, { padding: 4 }), tg.data.randomRotation(10)) : undefined;
const loader = new tg.data.DataLoader(train, { batchSize, shuffle: true, seed: 0, transform });
const times: number[] = [];
let checksum = 0;
for (let e = 0; e < epochs; e++) {
  start = performance.now();
  for (const { x, y } of loader) checksum += x.shape[0] + y[0];
  times.push(performance.now() - start);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`MNIST train: load + decode ${loadMs.toFixed(0)} ms (${train.length} images)`);
console.log(`one epoch, batch ${batchSize}${augment ? ', crop+rotation' : ''}: ${loader.length} batches, median ${median.toFixed(0)} ms over ${epochs} epochs (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)}) [checksum ${checksum}]`);
console.log(`live tensors after the epochs: ${JSON.stringify(tg.memory())}`);
