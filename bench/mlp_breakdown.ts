// `npx tsx bench/mlp_breakdown.ts`: where tapegrad's MLP training step (the one bench/run.ts
// times) spends its time, kernel by kernel. Every kernel of the CPU backend is wrapped with a
// timer; what is left of the step's time is spent outside kernels (ops, tape, tidy).
import * as tg from '../index.js';

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
const [batch, sizes] = [256, [784, 1024, 512, 10]];
const x = tg.randn([batch, sizes[0]]);
const labels = tg.tensor(Array.from({ length: batch }, (_, i) => i % 10));
const params = sizes.slice(1).flatMap((out, l) => [
  tg.tidy(() => tg.randn([out, sizes[l]]).mul(Math.sqrt(2 / sizes[l]))).requiresGrad_(),
  tg.zeros([out]).requiresGrad_(),
]);
const step = () => tg.tidy(() => {
  const [w1, b1, w2, b2, w3, b3] = params;
  const h1 = tg.relu(tg.linear(x, w1, b1));
  const h2 = tg.relu(tg.linear(h1, w2, b2));
  const loss = tg.crossEntropy(tg.linear(h2, w3, b3), labels);
  loss.backward();
  tg.noGrad(() => {
    for (const p of params) {
      p.assign(p.sub(p.grad!.mul(0.01)));
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
