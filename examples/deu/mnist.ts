// DEU paper, Table 2 (MNIST): the MLP and the CNN with DEU against ReLU, at reduced scale.
//   MLP: 784 → 1024 → act → 512 → act → 10 (the paper's "2-layer MLP with 1024 and 512 hidden units").
//   CNN: Conv2d(1, 32, 5, pad 2) → act → AvgPool(2) → Conv2d(32, 16, 5, pad 2) → act → AvgPool(2)
//        → Linear(16·7·7, 10) (the paper's "32 and 16 convolutional filters … followed by average
//        pooling"; kernel sizes are not given: 5 × 5 gives 21.5k parameters, the paper's 21k).
// Adam, batch --batch, normalised inputs; --limit training images (the first ones of MNIST's
// train split), --epochs passes, tested on --test-limit images of the test split.
//
//   npx tsx examples/deu/mnist.ts [--model mlp|cnn|both] [--epochs 1] [--limit 10000] [--test-limit 10000] [--batch 64] [--lr 0.001] [--deu-lr 0.001] [--deu-init uniform|relu] [--acts ReLU,DEU]
import * as tg from '../../index.js';
import { activation, fitLoader, flag, footer, listFlag, loaderAccuracy, subspaceCounts, table, type ActivationName } from './train.js';

const { nn } = tg;
const started = performance.now();
const which = flag('model', 'both');
const epochs = flag('epochs', 1);
const limit = flag('limit', 10000);
const testLimit = flag('test-limit', 10000);
const batch = flag('batch', 64);
const lr = flag('lr', 0.001);
const seed = flag('seed', 0);
const deuLr = flag('deu-lr', lr);
const deuInit = flag('deu-init', 'uniform') as tg.nn.DEUInit;

function mlpModel(act: ActivationName): tg.nn.Sequential {
  const h1 = activation(act, 1024, deuInit), h2 = activation(act, 512, deuInit);
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, h1.width), h1.module, new nn.Linear(1024, h2.width), h2.module, new nn.Linear(512, 10));
}
function cnnModel(act: ActivationName): tg.nn.Sequential {
  const a1 = activation(act, 32, deuInit), a2 = activation(act, 16, deuInit);
  return new nn.Sequential(
    new nn.Conv2d(1, a1.width, 5, { padding: 2 }), a1.module, new nn.AvgPool2d(2),
    new nn.Conv2d(32, a2.width, 5, { padding: 2 }), a2.module, new nn.AvgPool2d(2),
    new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10),
  );
}

const normalise = tg.data.normalise(0.1307, 0.3081);
const trainSet = tg.data.subset(tg.data.loadMnist({ split: 'train' }), { start: 0, end: limit });
const testSet = tg.data.subset(tg.data.loadMnist({ split: 'test' }), { start: 0, end: testLimit });

const rows: (string | number)[][] = [];
const models = which === 'both' ? ['mlp', 'cnn'] : [which];
for (const kind of models) {
  for (const act of listFlag('acts', ['ReLU', 'DEU']) as ActivationName[]) {
    tg.manualSeed(seed);
    const model = kind === 'mlp' ? mlpModel(act) : cnnModel(act);
    const loader = new tg.data.DataLoader(trainSet, { batchSize: batch, shuffle: true, seed, transform: normalise });
    const t0 = performance.now();
    const loss = fitLoader(model, loader, {
      loss: 'ce', lr, deuLr, steps: epochs, logEvery: 50,
      log: (step, l) => console.error(`  ${kind} ${act} step ${step}/${loader.length * epochs} loss ${l.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const test = loaderAccuracy(model, new tg.data.DataLoader(testSet, { batchSize: 500, transform: normalise }));
    rows.push([
      kind.toUpperCase(), act, model.numParameters().toLocaleString('en-US'), loss.toFixed(4), (100 * test).toFixed(2),
      `${trainSeconds.toFixed(0)} (${((1000 * trainSeconds) / (loader.length * epochs)).toFixed(0)} ms/step)`,
      act === 'DEU' ? subspaceCounts(model) : '—',
    ]);
    console.error(`done ${kind} ${act}: test ${(100 * test).toFixed(2)}%`);
  }
}

console.log(`### MNIST, reduced: ${epochs} epoch(s) on the first ${limit} training images, tested on the first ${testLimit} test images\n`);
console.log(`Adam lr ${lr}, batch ${batch}, inputs normalised with (0.1307, 0.3081); seed ${seed}. DEU coefficients initialised ${deuInit === 'uniform' ? 'as the reference (a, b, c ~ U(0, 1))' : `as ${JSON.stringify(deuInit)}`}, Adam lr ${deuLr}${deuLr === lr ? ' (the same as the weights, as the paper)' : ''}. Paper (full training): MLP ReLU 98.1 / DEU 98.3, CNN ReLU 99.2 / DEU 99.2.\n`);
console.log(table(['model', 'activation', 'parameters', 'last-epoch train loss', 'test accuracy %', 'train s', 'DEU subspaces after training'], rows));
console.log(footer(started));
