// Worker threads for the WebAssembly kernels. The workers instantiate the same module on the same
// shared memory and wait on a control block in it (Atomics.wait/notify), so a kernel call stays
// synchronous: the calling thread publishes the arguments, wakes the workers, computes its own
// share, and waits for theirs.
//
// The partition is fixed: columns of C are split into equal runs of whole 8-column panels, and
// every element is computed by the same sequence of operations whichever thread computes it, so
// results are bit-identical for any thread count and from run to run (tests/wasm/threads.test.ts).
//
// Threads exist only where shared memory does (Node; a browser page that is crossOriginIsolated).
// In Node the workers come from worker_threads, reached synchronously (Node ≥ 20.16's
// process.getBuiltinModule), and are started, and waited for, at the first kernel large enough to
// share. In a browser they are Web Workers (browser_workers.ts): started asynchronously at the
// first matmul or DEU kernel or on setBackend('cpu', { threads }), and joined once ready; the
// page's thread may not block, so it spins on DONE. A worker that dies, or stops answering, is
// reported with the kernel it was running, its share is computed by the calling thread, and the
// pool carries on without it.
import { startWebWorker, webWorkersMissing } from './browser_workers.js';
import { wasmRuntime, wasmUnavailableReason, type WasmRuntime } from './runtime.js';

const PANEL = 8; // the gemm kernel's NR: the unit of the column partition
/** Products smaller than this many multiply-adds run on one thread (waking workers costs ~20 µs). */
export const PARALLEL_MIN_WORK = 1 << 20;
/** How long the caller waits for a worker, beyond its own share's time, before giving up on it. */
const GRACE_MS = 2000;

// The control block: an Int32Array at CONTROL_OFFSET, inside the memory's reserved bytes.
const CONTROL_OFFSET = 65536;
const GEN = 0; // incremented per task; workers wait on it
const DONE = 1; // workers that finished the task
const KERNEL = 2; // one of the kernel ids below, or -1 = exit
const ARGS = 3; // the kernel's shared arguments (at most MAX_ARGS: 11 for gemm, 16 for RPAU's backward)
const MAX_ARGS = 16;
const SLOTS = 32; // per worker: c0, c1, workspace
const FAILED = 128; // per worker: -1 task posted to it, 2 working on it, 0 done, 1 its kernel threw, 3 not its task
const READY = 160; // per worker: 1 once it waits for tasks
/** How long a new worker may take to start (a V8 isolate; slower on a loaded machine). */
const START_MS = 30000;
/** A worker that took its task is slow, not dead (a loaded machine): it gets this long in all. */
const WORKING_MS = 120000;
const MAX_THREADS = 24;

/** The kernels a worker can run, each on a share [lo, hi) of its work (see runShares). */
export const GEMM = 1; // columns [lo, hi) of C; slot 3: the thread's workspace
export const DEU_FORWARD = 2; // neurons [lo, hi) of the DEU table (core/wasm/assembly/deu.ts)
export const DEU_BACKWARD = 3;
export const PAU_FORWARD = 4; // segments [lo, hi) of a PAU (5, 4) (core/wasm/assembly/pau.ts)
export const PAU_BACKWARD = 5;
export const PAU_GENERAL_FORWARD = 6; // segments [lo, hi) of a PAU of other degrees or version C (pau_general.ts)
export const PAU_GENERAL_BACKWARD = 7;
export const RPAU_FORWARD = 8; // segments [lo, hi) of RPAU's noisy (5, 4) (rpau.ts); slot 3: the thread's scratch
export const RPAU_BACKWARD = 9;

// The task loop of every worker, Node's and the browser's, given `ex` (the kernels' exports),
// `memory`, `controlOffset` and `index` (below: NODE_WORKER, WEB_WORKER).
const WORKER_SOURCE = `
const ctrl = new Int32Array(memory.buffer, controlOffset, 256);
// a float64 argument travels as two int32 halves (see float64Args)
const halves = new Int32Array(2), whole = new Float64Array(halves.buffer);
const f64 = (lo, hi) => { halves[0] = lo; halves[1] = hi; return whole[0]; };
let seen = Atomics.load(ctrl, ${GEN});
Atomics.store(ctrl, ${READY} + index, 1);
Atomics.notify(ctrl, ${READY} + index);
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  const kernel = ctrl[${KERNEL}];
  if (kernel === -1) break;
  // a parked worker (more workers than threads asked for) wakes with the others and sleeps again;
  // the task is claimed atomically: a retired worker that has not ended yet (terminate() takes
  // effect later) and the new worker with its index cannot both take it
  if (Atomics.compareExchange(ctrl, ${FAILED} + index, -1, 2) !== -1) continue;
  const a = ctrl.subarray(${ARGS}, ${ARGS} + ${MAX_ARGS}), s = ${SLOTS} + index * 3;
  const lo = ctrl[s], hi = ctrl[s + 1];
  try {
    if (kernel === ${GEMM}) ex.gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], lo, hi, ctrl[s + 2]);
    else if (kernel === ${DEU_FORWARD}) ex.deuForwardTable(a[0], lo, hi, a[1], a[2], a[3], a[4], a[5], a[6]);
    else if (kernel === ${DEU_BACKWARD}) ex.deuBackwardTable(a[0], lo, hi, a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    else if (kernel === ${PAU_FORWARD}) ex.pauForward54(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], lo, hi);
    else if (kernel === ${PAU_BACKWARD}) ex.pauBackward54(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], lo, hi);
    else if (kernel === ${PAU_GENERAL_FORWARD}) ex.pauForwardGeneral(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], lo, hi);
    else if (kernel === ${PAU_GENERAL_BACKWARD}) ex.pauBackwardGeneral(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], lo, hi);
    else if (kernel === ${RPAU_FORWARD}) ex.rpauForward54(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], f64(a[9], a[10]), a[11], ctrl[s + 2], lo, hi);
    else if (kernel === ${RPAU_BACKWARD}) ex.rpauBackward54(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], f64(a[11], a[12]), a[13], ctrl[s + 2], lo, hi);
    ctrl[${FAILED} + index] = 0;
  } catch (e) {
    ctrl[${FAILED} + index] = 1;
  }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

// the imports of runtime.ts's instance (HOST_MATH: the host's sin, cos and exp)
const INSTANTIATE = "new WebAssembly.Instance(module, { env: { memory, hostSin: Math.sin, hostCos: Math.cos, hostExp: Math.exp, abort() { throw new Error('wasm kernel aborted'); } } }).exports";

/** Node: the data comes as workerData; the worker is ready before its constructor's caller waits on it. */
const NODE_WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, controlOffset, index } = workerData;
const ex = ${INSTANTIATE};
${WORKER_SOURCE}`;

/** A browser's Web Worker: the data comes by postMessage; a failure to instantiate is posted back. */
const WEB_WORKER = `
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, controlOffset, index } = event.data;
  let ex;
  try {
    ex = ${INSTANTIATE};
  } catch (e) {
    self.postMessage({ failed: String((e && e.message) || e) });
    return;
  }
  ${WORKER_SOURCE}
  self.close();
};`;

interface NodeWorker { terminate(): unknown; unref(): void; on(event: string, fn: (arg: unknown) => void): unknown }

interface WorkerHandle {
  readonly index: number; // 1-based: thread 0 is the caller
  worker: { terminate(): unknown } | null;
  alive: boolean;
  /** Waiting for tasks (its READY flag seen): only such workers are given shares. */
  ready: boolean;
  /** performance.now() when it was started (a Web Worker that never gets ready is retired). */
  startedAt: number;
}

interface PoolState {
  wanted: number;
  workers: WorkerHandle[];
  /** Why no workers can be started here (null when they can). */
  reason: string | null;
  /** Workers that died or stopped answering, with the kernel they were running. */
  failures: string[];
  runtime: WasmRuntime | null;
  /** 'web': Web Workers, and a calling thread that spins on DONE instead of blocking (a page may not). */
  kind: 'node' | 'web' | null;
}

const pool: PoolState = { wanted: defaultThreadCount(), workers: [], reason: null, failures: [], runtime: null, kind: null };

/** Kernel runs split across more than one thread, by kernel name (backendInfo('cpu').threads.splitRuns). */
const splitRuns = new Map<string, number>();

const SHARED_MEMORY_REASON = 'one thread: worker threads need shared WebAssembly memory (SharedArrayBuffer), which a browser page has only when crossOriginIsolated';

function getBuiltin(name: string): unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) ?? null;
}

/** The number of cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
export function defaultThreadCount(): number {
  const os = getBuiltin('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | null;
  if (os) return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism?.() ?? os.cpus().length));
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, Math.min(MAX_THREADS, nav?.hardwareConcurrency ?? 1));
}

/** Asks for `threads` threads in all (the caller included); takes effect at the next kernel call. */
export function setThreadCount(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`setBackend('cpu'): threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  // Workers beyond the count are parked, not terminated: they sleep in Atomics.wait (no CPU),
  // and asking for more threads again (a benchmark alternating 1 and 2) costs no restart.
  pool.wanted = threads;
  // A browser's workers take a turn of the event loop to start: start them now, so that kernels
  // after the caller's next await can use them. (Node starts them at the first large kernel.)
  if (!isNode()) {
    const rt = wasmRuntime();
    if (rt) ensureWorkers(rt);
  }
}

function isNode(): boolean {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
}

function shrinkTo(workers: number): void {
  while (pool.workers.length > workers) {
    const w = pool.workers.pop()!;
    w.alive = false; // its exit is not a failure
    w.worker?.terminate();
  }
}

function control(rt: WasmRuntime): Int32Array {
  return new Int32Array(rt.memory.buffer, CONTROL_OFFSET, 256);
}

/**
 * Starts workers up to the wanted count (Node: and waits until they are ready; a browser: without
 * waiting, see readyWorkers); sets pool.reason when none can run here.
 */
function ensureWorkers(rt: WasmRuntime): void {
  if (pool.runtime !== rt) {
    shrinkTo(0);
    pool.runtime = rt;
  }
  pool.workers = pool.workers.filter((w) => w.alive);
  const want = pool.wanted - 1;
  if (pool.workers.length >= want) return;
  if (!rt.shared) {
    pool.reason = SHARED_MEMORY_REASON;
    return;
  }
  const threads = getBuiltin('node:worker_threads') as { Worker: new (src: string, opts: object) => NodeWorker } | null;
  if (!threads) {
    const missing = isNode() ? 'worker threads need Node ≥ 20.16 (process.getBuiltinModule)' : webWorkersMissing();
    pool.reason = missing === null ? null : `one thread: ${missing}`;
    if (missing === null) startWebWorkers(rt, want);
    return;
  }
  pool.reason = null;
  pool.kind = 'node';
  const used = new Set(pool.workers.map((w) => w.index));
  const ctrl = control(rt);
  const started: WorkerHandle[] = [];
  for (let index = 1; pool.workers.length < want; index++) {
    if (used.has(index)) continue;
    const handle: WorkerHandle = { index, worker: null, alive: true, ready: false, startedAt: performance.now() };
    const worker = new threads.Worker(NODE_WORKER, { eval: true, workerData: { module: rt.module, memory: rt.memory, controlOffset: CONTROL_OFFSET, index } })!;
    worker.unref();
    // an asynchronous death (seen the next time the event loop runs) retires the worker too
    worker.on('exit', () => retire(handle, 'exited'));
    worker.on('error', (e) => retire(handle, `failed (${(e as Error).message})`));
    handle.worker = worker;
    ctrl[READY + index] = 0;
    pool.workers.push(handle);
    started.push(handle);
  }
  // Tasks are published by bumping GEN: a worker must be waiting before the first one, or it
  // would take that task's GEN as its starting point and sleep through it.
  const deadline = performance.now() + START_MS;
  for (const w of started) {
    while (Atomics.load(ctrl, READY + w.index) === 0) {
      const left = deadline - performance.now();
      if (left <= 0) {
        retire(w, `did not start within ${START_MS} ms`);
        break;
      }
      Atomics.wait(ctrl, READY + w.index, 0, left);
    }
    w.ready = w.alive;
  }
  pool.workers = pool.workers.filter((w) => w.alive);
}

/** Starts Web Workers up to `want` and returns at once: each is used once its READY flag is set. */
function startWebWorkers(rt: WasmRuntime, want: number): void {
  pool.kind = 'web';
  const used = new Set(pool.workers.map((w) => w.index));
  const ctrl = control(rt);
  for (let index = 1; pool.workers.length < want; index++) {
    if (used.has(index)) continue;
    const handle: WorkerHandle = { index, worker: null, alive: true, ready: false, startedAt: performance.now() };
    ctrl[READY + index] = 0;
    try {
      handle.worker = startWebWorker(WEB_WORKER, { module: rt.module, memory: rt.memory, controlOffset: CONTROL_OFFSET, index }, (what) => retire(handle, what));
    } catch (e) {
      // e.g. a Content-Security-Policy without worker-src blob:
      pool.reason = `one thread: a Web Worker could not be started (${(e as Error).message})`;
      return;
    }
    pool.workers.push(handle);
  }
}

/**
 * The live workers that wait for tasks. A Web Worker joins when its READY flag is seen (never
 * mid-task: this runs between kernels, on the calling thread); one that is not ready within
 * START_MS is retired.
 */
function readyWorkers(): WorkerHandle[] {
  const rt = pool.runtime;
  if (rt === null) return [];
  const ctrl = control(rt);
  for (const w of pool.workers) {
    if (!w.alive || w.ready) continue;
    if (Atomics.load(ctrl, READY + w.index) === 1) w.ready = true;
    else if (performance.now() - w.startedAt > START_MS) retire(w, `did not start within ${START_MS} ms`);
  }
  return pool.workers.filter((w) => w.alive && w.ready);
}

function retire(handle: WorkerHandle, what: string, kernel?: string): void {
  if (!handle.alive) return;
  handle.alive = false;
  handle.worker?.terminate();
  // no replacement is started: the backend carries on with the threads left (setThreadCount restarts)
  pool.wanted = Math.max(1, Math.min(pool.wanted, pool.workers.filter((w) => w.alive).length + 1));
  pool.failures.push(`worker ${handle.index} ${what}${kernel ? ` during '${kernel}'` : ''}; the backend continues with ${pool.wanted} thread(s)`);
}

/** [0, n) in `parts` runs of whole units of `unit` items, as equal as can be. */
function ranges(n: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(n / unit);
  const out: [number, number][] = [];
  for (let t = 0; t < parts; t++) {
    const u0 = Math.floor((t * units) / parts), u1 = Math.floor(((t + 1) * units) / parts);
    out.push([Math.min(n, u0 * unit), Math.min(n, u1 * unit)]);
  }
  return out;
}

/** How many workers may take a share of a kernel (0: it runs on the calling thread alone). */
function helperCount(rt: WasmRuntime, large: boolean): number {
  if (pool.wanted <= 1) return 0;
  // Node starts its workers at the first large kernel (it can wait for them); a page starts them
  // at the first kernel of any size, so that they are ready by the time a large one comes
  if (large || !isNode()) ensureWorkers(rt);
  return large ? Math.min(pool.wanted - 1, readyWorkers().length) : 0;
}

/** How the columns of an m×n×k product are split across threads (one run when work is small). */
export function splitColumns(rt: WasmRuntime, m: number, n: number, k: number): [number, number][] {
  const helpers = helperCount(rt, m * n * k >= PARALLEL_MIN_WORK && n > PANEL);
  return helpers === 0 ? [[0, n]] : ranges(n, Math.min(helpers + 1, Math.ceil(n / PANEL)), PANEL);
}

/**
 * How `items` equal items (DEU neurons) are split across threads: equal runs of whole items, one
 * run when `work` (operations in all) is below `minWork`.
 */
export function splitItems(rt: WasmRuntime, items: number, work: number, minWork: number): [number, number][] {
  const helpers = helperCount(rt, work >= minWork && items >= 2);
  return helpers === 0 ? [[0, items]] : ranges(items, Math.min(helpers + 1, items), 1);
}

/** A float64 argument as the two int32 halves a worker reassembles (WORKER_SOURCE's f64). */
export function float64Args(v: number): [number, number] {
  const halves = new Int32Array(new Float64Array([v]).buffer);
  return [halves[0], halves[1]];
}

/** Waits, without blocking in Atomics.wait (a page's thread may not), while ctrl[at] is `value`, at most `ms`. */
function spinWhile(ctrl: Int32Array, at: number, value: number, ms: number): void {
  const end = performance.now() + ms;
  while (Atomics.load(ctrl, at) === value && performance.now() < end);
}

/**
 * Runs a kernel over its shares: share 0 on this thread, share t on worker t. `args` are the
 * kernel's shared arguments (at most MAX_ARGS int32s, see WORKER_SOURCE; a float64 as float64Args), `workspace(t)` thread t's
 * workspace pointer (0 if none), `own(lo, hi, ws)` the kernel called on this thread. A worker
 * that throws or stops answering is retired and its share computed here.
 */
export function runShares(rt: WasmRuntime, kernel: number, name: string, args: readonly number[], runs: readonly (readonly [number, number])[], workspace: (t: number) => number, own: (lo: number, hi: number, ws: number) => void): void {
  if (runs.length === 1) {
    own(runs[0][0], runs[0][1], workspace(0));
    return;
  }
  const ctrl = control(rt);
  // (the ready workers, at least as many as when the runs were split: none leaves in between)
  const helpers = readyWorkers().slice(0, runs.length - 1);
  splitRuns.set(name, (splitRuns.get(name) ?? 0) + 1);
  ctrl[KERNEL] = kernel;
  ctrl.set(args, ARGS);
  ctrl.fill(0, SLOTS, SLOTS + 3 * (MAX_THREADS + 1));
  ctrl.fill(3, FAILED, FAILED + MAX_THREADS + 1); // no task for the parked workers
  helpers.forEach((w, i) => {
    const [lo, hi] = runs[i + 1];
    ctrl.set([lo, hi, workspace(i + 1)], SLOTS + 3 * w.index);
    ctrl[FAILED + w.index] = -1;
  });
  Atomics.store(ctrl, DONE, 0);
  Atomics.add(ctrl, GEN, 1);
  Atomics.notify(ctrl, GEN);
  const started = performance.now();
  own(runs[0][0], runs[0][1], workspace(0));
  const now = performance.now();
  let deadline = now + GRACE_MS + 20 * (now - started);
  let extended = false;
  for (;;) {
    const done = Atomics.load(ctrl, DONE);
    if (done >= helpers.length) break;
    let left = deadline - performance.now();
    if (left <= 0 && !extended && helpers.some((w) => Atomics.load(ctrl, FAILED + w.index) === 2)) {
      // descheduled, not dead: a worker that took its task gets longer to finish it
      extended = true;
      deadline = started + WORKING_MS;
      left = deadline - performance.now();
    }
    if (left <= 0) break;
    if (pool.kind === 'web') spinWhile(ctrl, DONE, done, left);
    else Atomics.wait(ctrl, DONE, done, left);
  }
  // a worker that did not finish (or threw) is retired and its share recomputed here
  helpers.forEach((w, i) => {
    if (ctrl[FAILED + w.index] === 0) return;
    const state = ctrl[FAILED + w.index];
    const what = state === 1 ? 'threw' : state === 2 ? `did not finish within ${WORKING_MS} ms` : 'stopped answering';
    retire(w, what, name);
    own(runs[i + 1][0], runs[i + 1][1], workspace(i + 1));
  });
  for (let t = helpers.length + 1; t < runs.length; t++) own(runs[t][0], runs[t][1], workspace(t));
}

/** For tests: make worker `index` stop answering, as if it had died mid-kernel. */
export function stopWorkerForTest(index: number): boolean {
  const w = pool.workers.find((x) => x.index === index && x.alive);
  if (!w) return false;
  w.worker?.terminate();
  return true;
}

export interface ThreadInfo {
  /** Threads asked for (setBackend('cpu', {threads}), default the number of cores). */
  requested: number;
  /** Threads that run the large kernels now (the caller included). */
  running: number;
  /** Workers started that are not ready yet (a browser's Web Workers start asynchronously). */
  starting: number;
  /** Why fewer threads run than asked for (null when as many run). */
  reason: string | null;
  failures: readonly string[];
  /** How many kernel runs were split across more than one thread, by kernel name. */
  splitRuns: Record<string, number>;
}

export function threadInfo(): ThreadInfo {
  const rt = wasmRuntime();
  const current = rt !== null && pool.runtime === rt;
  const ready = current ? readyWorkers().length : 0;
  const starting = current ? pool.workers.filter((w) => w.alive && !w.ready).length : 0;
  const running = Math.min(pool.wanted, ready + 1);
  const info = { requested: pool.wanted, running, starting, failures: [...pool.failures], splitRuns: Object.fromEntries(splitRuns) };
  return { ...info, reason: running === pool.wanted ? null : whyFewer(rt, running, starting) };
}

/** Why `running` threads run, fewer than asked for. */
function whyFewer(rt: WasmRuntime | null, running: number, starting: number): string {
  if (rt === null) return `one thread: only the WebAssembly kernels run on worker threads, and they are not in use (${wasmUnavailableReason()})`;
  if (!rt.shared) return SHARED_MEMORY_REASON;
  if (pool.reason !== null && pool.runtime === rt) return pool.reason;
  const threads = `${running} thread${running === 1 ? '' : 's'}`;
  if (starting > 0) return `${threads} while ${starting} Web Worker${starting === 1 ? '' : 's'} start${starting === 1 ? 's' : ''} (a browser starts them asynchronously; each takes shares once it is ready)`;
  return isNode()
    ? `${threads} so far: the worker threads start at the first kernel large enough to share (a matmul or DEU layer)`
    : `${threads} so far: the Web Workers start at the first matmul or DEU kernel, or on setBackend('cpu', { threads })`;
}
