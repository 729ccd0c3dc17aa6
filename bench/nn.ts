// `npx tsx bench/nn.ts` (or `npm run bench:nn`): issue #4, point 7. Convolution, GroupNorm and a
// LeNet-5 training step: tapegrad's CPU backend against TensorFlow.js (cpu and wasm) in one process.
// Contenders run round-robin (in an order that changes every round, bench/timing.ts); figures are medians after warm-up.
// Every row first checks that the contenders computed the same thing (or, for GroupNorm, checks
// tapegrad against a float64 reference), so no row can pass by doing nothing. The table is printed
// and written as the "nn" section of bench/RESULTS.md (replacing the previous one) (after its Interpretation section,
// which bench/run.ts keeps when it rewrites the file).
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { writeResultsSection } from './results_section.js';
import { median, fmtMs, orderOf, timedRun } from './timing.js';
import * as tg from '../index.js';

const WARMUP = 1;
const RUNS = 5;
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);

type Backend = 'tapegrad' | 'cpu' | 'wasm';

async function activate(b: Backend): Promise<void> {
  if (b === 'tapegrad' || tf.getBackend() === b) return;
  if (!(await quietly(() => tf.setBackend(b)))) throw new Error(`tfjs backend '${b}' failed to initialise`);
  await tf.ready();
}

function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

tg.manualSeed(2024);
const randn = (size: number): Float32Array => tg.randn([size]).data() as Float32Array;

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

function assertClose(what: string, got: ArrayLike<number>, expected: ArrayLike<number>, relTol: number, scale = Math.max(maxAbs(expected), 1e-30)): number {
  if (got.length !== expected.length) throw new Error(`${what}: ${got.length} values, expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= relTol * scale)) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${expected[i]} (tolerance ${relTol} × ${scale})`);
    worst = Math.max(worst, d / scale);
  }
  return worst;
}

/** NCHW → NHWC (for x) */
function nchwToNhwc(v: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(v.length);
  for (let a = 0; a < n; a++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[((a * h + i) * w + j) * c + ch] = v[((a * c + ch) * h + i) * w + j];
  return out;
}
/** OIHW (tapegrad weight) → HWIO (tfjs filter) */
function oihwToHwio(v: Float32Array, [o, c, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(v.length);
  for (let a = 0; a < o; a++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[((i * kw + j) * c + ch) * o + a] = v[((a * c + ch) * kh + i) * kw + j];
  return out;
}

// ---------- rows ----------

interface Contender {
  name: string;
  backend: Backend;
  /** The op to time, or a reason why this contender cannot run it. */
  op: (() => void) | string;
  /** Too slow to repeat: timed once (during the check) instead. */
  single?: number;
}
interface Row {
  label: string;
  /** FLOPs per run (for GFLOP/s), or 0 for none. */
  flops: number;
  contenders: Contender[];
  checks: string[];
}

const N = 32, C = 64, H = 16, W = 16;
const convFwdFlops = 2 * N * C * C * 9 * H * W;

async function convRows(): Promise<Row[]> {
  const xv = randn(N * C * H * W), wv = randn(C * C * 9).map((v) => v / Math.sqrt(C * 9));
  const x = tg.tensor(xv, { shape: [N, C, H, W], requiresGrad: true });
  const w = tg.tensor(wv, { shape: [C, C, 3, 3], requiresGrad: true });
  const xt = nchwToNhwc(xv, [N, C, H, W]), wt = oihwToHwio(wv, [C, C, 3, 3]);
  const tfx: Record<'cpu' | 'wasm', [tf.Tensor4D, tf.Tensor4D]> = {} as never;
  for (const b of ['cpu', 'wasm'] as const) {
    await activate(b);
    tfx[b] = quietly(() => [tf.tensor4d(xt, [N, H, W, C]), tf.tensor4d(wt, [3, 3, C, C])]);
  }
  const tgFwd = () => tg.tidy(() => tg.conv2d(x, w, null, { padding: 1 }).data() as Float32Array);
  const tgFwdBwd = () =>
    tg.tidy(() => {
      tg.conv2d(x, w, null, { padding: 1 }).sum().backward();
      const r = [x.grad!.data() as Float32Array, w.grad!.data() as Float32Array];
      for (const t of [x, w]) {
        t.grad!.dispose();
        t.grad = null;
      }
      return r;
    });
  const tfFwd = (b: 'cpu' | 'wasm') => () => tf.tidy(() => tf.conv2d(tfx[b][0], tfx[b][1], 1, 'same').dataSync() as Float32Array);
  const g = tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').sum());
  const tfFwdBwd = (b: 'cpu' | 'wasm') => () =>
    tf.tidy(() => g([tfx[b][0], tfx[b][1]]).map((t) => t.dataSync() as Float32Array));

  // correctness: forward and both gradients, tapegrad vs each tfjs backend, after layout transposition
  const checksF: string[] = [], checksB: string[] = [];
  const ours = tgFwd(), [dx, dw] = tgFwdBwd();
  if (maxAbs(ours) === 0 || maxAbs(dx) === 0 || maxAbs(dw) === 0) throw new Error('conv2d: an all-zero result');
  let wasmBwd: string | null = null, cpuBwdMs = 0;
  for (const b of ['cpu', 'wasm'] as const) {
    await activate(b);
    const theirs = tfFwd(b)();
    const t0 = performance.now();
    checksF.push(`conv2d forward tapegrad vs tfjs-${b}: max diff / max|y| ${assertClose(`conv2d fwd vs ${b}`, nchwToNhwc(ours, [N, C, H, W]), theirs, 1e-4).toExponential(1)}`);
    try {
      const [tdx, tdw] = tfFwdBwd(b)();
      if (b === 'cpu') cpuBwdMs = performance.now() - t0;
      checksB.push(`tfjs-${b} dx ${assertClose(`conv2d dx vs ${b}`, nchwToNhwc(dx, [N, C, H, W]), tdx, 1e-4).toExponential(1)}, dw ${assertClose(`conv2d dw vs ${b}`, oihwToHwio(dw, [C, C, 3, 3]), tdw, 1e-4).toExponential(1)}`);
    } catch (e) {
      if (b === 'cpu') throw e;
      wasmBwd = `fails: "${(e as Error).message.split('\n')[0]}"`;
    }
  }
  return [
    {
      label: `conv2d fwd, ${N}×${C}×${H}×${W}, ${C}→${C}, 3×3, pad 1`,
      flops: convFwdFlops,
      contenders: [
        { name: 'tapegrad', backend: 'tapegrad', op: () => void tgFwd() },
        { name: 'tfjs-cpu', backend: 'cpu', op: () => void tfFwd('cpu')() },
        { name: 'tfjs-wasm', backend: 'wasm', op: () => void tfFwd('wasm')() },
      ],
      checks: checksF,
    },
    {
      label: `conv2d fwd+bwd (dx, dw), same shapes`,
      flops: 3 * convFwdFlops,
      contenders: [
        { name: 'tapegrad', backend: 'tapegrad', op: () => void tgFwdBwd() },
        // tfjs-cpu's Conv2DBackpropFilter alone takes about a minute here: one run, the check's
        { name: 'tfjs-cpu', backend: 'cpu', op: () => void tfFwdBwd('cpu')(), single: cpuBwdMs },
        { name: 'tfjs-wasm', backend: 'wasm', op: wasmBwd ?? (() => void tfFwdBwd('wasm')()) },
      ],
      checks: [`conv2d gradients of sum(y) vs ${checksB.join('; ')}`],
    },
  ];
}

async function groupNormRow(): Promise<Row> {
  const G = 32, size = N * C * H * W, per = (C / G) * H * W, hw = H * W;
  const xv = randn(size), gv = randn(size), wv = randn(C), bv = randn(C);
  const x = tg.tensor(xv, { shape: [N, C, H, W], requiresGrad: true });
  const xp = tg.tensor(xv, { shape: [N, C, H, W] });
  const gy = tg.tensor(gv, { shape: [N, C, H, W] });
  const w = tg.tensor(wv, { requiresGrad: true }), b = tg.tensor(bv, { requiresGrad: true });
  const gn = () =>
    tg.tidy(() => {
      tg.groupNorm(x, G, w, b).backward(gy);
      const r = [x.grad!.data(), w.grad!.data(), b.grad!.data()] as Float32Array[];
      for (const t of [x, w, b]) {
        t.grad!.dispose();
        t.grad = null;
      }
      return r;
    });
  const twoPasses = () => tg.tidy(() => void xp.mul(2).add(1).data());
  // float64 reference: y, and (with upstream gradient g) dweight, dbias, dx
  const yOurs = tg.tidy(() => tg.groupNorm(xp, G, w, b).data() as Float32Array);
  const [dx, dw, db] = gn();
  const y = new Float64Array(size), rdx = new Float64Array(size), rdw = new Float64Array(C), rdb = new Float64Array(C);
  for (let n = 0; n < N; n++)
    for (let gi = 0; gi < G; gi++) {
      const o = (n * C + gi * (C / G)) * hw;
      let m = 0, v = 0;
      for (let i = 0; i < per; i++) m += xv[o + i];
      m /= per;
      for (let i = 0; i < per; i++) v += (xv[o + i] - m) ** 2;
      const rstd = 1 / Math.sqrt(v / per + 1e-5);
      let s1 = 0, s2 = 0; // Σ dxhat, Σ dxhat·xhat
      for (let i = 0; i < per; i++) {
        const c = gi * (C / G) + Math.floor(i / hw), xh = (xv[o + i] - m) * rstd;
        y[o + i] = xh * wv[c] + bv[c];
        rdw[c] += gv[o + i] * xh;
        rdb[c] += gv[o + i];
        const d = gv[o + i] * wv[c];
        s1 += d;
        s2 += d * xh;
      }
      for (let i = 0; i < per; i++) {
        const c = gi * (C / G) + Math.floor(i / hw), xh = (xv[o + i] - m) * rstd;
        rdx[o + i] = rstd * (gv[o + i] * wv[c] - s1 / per - (xh * s2) / per);
      }
    }
  const e = [assertClose('groupNorm y', yOurs, y, 1e-4), assertClose('groupNorm dx', dx, rdx, 1e-4), assertClose('groupNorm dw', dw, rdw, 1e-4), assertClose('groupNorm db', db, rdb, 1e-4)];
  return {
    label: `GroupNorm(32, 64) fwd+bwd (dx, dw, db) on ${N}×${C}×${H}×${W} vs x.mul(2).add(1)`,
    flops: 0,
    contenders: [
      { name: 'tapegrad groupNorm', backend: 'tapegrad', op: () => void gn() },
      { name: 'tapegrad x.mul(2).add(1)', backend: 'tapegrad', op: twoPasses },
      { name: 'tfjs-cpu / tfjs-wasm', backend: 'cpu', op: 'no group norm op in TensorFlow.js (tf.layers has no GroupNormalization either)' },
    ],
    checks: [`groupNorm vs a float64 reference (y, dx, dweight, dbias with a random upstream gradient): max diff / max|ref| ${e.map((v) => v.toExponential(1)).join(', ')}`],
  };
}

// ---------- LeNet-5 ----------

const LB = 64, LR = 0.01;
const lenetFlops = (() => {
  const c1 = 2 * LB * 6 * 28 * 28 * 25, c2 = 2 * LB * 16 * 10 * 10 * 150, fc = 2 * LB * (400 * 120 + 120 * 84 + 84 * 10);
  // forward; backward: dw for every layer, dx for all but conv1
  return c1 + c2 + fc + c1 + 2 * c2 + 2 * fc;
})();

async function lenetRow(): Promise<Row> {
  const xv = randn(LB * 32 * 32);
  const labels = Array.from({ length: LB }, (_, i) => (i * 7 + (i >> 3)) % 10);
  const conv1 = new tg.nn.Conv2d(1, 6, 5), conv2 = new tg.nn.Conv2d(6, 16, 5);
  const fc1 = new tg.nn.Linear(400, 120), fc2 = new tg.nn.Linear(120, 84), fc3 = new tg.nn.Linear(84, 10);
  const model = new tg.nn.Sequential(conv1, new tg.nn.ReLU(), new tg.nn.MaxPool2d(2), conv2, new tg.nn.ReLU(), new tg.nn.MaxPool2d(2), new tg.nn.Flatten(), fc1, new tg.nn.ReLU(), fc2, new tg.nn.ReLU(), fc3);
  const opt = new tg.optim.SGD(model.parameters(), { lr: LR });
  const x = tg.tensor(xv, { shape: [LB, 1, 32, 32] });
  const y = tg.tensor(labels);
  const tgStep = (): number =>
    tg.tidy(() => {
      opt.zeroGrad();
      const loss = tg.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  // the same initial weights for tfjs, in its layouts
  const d = (t: tg.Tensor) => t.data() as Float32Array;
  const linT = (l: InstanceType<typeof tg.nn.Linear>, perm?: (i: number) => number) => {
    const [o, i] = [l.outFeatures, l.inFeatures], src = d(l.weight), out = new Float32Array(src.length);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[(perm ? perm(b) : b) * o + a] = src[a * i + b];
    return out;
  };
  // tapegrad flattens [16,5,5] as c·25 + h·5 + w; tfjs flattens [5,5,16] as (h·5 + w)·16 + c
  const flatPerm = (k: number) => (k % 25) * 16 + Math.floor(k / 25);
  const init = {
    c1w: oihwToHwio(d(conv1.weight), [6, 1, 5, 5]), c1b: d(conv1.bias!),
    c2w: oihwToHwio(d(conv2.weight), [16, 6, 5, 5]), c2b: d(conv2.bias!),
    f1w: linT(fc1, flatPerm), f1b: d(fc1.bias!), f2w: linT(fc2), f2b: d(fc2.bias!), f3w: linT(fc3), f3b: d(fc3.bias!),
  };
  const tfTrainer = () => {
    const v = {
      c1w: tf.variable(tf.tensor4d(init.c1w, [5, 5, 1, 6])), c1b: tf.variable(tf.tensor1d(init.c1b)),
      c2w: tf.variable(tf.tensor4d(init.c2w, [5, 5, 6, 16])), c2b: tf.variable(tf.tensor1d(init.c2b)),
      f1w: tf.variable(tf.tensor2d(init.f1w, [400, 120])), f1b: tf.variable(tf.tensor1d(init.f1b)),
      f2w: tf.variable(tf.tensor2d(init.f2w, [120, 84])), f2b: tf.variable(tf.tensor1d(init.f2b)),
      f3w: tf.variable(tf.tensor2d(init.f3w, [84, 10])), f3b: tf.variable(tf.tensor1d(init.f3b)),
    };
    const tx = tf.tensor4d(xv, [LB, 32, 32, 1]); // 1 channel: NCHW and NHWC coincide
    const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat());
    const optimizer = tf.train.sgd(LR);
    const step = (): number => {
      const cost = optimizer.minimize(() => {
        let h: tf.Tensor4D = tf.maxPool(tf.relu(tf.add(tf.conv2d(tx, v.c1w, 1, 'valid'), v.c1b)) as tf.Tensor4D, 2, 2, 'valid');
        h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, v.c2w, 1, 'valid'), v.c2b)) as tf.Tensor4D, 2, 2, 'valid');
        let f: tf.Tensor = tf.reshape(h, [LB, 400]);
        f = tf.relu(tf.add(tf.matMul(f as tf.Tensor2D, v.f1w), v.f1b));
        f = tf.relu(tf.add(tf.matMul(f as tf.Tensor2D, v.f2w), v.f2b));
        f = tf.add(tf.matMul(f as tf.Tensor2D, v.f3w), v.f3b);
        return tf.losses.softmaxCrossEntropy(onehot, f) as tf.Scalar;
      }, true)!;
      const loss = cost.dataSync()[0];
      cost.dispose();
      return loss;
    };
    return { step };
  };
  const tfs: Partial<Record<'cpu' | 'wasm', () => number>> = {};
  const wasmErr: string[] = [];
  const losses: Record<string, number[]> = { tapegrad: [], cpu: [], wasm: [] };
  for (let s = 0; s < 3; s++) losses.tapegrad.push(tgStep());
  for (const b of ['cpu', 'wasm'] as const) {
    await activate(b);
    const t = quietly(tfTrainer);
    try {
      for (let s = 0; s < 3; s++) losses[b].push(t.step());
      tfs[b] = t.step;
    } catch (e) {
      if (b === 'cpu') throw e;
      wasmErr.push(`fails: "${(e as Error).message.split('\n')[0]}"`);
    }
  }
  assertClose('LeNet losses tapegrad vs tfjs-cpu', losses.tapegrad, losses.cpu, 1e-4);
  if (tfs.wasm) assertClose('LeNet losses tapegrad vs tfjs-wasm', losses.tapegrad, losses.wasm, 1e-4);
  if (!(losses.tapegrad[2] < losses.tapegrad[0])) throw new Error(`LeNet: loss did not decrease: ${losses.tapegrad}`);
  // live tensors must stay constant across timed steps
  let base = -1;
  const tgTimed = () => {
    tgStep();
    const n = tg.memory().tensors;
    if (base < 0) base = n;
    else if (n !== base) throw new Error(`tapegrad LeNet step leaks: ${n} live tensors, ${base} after the first`);
  };
  return {
    label: `LeNet-5 train step (SGD), batch ${LB} of 1×32×32`,
    flops: lenetFlops,
    contenders: [
      { name: 'tapegrad', backend: 'tapegrad', op: tgTimed },
      { name: 'tfjs-cpu', backend: 'cpu', op: () => void tfs.cpu!() },
      { name: 'tfjs-wasm', backend: 'wasm', op: tfs.wasm ? () => void tfs.wasm!() : wasmErr[0] },
    ],
    checks: [`LeNet-5 losses over 3 SGD steps from the same weights: ${Object.entries(losses).filter(([, l]) => l.length).map(([k, l]) => `${k === 'tapegrad' ? k : 'tfjs-' + k} ${l.map((v) => v.toFixed(5)).join(' ')}`).join('; ')}`],
  };
}

// ---------- measuring and reporting ----------


async function measure(row: Row): Promise<Map<string, number[]>> {
  const live = row.contenders.filter((c) => typeof c.op === 'function' && c.single === undefined);
  const times = new Map<string, number[]>(live.map((c) => [c.name, []]));
  let previous = 0;
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const i of orderOf(round, live.length)) {
      const c = live[i];
      await activate(c.backend);
      // right after a peer's seconds-long run (tfjs-cpu's), after an untimed run of its own first
      const ms = timedRun(c.op as () => void, previous);
      previous = ms;
      if (round >= WARMUP) times.get(c.name)!.push(ms);
    }
  }
  return times;
}

async function main(): Promise<void> {
  const started = performance.now();
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const wasmFlags = `tfjs-backend-wasm SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
  console.log(`tapegrad nn bench vs TensorFlow.js ${tf.version.tfjs} (${wasmFlags}), Node ${process.version}, ${os.cpus()[0]?.model}`);
  const lines = ['| benchmark | contender | median ms (min–max) | rate | tapegrad vs this |', '|---|---|---|---|---|'];
  const checks: string[] = [];
  const summary: string[] = [];
  const makers = [convRows, async () => [await groupNormRow()], async () => [await lenetRow()]];
  for (const make of makers) {
    for (const row of await make()) {
      for (const c of row.checks) console.log(`  check ok: ${c}`);
      checks.push(...row.checks);
      const times = await measure(row);
      const first = row.contenders[0].name, ref = median(times.get(first)!);
      for (const c of row.contenders) {
        if (typeof c.op === 'string') {
          lines.push(`| ${row.label} | ${c.name} | — | — | ${c.op} |`);
          continue;
        }
        const t = c.single !== undefined ? [c.single] : times.get(c.name)!, m = median(t);
        const rate = row.flops ? `${(row.flops / (m / 1000) / 1e9).toFixed(2)} GFLOP/s` : '—';
        const vs = c.name === first ? '—' : m / ref >= 1 ? `**${(m / ref).toFixed(2)}× faster**` : `${(ref / m).toFixed(2)}× slower`;
        const spread = c.single !== undefined ? '1 run only: Conv2DBackpropFilter is too slow to repeat' : `${fmtMs(Math.min(...t))}–${fmtMs(Math.max(...t))}`;
        lines.push(`| ${row.label} | ${c.name} | ${fmtMs(m)} (${spread}) | ${rate} | ${vs} |`);
        console.log(`${row.label.slice(0, 48).padEnd(48)} ${c.name.padEnd(26)} ${fmtMs(m).padStart(7)} ms  ${rate}`);
      }
      if (row.label.startsWith('conv2d fwd+bwd')) {
        const r = row.flops / (ref / 1000) / 1e9;
        summary.push(`conv2d fwd+bwd target ≥ 1.5 GFLOP/s effective: ${r.toFixed(2)} GFLOP/s, ${r >= 1.5 ? 'met' : 'NOT met'}`);
      }
      if (row.label.startsWith('GroupNorm')) {
        const q = ref / median(times.get('tapegrad x.mul(2).add(1)')!);
        summary.push(`GroupNorm fwd+bwd target within 2× of two elementwise passes: ${q.toFixed(2)}×, ${q <= 2 ? 'met' : 'NOT met'}`);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const table = lines.join('\n');
  console.log('\n' + table + '\n\n' + summary.join('\n'));
  const section = [
    '',
    '## nn benchmarks (bench/nn.ts)',
    '',
    `Written by \`npx tsx bench/nn.ts\` on ${new Date().toISOString()}; ${os.cpus()[0]?.model}, ${os.cpus().length} logical cores, load average ${os.loadavg()[0].toFixed(1)}; Node ${process.version}; TensorFlow.js ${tf.version.tfjs} (${wasmFlags}). Medians of ${RUNS} runs after ${WARMUP} warm-up, contenders round-robin in one process; each run reads its results back. tapegrad is NCHW, tfjs NHWC (inputs transposed once, before timing). GFLOP/s are effective: conv forward 2·N·O·C·9·H·W, forward+backward 3× that; LeNet counts its convolutions and matmuls (${(lenetFlops / 1e6).toFixed(0)} MFLOP a step). "× faster" = this contender's median ÷ tapegrad's. Total ${seconds.toFixed(0)} s.`,
    '',
    table,
    '',
    ...summary.map((s) => `- ${s}`),
    '',
    'Correctness checks (run before timing):',
    '',
    ...checks.map((c) => `- ${c}`),
    '',
  ].join('\n');
  const file = writeResultsSection('nn', section);
  console.log(`\nwrote the nn section of ${file} (${seconds.toFixed(0)} s)`);
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
}
