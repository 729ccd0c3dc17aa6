// DEU paper, figure 6: diabetes regression (Efron et al.'s 442 × 10 set, sklearn-scaled) with one
// hidden layer of 1, 2, 4, 8, 16 neurons, DEU against ReLU, LReLU, SELU, Swish and Maxout, 3-fold
// cross-validation. The paper shows only convergence curves and no hyperparameters; ours: Adam,
// full batch, the target standardised with the training fold's mean and sd (MSE reported in the
// original units, disease progression², and as a fraction of the test fold's variance).
//
//   npx tsx examples/deu/diabetes.ts [--steps 1000] [--lr 0.01] [--widths 1,2,4,8,16] [--acts DEU,ReLU,...]
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { fitFull, flag, footer, listFlag, meanOf, mlp, table, type ActivationName } from './train.js';

const started = performance.now();
const steps = flag('steps', 1000);
const lr = flag('lr', 0.01);
const folds = flag('folds', 3);
const seed = flag('seed', 0);
const widths = listFlag('widths', ['1', '2', '4', '8', '16']).map(Number);
const acts = listFlag('acts', ['DEU', 'ReLU', 'LReLU', 'SELU', 'Swish', 'Maxout']) as ActivationName[];

const ds = tg.data.loadDiabetes();
// a seeded permutation, cut into `folds` contiguous folds
const gen = new tg.Generator(seed);
const order = Array.from({ length: ds.length }, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(gen.uniform() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const foldOf = (k: number) => order.filter((_, i) => i % folds === k);

function split(k: number): { xTr: Tensor; yTr: Tensor; xTe: Tensor; yTe: number[]; mean: number; sd: number } {
  const teIdx = foldOf(k), trIdx = order.filter((_, i) => i % folds !== k);
  const tr = tg.data.subset(ds, trIdx), te = tg.data.subset(ds, teIdx);
  const yTr = Array.from(tr.y), mean = meanOf(yTr);
  const sd = Math.sqrt(meanOf(yTr.map((v) => (v - mean) ** 2)));
  return {
    xTr: tg.tensor(tr.x as Float32Array, { shape: [tr.length, 10] }),
    yTr: tg.tensor(yTr.map((v) => [(v - mean) / sd])),
    xTe: tg.tensor(te.x as Float32Array, { shape: [te.length, 10] }),
    yTe: Array.from(te.y),
    mean, sd,
  };
}
const splits = Array.from({ length: folds }, (_, k) => split(k));

const results = new Map<string, { mse: number; rel: number }>();
for (const act of acts) {
  const t0 = performance.now();
  for (const width of widths) {
    const mses: number[] = [], rels: number[] = [];
    splits.forEach((s, k) => {
      tg.manualSeed(1000 * k + width);
      const model = mlp(10, [width], 1, act);
      fitFull(model, s.xTr, s.yTr, { loss: 'mse', lr, steps });
      const pred = tg.noGrad(() => tg.tidy(() => Array.from(model.forward(s.xTe).data() as Float32Array)));
      const m = meanOf(pred.map((p, i) => (p * s.sd + s.mean - s.yTe[i]) ** 2));
      const mu = meanOf(s.yTe);
      mses.push(m);
      rels.push(m / meanOf(s.yTe.map((v) => (v - mu) ** 2)));
    });
    results.set(`${act} ${width}`, { mse: meanOf(mses), rel: meanOf(rels) });
  }
  console.error(`done ${act} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${widths.map((w) => results.get(`${act} ${w}`)!.mse.toFixed(0)).join(', ')}`);
}

const best = (w: number) => Math.min(...acts.map((a) => results.get(`${a} ${w}`)!.mse));
const cell = (a: string, w: number) => {
  const r = results.get(`${a} ${w}`)!;
  const txt = `${r.mse.toFixed(0)} (${r.rel.toFixed(3)})`;
  return r.mse === best(w) ? `**${txt}**` : txt;
};
console.log(`### Diabetes regression, one hidden layer, ${folds}-fold cross-validation\n`);
console.log(`Mean test MSE over the ${folds} folds in the target's units (in brackets: MSE / Var(test target); 1 = predicting the mean). Adam lr ${lr}, ${steps} full-batch steps on the standardised target; Maxout has k = 2 pieces per unit; folds from a seeded permutation (seed ${seed}). Best per width in bold.\n`);
console.log(table(['activation', ...widths.map((w) => `${w} neuron${w > 1 ? 's' : ''}`)], acts.map((a) => [a, ...widths.map((w) => cell(a, w))])));
console.log(footer(started));
