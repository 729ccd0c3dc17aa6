// `npx tsx bench/mlp_breakdown.ts`: where tapegrad's MLP training step (the one bench/run.ts
// times) spends its time, kernel by kernel. Every kernel of the CPU backend is wrapped with a
// timer; what is left of the step's time is spent outside kernels (ops, tape, tidy).
// `--activation deu` times bench/deu.ts's network instead (784-1024-DEU-w-DEU-10, w from
// `--second`, default 1024; the reference's initial DEU parameters), against which the ReLU
// network's breakdown (`--activation relu --second w`) shows where the DEU step's extra time goes.
import * as tg from '../index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const ACTIVATION = option('activation', 'mlp');
const SECOND = Number(option('second', '1024'));
if (!['mlp', 'relu', 'deu'].includes(ACTIVATION) || !(Number.isInteger(SECOND) && SECOND > 0)) {
  throw new Error(`mlp_breakdown: expected --activation mlp|relu|deu and --second a positive integer, got ${ACTIVATION} and ${option('second', '1024')}`);
}

const STEPS = 8;
const kernels = tg.getBackend('cpu').kernels as unknown as Record<string, (...args: unknown[]) => unknown>;
const spent = new Map<string, { ms: number; calls: number }>();

const shapeOf = (v: unknown) => (v as { shape: number[] }).shape.join('×');
function describe(name: string, args: unknown[]): string {
  if (name === 'matmul') return `matmul ${shapeOf(args[0])}${args[2] ? 'ᵀ' : ''} · ${shapeOf(args[1])}${args[3] ? 'ᵀ' : ''}`;
  if (name === 'elementwise') return `elementwise ${(args[0] as { name: string }).name} → ${(args[2] as number[]).join('×')}`;
  if (name === 'reduce') return `reduce ${args[0]} ${shapeOf(args[1])} over axes [${args[2]}]`;
  return name;
}

for (const name of Object.keys(kernels)) {
  const kernel = kernels[name];
  kernels[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    const result = kernel(...args);
    const key = describe(name, args);
    const entry = spent.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - t0;
    entry.calls++;
    spent.set(key, entry);
    return result;
  };
}

tg.manualSeed(0);
// mlp: bench/run.ts's 784-1024-512-10 ReLU network; relu/deu: bench/deu.ts's 784-1024-w-10
const [batch, sizes] = [256, ACTIVATION === 'mlp' ? [784, 1024, 512, 10] : [784, 1024, SECOND, 10]];
const x = tg.randn([batch, sizes[0]]);
const labels = tg.tensor(Array.from({ length: batch }, (_, i) => i % 10));
const params = sizes.slice(1).flatMap((out, l) => [
  tg.tidy(() => tg.randn([out, sizes[l]]).mul(Math.sqrt(2 / sizes[l]))).requiresGrad_(),
  tg.zeros([out]).requiresGrad_(),
]);
// the DEU layers' coefficients: the reference's initialisation (nn.DEU's default)
const deus = ACTIVATION === 'deu' ? [new tg.nn.DEU(sizes[1]), new tg.nn.DEU(sizes[2])] : [];
const act = (h: tg.Tensor, layer: number) => (ACTIVATION === 'deu' ? deus[layer].forward(h) : tg.relu(h));
const trained = [...params, ...deus.flatMap((d) => d.parameters())];
const step = () => tg.tidy(() => {
  const [w1, b1, w2, b2, w3, b3] = params;
  const h1 = act(tg.linear(x, w1, b1), 0);
  const h2 = act(tg.linear(h1, w2, b2), 1);
  const loss = tg.crossEntropy(tg.linear(h2, w3, b3), labels);
  loss.backward();
  tg.noGrad(() => {
    for (const p of trained) {
      // relu/deu: forward and backward only, from the same parameters every step (as bench/deu.ts
      // times them: stepping on at lr 0.01 would take the DEU net where that bench never goes)
      if (ACTIVATION === 'mlp') p.assign(p.sub(p.grad!.mul(0.01)));
      p.grad!.dispose();
      p.grad = null;
    }
  });
  return loss.item();
});

for (let i = 0; i < 3; i++) step(); // warm-up
spent.clear();
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const stepMs = (performance.now() - t0) / STEPS;

const rows = [...spent].map(([key, e]) => ({ key, ms: e.ms / STEPS, calls: e.calls / STEPS })).sort((a, b) => b.ms - a.ms);
const total = (prefix: string) => rows.filter((r) => r.key.startsWith(prefix)).reduce((s, r) => s + r.ms, 0);
const inKernels = rows.reduce((s, r) => s + r.ms, 0);
for (const r of rows) if (r.ms >= 0.3) console.log(`${r.ms.toFixed(1).padStart(7)} ms ${String(r.calls).padStart(3)}×  ${r.key}`);
console.log(
  `step ${stepMs.toFixed(0)} ms: matmul ${total('matmul').toFixed(0)} ms, elementwise ${total('elementwise').toFixed(0)} ms, ` +
    `reduce ${total('reduce').toFixed(0)} ms, other kernels ${(inKernels - total('matmul') - total('elementwise') - total('reduce')).toFixed(0)} ms, ` +
    `outside kernels ${(stepMs - inKernels).toFixed(0)} ms`,
);
