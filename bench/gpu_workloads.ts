// The two workloads of the gpu benchmark (issue #3): a 512³ matmul and an MLP training step,
// written once for tapegrad on any backend and once for TensorFlow.js on any of its backends, so
// bench/gpu.ts (Node: gpu.js webasm / headlessgl) and bench/browser/page.ts (Chromium: gpu.js
// webgl2 against tfjs-backend-webgl) time exactly the same work. Every run reads its result back,
// as a user must to see it; both libraries start from the same weights and data.
import type * as TF from '@tensorflow/tfjs-core';
import * as tg from '../index.js';
import { median, orderOf } from './timing.js';

export { median };

export const MATMUL_N = 512;
/** Smaller than bench/run.ts's MLP: software GL (SwiftShader, llvmpipe) would take seconds a step. */
export const GPU_MLP = { batch: 128, sizes: [784, 256, 128, 10], lr: 0.01 };

export interface Workload {
  /** One timed run; returns a number read back from the device (so the run really finished). */
  run(): number;
  dispose(): void;
}

/** Deterministic pseudo-random float32 values (no dependence on either library's generator). */
export function values(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

const N = MATMUL_N;

export function tapegradMatmul(backend: string): Workload {
  const a = tg.tensor(values(N * N, 1), { shape: [N, N], backend });
  const b = tg.tensor(values(N * N, 2), { shape: [N, N], backend });
  return {
    run: () => tg.tidy(() => a.matmul(b).sum().item()),
    dispose: () => [a, b].forEach((t) => t.dispose()),
  };
}

export function tfjsMatmul(tf: typeof TF): Workload {
  const a = tf.tensor2d(values(N * N, 1), [N, N]);
  const b = tf.tensor2d(values(N * N, 2), [N, N]);
  return {
    run: () => tf.tidy(() => tf.sum(tf.matMul(a, b)).dataSync()[0]),
    dispose: () => [a, b].forEach((t) => t.dispose()),
  };
}

/** Weights [out, in] (He-scaled), zero biases, inputs and labels shared by both libraries. */
function mlpInit() {
  const { batch, sizes } = GPU_MLP;
  const layers = sizes.slice(1).map((out, l) => ({ out, fanIn: sizes[l], w: values(out * sizes[l], 10 + l, Math.sqrt(6 / sizes[l])), b: new Float32Array(out) }));
  const x = values(batch * sizes[0], 3);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7 + (i >> 3)) % sizes[sizes.length - 1]);
  return { layers, x, labels };
}

/** tapegrad: linear/relu/crossEntropy, backward, SGD update under noGrad; the loss is read back. */
export function tapegradMlp(backend: string): Workload {
  const { batch, sizes, lr } = GPU_MLP;
  const init = mlpInit();
  const params = init.layers.flatMap((l) => [
    tg.tensor(l.w, { shape: [l.out, l.fanIn], requiresGrad: true, backend }),
    tg.tensor(l.b, { requiresGrad: true, backend }),
  ]);
  const x = tg.tensor(init.x, { shape: [batch, sizes[0]], backend });
  const labels = init.labels;
  const run = (): number => tg.tidy(() => {
    let h = x;
    for (let i = 0; i < params.length; i += 2) {
      h = tg.linear(h, params[i], params[i + 1]);
      if (i + 2 < params.length) h = tg.relu(h);
    }
    const loss = tg.crossEntropy(h, labels);
    loss.backward();
    tg.noGrad(() => {
      for (const p of params) {
        p.assign(p.sub(p.grad!.mul(lr)));
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return loss.item();
  });
  return { run, dispose: () => [...params, x].forEach((t) => t.dispose()) };
}

/** TensorFlow.js: the idiomatic step, optimizer.minimize with softmaxCrossEntropy. */
export function tfjsMlp(tf: typeof TF): Workload {
  const { batch, sizes, lr } = GPU_MLP;
  const init = mlpInit();
  const params = init.layers.map((l) => {
    const wt = new Float32Array(l.w.length); // tfjs's dense weights are [in, out]
    for (let o = 0; o < l.out; o++) for (let i = 0; i < l.fanIn; i++) wt[i * l.out + o] = l.w[o * l.fanIn + i];
    return { w: tf.variable(tf.tensor2d(wt, [l.fanIn, l.out])), b: tf.variable(tf.tensor1d(l.b)) };
  });
  const x = tf.tensor2d(init.x, [batch, sizes[0]]);
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(init.labels, 'int32'), sizes[sizes.length - 1]), 'float32'));
  const optimizer = tf.train.sgd(lr);
  const run = (): number => {
    const cost = optimizer.minimize(() => {
      let h: TF.Tensor = x;
      params.forEach((p, i) => {
        h = tf.add(tf.matMul(h, p.w), p.b);
        if (i + 1 < params.length) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(onehot, h) as TF.Scalar;
    }, true)!;
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  };
  const dispose = () => {
    params.forEach((p) => [p.w.dispose(), p.b.dispose()]);
    [x, onehot].forEach((t) => t.dispose());
    optimizer.dispose();
  };
  return { run, dispose };
}


/**
 * Times contenders round-robin (one run of each per round, in bench/timing.ts's changing order,
 * after one warm-up run each), so drift affects them alike; returns every contender's run times in ms.
 */
export async function interleave(contenders: Record<string, Workload>, rounds: number, activate: (name: string) => Promise<void> = async () => {}): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = {};
  for (const name of Object.keys(contenders)) {
    await activate(name);
    contenders[name].run();
    times[name] = [];
  }
  const entries = Object.entries(contenders);
  for (let r = 0; r < rounds; r++) {
    for (const i of orderOf(r, entries.length)) {
      const [name, w] = entries[i];
      await activate(name);
      const t0 = performance.now();
      w.run();
      times[name].push(performance.now() - t0);
    }
  }
  return times;
}

/** Losses of three steps from the same start must agree: both libraries compute the same step. */
export function sameLosses(what: string, ours: number[], theirs: number[], relTol = 2e-3): void {
  ours.forEach((v, i) => {
    if (!(Math.abs(v - theirs[i]) <= relTol * Math.max(1, Math.abs(theirs[i])))) {
      throw new Error(`${what}: step ${i} loss ${v} vs ${theirs[i]} (rel tol ${relTol})`);
    }
  });
}
