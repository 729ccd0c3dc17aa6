// Elementwise kernel: maps a scalar function over inputs broadcast to the output shape.
//
// Speed comes from one observation about V8: a call `f(...)` inside a loop is inlined only while
// that call site has seen a single function. A single shared loop calling every op's function is
// megamorphic and pays a full call per element (4–5× slower than inlined for add or mul). So each
// scalar function gets loops of its own: the loop's source is compiled once with `new Function`
// into a factory taking f as its argument (f itself is never turned into source, so any function
// works, closures included), per function source text, dtypes and broadcast pattern. The source
// carries a serial number, because V8 shares type feedback between functions compiled from
// identical text. Functions with the same text (an op that creates its arrow function on every
// call) share a factory and so its compiled code; each still gets a loop bound to itself.
//
// Broadcasting: axes of size 1 are dropped and neighbouring axes merged wherever every input
// walks them contiguously (or not at all), so most cases become one flat loop, or a loop over
// rows with a broadcast row vector. After merging, each input's stride along the innermost axis
// is 1 (it is read element by element) or 0 (one value per row, hoisted out of the loop); the
// compiled loop covers the two innermost axes and an odometer in plain code walks the rest.
import type { ElementwiseFn, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../shape.js';
import { nativeRows } from '../wasm/elementwise.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';

/**
 * Writes rows × cols outputs starting at o[at]; input t starts at offset i_t, moves by its row
 * stride r_t between rows, and by its inner stride (fixed when compiled) within a row.
 * Arguments: (o, at, rows, cols, x0, i0, r0, x1, i1, r1, ..., p0, p1, p2).
 */
type Loop = (...args: unknown[]) => void;

/** Loops bound to each function object, by key (dtypes and inner strides). */
const loops = new WeakMap<ElementwiseFn['fn'], Map<string, Loop>>();
/** Compiled loop factories, by key and the function's source text. */
const factories = new Map<string, (f: ElementwiseFn['fn']) => Loop>();
let serial = 0;

/** Source of the loop for `arity` inputs with the given inner strides (each 0 or 1). */
function loopSource(name: string, arity: number, inner: readonly number[]): string {
  const inputs = Array.from({ length: arity }, (_, t) => t);
  const params = inputs.map((t) => `x${t}, i${t}, r${t}`).join(', ');
  const hoisted = inputs.filter((t) => inner[t] === 0).map((t) => `const v${t} = x${t}[i${t}];`).join(' ');
  const args = inputs.map((t) => (inner[t] === 0 ? `v${t}` : `x${t}[i${t} + j]`)).join(', ');
  const advance = inputs.map((t) => `i${t} += r${t};`).join(' ');
  return [
    `// elementwise '${name}', inner strides [${inner.join(', ')}], #${serial++}`,
    `return function ${name.replace(/\W/g, '_')}Loop(o, at, rows, cols, ${params}, p0, p1, p2) {`,
    `  for (let r = 0; r < rows; r++) {`,
    `    ${hoisted}`,
    `    for (let j = 0; j < cols; j++) o[at + j] = f(${args}, p0, p1, p2);`,
    `    at += cols; ${advance}`,
    `  }`,
    `};`,
  ].join('\n');
}

function loopFor(f: ElementwiseFn, arrays: readonly TypedArray[], out: TypedArray, inner: readonly number[]): Loop {
  // dtypes are part of the key so that each compiled loop sees one kind of typed array
  const key = `${out.constructor.name}(${arrays.map((a, t) => `${a.constructor.name}:${inner[t]}`).join(',')})`;
  let byKey = loops.get(f.fn);
  if (!byKey) loops.set(f.fn, (byKey = new Map()));
  let loop = byKey.get(key);
  if (!loop) {
    const source = `${key} ${f.fn.toString()}`;
    let factory = factories.get(source);
    if (!factory) {
      factory = new Function('f', loopSource(f.name, arrays.length, inner)) as (f: ElementwiseFn['fn']) => Loop;
      factories.set(source, factory);
    }
    loop = factory(f.fn);
    byKey.set(key, loop);
  }
  return loop;
}

/**
 * The output's axes with size-1 axes dropped and mergeable neighbours merged, and each input's
 * strides over them (0 along broadcast axes). Never empty: a one-element output is one axis of 1.
 */
export function coalesce(shapes: readonly Shape[], outShape: Shape): { dims: number[]; strides: number[][] } {
  const full = shapes.map((s) => broadcastStrides(s, outShape));
  const dims: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  outShape.forEach((d, axis) => {
    if (d === 1) return;
    const last = dims.length - 1;
    // axis merges into the previous one when, for every input, stepping the previous axis once
    // equals stepping this axis d times (always true for the contiguous output)
    if (last >= 0 && full.every((s, t) => strides[t][last] === s[axis] * d)) {
      dims[last] *= d;
      full.forEach((s, t) => (strides[t][last] = s[axis]));
      return;
    }
    dims.push(d);
    full.forEach((s, t) => strides[t].push(s[axis]));
  });
  if (dims.length === 0) {
    dims.push(1);
    strides.forEach((s) => s.push(0));
  }
  return { dims, strides };
}

export function elementwise(alloc: CpuAllocator, f: ElementwiseFn, inputs: readonly View[], outShape: Shape, dtype: DType, params: readonly number[]): CpuStorage {
  const size = sizeOf(outShape);
  const out = alloc.alloc(dtype, size, false); // every element is written below
  if (size === 0) return out;
  const arrays = inputs.map((v) => arrayOf(v.storage));
  const { dims, strides } = coalesce(inputs.map((v) => v.shape), outShape);
  const rank = dims.length;
  const cols = dims[rank - 1];
  const rows = rank >= 2 ? dims[rank - 2] : 1;
  const inner = strides.map((s) => s[rank - 1]);
  const rowStrides = strides.map((s) => (rank >= 2 ? s[rank - 2] : 0));
  const native = nativeBlock(f, arrays, out.array, inner, rowStrides);
  const loop = native === null ? loopFor(f, arrays, out.array, inner) : null;
  // the compiled loop's arguments; the input offsets (args[5 + 3t]) follow the odometer
  const args: unknown[] = [out.array, 0, rows, cols];
  arrays.forEach((array, t) => args.push(array, 0, rowStrides[t]));
  args.push(params[0], params[1], params[2]);
  const outer = dims.slice(0, Math.max(0, rank - 2));
  const index = outer.map(() => 0);
  const offsets = arrays.map(() => 0);
  const block = rows * cols;
  for (let at = 0; at < size; at += block) {
    if (native !== null) native(at, offsets, rows, cols);
    else {
      args[1] = at;
      for (let t = 0; t < offsets.length; t++) args[5 + 3 * t] = offsets[t];
      loop!(...args);
    }
    // advance the odometer over the outer axes
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      index[axis]++;
      for (let t = 0; t < offsets.length; t++) offsets[t] += strides[t][axis];
      if (index[axis] < outer[axis]) break;
      for (let t = 0; t < offsets.length; t++) offsets[t] -= strides[t][axis] * outer[axis];
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * The WebAssembly kernel for f's block of rows, when f names one and every array is a float32
 * array in the WebAssembly memory; null runs the JavaScript loop.
 */
function nativeBlock(f: ElementwiseFn, arrays: readonly TypedArray[], out: TypedArray, inner: readonly number[], rowStrides: readonly number[]) {
  if (f.native === undefined) return null;
  const native = residentKernels(out, ...arrays);
  return native === null ? null : nativeRows(native.rt, f.native, native.at, inner, rowStrides);
}
