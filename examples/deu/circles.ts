// DEU paper, figure 1: nested circles. One hidden layer of 2 DEUs separates the two rings; how many
// ReLU units does one hidden layer need? (Two ReLU half-planes cannot enclose the inner ring; three
// can, as a triangle.) make_circles(n, factor 0.5, noise 0.05) as in the reference's main.py,
// split into train / test; Adam, full batch; several seeds.
//
//   npx tsx examples/deu/circles.ts [--seeds 3] [--steps 1000] [--lr 0.05] [--n 600]
import * as tg from '../../index.js';
import { accuracy, classesOf, fitFull, flag, footer, meanOf, mlp, subspaceCounts, table, type ActivationName } from './train.js';

const started = performance.now();
const seeds = flag('seeds', 3);
const steps = flag('steps', 1000);
const lr = flag('lr', 0.05);
const n = flag('n', 600);

const contenders: [ActivationName, number][] = [['DEU', 2], ['ReLU', 2], ['ReLU', 3], ['ReLU', 4], ['ReLU', 8]];
const rows: (string | number)[][] = [];
for (const [act, units] of contenders) {
  const train: number[] = [], test: number[] = [], losses: number[] = [];
  const subspaces: string[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const all = tg.data.circles({ n, seed });
    const half = Math.floor(n / 2);
    const tr = classesOf(tg.data.subset(all, { start: 0, end: half }));
    const te = classesOf(tg.data.subset(all, { start: half, end: n }));
    tg.manualSeed(seed);
    const model = mlp(2, [units], 2, act);
    losses.push(fitFull(model, tr.x, tr.labels, { loss: 'ce', lr, steps }));
    train.push(accuracy(model, tr.x, tr.labels));
    test.push(accuracy(model, te.x, te.labels));
    if (act === 'DEU') subspaces.push(subspaceCounts(model));
  }
  const pct = (v: number) => (100 * v).toFixed(1);
  rows.push([
    `${units} ${act}`,
    pct(meanOf(train)),
    `${pct(meanOf(test))} (${test.map(pct).join(', ')})`,
    pct(Math.min(...test)),
    meanOf(losses).toExponential(2),
    act === 'DEU' ? subspaces.join('; ') : '—',
  ]);
  console.error(`done ${units} ${act}: test ${test.map(pct).join(', ')}`);
}

console.log(`### Nested circles: one hidden layer (Linear(2, k) → act → Linear(k, 2))\n`);
console.log(`make_circles n = ${n} (factor 0.5, noise 0.05), first half train / second half test; Adam lr ${lr}, ${steps} full-batch steps; seeds 0…${seeds - 1}.\n`);
console.log(table(['hidden layer', 'train acc % (mean)', 'test acc % (mean; per seed)', 'worst test %', 'final train loss', 'DEU subspaces after training'], rows));
console.log(footer(started));
