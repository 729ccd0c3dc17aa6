// Loads the WebAssembly kernels (built from core/wasm/assembly by core/wasm/build.mjs) into one
// instance and one linear memory, once, on first use. Nothing here throws: when WebAssembly,
// SIMD or shared memory is missing (an old runtime, a browser page without cross-origin
// isolation), the float32 CPU kernels stay in JavaScript and `reason` says why — it is shown by
// backendInfo('cpu'), never swallowed.
import { WASM_KERNELS } from './generated/kernels.js';

/** The functions the kernels export (pointers are byte offsets into `memory`). */
export interface WasmExports {
  gemm(m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, acc: number, c0: number, c1: number, ws: number): void;
  gemmWorkspaceBytes(cols: number): number;
  binary(op: number, o: number, rows: number, cols: number, a: number, aInner: number, aRow: number, b: number, bInner: number, bRow: number): void;
  unary(op: number, o: number, x: number, n: number): void;
  sumRows(o: number, x: number, rows: number, cols: number): void;
  sumOuterInner(o: number, x: number, A: number, C: number, B: number): void;
  extremumRows(isMax: number, o: number, x: number, rows: number, cols: number): void;
  groupNormForward(x: number, gamma: number, beta: number, n: number, c: number, s: number, groups: number, eps: number, y: number, mean: number, rstd: number): void;
  pool2d(kind: number, x: number, planes: number, h: number, w: number, ho: number, wo: number, windows: number, divisors: number, out: number): void;
  pool2dGrad(kind: number, g: number, x: number, planes: number, h: number, w: number, ho: number, wo: number, windows: number, divisors: number, dx: number): void;
  im2col(x: number, cg: number, h: number, w: number, kh: number, kw: number, ho: number, wo: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, col: number): void;
  col2im(dcol: number, cg: number, h: number, w: number, kh: number, kw: number, ho: number, wo: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, dx: number): void;
  pauForward54(version: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, out: number, lo: number, hi: number): void;
  pauBackward54(version: number, g: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, dx: number, partials: number, lo: number, hi: number): void;
  anyAtLeast(x: number, n: number, limit: number): number;
  pauForwardGeneral(shape: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, out: number, lo: number, hi: number): void;
  pauBackwardGeneral(shape: number, g: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, dx: number, partials: number, lo: number, hi: number): void;
  rpauForward54(version: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, out: number, key: number, alpha: number, flags: number, scratch: number, lo: number, hi: number): void;
  rpauBackward54(version: number, g: number, x: number, a: number, b: number, rows: number, blocks: number, run: number, dx: number, partials: number, key: number, alpha: number, flags: number, scratch: number, lo: number, hi: number): void;
  rpauScratchBytes(): number;
  deuTableBytes(F: number): number;
  deuEntryBytes(): number;
  deuCoefficientsAt(F: number): number;
  deuStartsAt(F: number): number;
  deuTableGroups(table: number): number;
  deuWriteTable(table: number, F: number, eps: number, s: number, gravitate: boolean, single: boolean): void;
  flushSubnormalsF32(p: number, n: number): void;
  deuForwardTable(table: number, lo: number, hi: number, x: number, y: number, N: number, F: number, S: number, saved: number): void;
  deuBackwardTable(table: number, lo: number, hi: number, g: number, x: number, dx: number, N: number, F: number, S: number, sums: number, saved: number): void;
  deuGravitateTable(table: number, lo: number, hi: number, x: number, N: number, F: number, S: number): void;
  vmathLanes(x: number, n: number, out: number, separate: boolean): void;
  expBelowCapLanes(x: number, n: number, out: number): void;
  vmathSingleLanes(op: number, x: number, y: number, n: number): void;
  groupNormBackward(dy: number, x: number, gamma: number, mean: number, rstd: number, n: number, c: number, s: number, groups: number, dx: number, dweight: number, dbias: number): void;
}

export interface WasmRuntime {
  readonly exports: WasmExports;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  /** Shared memory can be handed to worker threads; plain memory runs one thread. */
  readonly shared: boolean;
}

/**
 * What the kernels import besides the memory: sin and cos for the rare arguments beyond the vector
 * path's reduction (core/wasm/assembly/vmath.ts says why the host's), and exp, sin and cos for
 * outward gravitation's fit, which must be JavaScript's bit for bit (deu_gravitation.ts). Worker
 * threads import the same (threads.ts).
 */
export const HOST_MATH = { hostSin: Math.sin, hostCos: Math.cos, hostExp: Math.exp };

/** Tensors start above this byte offset; below it: the module's own data and the thread control block. */
export const RESERVED_BYTES = 1 << 20;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; the kernels ask for at most this much so a failed grow is rare. */
export const MAX_MEMORY_BYTES = 2 ** 31;

let memoryLimit = MAX_MEMORY_BYTES;
let runtime: WasmRuntime | null = null;
let failure: string | null = null;
let disabled: string | null = null;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Shared memory needs SharedArrayBuffer, which a browser page has only when crossOriginIsolated. */
function sharedMemoryAllowed(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  return g.process?.versions?.node !== undefined || g.crossOriginIsolated === true;
}

function instantiate(): WasmRuntime {
  if (typeof WebAssembly === 'undefined') throw new Error('this runtime has no WebAssembly');
  const shared = sharedMemoryAllowed();
  const module = new WebAssembly.Module(decodeBase64(shared ? WASM_KERNELS.shared : WASM_KERNELS.plain));
  const memory = new WebAssembly.Memory({ initial: RESERVED_BYTES / PAGE + 1, maximum: MAX_MEMORY_BYTES / PAGE, shared } as WebAssembly.MemoryDescriptor);
  const instance = new WebAssembly.Instance(module, { env: { memory, ...HOST_MATH, abort: () => { throw new Error('wasm kernel aborted'); } } });
  // a copy of the (frozen) exports object: the kernel-level harness (tests/wasm/gradient_parity.test.ts) wraps entries
  return { exports: { ...instance.exports } as unknown as WasmExports, memory, module, shared };
}

/** The kernels, or null when they cannot run here (wasmUnavailableReason() says why). */
export function wasmRuntime(): WasmRuntime | null {
  if (disabled !== null) return null;
  if (runtime === null && failure === null) {
    try {
      runtime = instantiate();
    } catch (error) {
      // e.g. "WebAssembly.Module(): Compiling function #0 failed: Wasm SIMD unsupported"
      failure = `the WebAssembly kernels could not be loaded, so the float32 CPU kernels run in JavaScript: ${(error as Error).message}`;
    }
  }
  return runtime;
}

/** Why the WebAssembly kernels are not in use, or null when they are. */
export function wasmUnavailableReason(): string | null {
  wasmRuntime();
  return disabled ?? failure;
}

/** Turns the WebAssembly kernels off (`reason` is reported) or back on (null). */
export function disableWasm(reason: string | null): void {
  disabled = reason;
}

/** For tests: pretend instantiation failed with `message` (null restores the real runtime). */
export function simulateWasmFailure(message: string | null): void {
  runtime = null;
  failure = message === null ? null : `the WebAssembly kernels could not be loaded, so the float32 CPU kernels run in JavaScript: ${message}`;
}

/** How many times each WebAssembly kernel ran (backendInfo('cpu').kernelRuns), by name. */
export const wasmKernelRuns = new Map<string, number>();
export function countRun(name: string): void {
  wasmKernelRuns.set(name, (wasmKernelRuns.get(name) ?? 0) + 1);
}

/** The most bytes the memory may grow to. */
export function heapLimit(): number {
  return memoryLimit;
}

/** For tests: lower the memory the kernels may use, to exercise the fallback (null restores it). */
export function setMemoryLimitForTest(bytes: number | null): void {
  memoryLimit = bytes ?? MAX_MEMORY_BYTES;
}

/** A Float32Array over the whole memory (a new one after every grow). */
export function heapF32(rt: WasmRuntime): Float32Array {
  return new Float32Array(rt.memory.buffer);
}
