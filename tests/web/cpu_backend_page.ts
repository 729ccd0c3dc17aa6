// The page of tests/web/cpu_backend.test.ts: asks for the default threads and waits (awaiting, so
// the page's event loop runs and Web Workers can start) until they are ready or none can start;
// runs the cases (cpu_backend_cases.ts) on the float32 CPU backend as it loads in this page
// (WebAssembly with shared or plain memory, or JavaScript when WebAssembly fails); where workers
// run, stops one and runs the matmul again (the failure must be reported and the result kept),
// then starts it again; then runs the cases with setBackend('cpu', { wasm: false }). Hands back
// the results with what backendInfo('cpu') reported along the way.
import * as tg from '../../index.js';
import { stopWorkerForTest } from '../../core/wasm/threads.js';
import { inputs, runCases } from './cpu_backend_cases.js';

const READY_MS = 30_000;

/** Polls backendInfo('cpu') between turns of the event loop until no worker is starting (at most READY_MS). */
async function threadsReady() {
  const started = performance.now();
  for (;;) {
    const threads = tg.backendInfo('cpu').threads;
    if (threads.starting === 0 || performance.now() - started > READY_MS) return { threads, waitedMs: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A worker stopped mid-run: the matmul's result must stay `want`, and the pool must recover on request. */
async function stopAWorker(want: number[], threads: number) {
  const stopped = stopWorkerForTest(1);
  // terminate() does not stop a worker blocked in Atomics.wait at once: 200 ms later it still
  // answered the next task here, 3 s later it is gone (Chromium forces a busy worker's end ~2 s on)
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const { a, b } = inputs('float32');
  const same = JSON.stringify(Array.from(tg.matmul(a, b).data() as Float32Array)) === JSON.stringify(want);
  const after = tg.backendInfo('cpu').threads;
  tg.setBackend('cpu', { threads }); // asking again starts a new worker
  const restarted = await threadsReady();
  const again = JSON.stringify(Array.from(tg.matmul(a, b).data() as Float32Array)) === JSON.stringify(want);
  return { stopped, same, after, restarted: restarted.threads, again };
}

async function run() {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const env = {
    crossOriginIsolated: g.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    webAssembly: typeof WebAssembly !== 'undefined',
    cores: g.navigator?.hardwareConcurrency ?? 0,
  };
  tg.setBackend('cpu', { wasm: true });
  const before = tg.backendInfo('cpu').threads; // nothing has started workers yet
  tg.setBackend('cpu', { threads: before.requested });
  const starting = tg.backendInfo('cpu').threads; // asked for, not ready: this turn of the event loop has not ended
  const ready = await threadsReady();
  let started = performance.now();
  const loaded = runCases();
  const loadedMs = performance.now() - started;
  const info = tg.backendInfo('cpu');
  const death = info.threads.running > 1 ? await stopAWorker(loaded.matmul, before.requested) : null;
  const kernelRunsBeforeJs = tg.backendInfo('cpu').kernelRuns;
  tg.setBackend('cpu', { wasm: false });
  started = performance.now();
  const js = runCases();
  const jsMs = performance.now() - started;
  const jsInfo = tg.backendInfo('cpu');
  tg.setBackend('cpu', { wasm: true });
  return { env, before, starting, ready, info, death, kernelRunsBeforeJs, jsInfo, loaded, js, loadedMs, jsMs };
}

(globalThis as { cpuBackendPage?: unknown }).cpuBackendPage = { run };
