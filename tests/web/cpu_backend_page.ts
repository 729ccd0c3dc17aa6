// The page of tests/web/cpu_backend.test.ts: runs the cases (cpu_backend_cases.ts) on the float32
// CPU backend as it loads in this page (WebAssembly with shared or plain memory, or JavaScript
// when WebAssembly fails), then again with setBackend('cpu', { wasm: false }), and hands back
// both results with what backendInfo('cpu') reported after each.
import * as tg from '../../index.js';
import { runCases } from './cpu_backend_cases.js';

function run() {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const env = {
    crossOriginIsolated: g.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    webAssembly: typeof WebAssembly !== 'undefined',
    cores: g.navigator?.hardwareConcurrency ?? 0,
  };
  tg.setBackend('cpu', { wasm: true });
  let started = performance.now();
  const loaded = runCases();
  const loadedMs = performance.now() - started;
  const info = tg.backendInfo('cpu');
  tg.setBackend('cpu', { wasm: false });
  started = performance.now();
  const js = runCases();
  const jsMs = performance.now() - started;
  const jsInfo = tg.backendInfo('cpu');
  tg.setBackend('cpu', { wasm: true });
  return { env, info, jsInfo, loaded, js, loadedMs, jsMs };
}

(globalThis as { cpuBackendPage?: unknown }).cpuBackendPage = { run };
