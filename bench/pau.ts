// `npx tsx bench/pau.ts`: issue #7, point 5. Padé activation units on tapegrad's CPU backend:
//   1. the fused PAU op (forward + backward, version B, leaky-ReLU init) on 1M float32 elements,
//      against ReLU and against the same PAU composed from elementary ops through the tape;
//   2. the same for RPAU (noise per element and coefficient), against ReLU and a composed RPAU
//      whose noise factors are ten full-size random tensors;
//   3. a LeNet-5 training step (spec §5.1, SGD, batch 128 of 1×32×32) with PAU against ReLU.
// Targets (issue #7): fused ≥ 3× faster than composed; PAU LeNet step ≤ 1.3× the ReLU step.
// Contenders run round-robin (in an order that changes every round, bench/timing.ts) in one process; figures are
// medians after warm-up. Every row first checks that its contenders compute the same thing.
// The table is printed and written as the "PAU" section of bench/RESULTS.md (replacing the previous one) unless
// --no-write is given.
//
//   npx tsx bench/pau.ts [--quick] [--no-write]
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results_section.js';
import { median, fmtMs, roundRobin } from './timing.js';
import * as tg from '../index.js';
import { buildModel } from '../models/zoo/index.js';

const QUICK = process.argv.includes('--quick');
const WRITE = !process.argv.includes('--no-write');
const WARMUP = 2;
const RUNS = QUICK ? 5 : 11;
const here = path.dirname(fileURLToPath(import.meta.url));

tg.manualSeed(2024);


function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** max |got − want| / max(|want|), throwing above relTol. */
function relDiff(what: string, got: ArrayLike<number>, want: ArrayLike<number>, relTol: number): number {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, expected ${want.length}`);
  const scale = Math.max(maxAbs(want), 1e-30);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]) / scale;
    if (!(d <= relTol)) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (relative to max ${scale}: ${d} > ${relTol})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

interface Contender { name: string; op: () => void }
interface Row { label: string; contenders: Contender[]; checks: string[] }

// ---------- the activation layers on 1M elements ----------

const SIZE = 1 << 20;
const x = tg.tensor(tg.randn([SIZE]).mul(2).data() as Float32Array, { requiresGrad: true }); // spread over the PAU's [−3, 3]
const g = tg.randn([SIZE]);

/** Runs y = f(x, params…), y.backward(g), reads every gradient back, and clears them. */
function fwdBwd(leaves: tg.Tensor[], f: () => tg.Tensor): Float32Array[] {
  return tg.tidy(() => {
    f().backward(g);
    const grads = leaves.map((t) => t.grad!.data() as Float32Array);
    for (const t of leaves) {
      t.grad!.dispose();
      t.grad = null;
    }
    return grads;
  });
}

/**
 * Version B from elementary ops, as a user would write it without the fused op: P by Horner,
 * the inner sum A(x) = x·(b_1 + x·(b_2 + x·(b_3 + x·b_4))) by Horner, Q = 1 + |A|, F = P/Q.
 * `a` and `b` are lists of 0-d tensors (or, for RPAU, full-size noisy coefficient tensors).
 */
function composedB(xt: tg.Tensor, a: tg.Tensor[], b: tg.Tensor[]): tg.Tensor {
  let p = a[a.length - 1];
  for (let j = a.length - 2; j >= 0; j--) p = p.mul(xt).add(a[j]);
  let s = b[b.length - 1];
  for (let k = b.length - 2; k >= 0; k--) s = s.mul(xt).add(b[k]);
  const q = s.mul(xt).abs().add(1);
  return p.div(q);
}

const leaky = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
const aFull = tg.tensor(leaky.numerator, { requiresGrad: true });
const bFull = tg.tensor(leaky.denominator, { requiresGrad: true });
/** The coefficients as separate 0-d leaves for the composed version (its gradients are theirs). */
const aParts = leaky.numerator.map((v) => tg.tensor(v, { requiresGrad: true }));
const bParts = leaky.denominator.map((v) => tg.tensor(v, { requiresGrad: true }));
const partsGrads = (grads: Float32Array[]) => {
  const [dx, ...rest] = grads;
  return { dx, da: rest.slice(0, 6).map((t) => t[0]), db: rest.slice(6).map((t) => t[0]) };
};

function pauRow(): Row {
  const fused = () => fwdBwd([x, aFull, bFull], () => tg.pau(x, aFull, bFull, { version: 'B' }));
  const composed = () => fwdBwd([x, ...aParts, ...bParts], () => composedB(x, aParts, bParts));
  const relu = () => fwdBwd([x], () => tg.relu(x));
  const [fdx, fda, fdb] = fused();
  const c = partsGrads(composed());
  const checks = [
    `PAU fused vs composed (float32, 2^20 elements): dx ${relDiff('pau dx', fdx, c.dx, 1e-5).toExponential(1)}, da ${relDiff('pau da', fda, c.da, 1e-4).toExponential(1)}, db ${relDiff('pau db', fdb, c.db, 1e-4).toExponential(1)} (max diff / max |value|)`,
  ];
  if (maxAbs(fdx) === 0 || maxAbs(fda) === 0 || maxAbs(fdb) === 0) throw new Error('pau: an all-zero gradient');
  return {
    label: 'PAU (B, 5/4) fwd+bwd, 2^20 float32 elements',
    contenders: [
      { name: 'fused tg.pau', op: () => void fused() },
      { name: 'composed (tape)', op: () => void composed() },
      { name: 'relu', op: () => void relu() },
    ],
    checks,
  };
}

function rpauRow(): Row {
  const alpha = 0.1;
  let key = 1;
  const fused = (k: number) => fwdBwd([x, aFull, bFull], () => tg.rpau(x, aFull, bFull, { alpha, key: k }));
  // composed: one full-size factor tensor per coefficient, c̃ = c·(1 − α + 2α·u), u ~ U(0, 1)
  const noisyParts = (parts: tg.Tensor[]) => parts.map((c) => c.mul(tg.rand([SIZE]).mul(2 * alpha).add(1 - alpha)));
  const composed = () => fwdBwd([x, ...aParts, ...bParts], () => composedB(x, noisyParts(aParts), noisyParts(bParts)));
  const relu = () => fwdBwd([x], () => tg.relu(x));
  // check: with α = 0 both are exactly version B, so they must agree with the PAU row
  const [r0dx] = fwdBwd([x, aFull, bFull], () => tg.rpau(x, aFull, bFull, { alpha: 0, key: 5 }));
  const [pdx] = fwdBwd([x, aFull, bFull], () => tg.pau(x, aFull, bFull, { version: 'B' }));
  const [n1] = fused(3), [n2] = fused(3), [n3] = fused(4);
  relDiff('rpau α = 0 vs pau', r0dx, pdx, 0);
  relDiff('rpau replay', n1, n2, 0);
  if (relDiff('rpau keys', n3, n1, Infinity) === 0) throw new Error('rpau: two keys gave the same gradients');
  return {
    label: 'RPAU (α = 0.1, noise per element) fwd+bwd, 2^20 float32 elements',
    contenders: [
      { name: 'fused tg.rpau', op: () => void fused(++key) },
      { name: 'composed (tape, 10 noise tensors)', op: () => void composed() },
      { name: 'relu', op: () => void relu() },
    ],
    checks: ['RPAU: α = 0 gives exactly the PAU gradients; the same key replays identical gradients; another key changes them'],
  };
}

// ---------- LeNet-5 training step ----------

const LB = 128;

function lenetRow(): Row {
  const xv = tg.randn([LB, 1, 32, 32]);
  const labels = tg.tensor(Array.from({ length: LB }, (_, i) => (i * 7 + (i >> 3)) % 10));
  const make = (activation: 'pau' | 'relu') => {
    tg.manualSeed(7); // the same weights for both (PAUs add 40 parameters, drawn from no generator)
    const model = buildModel('lenet', { activation, inputShape: [1, 32, 32], numClasses: 10 });
    const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.5 });
    const step = (): number =>
      tg.tidy(() => {
        opt.zeroGrad();
        const loss = tg.crossEntropy(model.forward(xv), labels);
        loss.backward();
        opt.step();
        return loss.item();
      });
    const count = model.parameters().reduce((s, p) => s + p.size, 0);
    return { step, count };
  };
  const pau = make('pau'), relu = make('relu');
  if (pau.count !== 61_746 || relu.count !== 61_706) throw new Error(`LeNet-5 parameter counts ${pau.count} (PAU) and ${relu.count} (ReLU), expected 61,746 and 61,706`);
  const lp = [pau.step(), pau.step(), pau.step()], lr = [relu.step(), relu.step(), relu.step()];
  if (![...lp, ...lr].every(Number.isFinite) || !(lp[2] < lp[0]) || !(lr[2] < lr[0])) throw new Error(`LeNet losses do not decrease: PAU ${lp}, ReLU ${lr}`);
  const before = tg.memory().tensors;
  pau.step();
  relu.step();
  if (tg.memory().tensors !== before) throw new Error('LeNet step leaks tensors');
  return {
    label: `LeNet-5 train step (SGD), batch ${LB} of 1×32×32`,
    contenders: [
      { name: 'PAU (4 PAUs, 61,746 params)', op: () => void pau.step() },
      { name: 'ReLU (61,706 params)', op: () => void relu.step() },
    ],
    checks: [`LeNet-5: 61,746 parameters with PAU, 61,706 with ReLU; losses over 3 steps: PAU ${lp.map((v) => v.toFixed(5)).join(' ')}, ReLU ${lr.map((v) => v.toFixed(5)).join(' ')}; live tensors constant across a step`],
  };
}

// ---------- measuring ----------


function main(): void {
  const started = performance.now();
  const load = os.loadavg()[0];
  console.log(`tapegrad PAU bench, Node ${process.version}, ${os.cpus()[0]?.model}, ${os.cpus().length} logical cores, load ${load.toFixed(1)}`);
  const lines = ['| benchmark | contender | median ms (min–max) | first contender vs this |', '|---|---|---|---|'];
  const checks: string[] = [], ratios: string[] = [];
  for (const make of [pauRow, rpauRow, lenetRow]) {
    const row = make();
    for (const c of row.checks) console.log(`  check ok: ${c}`);
    checks.push(...row.checks);
    const times = roundRobin(row.contenders, WARMUP, RUNS);
    const first = row.contenders[0].name, ref = median(times.get(first)!);
    for (const c of row.contenders) {
      const t = times.get(c.name)!, m = median(t);
      const vs = c.name === first ? '—' : m >= ref ? `**${(m / ref).toFixed(2)}× faster**` : `${(ref / m).toFixed(2)}× slower`;
      lines.push(`| ${row.label} | ${c.name} | ${fmtMs(m)} (${fmtMs(Math.min(...t))}–${fmtMs(Math.max(...t))}) | ${vs} |`);
      console.log(`${row.label.slice(0, 40).padEnd(40)} ${c.name.padEnd(34)} ${fmtMs(m).padStart(7)} ms`);
    }
    const med = (name: string) => median(times.get(row.contenders.find((c) => c.name.startsWith(name))!.name)!);
    if (row.label.startsWith('PAU') || row.label.startsWith('RPAU')) {
      const kind = row.label.split(' ')[0];
      const speedup = med('composed') / ref;
      ratios.push(`${kind} fused vs composed: ${speedup.toFixed(2)}× faster (target ≥ 3×: ${speedup >= 3 ? 'met' : 'NOT met'}); fused ${kind} vs ReLU: ${(ref / med('relu')).toFixed(2)}× the ReLU time`);
    } else {
      const q = ref / med('ReLU');
      ratios.push(`LeNet-5 step, PAU vs ReLU: ${q.toFixed(2)}× (target ≤ 1.3×: ${q <= 1.3 ? 'met' : 'NOT met'})`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const table = lines.join('\n');
  console.log('\n' + table + '\n\n' + ratios.join('\n'));
  if (!WRITE) return;
  const section = [
    '',
    '## PAU (bench/pau.ts)',
    '',
    `Written by \`npx tsx bench/pau.ts${QUICK ? ' --quick' : ''}\` on ${new Date().toISOString()}; ${os.cpus()[0]?.model}, ${os.cpus().length} logical cores, load average ${load.toFixed(1)} before the run; Node ${process.version}. tapegrad CPU backend, float32. Medians of ${RUNS} runs after ${WARMUP} warm-up, contenders round-robin in one process. Each activation run is forward + backward with a random upstream gradient, reading every gradient back. "composed" is version B written with mul/add/abs/div on the tape (P and the inner sum by Horner); the composed RPAU draws its 10 noise factors as full-size \`tg.rand\` tensors. The LeNet-5 step is spec §5.1's network (buildModel('lenet')), SGD with momentum 0.5, softmax cross-entropy, in \`tg.tidy\`. Total ${seconds.toFixed(0)} s.`,
    '',
    table,
    '',
    ...ratios.map((r) => `- ${r}`),
    '',
    'Correctness checks (run before timing):',
    '',
    ...checks.map((c) => `- ${c}`),
    '',
  ];
  const file = writeResultsSection('pau', section.join('\n'));
  console.log(`wrote the PAU section of ${file}`);
}

main();
