// Which float32 kernels the CPU backend runs: the WebAssembly ones (core/wasm) when they load
// here and are not turned off, else the JavaScript ones. float64 always runs in JavaScript: the
// JavaScript kernels are the float64 path and the reference every WebAssembly kernel is tested
// against (tests/wasm/). setBackend('cpu', { wasm, threads }) chooses; backendInfo('cpu') reports.
import type { TypedArray } from '../dtype.js';
import { fail } from '../errors.js';
import { disableWasm, wasmKernelRuns, wasmRuntime, wasmUnavailableReason, type WasmRuntime } from '../wasm/runtime.js';
import { heapStats, lastOversize, residentPointers, type HeapStats } from '../wasm/heap.js';
import { setThreadCount, threadInfo, type ThreadInfo } from '../wasm/threads.js';

/** The WebAssembly runtime when every array is float32 and the kernels are on, else null. */
export function float32Kernels(...arrays: TypedArray[]): WasmRuntime | null {
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return wasmRuntime();
}

/**
 * The runtime and the arrays' byte offsets in its memory, when the kernels are on, every array is
 * float32 and every one lives in the WebAssembly memory (kernels that work in place need all
 * three); null otherwise. A null array (an absent optional operand) is offset 0.
 */
export function residentKernels(...arrays: (TypedArray | null)[]): { rt: WasmRuntime; at: number[] } | null {
  const rt = float32Kernels(...arrays.filter((a): a is TypedArray => a !== null));
  const at = rt && residentPointers(rt, arrays);
  return rt && at ? { rt, at } : null;
}

export interface CpuBackendOptions {
  /** Threads for the large float32 kernels, the caller included (default: the number of cores). */
  threads?: number;
  /** false runs every kernel in JavaScript (default true: WebAssembly where it loads). */
  wasm?: boolean;
  /**
   * The arithmetic of a float32 DEU layer's 1-1-1 neurons in WebAssembly: 'float32' (default; four
   * neurons per SIMD instruction, as PyTorch computes float32 tensors and as the reference
   * implementation and the gpu backend compute the layer, with errors like theirs in y and dx and
   * mostly smaller in the coefficient gradients: bench/RESULTS.md measures them) or 'float64' (two per
   * instruction, within a few float32 ulps of the JavaScript kernel, which computes in float64;
   * the layer takes about 1.4 times as long).
   */
  deuArithmetic?: 'float32' | 'float64';
}

// float32 by default: PyTorch's semantics for float32 tensors (README, "The CPU backend", says why)
let deuFloat32 = true;
/** Whether a float32 DEU layer's 1-1-1 neurons run in float32 arithmetic (setBackend's deuArithmetic). */
export function deuInFloat32(): boolean {
  return deuFloat32;
}

export function configureCpu(options: object): void {
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'threads' && key !== 'wasm' && key !== 'deuArithmetic') fail('setBackend', `unknown option '${key}' for backend 'cpu' (valid: threads, wasm, deuArithmetic)`);
  }
  if (o.deuArithmetic !== undefined) {
    if (o.deuArithmetic !== 'float32' && o.deuArithmetic !== 'float64') {
      fail('setBackend', `option 'deuArithmetic' of backend 'cpu' must be 'float32' or 'float64', got ${JSON.stringify(o.deuArithmetic)}`);
    }
    deuFloat32 = o.deuArithmetic === 'float32';
  }
  if (o.wasm !== undefined) {
    if (typeof o.wasm !== 'boolean') fail('setBackend', `option 'wasm' of backend 'cpu' must be true or false, got ${String(o.wasm)}`);
    disableWasm(o.wasm ? null : "the WebAssembly kernels were turned off by setBackend('cpu', { wasm: false })");
  }
  if (o.threads !== undefined) {
    if (typeof o.threads !== 'number' || !Number.isInteger(o.threads) || o.threads < 1) {
      fail('setBackend', `option 'threads' of backend 'cpu' must be a positive integer, got ${String(o.threads)}`);
    }
    setThreadCount(o.threads);
  }
}

export interface CpuBackendInfo {
  backend: 'cpu';
  /** 'wasm-simd' when the float32 kernels run in WebAssembly, 'javascript' otherwise. */
  float32Kernels: 'wasm-simd' | 'javascript';
  /** Why WebAssembly is not in use (null when it is). */
  wasmReason: string | null;
  /** Shared memory (worker threads possible) or plain memory (one thread). */
  wasmMemory: { shared: boolean; bytes: number } | null;
  threads: ThreadInfo;
  /** The last tensor or product too large for the WebAssembly memory, which ran in JavaScript instead. */
  oversizeFallback: string | null;
  /** The tensors' blocks in the WebAssembly memory: live, free for reuse, the memory's size, overflows. */
  wasmHeap: HeapStats | null;
  /** How many times each WebAssembly kernel ran (matmul, add, exp, sum, ...), by name. */
  kernelRuns: Record<string, number>;
  float64Kernels: 'javascript';
  /** The arithmetic of float32 DEU layers' 1-1-1 neurons in WebAssembly (setBackend's deuArithmetic). */
  deuArithmetic: 'float32' | 'float64';
}

export function cpuInfo(): CpuBackendInfo {
  const rt = wasmRuntime();
  return {
    backend: 'cpu',
    float32Kernels: rt ? 'wasm-simd' : 'javascript',
    wasmReason: wasmUnavailableReason(),
    wasmMemory: rt ? { shared: rt.shared, bytes: rt.memory.buffer.byteLength } : null,
    threads: threadInfo(),
    oversizeFallback: lastOversize,
    wasmHeap: heapStats(),
    kernelRuns: Object.fromEntries(wasmKernelRuns),
    float64Kernels: 'javascript',
    deuArithmetic: deuFloat32 ? 'float32' : 'float64',
  };
}
