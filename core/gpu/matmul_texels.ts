// Matmul on WebGL that reads whole texels. gpu.js keeps a float32 tensor four values to an RGBA
// texel (optimizeFloatMemory: flat element e is channel e % 4 of texel e / 4), but the code it
// generates reads one element at a time, and every read recomputes a texel address and a channel
// from a flat index. When the operands' rows start on texel boundaries, one texel holds four
// consecutive values of a row, so this kernel reads texels as vec4 in GLSL of its own (a gpu.js
// native function) and computes the four outputs of one output texel together:
//   C = A·B     per 4 values of k: 1 texel of A (A[i, p..p+3]) and 4 of B (B[p+r, j..j+3]),
//               16 multiply-adds per 5 reads instead of 1 per 2 reads;
//   C = A·Bᵀ    the same, B's rows B[j+r, p..p+3] giving 4 dot products;
//   C = Aᵀ·B    Aᵀ is first copied out row-major when k is a multiple of 4 (then A·B); otherwise
//               per value of k: 1 texel of A holding A[p, i] (one channel used) and 1 of B.
// The product kernel returns one vec4 per output texel (gpu.js 'Array(4)'); a second, cheap pass
// copies that texture into the tensor's float storage. (A memory-optimised float kernel would
// write the storage directly, but gpu.js calls it once per channel, and software renderers pay for
// the skipped calls' loop: the two passes are ~25 % faster in SwiftShader.)
//
// The GLSL reads the kernel's arguments by the names gpu.js gives their uniforms (`user_a`;
// src/backend/web-gl/kernel-value): the GPU parity tests of matmul fail if gpu.js renames them.
import type { View } from '../backend.js';
import type { GpuContext } from './context.js';
import { stridedRead } from './movement.js';
import type { GpuTexture, KernelValue } from './runtime.js';

type Form = 'A·B' | 'A·Bᵀ' | 'Aᵀ·B';

/**
 * How matmulTexels computes this product, or null when it cannot (the generic kernel then does):
 * the form of its kernel, and whether Aᵀ is first copied out as a row-major [m, k] matrix (Aᵀ·B
 * reads 2 texels per 4 multiply-adds, A·B 5 per 16, and the copy costs one read per element of A).
 */
export function texelMatmulPlan(ctx: GpuContext, a: View, b: View, transA: boolean, transB: boolean, m: number, k: number, n: number): { form: Form; transposeA: boolean } | null {
  if (ctx.glsl === null) return null;
  // 2-D operands only (batched products keep the generic kernel)
  if (a.shape.length !== 2 || b.shape.length !== 2) return null;
  if (transA && transB) return null;
  // only gpu.js textures have the 4-per-texel layout (device storage always is one)
  if (!isTexture(ctx.input(a, 'matmul')) || !isTexture(ctx.input(b, 'matmul'))) return null;
  // fetchSource's float addresses are exact below 2²² texels (2²⁴ values) per texture
  if (Math.max(m * n, m * k, k * n) >= 2 ** 24 - 8) return null;
  // every row read as texels must start on a texel: n for B's and C's rows, k for A's (and Bᵀ's)
  // rows, m for Aᵀ's rows
  if (n % 4 !== 0) return null;
  if (transA) {
    if (k % 4 === 0) return { form: 'A·B', transposeA: true };
    return m % 4 === 0 ? { form: 'Aᵀ·B', transposeA: false } : null;
  }
  if (k % 4 !== 0) return null;
  return { form: transB ? 'A·Bᵀ' : 'A·B', transposeA: false };
}

const isTexture = (v: KernelValue): boolean => !(v instanceof Float32Array) && v.type === 'MemoryOptimizedNumberTexture';

/** C [m, n] for a plan of texelMatmulPlan, as float storage. */
export function matmulTexels(ctx: GpuContext, a: View, b: View, plan: { form: Form; transposeA: boolean }, m: number, k: number, n: number): KernelValue {
  const version = ctx.glsl!;
  // Aᵀ stored [k, m] → A [m, k] row-major: A(i, p) = stored[p·m + i]
  const av = plan.transposeA ? stridedRead(ctx, ctx.input(a, 'matmul'), m * k, [m, k], [1, m], 0) : ctx.input(a, 'matmul');
  const bv = ctx.input(b, 'matmul');
  const textures = { a: (av as GpuTexture).size, b: (bv as GpuTexture).size };
  const key = `mm4|${plan.form}|${m}x${k}x${n}|${textures.a[0]}x${textures.a[1]}|${textures.b[0]}x${textures.b[1]}|glsl${version}`;
  const cells = ctx.run({
    key,
    source: () => 'function (a, b) {\n  return tg_mm(this.thread.x);\n}',
    output: (m * n) / 4,
    returnType: 'Array(4)',
    native: { name: 'tg_mm', source: () => productSource(version, plan.form, m, k, n, textures), returnType: 'Array(4)' },
  }, [av, bv]);
  if (plan.transposeA) ctx.drop(av);
  // the vec4 texels → the float storage (the same order of values: e is channel e % 4 of texel e / 4)
  const size = (cells as GpuTexture).size;
  const out = ctx.run({
    key: `mm4out|${m * n}|${size[0]}x${size[1]}|glsl${version}`,
    source: () => 'function (c) {\n  return tg_unpack(this.thread.x);\n}',
    output: m * n,
    native: { name: 'tg_unpack', source: () => unpackSource(version, size), returnType: 'Number' },
  }, [cells]);
  ctx.drop(cells);
  return out;
}

const float = (v: number) => (Number.isInteger(v) ? `${v}.0` : `${v}`);

/**
 * `vec4 tg_mm_<name>(float t)`: texel t of argument <name>, at (t mod W, t div W) of its W × H
 * texture. The address is float arithmetic: software renderers (SwiftShader: Chromium's WebGL
 * without a GPU) run integer division far slower than float multiply-adds (the product kernel took
 * 1.8× as long with int addresses, and 1.5× with a divide and a remainder check). t·fl(1/W) is
 * within t·2⁻²³ of t/W (two correctly rounded float32 steps), and (t + ½)/W is at least ½/W from
 * a whole number, so the floor is exact for t + ½ < 2²² (texelMatmulPlan keeps every texel count
 * below that).
 */
function fetchSource(version: 1 | 3, name: string, size: ArrayLike<number>): string {
  const [w, h] = [size[0], size[1]];
  const sample = version === 3 ? 'texture' : 'texture2D';
  return [
    `vec4 tg_mm_${name}(float t) {`,
    `  float y = floor((t + 0.5) * ${float(1 / w)});`,
    `  return ${sample}(user_${name}, (vec2(t - y * ${float(w)}, y) + 0.5) / vec2(${float(w)}, ${float(h)}));`,
    '}',
  ].join('\n');
}

function unpackSource(version: 1 | 3, size: ArrayLike<number>): string {
  return [
    fetchSource(version, 'c', size),
    'float tg_unpack(int e) {',
    '  float cell = floor((float(e) + 0.5) * 0.25);',
    '  float ch = float(e) - cell * 4.0;',
    '  vec4 v = tg_mm_c(cell);',
    '  return ch == 0.0 ? v.x : ch == 1.0 ? v.y : ch == 2.0 ? v.z : v.w;',
    '}',
  ].join('\n');
}

/** `vec4 tg_mm(int cell)`: output texel `cell`, C(i, 4·jq .. 4·jq + 3). */
function productSource(version: 1 | 3, form: Form, m: number, k: number, n: number, textures: { a: ArrayLike<number>; b: ArrayLike<number> }): string {
  const N4 = n / 4;
  let body: string[];
  if (form === 'Aᵀ·B') {
    // A is stored [k, m]: A(i, p) is channel i % 4 of texel p·m/4 + i/4; B(p, j..j+3) is texel p·n/4 + jq
    body = [
      'float iq = floor((i + 0.5) * 0.25);',
      'float ic = i - iq * 4.0;',
      'vec4 pick = vec4(ic == 0.0 ? 1.0 : 0.0, ic == 1.0 ? 1.0 : 0.0, ic == 2.0 ? 1.0 : 0.0, ic == 3.0 ? 1.0 : 0.0);',
      'float ta = iq;',
      'float tb = jq;',
      `for (int p = 0; p < ${k}; p++) {`,
      '  acc += dot(tg_mm_a(ta), pick) * tg_mm_b(tb);',
      `  ta += ${float(m / 4)};`,
      `  tb += ${float(N4)};`,
      '}',
    ];
  } else if (form === 'A·Bᵀ') {
    // A(i, p..p+3) is texel i·k/4 + q; B is stored [n, k]: B(p..p+3, j + r) is texel (j + r)·k/4 + q
    const K4 = k / 4;
    body = [
      `float ta = i * ${float(K4)};`,
      `float tb = jq * ${float(4 * K4)};`,
      `for (int q = 0; q < ${K4}; q++) {`,
      '  vec4 av = tg_mm_a(ta);',
      `  acc += vec4(dot(av, tg_mm_b(tb)), dot(av, tg_mm_b(tb + ${float(K4)})), dot(av, tg_mm_b(tb + ${float(2 * K4)})), dot(av, tg_mm_b(tb + ${float(3 * K4)})));`,
      '  ta += 1.0;',
      '  tb += 1.0;',
      '}',
    ];
  } else {
    // A(i, p..p+3) is texel i·k/4 + q; B(p + r, j..j+3) is texel (4q + r)·n/4 + jq
    const K4 = k / 4;
    body = [
      `float ta = i * ${float(K4)};`,
      'float tb = jq;',
      `for (int q = 0; q < ${K4}; q++) {`,
      '  vec4 av = tg_mm_a(ta);',
      `  acc += av.x * tg_mm_b(tb) + av.y * tg_mm_b(tb + ${float(N4)}) + av.z * tg_mm_b(tb + ${float(2 * N4)}) + av.w * tg_mm_b(tb + ${float(3 * N4)});`,
      '  ta += 1.0;',
      `  tb += ${float(n)};`,
      '}',
    ];
  }
  return [
    fetchSource(version, 'a', textures.a),
    fetchSource(version, 'b', textures.b),
    'vec4 tg_mm(int e) {',
    '  float cell = float(e);',
    `  float i = floor((cell + 0.5) * ${float(1 / N4)});`,
    `  float jq = cell - i * ${float(N4)};`,
    '  vec4 acc = vec4(0.0);',
    ...body.map((line) => `  ${line}`),
    '  return acc;',
    '}',
  ].join('\n');
}
