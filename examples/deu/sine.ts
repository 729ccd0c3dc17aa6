// DEU paper: "a single DEU neuron initialised as ReLU learns to become a sine". The paper gives no
// interval, learning rate or step count (spec §5.2). Here: Linear(1, 1) → DEU(1, init 'relu')
// → Linear(1, 1), i.e. ŷ = w2·y(w1·t + b1; a, b, c, c1, c2) + b2, fitting sin t on a grid, with
// Adam at several learning rates and on two intervals. We print what the neuron turns into: its
// learned (a, b, c, c1, c2), its subspace, and the fit's MSE. A sine needs the undamped
// oscillator 1-0-1 (ac > 0) or a lightly damped 1-1-1 Δ < 0 with the right frequency.
//
//   npx tsx examples/deu/sine.ts [--steps 3000] [--lrs 0.01,0.05,0.1] [--ranges -6:6,0:10]
import * as tg from '../../index.js';
import { deuNeurons, fitFull, flag, footer, listFlag, mlp, mse, table, tensorsOf } from './train.js';

const started = performance.now();
const steps = flag('steps', 3000);
const lrs = listFlag('lrs', ['0.01', '0.05', '0.1']).map(Number);
const ranges = listFlag('ranges', ['-6:6', '0:10']).map((r) => r.split(':').map(Number) as [number, number]);
const n = flag('n', 200);

const rows: (string | number)[][] = [];
for (const range of ranges) {
  const data = tensorsOf(tg.data.sine({ n, range, sampling: 'grid' }));
  const variance = tg.tidy(() => data.y.var().item());
  for (const lr of lrs) {
    tg.manualSeed(0);
    const model = mlp(1, [1], 1, 'DEU', 'relu');
    const start = deuNeurons(model)[0];
    fitFull(model, data.x, data.y, { loss: 'mse', lr, steps });
    const end = deuNeurons(model)[0];
    const [a, b, c] = end.coeffs;
    // frequency of the learned oscillation in t's units: ω·|w1| (w1 scales t before the DEU)
    const w1 = Math.abs((model.parameters()[0].data() as Float32Array)[0]);
    let freq = '—';
    if (end.subspace === '1-0-1 ac>0') freq = (Math.sqrt(c / a) * w1).toFixed(3);
    if (end.subspace === '1-1-1 Δ<0') freq = `${((Math.sqrt(4 * a * c - b * b) / (2 * Math.abs(a))) * w1).toFixed(3)} (damping ${((b / (2 * a)) * w1).toFixed(3)})`;
    const f = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3));
    const m = mse(model, data.x, data.y);
    rows.push([`[${range.join(', ')}]`, lr, `${start.subspace} (${start.coeffs.map(f).join(', ')})`, `(${end.coeffs.map(f).join(', ')})`, end.subspace, freq, m.toExponential(2), (m / variance).toFixed(3)]);
    console.error(`done range ${range} lr ${lr}: ${end.subspace}, MSE ${m}`);
  }
}

console.log(`### One DEU neuron initialised as ReLU, fitting sin t\n`);
console.log(`Model Linear(1, 1) → DEU(1, init 'relu') → Linear(1, 1); ${n} grid points; Adam, ${steps} full-batch steps, MSE; seed 0. "frequency" is the learned angular frequency in units of t (1 for sin t). "MSE / Var" below 0.01 would be a good sine fit; 1 is no better than a constant.\n`);
console.log(table(['interval', 'lr', 'start: subspace (a, b, c, c1, c2)', 'learned (a, b, c, c1, c2)', 'learned subspace', 'frequency', 'MSE', 'MSE / Var(sin)'], rows));
console.log(footer(started));
