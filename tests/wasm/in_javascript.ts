// The reference side of every WebAssembly parity test: run fn with the CPU backend's JavaScript
// kernels (setBackend('cpu', { wasm: false })), then switch the WebAssembly kernels back on.
import * as tg from '../../index.js';

export function inJavaScript<T>(fn: () => T): T {
  tg.setBackend('cpu', { wasm: false });
  try {
    return fn();
  } finally {
    tg.setBackend('cpu', { wasm: true });
  }
}
