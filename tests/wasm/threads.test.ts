// Worker threads for the WebAssembly kernels (core/wasm/threads.ts): the column partition is
// fixed, so a product is bit-identical for any thread count and from run to run; a worker that
// dies is reported and the backend keeps computing right answers on the threads left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { PARALLEL_MIN_WORK, stopWorkerForTest } from '../../core/wasm/threads.js';

function bytesOf(t: tg.Tensor): string {
  return Buffer.from((t.data() as Float32Array).buffer).toString('base64');
}

// sizes that are not multiples of the 8-column panels or the 4-row tiles, above the threshold
const shapes: [number[], number[]][] = [
  [[131, 77], [77, 203]],
  [[3, 70, 90], [90, 171]],
  [[257, 300], [300, 19]],
];

test('the products here are large enough to be split across threads', () => {
  for (const [a, b] of shapes) assert.ok(a[a.length - 2] * a[a.length - 1] * b[b.length - 1] >= PARALLEL_MIN_WORK);
});

test('results are bit-identical for 1, 2, 3 and 4 threads and from run to run', () => {
  for (const [aShape, bShape] of shapes) {
    tg.manualSeed(aShape[0]);
    const a = tg.randn(aShape), b = tg.randn(bShape);
    const results = new Map<number, string>();
    for (const threads of [1, 2, 3, 4, 2]) {
      tg.setBackend('cpu', { threads });
      const r = bytesOf(a.matmul(b));
      assert.is(cpuInfo().threads.running, threads, `threads running for ${threads}: ${cpuInfo().threads.failures.join('; ')}`);
      if (results.has(threads)) assert.is(r, results.get(threads), 'run to run');
      results.set(threads, r);
    }
    const one = results.get(1);
    for (const [threads, r] of results) assert.is(r, one, `${JSON.stringify(aShape)}·${JSON.stringify(bShape)}: ${threads} threads differ from 1`);
  }
  // no worker was given up on: parked workers (4 started, 2 asked for) sit tasks out, they do not
  // answer for the ones working
  assert.equal(cpuInfo().threads.failures, []);
  tg.setBackend('cpu', { threads: 2 });
});

// A DEU layer is split by whole neurons (core/cpu/deu_wasm.ts): every neuron's outputs and its
// five coefficient sums come from one thread in one order, whatever the thread count. Both
// subspaces 1-1-1 Δ > 0 and Δ < 0, at rest and not, and gravitated neurons (a coefficient below ε).
test('DEU forward and backward are bit-identical for 1, 2, 3 and 4 threads', () => {
  const F = 37, N = 611; // N·F above the parallel threshold, F not a multiple of any thread count
  tg.manualSeed(5);
  const x = tg.randn([N, F]).mul(2), u = tg.randn([N, F]);
  const rows = Array.from({ length: F }, (_, f) => {
    const a = 0.3 + (f % 5) * 0.2, c = 0.4 + (f % 3) * 0.3, edge = 2 * Math.sqrt(a * c);
    const b = f % 11 === 10 ? 1e-4 : f % 2 ? 0.4 * edge : 1.6 * edge; // every 11th: b < ε (outward gravitation)
    return f % 4 === 0 ? [a, b, c, 0, 0] : [a, b, c, 0.1 * ((f % 7) - 3), -0.05 * ((f % 5) - 2)];
  });
  const results = new Map<number, string>();
  const runsBefore = cpuInfo().kernelRuns.deuGrad ?? 0;
  for (const threads of [1, 2, 3, 4, 2]) {
    tg.setBackend('cpu', { threads });
    const xv = x.detach().requiresGrad_(), p = tg.tensor(rows, { requiresGrad: true });
    const y = tg.deu(xv, p);
    y.mul(u).sum().backward();
    const r = [y, xv.grad!, p.grad!].map(bytesOf).join('|');
    if (results.has(threads)) assert.is(r, results.get(threads), 'run to run');
    results.set(threads, r);
  }
  for (const [threads, r] of results) assert.is(r, results.get(1), `${threads} threads differ from 1`);
  assert.ok((cpuInfo().kernelRuns.deuGrad ?? 0) > runsBefore, 'the WebAssembly DEU ran');
  assert.equal(cpuInfo().threads.failures, []);
  tg.setBackend('cpu', { threads: 2 });
});

test('a worker that dies is reported with the kernel, and the backend carries on', async () => {
  tg.setBackend('cpu', { threads: 2 });
  tg.manualSeed(1);
  const a = tg.randn([131, 77]), b = tg.randn([77, 203]);
  const before = bytesOf(a.matmul(b));
  assert.is(cpuInfo().threads.running, 2);
  assert.ok(stopWorkerForTest(1), `worker 1 was running: ${JSON.stringify(cpuInfo().threads)}`);
  const after = bytesOf(a.matmul(b)); // worker 1 may be gone before or during this product
  assert.is(after, before, 'the result survives the dead worker');
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the exit event arrive
  const info = cpuInfo().threads;
  // the pool carries on with the threads it has left: one, or two where a parked worker (from the
  // 4-thread test above) takes worker 1's place
  const failure = info.failures.find((f) => /^worker 1 (stopped answering during 'matmul'|exited)/.test(f));
  assert.ok(failure, info.failures.join('; '));
  assert.ok(failure!.endsWith(`the backend continues with ${info.running} thread(s)`), failure);
  assert.ok(info.running === 1 || info.running === 2, `running ${info.running}`);
  assert.is(bytesOf(a.matmul(b)), before, 'and keeps computing right on the threads left');
  tg.setBackend('cpu', { threads: 2 }); // asking again starts a new worker
  assert.is(bytesOf(a.matmul(b)), before);
  assert.is(cpuInfo().threads.running, 2);
});

test.run();
