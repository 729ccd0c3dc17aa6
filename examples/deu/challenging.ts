// DEU paper, figure 2: fitting the "challenging function"
//   f(t) = (sin t − cos(2t)²)/2 + 4(1 + arccos(sin(t/2)))/3
// with one hidden layer: 30 DEUs against 250 ReLU and 250 Maxout units (Maxout with k = 2 pieces,
// so its Linear is 500 wide). The paper gives no interval, sample count or optimiser settings
// (spec §5.2); ours: train on n points uniform in [−6, 6], test on a 1000-point grid of the same
// interval, Adam, full batch.
//
//   npx tsx examples/deu/challenging.ts [--seeds 3] [--steps 2000] [--lr 0.01] [--n 256]
import * as tg from '../../index.js';
import { fitFull, flag, footer, meanOf, mlp, mse, stdOf, subspaceCounts, table, tensorsOf, type ActivationName } from './train.js';

const started = performance.now();
const seeds = flag('seeds', 3);
const steps = flag('steps', 2000);
const lr = flag('lr', 0.01);
const n = flag('n', 256);

const test = tensorsOf(tg.data.challenging({ n: 1000, sampling: 'grid' }));
const contenders: [ActivationName, number][] = [['DEU', 30], ['ReLU', 250], ['Maxout', 250], ['ReLU', 30]];
const rows: (string | number)[][] = [];
for (const [act, units] of contenders) {
  const testMse: number[] = [], trainMse: number[] = [], subspaces: string[] = [];
  let params = 0;
  const t0 = performance.now();
  for (let seed = 0; seed < seeds; seed++) {
    const train = tensorsOf(tg.data.challenging({ n, seed }));
    tg.manualSeed(seed);
    const model = mlp(1, [units], 1, act);
    params = model.numParameters();
    fitFull(model, train.x, train.y, { loss: 'mse', lr, steps });
    trainMse.push(mse(model, train.x, train.y));
    testMse.push(mse(model, test.x, test.y));
    if (act === 'DEU') subspaces.push(subspaceCounts(model));
  }
  const e = (v: number) => v.toExponential(2);
  rows.push([`${units} ${act}`, params, e(meanOf(trainMse)), `${e(meanOf(testMse))} ± ${e(stdOf(testMse))}`, testMse.map(e).join(', '), ((performance.now() - t0) / 1000 / seeds).toFixed(1), act === 'DEU' ? subspaces.join('; ') : '—']);
  console.error(`done ${units} ${act}: test MSE ${testMse.map(e).join(', ')}`);
}

console.log(`### The "challenging function" (figure 2): one hidden layer\n`);
console.log(`Train: ${n} points, t ~ U[−6, 6] (seeded); test: 1000-point grid on [−6, 6]. Adam lr ${lr}, ${steps} full-batch steps, MSE loss; seeds 0…${seeds - 1}. Maxout has k = ${2} pieces per unit. The target's variance on the grid is ${tg.tidy(() => test.y.var().item()).toFixed(3)}.\n`);
console.log(table(['hidden layer', 'parameters', 'train MSE (mean)', 'test MSE (mean ± sd)', 'test MSE per seed', 's / run', 'DEU subspaces after training'], rows));
console.log(footer(started));
