// The float32 CPU backend in a browser (Debian's chromium, headless): the page
// (cpu_backend_page.ts) runs a matmul, a conv2d and two DEU layers forward and backward and 30
// Adam steps of an MLP (cpu_backend_cases.ts) as the backend loads there, then again with
// setBackend('cpu', { wasm: false }), and reports backendInfo('cpu'). Served three ways:
//  - cross-origin isolated (COOP/COEP headers): the `shared` WebAssembly variant, tensors in its
//    memory, every kernel in WebAssembly, the matmul and the larger DEU layer split across Web
//    Workers (started asynchronously, said to be starting until they are ready; a stopped one is
//    reported with the kernel and its share recomputed);
//  - without the headers: the `plain` variant, one thread with the reason, only matmul in
//    WebAssembly (its operands copied in), everything else in JavaScript;
//  - with WebAssembly missing, or failing to compile as on a runtime without SIMD: the JavaScript
//    kernels, the reason in backendInfo, and training still works.
// Each result is compared with the page's own JavaScript run (the float32 rounding bound for the
// linear cases, as tests/wasm/; bit for bit where both sides run the same kernels) and with Node's.
// And the playground (examples/web/serve.ts) is served cross-origin isolated, so its CPU fallback
// runs the shared variant. Without chromium or playwright-core the tests say skipped and why.
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { CpuBackendInfo } from '../../core/cpu/wasm_switch.js';
import { type CaseResults, TRAIN_STEPS, linearBounds, runCases } from './cpu_backend_cases.js';
import { type BrowserContext, launchChromium, whyNoChromium } from './chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
const skip = whyNoChromium();

type Threads = CpuBackendInfo['threads'];

interface PageRun {
  env: { crossOriginIsolated: boolean; sharedArrayBuffer: boolean; webAssembly: boolean; cores: number };
  /** Before anything asked for workers; right after setBackend('cpu', { threads }); once none is starting. */
  before: Threads;
  starting: Threads;
  ready: { threads: Threads; waitedMs: number };
  info: CpuBackendInfo;
  /** Worker 1 stopped, the matmul run again; then the threads asked for again (null: one thread). */
  death: { stopped: boolean; same: boolean; after: Threads; restarted: Threads; again: boolean } | null;
  kernelRunsBeforeJs: CpuBackendInfo['kernelRuns'];
  jsInfo: CpuBackendInfo;
  loaded: CaseResults;
  js: CaseResults;
  loadedMs: number;
  jsMs: number;
}

// Before the module script: take WebAssembly away (an old runtime), or make compiling fail as it
// does where SIMD is missing, for the fallback pages.
const HTML = `<!doctype html><meta charset="utf-8"><title>tapegrad cpu backend</title><link rel="icon" href="data:,">
<script>
if (location.search === '?no-webassembly') delete globalThis.WebAssembly;
if (location.search === '?no-simd') WebAssembly.Module = function () { throw new WebAssembly.CompileError('WebAssembly.Module(): Compiling function #0 failed: Wasm SIMD unsupported'); };
</script>
<script type="module" src="bundle.js"></script>`;

/** /isolated/ with COOP/COEP (crossOriginIsolated), /plain/ without; the same page and bundle. */
async function servePage(): Promise<{ url: string; server: Server }> {
  const { bundle } = await import('../../examples/browser-parity/serve.js');
  const script = await bundle(join(here, 'cpu_backend_page.ts'));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const isolation = path.startsWith('/isolated/') ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    const headers = { ...isolation, 'Cache-Control': 'no-store' };
    const file = path.replace(/^\/(isolated|plain)\//, '');
    if (file === '') res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(HTML);
    else if (file === 'bundle.js') res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(404, headers).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, server };
}

/** Opens `url` in a new tab, runs the page's cases; uncaught errors and console errors fail. */
async function runPage(context: BrowserContext, url: string): Promise<PageRun> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { cpuBackendPage?: unknown }).cpuBackendPage !== undefined, null, { timeout: 30_000 });
    const run = await page.evaluate(() => (globalThis as any).cpuBackendPage.run() as PageRun);
    assert.equal(errors, [], `errors in ${url}`);
    return run;
  } finally {
    await page.close();
  }
}

/** The gap from |v| (as float32) to the next float32. */
function ulp(v: number): number {
  const f = Math.fround(Math.abs(v));
  if (f === 0) return 2 ** -149;
  const bits = new Int32Array(new Float32Array([f]).buffer);
  bits[0]++;
  return new Float32Array(bits.buffer)[0] - f;
}

/** `got` within `bound` (per element) of `want`. */
function within(got: number[], want: number[], bound: number[], what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= bound[i])) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernels give ${want[i]} (bound ${bound[i]})`);
  }
}

/** The page's results against the JavaScript kernels' (`want`): linear cases within their rounding bound, DEU within 4 ulps, training within 1e-5 of its scale. */
function agrees(got: CaseResults, want: CaseResults, what: string): void {
  const bounds = linearBounds();
  for (const name of Object.keys(bounds)) within(got[name], want[name], bounds[name], `${what} ${name}`);
  // as tests/wasm/deu.test.ts: within 4 float32 ulps, or 1e-6 of the largest magnitude
  for (const name of ['deuY', 'deuDx', 'deuDp', 'deuSplitY', 'deuSplitDx', 'deuSplitDp']) {
    const scale = Math.max(...want[name].map(Math.abs));
    within(got[name], want[name], want[name].map((v) => Math.max(4 * ulp(v), 1e-6 * scale)), `${what} ${name}`);
  }
  // 30 steps compound the products' rounding: measured ≈ 2e-7 of the largest magnitude
  for (const name of ['losses', 'params']) {
    const scale = Math.max(...want[name].map(Math.abs));
    within(got[name], want[name], want[name].map(() => 1e-5 * scale), `${what} ${name}`);
  }
}

/**
 * The isolated page's threads: said to be not started, then starting (Web Workers start only once
 * the page yields), then all `cores` running once ready; the matmul and the larger DEU layer
 * split across them; a stopped worker reported with the kernel, the result kept, and the threads
 * back when asked for again.
 */
function isolatedThreads(run: PageRun, cores: number): void {
  const { before, starting, ready, info, death } = run;
  if (cores === 1) {
    for (const t of [before, starting, ready.threads, info.threads]) assert.equal({ running: t.running, starting: t.starting, reason: t.reason, splitRuns: t.splitRuns }, { running: 1, starting: 0, reason: null, splitRuns: {} });
    return;
  }
  assert.equal({ running: before.running, starting: before.starting }, { running: 1, starting: 0 }, 'before any kernel');
  assert.match(before.reason ?? '', /^1 thread so far: the Web Workers start at the first matmul or DEU kernel, or on setBackend\('cpu', \{ threads \}\)$/);
  assert.equal({ running: starting.running, starting: starting.starting }, { running: 1, starting: cores - 1 }, 'right after setBackend');
  assert.match(starting.reason ?? '', new RegExp(`^1 thread while ${cores - 1} Web Workers? starts? \\(a browser starts them asynchronously; each takes shares once it is ready\\)$`));
  assert.equal({ running: ready.threads.running, starting: ready.threads.starting, reason: ready.threads.reason, failures: ready.threads.failures }, { running: cores, starting: 0, reason: null, failures: [] }, `ready after ${ready.waitedMs} ms`);
  assert.is(info.threads.running, cores);
  assert.equal(info.threads.failures, []);
  // split runs: the 128³ product and both passes of the 2^14-element DEU layer (cpu_backend_cases.ts)
  for (const kernel of ['matmul', 'deu', 'deuGrad']) assert.ok((info.threads.splitRuns[kernel] ?? 0) > 0, `${kernel} was not split across threads: ${JSON.stringify(info.threads.splitRuns)}`);
  assert.ok(death !== null, 'the stopped-worker check ran');
  assert.ok(death!.stopped, 'worker 1 was running');
  assert.ok(death!.same, 'the matmul survives the stopped worker, bit for bit');
  assert.equal(death!.after.failures, [`worker 1 stopped answering during 'matmul'; the backend continues with ${cores - 1} thread(s)`]);
  assert.is(death!.after.running, cores - 1);
  assert.equal({ running: death!.restarted.running, starting: death!.restarted.starting }, { running: cores, starting: 0 }, 'asked for again, the threads come back');
  assert.ok(death!.again, 'and compute the same matmul');
}

if (skip !== null) {
  console.log(`skipped: cpu backend in chromium: ${skip}`);
  test.skip(`cpu backend in chromium (skipped: ${skip})`, () => {});
} else {
  // one browser for both tests (each page in a tab of its own)
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  test.before(async () => {
    browser = await launchChromium();
  });
  test.after(async () => {
    await browser?.close();
  });

  test('cpu backend in chromium: isolated (shared memory), plain (matmul by copies), no WebAssembly (JavaScript)', async () => {
    const node = runCases();
    tg.setBackend('cpu', { wasm: false });
    let nodeJs: CaseResults;
    try {
      nodeJs = runCases();
    } finally {
      tg.setBackend('cpu', { wasm: true });
    }
    const { url, server } = await servePage();
    try {
      const isolated = await runPage(browser.context, `${url}isolated/`);
      assert.equal(isolated.env, { ...isolated.env, crossOriginIsolated: true, sharedArrayBuffer: true, webAssembly: true }, 'the COOP/COEP page is cross-origin isolated');
      const shared = isolated.info;
      assert.is(shared.float32Kernels, 'wasm-simd');
      assert.is(shared.wasmReason, null);
      assert.is(shared.wasmMemory?.shared, true, 'the shared variant loaded');
      assert.ok((shared.wasmHeap?.liveBytes ?? 0) > 0, 'the tensors live in the WebAssembly memory');
      const cores = Math.min(24, Math.max(1, isolated.env.cores));
      assert.is(shared.threads.requested, cores, 'threads asked for: navigator.hardwareConcurrency');
      isolatedThreads(isolated, cores);
      for (const kernel of ['matmul', 'deu', 'deuGrad', 'add', 'mul', 'sub', 'div', 'exp', 'relu', 'reluGrad', 'sum', 'max']) {
        assert.ok((shared.kernelRuns[kernel] ?? 0) > 0, `kernel ${kernel} did not run in WebAssembly: ${JSON.stringify(shared.kernelRuns)}`);
      }
      // the same WebAssembly kernels as in Node, so the same bits; the JavaScript kernels likewise
      assert.equal(isolated.loaded, node, 'isolated page (WebAssembly) = Node (WebAssembly), bit for bit');
      assert.equal(isolated.js, nodeJs, 'isolated page, wasm off = Node, wasm off, bit for bit');
      agrees(isolated.loaded, isolated.js, 'isolated page');

      const plain = await runPage(browser.context, `${url}plain/`);
      assert.equal(plain.env, { ...plain.env, crossOriginIsolated: false, sharedArrayBuffer: false, webAssembly: true }, 'the page without COOP/COEP is not isolated');
      assert.is(plain.info.float32Kernels, 'wasm-simd');
      assert.is(plain.info.wasmReason, null);
      assert.is(plain.info.wasmMemory?.shared, false, 'the plain variant loaded');
      assert.is(plain.info.wasmHeap?.liveBytes, 0, 'the tensors stay on the JavaScript heap');
      const noShared = /^one thread: worker threads need shared WebAssembly memory \(SharedArrayBuffer\), which a browser page has only when crossOriginIsolated$/;
      for (const threads of [plain.before, plain.starting, plain.ready.threads, plain.info.threads]) {
        assert.equal({ running: threads.running, starting: threads.starting, splitRuns: threads.splitRuns }, { running: 1, starting: 0, splitRuns: {} });
        assert.match(threads.reason ?? '', noShared);
      }
      assert.is(plain.death, null);
      assert.equal(Object.keys(plain.info.kernelRuns), ['matmul'], `only the products run in WebAssembly: ${JSON.stringify(plain.info.kernelRuns)}`);
      assert.is(plain.info.kernelRuns.matmul, shared.kernelRuns.matmul, "every product (conv2d's included) ran in WebAssembly, by copies");
      assert.equal(plain.loaded.matmul, node.matmul, 'plain page matmul = Node\'s WebAssembly matmul, bit for bit');
      assert.equal(plain.js, nodeJs, 'plain page, wasm off = Node, wasm off, bit for bit');
      agrees(plain.loaded, plain.js, 'plain page');

      for (const run of [isolated, plain]) {
        assert.equal(run.jsInfo.kernelRuns, run.kernelRunsBeforeJs, 'with wasm: false no WebAssembly kernel ran');
        assert.is(run.jsInfo.float32Kernels, 'javascript');
        assert.match(run.jsInfo.wasmReason ?? '', "turned off by setBackend('cpu', { wasm: false })");
      }

      const failures = [['isolated/?no-webassembly', 'this runtime has no WebAssembly'], ['plain/?no-simd', 'WebAssembly.Module(): Compiling function #0 failed: Wasm SIMD unsupported']];
      for (const [path, message] of failures) {
        const failed = await runPage(browser.context, url + path);
        assert.is(failed.info.float32Kernels, 'javascript', path);
        assert.is(failed.info.wasmMemory, null, path);
        assert.is(failed.info.wasmReason, `the WebAssembly kernels could not be loaded, so the float32 CPU kernels run in JavaScript: ${message}`, path);
        assert.equal(failed.info.kernelRuns, {}, path);
        assert.equal({ running: failed.info.threads.running, starting: failed.info.threads.starting }, { running: 1, starting: 0 }, path);
        assert.is(failed.info.threads.reason, `one thread: only the WebAssembly kernels run on worker threads, and they are not in use (${failed.info.wasmReason})`, path);
        assert.equal(failed.loaded, nodeJs, `${path}: the JavaScript kernels, bit for bit Node's`);
        const losses = failed.loaded.losses;
        assert.ok(losses.length === TRAIN_STEPS && losses[TRAIN_STEPS - 1] < 0.75 * losses[0], `${path}: training goes on (${losses[0]} → ${losses[TRAIN_STEPS - 1]})`);
      }
      console.log(`  isolated: workers ready in ${isolated.ready.waitedMs.toFixed(0)} ms, cases ${isolated.loadedMs.toFixed(0)} ms (wasm off ${isolated.jsMs.toFixed(0)}), threads ${JSON.stringify(shared.threads)}; plain: ${plain.loadedMs.toFixed(0)} ms (wasm off ${plain.jsMs.toFixed(0)})`);
    } finally {
      server.close();
    }
  });

  // The playground (examples/web/serve.ts) is served cross-origin isolated, so its CPU fallback
  // gets the shared variant above, not the plain one. Checked as soon as the document arrives:
  // the page's own start (WebGL2 kernels on SwiftShader, tens of seconds on a loaded machine) and
  // that it loads without errors under COEP are tests/web/playground.test.ts's.
  test('the playground page is cross-origin isolated (SharedArrayBuffer: the shared variant)', async () => {
    const { servePlayground } = await import('../../examples/web/serve.js');
    const { url, server, dir } = await servePlayground();
    const page = await browser.context.newPage();
    try {
      await (page.goto as (url: string, options: { waitUntil: 'commit' }) => Promise<unknown>)(url, { waitUntil: 'commit' });
      const isolated = await page.evaluate(() => ({ crossOriginIsolated: globalThis.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined' }));
      assert.equal(isolated, { crossOriginIsolated: true, sharedArrayBuffer: true });
    } finally {
      await page.close();
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test.run();
