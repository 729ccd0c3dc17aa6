// Tutorial 2 — your own learnable activation.   npx tsx examples/tutorials/02_your_own_activation.ts
// SoftClip: y = c·tanh(x/c), a tanh whose saturation level c each neuron learns (c → ∞: identity).
import * as tg from '../../index.js';
import { check } from './check.js';

// One tape entry: the forward in tensor ops, the backward by hand. With t = tanh(x/c), ∂y/∂x = 1 − t²
// and ∂y/∂c = t − (x/c)(1 − t²); customOp sums ∂y/∂c over the batch, as c was broadcast.
export const softClip = tg.customOp({
  name: 'softClip',
  forward: (ctx, x: tg.Tensor, c: tg.Tensor) => { const t = x.div(c).tanh(); ctx.save(x, c, t); return t.mul(c); },
  backward: (ctx, g) => { const [x, c, t] = ctx.saved, dt = t.square().neg().add(1); return [g.mul(dt), g.mul(t.sub(x.div(c).mul(dt)))]; },
});
export class SoftClip extends tg.nn.Module {
  c: tg.nn.Parameter;
  constructor(features: number, init = 2) { super(); this.c = tg.nn.fullParameter([features], init); }
  override forward(x: tg.Tensor): tg.Tensor { return softClip(x, this.c); }
}
/** Its entry in the playground's menu (examples/web/your_activations.ts): one curve per neuron. */
export const playground = { label: 'SoftClip (tutorial 2)', make: (width: number) => new SoftClip(width), perNeuron: true };
if (typeof process !== 'undefined' && import.meta.url.endsWith(process.argv[1]?.replace(/\\/g, '/') || '\0')) { // run, not imported
  const f64 = (v: number[]) => tg.tensor(v, { dtype: 'float64', requiresGrad: true });
  const report = tg.gradcheck(softClip, [f64([-2.5, -0.3, 0.4, 3]), f64([0.7, 1.5, 2, 4])], { raiseException: false });
  check(`softClip's backward agrees with finite differences: ${report.message}`, report.ok);
  tg.manualSeed(1);
  const { x, y } = tg.data.datasetTensors(tg.data.spirals({ n: 300, seed: 1, turns: 1.5 }));
  const acts = [new SoftClip(24), new SoftClip(24)];
  const model = new tg.nn.Sequential(new tg.nn.Linear(2, 24), acts[0], new tg.nn.Linear(24, 24), acts[1], new tg.nn.Linear(24, 2));
  const opt = new tg.optim.Adam(model.parameters(), { lr: 0.01 });
  for (let step = 0; step < 400; step++) tg.tidy(() => { opt.zeroGrad(); tg.crossEntropy(model.forward(x), y).backward(); opt.step(); });
  const accuracy = tg.noGrad(() => model.forward(x).argmax(1).eq(tg.tensor(y)).mean().item());
  check(`trained on two spirals: training accuracy ${(100 * accuracy).toFixed(1)} % ≥ 95 %`, accuracy >= 0.95);
  const grid = Array.from({ length: 121 }, (_, i) => -4 + i / 15), cs = acts.map((a) => Array.from(a.c.data())); // curves to plot
  const curves = cs.map((layer, k) => ({ path: `${k}`, type: 'SoftClip', learned: true, x: grid, curves: layer.map((c, j) => ({ label: `${j}`, y: grid.map((v) => c * Math.tanh(v / c)) })) }));
  void Promise.all([import('node:fs'), import('node:os')]).then(([fs, os]) => { // Node only: the playground imports this file too
    const file = `${os.tmpdir()}/tapegrad-tutorials/02_softclip.svg`;
    fs.mkdirSync(`${os.tmpdir()}/tapegrad-tutorials`, { recursive: true });
    fs.writeFileSync(file, tg.plot.plotActivations(curves, { title: 'Learned SoftClip activations' }));
    check(`each layer learned its own levels (c from 2 to ${Math.min(...cs.flat()).toFixed(2)} … ${Math.max(...cs.flat()).toFixed(2)}); plot: ${file}`, cs.every((l) => Math.max(...l) - Math.min(...l) > 0.1));
  });
}
