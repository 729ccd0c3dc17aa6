// Neural-GODE bench (issue #8): time per training iteration (forward, backward, SGD update) of
// Neural-GODE and Neural-ODE relative to the 6-block ResNet on the same MNIST-shaped batch, all
// with Euler h = 0.05 (20 steps) as in the paper, on the CPU backend. The contenders run
// round-robin in one process; medians of the repetitions are compared.
//   npx tsx bench/gode.ts [--batch 32] [--reps 5]
import * as tg from '../index.js';
import type { Tensor } from '../index.js';
import { NeuralGODE, NeuralODE, ResNet } from '../models/gode/index.js';
import type { Module } from '../nn/module.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const batch = option('batch', 32), reps = option('reps', 5);

tg.manualSeed(0);
const x = tg.rand([batch, 1, 28, 28]);
const labels = Array.from({ length: batch }, (_, i) => i % 10);
const models: [string, Module & { forward(x: Tensor): Tensor }][] = [
  ['ResNet (6 blocks)', new ResNet()],
  ['Neural-ODE', new NeuralODE()],
  ['Neural-GODE (k=1, m=4)', new NeuralGODE()],
];
const optimizers = models.map(([, m]) => new tg.optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }));
const step = (i: number) => {
  const start = performance.now();
  tg.tidy(() => {
    optimizers[i].zeroGrad();
    tg.crossEntropy(models[i][1].forward(x), labels).backward();
    optimizers[i].step();
  });
  return performance.now() - start;
};
models.forEach((_, i) => step(i)); // warm-up
const times: number[][] = models.map(() => []);
for (let r = 0; r < reps; r++) models.forEach((_, i) => times[i].push(step(i)));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = median(times[0]);
console.log(`MNIST batch ${batch}, Euler h = 0.05, CPU backend, median of ${reps} (interleaved)`);
console.log('| model | params | ms / iteration | ratio to ResNet |');
console.log('|---|---|---|---|');
models.forEach(([name, m], i) => console.log(`| ${name} | ${m.numParameters().toLocaleString('en')} | ${median(times[i]).toFixed(0)} | ${(median(times[i]) / base).toFixed(2)} |`));
