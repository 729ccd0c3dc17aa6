// Web Workers for the WebAssembly kernels in a browser page (core/wasm/threads.ts's pool). A page
// differs from Node in two ways that shape this file: a new Web Worker does not run until the
// page's thread returns to its event loop, so workers are started ahead of use and only joined
// once they say they are ready (threads.ts reads their READY flag); and the page's own thread may
// not block in Atomics.wait, so threads.ts spins on the DONE count there instead.
//
// The worker's source comes from threads.ts (the same task loop as Node's workers); it arrives
// as a Blob URL, so the page needs no extra file, and under cross-origin isolation the worker
// inherits the page's policy, which lets it receive the shared memory.

/** The parts of the DOM's Worker that the pool uses. */
interface WebWorker {
  onerror: ((e: { message?: string }) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}

interface WebGlobals {
  Worker?: new (url: string, options?: object) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL?(blob: unknown): string };
}

/** Why Web Workers cannot be started here, or null when they can. */
export function webWorkersMissing(): string | null {
  const g = globalThis as WebGlobals;
  if (typeof g.Worker !== 'function') return 'this runtime has neither Node\'s worker_threads (Node ≥ 20.16) nor Web Workers';
  if (typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return 'this runtime cannot make a Blob URL to start a Web Worker from';
  return null;
}

// one Blob URL per source, for the page's lifetime: a worker may read it after its constructor returns
const urls = new Map<string, string>();

/**
 * Starts a Web Worker running `source` and posts it `data` (the module, the shared memory, the
 * control block's offset, its index). `failed(what)` is called, on a later turn of the event
 * loop, when the worker cannot start or its script throws; the worker itself posts
 * `{ failed: message }` when instantiating the kernels fails.
 */
export function startWebWorker(source: string, data: object, failed: (what: string) => void): { terminate(): void } {
  const g = globalThis as Required<WebGlobals>;
  let url = urls.get(source);
  if (url === undefined) {
    url = g.URL.createObjectURL!(new g.Blob([source], { type: 'text/javascript' }));
    urls.set(source, url);
  }
  const worker = new g.Worker(url, { name: 'tapegrad-kernels' });
  worker.onerror = (e) => failed(`failed (${e.message ?? 'an error in the worker'})`);
  worker.onmessage = (e) => {
    const message = e.data as { failed?: string } | null;
    if (typeof message?.failed === 'string') failed(`could not instantiate the kernels (${message.failed})`);
  };
  worker.postMessage(data);
  return { terminate: () => worker.terminate() };
}
