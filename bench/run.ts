// `npm run bench`: tapegrad's CPU backend against TensorFlow.js on tfjs-backend-cpu and
// tfjs-backend-wasm, in one process. Timings on a shared machine drift, so the contenders run
// round-robin (one run each, in an order that changes every round: bench/timing.ts) and each row reports medians.
// Every row first checks that the contenders computed the same thing, so no row can pass by
// doing nothing. The figures go to bench/out/RESULTS.md, or to the tracked bench/RESULTS.md with
// --write-results; its "Interpretation" section is written by people and kept when the script
// rewrites the file.
//
//   npm run bench             full run (a few minutes)
//   npm run bench -- --quick  fewer repetitions
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tg from '../index.js';
import { resultsFile } from './results_section.js';
import { orderOf } from './timing.js';

const QUICK = process.argv.includes('--quick');
const WARMUP = QUICK ? 1 : 2;
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);

// tapegrad runs with its default thread count (the machine's cores) and with one thread;
// tfjs-wasm-manual is the MLP step written by hand in tfjs (no minimize, no tape). For the MLP
// step only, two more tapegrad contenders measure the autograd engine itself (issue 18: the
// first-order fast path must not pay for higher-order support): tapegrad-manual, the same step
// written by hand with tapegrad's kernels under noGrad (no tape at all), and tapegrad-createGraph,
// backward({ createGraph: true }) (the backward recorded on the tape).
const PEERS = ['tapegrad', 'tapegrad-1t', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm-manual', 'tapegrad-manual', 'tapegrad-createGraph'] as const;
type Peer = (typeof PEERS)[number];
const TFJS_BACKEND = { 'tfjs-cpu': 'cpu', 'tfjs-wasm': 'wasm', 'tfjs-wasm-manual': 'wasm' } as const;
const DEFAULT_THREADS = tg.backendInfo('cpu').threads.requested;

/** Makes a peer's backend the active one (tapegrad's is always the CPU backend). */
async function activate(peer: Peer): Promise<void> {
  if (peer.startsWith('tapegrad')) {
    tg.setBackend('cpu', { threads: peer === 'tapegrad-1t' ? 1 : DEFAULT_THREADS });
    return;
  }
  const name = TFJS_BACKEND[peer as keyof typeof TFJS_BACKEND];
  if (tf.getBackend() === name) return;
  if (!(await quietly(() => tf.setBackend(name)))) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
}

/** Runs fn with console.warn silenced: tfjs-backend-cpu greets Node users on its first upload. */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** One benchmark row: an op per peer (each runs once and reads its result back). */
interface Row {
  label: string;
  /** Work per run, for the rate column: floating-point operations or elements. */
  work: { amount: number; unit: 'GFLOP/s' | 'Melem/s' };
  runs: number;
  /** One op per peer; 'tapegrad-1t' runs 'tapegrad''s op, and a peer without an op sits the row out. */
  ops: Partial<Record<Peer, () => void>>;
  /** Runs once before timing; throws if the peers disagree. Returns a line for the log. */
  check: () => Promise<string>;
  dispose: () => void;
}

// ---------- inputs: drawn once from tapegrad's seeded generator, copied to each peer ----------

tg.manualSeed(2024);
const randn = (size: number): Float32Array => tg.randn([size]).data() as Float32Array;

/** Builds a tfjs value on each tfjs backend (tensors live on the backend they were made on). */
async function onEachTfjs<T>(make: () => T): Promise<Record<'tfjs-cpu' | 'tfjs-wasm', T>> {
  await activate('tfjs-cpu');
  const cpu = quietly(make);
  await activate('tfjs-wasm');
  const wasm = make();
  return { 'tfjs-cpu': cpu, 'tfjs-wasm': wasm };
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Checks |got − expected| ≤ relTol·scale elementwise (scale: max|expected| unless given). */
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

// ---------- rows ----------

/**
 * C = A·B for n×n float32 matrices, read back (or, with `readBack` false, left in the backend and
 * freed: the op itself, against tfjs-wasm only; see elementwiseRow).
 */
async function matmulRow(n: number, runs: number, { readBack = true } = {}): Promise<Row> {
  const [av, bv] = [randn(n * n), randn(n * n)];
  const a = tg.tensor(av, { shape: [n, n] });
  const b = tg.tensor(bv, { shape: [n, n] });
  const tfx = await onEachTfjs(() => [tf.tensor2d(av, [n, n]), tf.tensor2d(bv, [n, n])] as const);
  const tfMatmul = (peer: 'tfjs-cpu' | 'tfjs-wasm') => () => {
    const c = tf.matMul(tfx[peer][0], tfx[peer][1]);
    if (readBack) c.dataSync();
    c.dispose();
  };
  return {
    label: `matmul ${n}×${n}×${n} float32${readBack ? '' : ', no read-back'}`,
    work: { amount: 2 * n ** 3, unit: 'GFLOP/s' },
    runs,
    ops: readBack
      ? { tapegrad: () => tg.tidy(() => void a.matmul(b).data()), 'tfjs-cpu': tfMatmul('tfjs-cpu'), 'tfjs-wasm': tfMatmul('tfjs-wasm') }
      : { tapegrad: () => tg.tidy(() => void a.matmul(b)), 'tfjs-wasm': tfMatmul('tfjs-wasm') },
    check: async () => {
      const ours = tg.tidy(() => a.matmul(b).data());
      // 64 entries from a float64 dot product, independent of every peer: error ≤ c·Σ|a·b|
      const spot = (what: string, c: ArrayLike<number>, tol: number) => {
        for (let s = 0; s < 64; s++) {
          const i = (s * 7919) % n, j = (s * 104729 + 13) % n;
          let exact = 0, magnitude = 0;
          for (let p = 0; p < n; p++) {
            exact += av[i * n + p] * bv[p * n + j];
            magnitude += Math.abs(av[i * n + p] * bv[p * n + j]);
          }
          if (!(Math.abs(c[i * n + j] - exact) <= tol * magnitude)) throw new Error(`${what} ${n}³: C[${i},${j}] = ${c[i * n + j]}, exact ${exact}`);
        }
      };
      spot('tapegrad matmul', ours, 1e-6);
      const worst: string[] = [];
      for (const peer of ['tfjs-cpu', 'tfjs-wasm'] as const) {
        await activate(peer);
        const theirs = tf.tidy(() => tf.matMul(tfx[peer][0], tfx[peer][1]).dataSync());
        spot(`${peer} matmul`, theirs, 1e-4);
        worst.push(`${peer} ${assertClose(`matmul ${n}³ tapegrad vs ${peer}`, ours, theirs, 1e-5).toExponential(1)}`);
      }
      return `matmul ${n}³: 64 entries match a float64 dot product; largest difference / max|C|: ${worst.join(', ')}`;
    },
    dispose: () => {
      a.dispose();
      b.dispose();
      for (const pair of Object.values(tfx)) pair.forEach((t) => t.dispose());
    },
  };
}

/** An op of one or two inputs (the second is ignored by exp and sum). */
type TgOp = (x: tg.Tensor, y: tg.Tensor) => tg.Tensor;
type TfOp = (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/**
 * add, exp and sum over 2^20 elements. `tol` is relative to the largest magnitude of the result,
 * or for a sum (`ofSum`) to Σ|x|, the scale of its rounding errors. Each run reads the result
 * back, unless `readBack` is false: then it stays in the backend and is freed (tfjs-wasm computes
 * synchronously, as tapegrad does), which times the op itself, against tfjs-wasm only. Reading a 4 MB
 * result back costs every contender a fresh 4 MB JavaScript array, whose 700–1024 first-touch page
 * faults (the spread table counts them) take 11–15 ms on this machine when glibc's malloc hands out
 * fresh pages: more than the op.
 */
async function elementwiseRow(label: string, ours: TgOp, theirs: TfOp, tol: number, runs: number, { ofSum = false, readBack = true } = {}): Promise<Row> {
  const size = 1 << 20;
  const shape = [1024, 1024];
  const [xv, yv] = [randn(size), randn(size)];
  const x = tg.tensor(xv, { shape }), y = tg.tensor(yv, { shape });
  const tfx = await onEachTfjs(() => [tf.tensor2d(xv, [1024, 1024]), tf.tensor2d(yv, [1024, 1024])] as const);
  const tfOp = (peer: 'tfjs-cpu' | 'tfjs-wasm') => () => {
    const r = theirs(tfx[peer][0], tfx[peer][1]);
    if (readBack) r.dataSync();
    r.dispose();
  };
  return {
    label: `${label}${readBack ? '' : ', no read-back'}`,
    work: { amount: size, unit: 'Melem/s' },
    runs,
    ops: readBack
      ? { tapegrad: () => tg.tidy(() => void ours(x, y).data()), 'tfjs-cpu': tfOp('tfjs-cpu'), 'tfjs-wasm': tfOp('tfjs-wasm') }
      : { tapegrad: () => tg.tidy(() => void ours(x, y)), 'tfjs-wasm': tfOp('tfjs-wasm') },
    check: async () => {
      const mine = tg.tidy(() => ours(x, y).data());
      const scale = ofSum ? xv.reduce((s, v) => s + Math.abs(v), 0) : maxAbs(mine);
      const worst: string[] = [];
      if (ofSum) worst.push(`exact ${assertClose(`${label} tapegrad vs a float64 sum`, mine, [xv.reduce((s, v) => s + v, 0)], tol, scale).toExponential(1)}`);
      for (const peer of ['tfjs-cpu', 'tfjs-wasm'] as const) {
        await activate(peer);
        const other = tf.tidy(() => theirs(tfx[peer][0], tfx[peer][1]).dataSync());
        worst.push(`${peer} ${assertClose(`${label} tapegrad vs ${peer}`, mine, other, tol, scale).toExponential(1)}`);
      }
      return `${label}: largest difference / ${ofSum ? 'Σ|x|' : 'max|result|'}: ${worst.join(', ')}`;
    },
    dispose: () => {
      x.dispose();
      y.dispose();
      for (const pair of Object.values(tfx)) pair.forEach((t) => t.dispose());
    },
  };
}

// ---------- the training step ----------

const MLP = { batch: 256, sizes: [784, 1024, 512, 10], lr: 0.01 };

/**
 * Multiply-adds ×2 of the matmuls in one step: the forward, the weight gradients, and the input
 * gradients of every layer but the first (the data needs none). Elementwise work is not counted.
 */
function mlpFlops(): number {
  const { batch, sizes } = MLP;
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const mnk = batch * sizes[l] * sizes[l + 1];
    f += 2 * mnk * (l === 0 ? 2 : 3);
  }
  return f;
}

/** The initial weights [out, in] (He) and zero biases, and the data, shared by every peer. */
function mlpInit() {
  const { batch, sizes } = MLP;
  const layers = sizes.slice(1).map((out, l) => {
    const fanIn = sizes[l];
    const w = randn(out * fanIn).map((v) => v * Math.sqrt(2 / fanIn));
    return { out, fanIn, w, b: new Float32Array(out) };
  });
  const x = randn(batch * sizes[0]);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7 + (i >> 3)) % sizes[sizes.length - 1]);
  return { layers, x, labels };
}

/** tapegrad: tg.linear + tg.relu + tg.crossEntropy, backward, then SGD under noGrad. */
function tapegradTrainer(init: ReturnType<typeof mlpInit>, createGraph = false) {
  const { batch, sizes, lr } = MLP;
  const params = init.layers.flatMap((l) => [
    tg.tensor(l.w, { shape: [l.out, l.fanIn], requiresGrad: true }),
    tg.tensor(l.b, { requiresGrad: true }),
  ]);
  const x = tg.tensor(init.x, { shape: [batch, sizes[0]] });
  const labels = tg.tensor(init.labels);
  const step = (): number => tg.tidy(() => {
    const [w1, b1, w2, b2, w3, b3] = params;
    const h1 = tg.relu(tg.linear(x, w1, b1));
    const h2 = tg.relu(tg.linear(h1, w2, b2));
    const loss = tg.crossEntropy(tg.linear(h2, w3, b3), labels);
    loss.backward({ createGraph });
    tg.noGrad(() => {
      for (const p of params) {
        p.assign(p.sub(p.grad!.mul(lr)));
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return loss.item();
  });
  const dispose = () => [...params, x, labels].forEach((t) => t.dispose());
  return { step, dispose };
}

/**
 * tapegrad without its tape: the step of tfjsManualTrainer with tapegrad's kernels under noGrad,
 * the floor that the autograd step (tapegradTrainer) is measured against.
 */
function tapegradManualTrainer(init: ReturnType<typeof mlpInit>) {
  const { batch, sizes, lr } = MLP;
  const params = init.layers.map((l) => ({ w: tg.tensor(l.w, { shape: [l.out, l.fanIn] }), b: tg.tensor(l.b) }));
  const x = tg.tensor(init.x, { shape: [batch, sizes[0]] });
  const classes = sizes[sizes.length - 1];
  const onehot = tg.tensor(Float32Array.from({ length: batch * classes }, (_, i) => (init.labels[Math.floor(i / classes)] === i % classes ? 1 : 0)), { shape: [batch, classes] });
  const step = (): number => tg.tidy(() => tg.noGrad(() => {
    const [l1, l2, l3] = params;
    const z1 = tg.linear(x, l1.w, l1.b), h1 = tg.relu(z1);
    const z2 = tg.linear(h1, l2.w, l2.b), h2 = tg.relu(z2);
    const logp = tg.logSoftmax(tg.linear(h2, l3.w, l3.b));
    const loss = logp.mul(onehot).sum().neg().div(batch);
    // d loss/d logits = (softmax − onehot)/batch; through each relu, the step z > 0
    const g3 = logp.exp().sub(onehot).div(batch);
    const g2 = tg.matmulT(g3, l3.w).mul(tg.heaviside(z2, 0));
    const g1 = tg.matmulT(g2, l2.w).mul(tg.heaviside(z1, 0));
    [g1, g2, g3].forEach((g, l) => {
      params[l].w.assign(params[l].w.sub(tg.matmulT(g, [x, h1, h2][l], true, false).mul(lr)));
      params[l].b.assign(params[l].b.sub(g.sum(0).mul(lr)));
    });
    return loss.item();
  }));
  const dispose = () => [...params.flatMap((p) => [p.w, p.b]), x, onehot].forEach((t) => t.dispose());
  return { step, dispose };
}

/** tfjs: the idiomatic step, optimizer.minimize with tf.losses.softmaxCrossEntropy. */
function tfjsTrainer(init: ReturnType<typeof mlpInit>) {
  const { batch, sizes, lr } = MLP;
  // tfjs's dense layers hold weights [in, out]: the same values, transposed
  const params = init.layers.map((l) => {
    const wt = new Float32Array(l.w.length);
    for (let o = 0; o < l.out; o++) for (let i = 0; i < l.fanIn; i++) wt[i * l.out + o] = l.w[o * l.fanIn + i];
    return { w: tf.variable(tf.tensor2d(wt, [l.fanIn, l.out])), b: tf.variable(tf.tensor1d(l.b)) };
  });
  const x = tf.tensor2d(init.x, [batch, sizes[0]]);
  const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(init.labels, 'int32'), sizes[sizes.length - 1]).toFloat());
  const optimizer = tf.train.sgd(lr);
  const step = (): number => {
    const cost = optimizer.minimize(() => {
      const [l1, l2, l3] = params;
      const h1 = tf.relu(tf.add(tf.matMul(x, l1.w), l1.b));
      const h2 = tf.relu(tf.add(tf.matMul(h1, l2.w), l2.b));
      const logits = tf.add(tf.matMul(h2, l3.w), l3.b);
      return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
    }, true)!;
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  };
  const dispose = () => {
    params.forEach((p) => [p.w.dispose(), p.b.dispose()]);
    x.dispose();
    onehot.dispose();
    optimizer.dispose();
  };
  return { step, dispose };
}

/**
 * tfjs-wasm by hand: the forward pass, then the backward products written out with
 * tf.matMul(a, b, transposeA, transposeB) (no tape, no minimize), then the SGD update. The
 * gradient of mean softmax cross-entropy w.r.t. the logits is (softmax − onehot)/batch.
 */
function tfjsManualTrainer(init: ReturnType<typeof mlpInit>) {
  const { batch, sizes, lr } = MLP;
  const params = init.layers.map((l) => ({ w: tf.variable(tf.tensor2d(l.w, [l.out, l.fanIn])), b: tf.variable(tf.tensor1d(l.b)) }));
  const x = tf.tensor2d(init.x, [batch, sizes[0]]);
  const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(init.labels, 'int32'), sizes[sizes.length - 1]).toFloat());
  const step = (): number => {
    const loss = tf.tidy(() => {
      const [l1, l2, l3] = params;
      // y = x·Wᵀ + b with W [out, in], as tapegrad's linear
      const z1 = tf.add(tf.matMul(x, l1.w, false, true), l1.b), h1 = tf.relu(z1);
      const z2 = tf.add(tf.matMul(h1, l2.w, false, true), l2.b), h2 = tf.relu(z2);
      const logits = tf.add(tf.matMul(h2, l3.w, false, true), l3.b);
      const logp = tf.logSoftmax(logits);
      const value = tf.neg(tf.sum(tf.mul(onehot, logp))).div(batch);
      const g3 = tf.div(tf.sub(tf.exp(logp), onehot), batch);
      const dh2 = tf.matMul(g3, l3.w);
      const g2 = tf.mul(dh2, tf.step(z2));
      const dh1 = tf.matMul(g2, l2.w);
      const g1 = tf.mul(dh1, tf.step(z1));
      const grads = [[g1, h1], [g2, h2], [g3, null]] as const;
      const inputs = [x, h1, h2];
      grads.forEach(([g], l) => {
        params[l].w.assign(tf.sub(params[l].w, tf.mul(tf.matMul(g, inputs[l], true, false), lr)));
        params[l].b.assign(tf.sub(params[l].b, tf.mul(tf.sum(g, 0), lr)));
      });
      return value;
    });
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const dispose = () => {
    params.forEach((p) => [p.w.dispose(), p.b.dispose()]);
    x.dispose();
    onehot.dispose();
  };
  return { step, dispose };
}

async function mlpRow(runs: number): Promise<Row> {
  const init = mlpInit();
  const ours = tapegradTrainer(init);
  const recorded = tapegradTrainer(init, true);
  const byHand = tapegradManualTrainer(init);
  const theirs = await onEachTfjs(() => tfjsTrainer(init));
  await activate('tfjs-wasm-manual');
  const manual = tfjsManualTrainer(init);
  // live tensors must not grow from one step to the next
  const baseline = Object.fromEntries(PEERS.map((p) => [p, -1])) as Record<Peer, number>;
  const live = (peer: Peer) => (peer.startsWith('tapegrad') ? tg.memory().tensors : tf.memory().numTensors);
  const leakChecked = (peer: Peer, step: () => number) => () => {
    step();
    const n = live(peer);
    if (baseline[peer] < 0) baseline[peer] = n;
    else if (n !== baseline[peer]) throw new Error(`${peer} MLP step leaks: ${n} live tensors after a step, ${baseline[peer]} after the first`);
  };
  const [h1, h2] = MLP.sizes.slice(1);
  return {
    label: `MLP ${MLP.sizes.join('-')} train step, batch ${MLP.batch}`,
    work: { amount: mlpFlops(), unit: 'GFLOP/s' },
    runs,
    ops: {
      tapegrad: leakChecked('tapegrad', ours.step),
      'tfjs-cpu': leakChecked('tfjs-cpu', theirs['tfjs-cpu'].step),
      'tfjs-wasm': leakChecked('tfjs-wasm', theirs['tfjs-wasm'].step),
      'tfjs-wasm-manual': leakChecked('tfjs-wasm-manual', manual.step),
      'tapegrad-manual': leakChecked('tapegrad-manual', byHand.step),
      'tapegrad-createGraph': leakChecked('tapegrad-createGraph', recorded.step),
    },
    check: async () => {
      // from the same weights and data, three steps must give the same losses on every peer:
      // the first checks the forward, the next two the gradients and the update
      const tfPeers = ['tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm-manual'] as const;
      const losses: Record<'tapegrad' | (typeof tfPeers)[number], number[]> = { tapegrad: [], 'tfjs-cpu': [], 'tfjs-wasm': [], 'tfjs-wasm-manual': [] };
      const ownLosses: Record<'tapegrad-manual' | 'tapegrad-createGraph', number[]> = { 'tapegrad-manual': [], 'tapegrad-createGraph': [] };
      for (let s = 0; s < 3; s++) {
        await activate('tapegrad');
        losses.tapegrad.push(ours.step());
        ownLosses['tapegrad-manual'].push(byHand.step());
        ownLosses['tapegrad-createGraph'].push(recorded.step());
        for (const peer of tfPeers) {
          await activate(peer);
          losses[peer].push(peer === 'tfjs-wasm-manual' ? manual.step() : theirs[peer].step());
        }
      }
      for (const peer of tfPeers) assertClose(`MLP losses tapegrad vs ${peer}`, losses.tapegrad, losses[peer], 1e-4);
      // the same kernels in another order (by hand) and the same rules recorded (createGraph)
      assertClose('MLP losses tapegrad vs tapegrad-manual', losses.tapegrad, ownLosses['tapegrad-manual'], 1e-5);
      assertClose('MLP losses tapegrad vs tapegrad-createGraph', losses.tapegrad, ownLosses['tapegrad-createGraph'], 1e-6);
      if (!(losses.tapegrad[2] < losses.tapegrad[0])) throw new Error(`MLP: the loss did not decrease (${losses.tapegrad.join(', ')})`);
      const all = { ...losses, ...ownLosses };
      return `MLP ${h1}/${h2} hidden: losses over 3 steps from the same start: ${(Object.keys(all) as (keyof typeof all)[]).map((p) => `${p} ${all[p].map((v) => v.toFixed(5)).join(' ')}`).join('; ')}`;
    },
    dispose: () => {
      ours.dispose();
      recorded.dispose();
      byHand.dispose();
      for (const t of Object.values(theirs)) t.dispose();
      manual.dispose();
    },
  };
}

// ---------- measuring and reporting ----------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Result {
  row: Row;
  times: Partial<Record<Peer, number[]>>;
  /** The process's minor page faults during each run: first touches of fresh memory (a read-back's new array). */
  faults: Partial<Record<Peer, number[]>>;
}

const minorFaults = () => process.resourceUsage().minorPageFault;

function opOf(row: Row, peer: Peer): (() => void) | undefined {
  return row.ops[peer] ?? (peer === 'tapegrad-1t' ? row.ops.tapegrad : undefined);
}

async function measure(row: Row): Promise<Result> {
  const peers = PEERS.filter((p) => opOf(row, p) !== undefined);
  const times: Partial<Record<Peer, number[]>> = Object.fromEntries(peers.map((p) => [p, []]));
  const faults: Partial<Record<Peer, number[]>> = Object.fromEntries(peers.map((p) => [p, []]));
  for (let round = 0; round < WARMUP + row.runs; round++) {
    for (const i of orderOf(round, peers.length)) {
      const peer = peers[i];
      await activate(peer);
      const op = opOf(row, peer)!;
      const f0 = minorFaults();
      const t0 = performance.now();
      op();
      const ms = performance.now() - t0;
      if (round >= WARMUP) {
        times[peer]!.push(ms);
        faults[peer]!.push(minorFaults() - f0);
      }
    }
  }
  return { row, times, faults };
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const rate = (row: Row, ms: number) => {
  const perSecond = row.work.amount / (ms / 1000);
  return row.work.unit === 'GFLOP/s' ? `${(perSecond / 1e9).toFixed(2)} GFLOP/s` : `${(perSecond / 1e6).toFixed(0)} Melem/s`;
};
const ratio = (ours: number, theirs: number) => (theirs / ours >= 1 ? `**${(theirs / ours).toFixed(2)}× faster**` : `${(ours / theirs).toFixed(2)}× slower`);

const medianOf = (r: Result, p: Peer): number | undefined => (r.times[p] ? median(r.times[p]!) : undefined);

function table(results: Result[]): string {
  const lines = [
    `| benchmark | ${PEERS.join(' | ')} | tapegrad vs tfjs-wasm | 1 thread vs tfjs-wasm | tapegrad vs tfjs-cpu | tapegrad vs tfjs-wasm-manual | tapegrad vs tapegrad-manual (no tape) | tapegrad vs tapegrad-createGraph |`,
    `|---|${PEERS.map(() => '---|').join('')}---|---|---|---|---|---|`,
  ];
  for (const r of results) {
    const m = (p: Peer) => medianOf(r, p);
    const cell = (p: Peer) => (m(p) === undefined ? '—' : `${fmtMs(m(p)!)} ms (${rate(r.row, m(p)!)})`);
    const vs = (ours: Peer, theirs: Peer) => (m(ours) === undefined || m(theirs) === undefined ? '—' : ratio(m(ours)!, m(theirs)!));
    lines.push(`| ${r.row.label} | ${PEERS.map(cell).join(' | ')} | ${vs('tapegrad', 'tfjs-wasm')} | ${vs('tapegrad-1t', 'tfjs-wasm')} | ${vs('tapegrad', 'tfjs-cpu')} | ${vs('tapegrad', 'tfjs-wasm-manual')} | ${vs('tapegrad', 'tapegrad-manual')} | ${vs('tapegrad', 'tapegrad-createGraph')} |`);
  }
  return lines.join('\n');
}

function spreadTable(results: Result[]): string {
  const lines = [`| benchmark | runs | ${PEERS.map((p) => `${p} min–max (page faults per run)`).join(' | ')} |`, `|---|---|${PEERS.map(() => '---|').join('')}`];
  for (const { row, times, faults } of results) {
    const range = (v: number[], f: (x: number) => string) => `${f(Math.min(...v))}–${f(Math.max(...v))}`;
    const span = (p: Peer) => (times[p] ? `${range(times[p]!, fmtMs)} ms (${range(faults[p]!, String)})` : '—');
    lines.push(`| ${row.label} | ${row.runs} | ${PEERS.map(span).join(' | ')} |`);
  }
  return lines.join('\n');
}

const INTERPRETATION = '## Interpretation';

function writeResults(results: Result[], checks: string[], wasmFlags: string, seconds: number, loadBefore: number[]): string {
  const file = resultsFile(); // bench/out/RESULTS.md unless --write-results
  // the interpretation is written by people: keep it
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(INTERPRETATION);
  const interpretation = at >= 0 ? previous.slice(at).trimEnd() : `${INTERPRETATION}\n\n(To be written after reading the figures.)`;
  const cpus = os.cpus();
  const text = [
    '# Benchmarks: tapegrad CPU backend vs TensorFlow.js',
    '',
    `Written by \`npm run bench${QUICK ? ' -- --quick' : ''}\` on ${new Date().toISOString()}.`,
    '',
    `- machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}; load average ${loadBefore[0].toFixed(1)} before the run, ${os.loadavg()[0].toFixed(1)} after (other processes share the cores)`,
    `- Node ${process.version} (V8 ${process.versions.v8}); TensorFlow.js ${tf.version.tfjs} (${wasmFlags})`,
    `- every figure is the median of the runs shown below, after ${WARMUP} warm-up run(s); the contenders run round-robin in one process, in an order that changes every round (bench/timing.ts), so drift affects them alike; tapegrad runs with its default ${DEFAULT_THREADS} thread(s) and, as tapegrad-1t, with one`,
    '- each run includes reading the result back (`.data()` / `.item()` for tapegrad, `dataSync()` for tfjs), except in the rows marked "no read-back", where the result stays in the backend and is freed (tfjs-wasm computes synchronously, as tapegrad does; tfjs-cpu sits these rows out); inputs are float32',
    '- "× faster" = the peer\'s median ÷ tapegrad\'s median',
    `- the MLP step is forward + backward + SGD update (lr ${MLP.lr}) with softmax cross-entropy; the rate counts its matmuls only (${(mlpFlops() / 1e9).toFixed(2)} GFLOP: forward, weight gradients, and input gradients of layers 2 and 3). tapegrad: \`tg.linear\`, \`tg.relu\`, \`tg.crossEntropy\`, \`backward()\`, \`p.assign(p.sub(p.grad.mul(lr)))\` under \`tg.noGrad\`, all in \`tg.tidy\`; tfjs: \`tf.train.sgd(lr).minimize\` with \`tf.losses.softmaxCrossEntropy\`; tfjs-wasm-manual: the same step by hand (forward, backward products with \`tf.matMul(a, b, transposeA, transposeB)\`, \`assign\`), no tape; tapegrad-manual: that hand-written step with tapegrad's kernels (\`tg.matmulT\`, under \`tg.noGrad\`), the floor for the autograd step; tapegrad-createGraph: the autograd step with \`backward({ createGraph: true })\` (issue 18: plain \`backward()\` must stay as fast as before higher-order support, i.e. close to the floor)`,
    '',
    table(results),
    '',
    '### Spread',
    '',
    'In brackets, the minor page faults of the process during each run (`process.resourceUsage().minorPageFault`), the fewest and the most: a read-back into a fresh 4 MB array can take up to 1024 of them, and each costs microseconds (see Interpretation).',
    '',
    spreadTable(results),
    '',
    '### Correctness checks (run before timing)',
    '',
    ...checks.map((c) => `- ${c}`),
    '- live tensors (tapegrad `memory().tensors`, tfjs `memory().numTensors`) stayed constant across every timed MLP step',
    '',
    `Total time: ${seconds.toFixed(0)} s.`,
    '',
    interpretation,
    '',
  ].join('\n');
  writeFileSync(file, text);
  return file;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  await activate('tfjs-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const wasmFlags = `tfjs-backend-wasm with SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
  console.log(`tapegrad vs TensorFlow.js ${tf.version.tfjs} (${wasmFlags}), Node ${process.version}, ${os.cpus()[0]?.model}${QUICK ? ', --quick' : ''}`);

  const runs = (full: number) => (QUICK ? 3 : full);
  const makers: (() => Promise<Row>)[] = [
    () => matmulRow(256, runs(15)),
    () => matmulRow(512, runs(9)),
    () => matmulRow(1024, runs(5)),
    () => matmulRow(256, runs(15), { readBack: false }),
    () => matmulRow(512, runs(9), { readBack: false }),
    () => matmulRow(1024, runs(5), { readBack: false }),
    () => elementwiseRow('add, 2^20 elements', (x, y) => x.add(y), (x, y) => tf.add(x, y), 0, runs(21)),
    () => elementwiseRow('exp, 2^20 elements', (x) => x.exp(), (x) => tf.exp(x), 1e-6, runs(21)),
    () => elementwiseRow('add, 2^20 elements', (x, y) => x.add(y), (x, y) => tf.add(x, y), 0, runs(21), { readBack: false }),
    () => elementwiseRow('exp, 2^20 elements', (x) => x.exp(), (x) => tf.exp(x), 1e-6, runs(21), { readBack: false }),
    () => elementwiseRow('sum of 2^20 elements', (x) => x.sum(), (x) => tf.sum(x), 1e-6, runs(21), { ofSum: true }),
    () => mlpRow(runs(7)),
  ];
  const results: Result[] = [];
  const checks: string[] = [];
  for (const make of makers) {
    const row = await make();
    const line = await row.check();
    checks.push(line);
    console.log(`  check ok: ${line}`);
    const result = await measure(row);
    row.dispose();
    results.push(result);
    const m = (p: Peer) => medianOf(result, p);
    const present = PEERS.filter((p) => m(p) !== undefined);
    console.log(`${row.label.padEnd(42)} ${present.map((p) => `${p} ${fmtMs(m(p)!).padStart(6)} ms`).join('  ')}   vs wasm ${(m('tfjs-wasm')! / m('tapegrad')!).toFixed(2)}× (1 thread ${(m('tfjs-wasm')! / m('tapegrad-1t')!).toFixed(2)}×)${m('tfjs-wasm-manual') ? `, vs wasm-manual ${(m('tfjs-wasm-manual')! / m('tapegrad')!).toFixed(2)}×` : ''}${m('tapegrad-manual') ? `; autograd step / no-tape step ${(m('tapegrad')! / m('tapegrad-manual')!).toFixed(2)}×, createGraph / plain ${(m('tapegrad-createGraph')! / m('tapegrad')!).toFixed(2)}×` : ''}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log('\n' + table(results));
  console.log(`\nwrote ${writeResults(results, checks, wasmFlags, seconds, loadBefore)} (${seconds.toFixed(0)} s)`);
}

// tfjs-backend-wasm rethrows uncaught errors from its own handler, which makes Node print its
// whole minified source; report errors here instead
try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
}
