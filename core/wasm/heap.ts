// The float32 CPU tensors' memory: blocks of the WebAssembly instance's linear memory, so the
// WebAssembly kernels read and write tensors in place, and the JavaScript kernels see ordinary
// Float32Arrays over the same bytes. Only shared memory is used this way: growing it never
// detaches the arrays already handed out (growing plain memory would), so with plain memory (a
// browser page without cross-origin isolation) tensors stay on the JavaScript heap and the
// kernels copy their operands in.
//
// Allocation: block sizes are rounded up to 64 bytes (a cache line; v128 loads need 16) and freed
// blocks are kept on a free list per size, so a training loop, which allocates the same sizes
// every step, reuses its blocks and the memory stops growing after the first step. A request
// with no free block of its size takes fresh memory at the top, growing the memory; when that
// fails it takes the smallest larger free block; when none fits, it returns null and the caller
// uses the JavaScript heap. Memory is never shrunk (WebAssembly cannot), so its size is the peak.
import { RESERVED_BYTES, heapLimit, type WasmRuntime } from './runtime.js';

const ALIGN = 64;
const PAGE = 65536;

export interface HeapStats {
  /** Bytes in blocks now handed out. */
  liveBytes: number;
  /** Bytes on the free lists, ready for reuse. */
  freeBytes: number;
  /** Bytes of the WebAssembly memory (what the process holds for it). */
  memoryBytes: number;
  /** Requests that did not fit and went to the JavaScript heap. */
  overflows: number;
}

export class WasmHeap {
  private top = RESERVED_BYTES;
  private readonly free = new Map<number, number[]>();
  /** The size of every block ever cut (a pointer keeps its block size for life). */
  private readonly sizes = new Map<number, number>();
  private readonly live = new Set<number>();
  private liveBytes = 0;
  private freeBytes = 0;
  private overflows = 0;

  constructor(readonly rt: WasmRuntime) {}

  /**
   * A block of at least `bytes` bytes, zeroed unless `zero` is false (for outputs a kernel writes
   * whole: zeroing a reused block costs as much as an elementwise map), or null when the memory
   * cannot hold it.
   */
  alloc(bytes: number, zero = true): number | null {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    // every path keeps the block below heapLimit(), so a lowered limit holds for reused blocks too
    const limit = heapLimit();
    let ptr = this.sameSizeFreeBlock(size, limit);
    if (ptr !== undefined) this.freeBytes -= size;
    else ptr = this.bump(size) ?? this.largerFreeBlock(size, limit);
    if (ptr === undefined) {
      this.overflows++;
      return null;
    }
    const blockSize = this.sizes.get(ptr) ?? size;
    this.sizes.set(ptr, blockSize);
    this.live.add(ptr);
    this.liveBytes += blockSize;
    // (32-bit words: V8 fills a shared buffer's Uint8Array 4× slower; the block holds the rounding)
    if (zero) new Uint32Array(this.rt.memory.buffer, ptr, Math.ceil(bytes / 4)).fill(0);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`WasmHeap.release: ${ptr} is not a live block`);
    if (!this.live.delete(ptr)) throw new Error(`WasmHeap.release: block ${ptr} was released twice`);
    this.liveBytes -= size;
    this.freeBytes += size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
  }

  stats(): HeapStats {
    return { liveBytes: this.liveBytes, freeBytes: this.freeBytes, memoryBytes: this.rt.memory.buffer.byteLength, overflows: this.overflows };
  }

  private bump(size: number): number | undefined {
    const end = this.top + size;
    if (end > heapLimit()) return undefined;
    const have = this.rt.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.rt.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return undefined;
      }
    }
    const ptr = this.top;
    this.top = end;
    return ptr;
  }

  private sameSizeFreeBlock(size: number, limit: number): number | undefined {
    const list = this.free.get(size);
    if (!list || list.length === 0) return undefined;
    const last = list[list.length - 1];
    if (last + size <= limit) return list.pop();
    const k = list.findIndex((ptr) => ptr + size <= limit);
    return k < 0 ? undefined : list.splice(k, 1)[0];
  }

  private largerFreeBlock(size: number, limit: number): number | undefined {
    let best = -1;
    let bestPtr = -1;
    for (const [s, list] of this.free) {
      if (s <= size || (best >= 0 && s >= best)) continue;
      const ptr = list.find((p) => p + s <= limit);
      if (ptr !== undefined) [best, bestPtr] = [s, ptr];
    }
    if (best < 0) return undefined;
    const list = this.free.get(best)!;
    list.splice(list.indexOf(bestPtr), 1);
    this.freeBytes -= best;
    return bestPtr;
  }
}

let current: WasmHeap | null = null;

/** Why the last tensor or product did not fit the WebAssembly memory (null if every one did). */
export let lastOversize: string | null = null;
export function noteOversize(what: string): void {
  lastOversize = what;
}

/** The heap's figures, or null when no heap is in use. */
export function heapStats(): HeapStats | null {
  return current === null ? null : current.stats();
}

/** The heap of the runtime now loaded (a new runtime, after a simulated failure, gets a new heap). */
export function heapOf(rt: WasmRuntime): WasmHeap {
  if (current === null || current.rt !== rt) current = new WasmHeap(rt);
  return current;
}

/** A Float32Array of `length` zeros (unless `zero` is false) in the WebAssembly memory, or null (then use the JavaScript heap). */
export function allocFloat32(rt: WasmRuntime, length: number, zero = true): { array: Float32Array; heap: WasmHeap; ptr: number } | null {
  if (!rt.shared) return null;
  const heap = heapOf(rt);
  const ptr = heap.alloc(length * 4, zero);
  if (ptr === null) {
    noteOversize(`a float32 tensor of ${length} elements does not fit the WebAssembly memory (at most ${heapLimit()} bytes): it lives on the JavaScript heap and its kernels run in JavaScript`);
    return null;
  }
  const buffer = rt.memory.buffer;
  rememberBuffer(rt, buffer);
  return { array: new Float32Array(buffer, ptr, length), heap, ptr };
}

/**
 * The byte offsets of the arrays in the memory, or null if any lives elsewhere. A null entry
 * (an absent optional operand) is pointer 0.
 */
export function residentPointers(rt: WasmRuntime, arrays: readonly (ArrayLike<number> | null)[]): number[] | null {
  const pointers = arrays.map((a) => (a === null ? 0 : a instanceof Float32Array ? pointerOf(rt, a) : -1));
  return pointers.every((p) => p >= 0) ? pointers : null;
}

/** The byte offset of `array` in rt's memory, or -1 when it lives elsewhere. */
export function pointerOf(rt: WasmRuntime, array: Float32Array): number {
  return array.buffer === rt.memory.buffer || (rt.shared && sameMemory(rt, array)) ? array.byteOffset : -1;
}

// After a grow, memory.buffer is a new SharedArrayBuffer object over the same bytes: arrays made
// before it hold an older object. Each buffer object the heap handed out is remembered.
const buffersOf = new WeakMap<WasmRuntime, WeakSet<object>>();
export function rememberBuffer(rt: WasmRuntime, buffer: object): void {
  let set = buffersOf.get(rt);
  if (!set) buffersOf.set(rt, (set = new WeakSet()));
  set.add(buffer);
}
function sameMemory(rt: WasmRuntime, array: Float32Array): boolean {
  return buffersOf.get(rt)?.has(array.buffer) ?? false;
}
