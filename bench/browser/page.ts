// The browser half of `npm run bench:gpu`: on one page, tapegrad's gpu.js backend in mode webgl2
// and TensorFlow.js's tfjs-backend-webgl run the same workloads (bench/gpu_workloads.ts),
// interleaved. Exposed as globalThis.tapegradBench(quick) for the driver (bench/browser/run.ts).
import * as tf from '@tensorflow/tfjs'; // the full package: webgl backend and the gradients
import { backendInfo, registerGpuBackend } from '../../core/gpu/index.js';
import { GPU_MLP, MATMUL_N, interleave, median, sameLosses, tapegradMatmul, tapegradMlp, tfjsMatmul, tfjsMlp, type Workload } from '../gpu_workloads.js';

async function bench(quick: boolean) {
  if (!(await tf.setBackend('webgl'))) throw new Error('tfjs-backend-webgl did not initialise');
  await tf.ready();
  registerGpuBackend('bench-webgl2', { mode: 'webgl2', strict: true });
  const ours = 'bench-webgl2';

  // both compute the same step before anything is timed
  const three = (w: Workload) => { const l = [w.run(), w.run(), w.run()]; w.dispose(); return l; };
  const oursLosses = three(tapegradMlp(ours)), theirLosses = three(tfjsMlp(tf));
  sameLosses('MLP step, tapegrad webgl2 vs tfjs-webgl', oursLosses, theirLosses);

  const rounds = quick ? 3 : 7;
  const rows = [];
  for (const [workload, mine, theirs] of [
    [`matmul ${MATMUL_N}³`, () => tapegradMatmul(ours), () => tfjsMatmul(tf)],
    [`MLP ${GPU_MLP.sizes.join('-')} step, batch ${GPU_MLP.batch}`, () => tapegradMlp(ours), () => tfjsMlp(tf)],
  ] as const) {
    const contenders = { ours: mine(), theirs: theirs() };
    const times = await interleave(contenders, rounds);
    rows.push({ workload, ours: median(times.ours), theirs: median(times.theirs), runs: rounds });
    contenders.ours.dispose();
    contenders.theirs.dispose();
  }
  const info = backendInfo(ours);
  const gl = document.createElement('canvas').getContext('webgl2');
  const renderer = gl?.getParameter(gl.RENDERER) ?? 'unknown';
  return {
    rows,
    info,
    notes: [
      `what really ran: tapegrad gpu.js mode ${info.mode}, kernel classes ${Object.keys(info.kernelClasses).join('/')}, fallbacks ${info.fallbacks.length}, matmul kernel runs: texel ${info.kernelRuns.mm4 ?? 0}, generic ${info.kernelRuns.mm ?? 0}; tfjs backend ${tf.getBackend()}; WebGL renderer ${renderer}`,
      `check before timing, MLP losses over 3 steps: tapegrad ${oursLosses.map((v) => v.toFixed(5)).join(' ')}; tfjs ${theirLosses.map((v) => v.toFixed(5)).join(' ')}`,
      `${rounds} interleaved runs each after a warm-up; "tapegrad ÷ tfjs" above 1 means tapegrad is slower`,
    ],
  };
}

Object.assign(globalThis, { tapegradBench: bench, tapegradBenchReady: true });
