// The gpu.js side of the gpu backend: choosing the mode, compiling and caching kernels, running
// them, and noticing when gpu.js silently runs something other than what was asked for.
//
// gpu.js degrades quietly: a kernel it cannot build for the chosen target falls back to its CPU
// kernel (printing one console warning), and a kernel called with new argument types recompiles
// itself. Both are detected here after every call by looking at the kernel object that actually
// ran, so backendInfo() can never claim a GPU mode while the work runs on the CPU: a fallback is
// an error by default (strict), or is recorded and reported.
import * as gpujs from 'gpu.js';
import { fail } from '../errors.js';
import { HELPERS, TRIG_HELPERS, withPortableTrig } from './source.js';

/** The modes a user may ask for. 'auto' follows gpu.js's own order. */
export type GpuMode = 'auto' | 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';
export const GPU_MODES: readonly GpuMode[] = ['auto', 'headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];
/** gpu.js's order for 'auto' (src/gpu.js kernelOrder, then its CPU kernel). */
export const AUTO_ORDER: readonly Exclude<GpuMode, 'auto'>[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

// Loose views of the gpu.js objects we touch (its bundled typings do not describe kernel classes
// or textures the way they behave at run time).
export interface GpuTexture {
  delete(): void;
  toArray(): Float32Array | Float32Array[];
  readonly size: ArrayLike<number>;
  readonly output: readonly number[];
  readonly type: string;
}
export type KernelValue = Float32Array | GpuTexture;
export type KernelArg = KernelValue | number;
interface KernelObject {
  readonly constructor: KernelClass;
  fallbackReason?: string;
  destroy(removeCanvas?: boolean): void;
  compiledFragmentShader?: string;
}
export interface KernelShortcut {
  (...args: KernelArg[]): KernelValue;
  kernel: KernelObject;
  addFunction(source: string, settings: object): KernelShortcut;
}
interface KernelClass {
  readonly name: string;
  readonly isSupported: boolean;
  readonly features: { isFloatRead?: boolean; isTextureFloat?: boolean; maxTextureSize?: number; channelCount?: number } | null;
}
interface GpuInstance {
  readonly Kernel: KernelClass;
  readonly context: {
    getParameter(p: number): unknown;
    getExtension?(name: string): unknown;
    isContextLost?(): boolean;
    RENDERER: number;
    VERSION: number;
    MAX_TEXTURE_SIZE: number;
  } | null;
  createKernel(source: string, settings: object): KernelShortcut;
  destroy(): unknown;
}

const lib = gpujs as unknown as {
  GPU: { new (settings: object): GpuInstance };
  CPUKernel: KernelClass;
  HeadlessGLKernel: KernelClass;
  WebGL2Kernel: KernelClass;
  WebGLKernel: KernelClass;
  WebAssemblyKernel: KernelClass;
  WebGPUKernel: KernelClass;
};

const CLASSES: Record<Exclude<GpuMode, 'auto'>, KernelClass> = {
  headlessgl: lib.HeadlessGLKernel,
  webgl2: lib.WebGL2Kernel,
  webgl: lib.WebGLKernel,
  webasm: lib.WebAssemblyKernel,
  cpu: lib.CPUKernel,
};

/** The mode a gpu.js kernel class runs in ('cpu' for its CPU kernel, also after a fallback). */
export function modeOfClass(cls: KernelClass): string {
  for (const [mode, c] of Object.entries(CLASSES)) if (c === cls) return mode;
  if (cls === lib.WebGPUKernel) return 'webgpu';
  return `unknown (${cls.name})`;
}

/** Whether a mode runs on a graphics device (as opposed to the host CPU, in JS or wasm). */
export function isDeviceMode(mode: string): boolean {
  return mode === 'headlessgl' || mode === 'webgl2' || mode === 'webgl';
}

/** Why each mode is or is not available here; null for an available one. */
export function modeAvailability(): Record<Exclude<GpuMode, 'auto'>, string | null> {
  const out = {} as Record<Exclude<GpuMode, 'auto'>, string | null>;
  for (const mode of AUTO_ORDER) {
    let supported = false;
    try {
      supported = CLASSES[mode].isSupported;
    } catch {
      supported = false;
    }
    if (supported && mode !== 'cpu' && isDeviceMode(mode)) {
      const f = CLASSES[mode].features;
      if (f && !(f.isFloatRead && f.isTextureFloat)) {
        out[mode] = 'the device cannot render and read float32 textures; tapegrad refuses gpu.js\'s lossy \'unsigned\' precision';
        continue;
      }
    }
    out[mode] = supported ? null : unavailableReason(mode);
  }
  return out;
}

function unavailableReason(mode: Exclude<GpuMode, 'auto'>): string {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  switch (mode) {
    case 'headlessgl': {
      if (!isNode) return 'headless-gl exists only in Node';
      const gl = probeHeadlessGl();
      if (gl !== null) return gl;
      if (process.platform === 'linux' && !process.env.DISPLAY) return `no X display (headless-gl needs one): run under xvfb-run -a, e.g. xvfb-run -a npm test (${X_SERVER_PACKAGES})`;
      return 'headless-gl could not create a WebGL context';
    }
    case 'webgl2':
    case 'webgl':
      return isNode ? `${mode} needs a browser (in Node use headlessgl)` : `this browser gives no ${mode} context`;
    case 'webasm':
      return 'WebAssembly is not available';
    case 'cpu':
      return 'unavailable';
  }
}

// What a skip message tells a user to install (Debian/Ubuntu names; .ci/run installs the same).
const GL_BUILD_PACKAGES = 'apt-get install -y python3 make g++ pkg-config libxi-dev libglu1-mesa-dev libglew-dev';
const X_SERVER_PACKAGES = 'apt-get install -y xvfb xauth libgl1-mesa-dri';

/** null when the optional `gl` package loads; else why it does not. */
function probeHeadlessGl(): string | null {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (name: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== 'function') return null;
  try {
    const { createRequire } = getBuiltin('module') as { createRequire: (from: string) => (id: string) => unknown };
    createRequire(import.meta.url)('gl');
    return null;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    return /Cannot find module 'gl'/.test(message)
      ? `the optional 'gl' package (headless-gl) is not installed: npm install gl (or install without --omit=optional); it compiles with node-gyp and needs ${GL_BUILD_PACKAGES}`
      : `the optional 'gl' package is installed but its native module is not built (${message}): ${GL_BUILD_PACKAGES}, then cd node_modules/gl && npx node-gyp rebuild (add --nodedir=/usr where Node's headers cannot be downloaded)`;
  }
}

/** Resolves 'auto' to the mode gpu.js would pick here, and refuses unavailable modes. */
export function resolveMode(requested: GpuMode): Exclude<GpuMode, 'auto'> {
  if (!GPU_MODES.includes(requested)) {
    const extra = (requested as string) === 'webgpu'
      ? "; gpu.js's webgpu kernels return Promises, and tapegrad's kernels are synchronous"
      : (requested as string) === 'gpu' ? "; use 'auto' for gpu.js's automatic choice" : '';
    fail('gpu backend', `unknown mode '${String(requested)}'; expected one of ${GPU_MODES.join(', ')}${extra}`);
  }
  const available = modeAvailability();
  if (requested === 'auto') {
    for (const mode of AUTO_ORDER) if (available[mode] === null) return mode;
    return fail('gpu backend', 'no gpu.js mode is available');
  }
  const why = available[requested];
  if (why !== null) fail('gpu backend', `mode '${requested}' is not available: ${why}`);
  return requested;
}

export interface CacheStats {
  /** Lookups that found a compiled kernel. */
  hits: number;
  /** Lookups that had to create a kernel. */
  misses: number;
  /** gpu.js builds: one per miss, plus any rebuild gpu.js did on its own (argument type switch). */
  compiles: number;
  /** Kernels dropped by the LRU bound. */
  evictions: number;
  /** Kernels currently cached. */
  size: number;
}

export interface FallbackRecord {
  kernel: string;
  ranOn: string;
  reason: string;
}

interface CachedKernel {
  readonly key: string;
  run: KernelShortcut;
  /** The gpu.js kernel object that ran last (changes when gpu.js switches or falls back). */
  last: KernelObject | null;
  /** Outputs of this kernel still alive (GL textures keep a link to their kernel). */
  liveOutputs: number;
  retired: boolean;
}

export interface KernelSpec {
  readonly key: string;
  /** Built only on a cache miss. */
  source: () => string;
  readonly output: number;
  /** Extra functions (scalar functions of elementwise kernels), as named declarations. */
  readonly functions?: readonly { source: string; arity: number }[];
  /** The largest loop bound in the source, for gpu.js's loopMaxIterations. */
  readonly loopMax?: number;
  /**
   * GLSL the source calls (device modes only): a function `name(int e)` of the thread index,
   * returning float or vec4, after any helpers of its own. gpu.js inserts it verbatim after the
   * argument declarations, so it may read them. Built only on a cache miss, like `source`.
   */
  readonly native?: { readonly name: string; readonly source: () => string; readonly returnType: 'Number' | 'Array(4)' };
  /**
   * 'Array(4)': one vec4 per thread, `output` texels (not memory-optimised floats). Such an output
   * is an intermediate for a following kernel, never tensor storage.
   */
  readonly returnType?: 'Array(4)';
}

export interface RuntimeOptions {
  mode: Exclude<GpuMode, 'auto'>;
  strict: boolean;
  maxKernels: number;
}

/** One gpu.js instance, its kernel cache and the bookkeeping behind backendInfo(). */
export class GpuRuntime {
  readonly gpu: GpuInstance;
  readonly mode: Exclude<GpuMode, 'auto'>;
  readonly expectedClass: KernelClass;
  readonly strict: boolean;
  private readonly maxKernels: number;
  private readonly cache = new Map<string, CachedKernel>();
  readonly stats: CacheStats = { hits: 0, misses: 0, compiles: 0, evictions: 0, size: 0 };
  readonly fallbacks: FallbackRecord[] = [];
  /** Kernel runs per gpu.js kernel class name. */
  readonly ranOn: Record<string, number> = {};
  /** Kernel runs per kernel family (the key up to its first '|', e.g. 'mm' or 'mm4'). */
  readonly runsByKernel: Record<string, number> = {};
  private readonly owner = new WeakMap<object, CachedKernel>();

  constructor(options: RuntimeOptions) {
    this.mode = options.mode;
    this.strict = options.strict;
    this.maxKernels = options.maxKernels;
    this.expectedClass = CLASSES[options.mode];
    this.gpu = new lib.GPU({ mode: options.mode });
    if (this.gpu.Kernel !== this.expectedClass) {
      fail('gpu backend', `asked gpu.js for mode '${options.mode}' but it chose ${this.gpu.Kernel.name}`);
    }
  }

  get isDevice(): boolean {
    return isDeviceMode(this.mode);
  }

  /** The GLSL ES version of this mode's shaders: 3 (3.00) for webgl2, 1 (1.00) for webgl and headless-gl, null off GL. */
  get glsl(): 1 | 3 | null {
    return this.mode === 'webgl2' ? 3 : this.isDevice ? 1 : null;
  }

  /** Runs the kernel for spec (compiling it on a miss) on args; returns its output. */
  run(spec: KernelSpec, args: readonly KernelArg[]): KernelValue {
    this.checkContext();
    let entry = this.cache.get(spec.key);
    if (entry) {
      this.stats.hits++;
      // LRU: move to the end
      this.cache.delete(spec.key);
      this.cache.set(spec.key, entry);
    } else {
      this.stats.misses++;
      this.stats.compiles++;
      entry = { key: spec.key, run: this.create(spec), last: null, liveOutputs: 0, retired: false };
      this.cache.set(spec.key, entry);
      this.evict();
      this.stats.size = this.cache.size;
    }
    let out: KernelValue;
    try {
      out = entry.run(...args);
    } catch (e) {
      this.checkContext();
      throw new Error(`gpu backend: kernel ${spec.key} failed on gpu.js mode '${this.mode}': ${(e as Error).message}`, { cause: e });
    }
    const ran = entry.run.kernel;
    if (ran !== entry.last) {
      if (entry.last !== null) this.stats.compiles++; // gpu.js switched kernels on its own
      entry.last = ran;
      if (ran.constructor !== this.expectedClass) {
        const record = { kernel: spec.key, ranOn: ran.constructor.name, reason: ran.fallbackReason ?? 'unknown' };
        this.fallbacks.push(record);
        if (this.strict) {
          fail('gpu backend', `gpu.js ran kernel ${spec.key} on ${record.ranOn} instead of ${this.expectedClass.name} (mode '${this.mode}'): ${record.reason}`);
        }
      }
    }
    const cls = ran.constructor.name;
    this.ranOn[cls] = (this.ranOn[cls] ?? 0) + 1;
    const family = spec.key.split('|')[0];
    this.runsByKernel[family] = (this.runsByKernel[family] ?? 0) + 1;
    if (!(out instanceof Float32Array)) {
      entry.liveOutputs++;
      this.owner.set(out, entry);
    }
    return out;
  }

  /** A texture output was deleted: a retired kernel with no live outputs can now be destroyed. */
  released(value: KernelValue): void {
    const entry = this.owner.get(value);
    if (!entry) return;
    this.owner.delete(value);
    entry.liveOutputs--;
    if (entry.retired && entry.liveOutputs === 0) this.destroyKernel(entry);
  }

  /** Throws if the WebGL context was lost (every texture is gone with it). */
  checkContext(): void {
    const ctx = this.gpu.context;
    if (ctx && typeof ctx.isContextLost === 'function' && ctx.isContextLost()) {
      fail('gpu backend', `the WebGL context of mode '${this.mode}' was lost; every tensor on this backend is gone (create the backend again)`);
    }
  }

  /** Builds the gpu.js kernel of a spec (not yet compiled: gpu.js compiles on the first call). */
  protected create(spec: KernelSpec): KernelShortcut {
    // on GL, trigonometry goes through TRIG_HELPERS (GLSL's built-ins have no specified precision)
    const portable = (src: string) => (this.isDevice ? withPortableTrig(src) : src);
    const run = this.gpu.createKernel(portable(spec.source()), {
      output: [spec.output],
      precision: 'single',
      tactic: 'precision',
      pipeline: true,
      immutable: true,
      optimizeFloatMemory: spec.returnType === undefined,
      ...(spec.returnType ? { returnType: spec.returnType } : {}),
      fixIntegerDivisionAccuracy: true,
      loopMaxIterations: Math.max(1000, (spec.loopMax ?? 0) + 1),
      strictIntegers: false,
      ...(spec.native ? { nativeFunctions: [{ name: spec.native.name, source: spec.native.source(), returnType: spec.native.returnType, argumentTypes: { e: 'Integer' } }] } : {}),
    });
    const helpers = this.isDevice ? [...HELPERS, ...TRIG_HELPERS] : HELPERS;
    for (const h of helpers) run.addFunction(h.source, { argumentTypes: new Array(h.arity).fill('Number'), returnType: 'Number' });
    for (const fn of spec.functions ?? []) run.addFunction(portable(fn.source), { argumentTypes: new Array(fn.arity).fill('Number'), returnType: 'Number' });
    return run;
  }

  private evict(): void {
    while (this.cache.size > this.maxKernels) {
      const oldest = this.cache.values().next().value as CachedKernel;
      this.cache.delete(oldest.key);
      this.stats.evictions++;
      oldest.retired = true;
      if (oldest.liveOutputs === 0) this.destroyKernel(oldest);
    }
  }

  private destroyKernel(entry: CachedKernel): void {
    try {
      entry.run.kernel.destroy(false);
    } catch {
      // a kernel that never built has nothing to free
    }
  }

  /** GL details for backendInfo (null off GL). */
  glInfo(): { renderer: string; version: string; maxTextureSize: number } | null {
    const ctx = this.gpu.context;
    if (!ctx || !this.isDevice) return null;
    let renderer = String(ctx.getParameter(ctx.RENDERER));
    try {
      const debug = ctx.getExtension?.('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null | undefined;
      if (debug) renderer = `${renderer} (${String(ctx.getParameter(debug.UNMASKED_RENDERER_WEBGL))})`;
    } catch {
      // the extension is optional
    }
    return {
      renderer,
      version: String(ctx.getParameter(ctx.VERSION)),
      maxTextureSize: Number(ctx.getParameter(ctx.MAX_TEXTURE_SIZE)),
    };
  }

  maxTextureSize(): number {
    const f = this.expectedClass.features;
    const fromFeatures = f?.maxTextureSize;
    return typeof fromFeatures === 'number' && fromFeatures > 0 ? fromFeatures : Infinity;
  }

  destroy(): void {
    for (const entry of this.cache.values()) this.destroyKernel(entry);
    this.cache.clear();
    this.stats.size = 0;
    try {
      void this.gpu.destroy();
    } catch {
      // nothing left to free
    }
  }
}
