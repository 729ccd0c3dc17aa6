// Train a small MLP on two interleaved spirals with plain tensor ops and SGD — everything the
// core offers, end to end: seeded init, linear layers, cross-entropy, backward, an update under
// noGrad, tidy for memory, and a gradcheck of the model's loss at the start.
//
//   npm run example            (or: npx tsx examples/train_spirals.ts --steps 600)
import * as tg from '../index.js';
import type { Tensor } from '../index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const steps = option('steps', 1500);
const lr = option('lr', 0.5);
const hidden = option('hidden', 32);

const noiseSource = new tg.Generator(42);

/** Two spirals, one per class, with a little noise (seeded). */
function spirals(perClass: number): { x: Tensor; y: number[] } {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let cls = 0; cls < 2; cls++) {
    for (let i = 0; i < perClass; i++) {
      const t = (i / perClass) * 2 * Math.PI + 0.5;
      const r = t / (2 * Math.PI);
      const noise = () => (noiseSource.uniform() - 0.5) * 0.04;
      const angle = t + cls * Math.PI;
      points.push([r * Math.cos(angle) + noise(), r * Math.sin(angle) + noise()]);
      labels.push(cls);
    }
  }
  return { x: tg.tensor(points), y: labels };
}

tg.manualSeed(0);
const { x, y } = spirals(100);
const sizes = [2, hidden, hidden, 2];
const params: Tensor[] = [];
for (let i = 0; i + 1 < sizes.length; i++) {
  const bound = 1 / Math.sqrt(sizes[i]); // PyTorch's default Linear initialisation
  params.push(tg.rand([sizes[i + 1], sizes[i]]).mul(2 * bound).sub(bound).detach().requiresGrad_());
  params.push(tg.rand([sizes[i + 1]]).mul(2 * bound).sub(bound).detach().requiresGrad_());
}

function logits(ps: Tensor[], input: Tensor): Tensor {
  let h = input;
  for (let i = 0; i < ps.length; i += 2) {
    h = tg.linear(h, ps[i], ps[i + 1]);
    if (i + 2 < ps.length) h = h.tanh();
  }
  return h;
}

// Proof that the gradients are right, before we trust them: gradcheck in float64.
const report = tg.tidy(() => {
  const ps64 = params.map((p) => tg.noGrad(() => p.to('float64')).requiresGrad_());
  return tg.gradcheck((...ps) => tg.crossEntropy(logits(ps, x.to('float64')), y), ps64, { fast: true });
});
console.log(report.message);

const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const loss = tg.tidy(() => {
    const l = tg.crossEntropy(logits(params, x), y);
    l.backward();
    tg.noGrad(() => {
      for (const p of params) {
        p.assign(p.sub(p.grad!.mul(lr)));
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return l.item();
  });
  if (step % 150 === 0 || step === 1) {
    const accuracy = tg.tidy(() => tg.noGrad(() => logits(params, x).argmax(1).eq(tg.tensor(y)).mean().item()));
    console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  accuracy ${(accuracy * 100).toFixed(1)}%`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`${steps} steps in ${seconds.toFixed(2)} s (${(steps / seconds).toFixed(0)} steps/s); live tensors: ${tg.memory().tensors}`);
