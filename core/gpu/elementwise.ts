// Elementwise kernel: out[i] = fn(x0[o0(i)], ..., p0, p1, p2) with NumPy broadcasting. The scalar
// function's own source is added to the kernel (gpu.js transpiles it to GLSL, wasm or JS), so
// one declaration serves every backend. Before generating code the output axes are collapsed:
// size-1 axes are dropped and neighbouring axes merged wherever every input walks them
// contiguously, so a same-shape map indexes with the thread id alone.
import type { ElementwiseFn, View } from '../backend.js';
import { fail } from '../errors.js';
import { broadcastStrides, type Shape, stridesOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { coordLines, dotExpr, kernelSource, scalarFunctionSource } from './source.js';
import type { GpuStorage } from './storage.js';

const fnIds = new Map<string, number>();

/** A short stable id per distinct function source (names are not unique: 'sqrt' appears twice). */
function fnId(fn: ElementwiseFn): number {
  const text = fn.fn.toString();
  let id = fnIds.get(text);
  if (id === undefined) {
    id = fnIds.size;
    fnIds.set(text, id);
  }
  return id;
}

/** Drops size-1 output axes and merges axes every input reads contiguously. */
export function collapseAxes(outShape: Shape, inputStrides: readonly number[][]): { shape: number[]; strides: number[][] } {
  const shape: number[] = [];
  const strides: number[][] = inputStrides.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    const mergeable = last >= 0 && inputStrides.every((s, k) => strides[k][last] === s[d] * outShape[d]);
    if (mergeable) {
      shape[last] *= outShape[d];
      inputStrides.forEach((s, k) => (strides[k][last] = s[d]));
    } else {
      shape.push(outShape[d]);
      inputStrides.forEach((s, k) => strides[k].push(s[d]));
    }
  }
  return { shape, strides };
}

export function elementwise(ctx: GpuContext, f: ElementwiseFn, inputs: readonly View[], outShape: Shape, params: readonly number[]): GpuStorage {
  const size = ctx.checkSize('elementwise', outShape);
  if (f === null || typeof f !== 'object' || typeof f.fn !== 'function') fail('elementwise', 'expected an ElementwiseFn {name, fn}');
  const id = fnId(f);
  const fnName = `tg_ew${id}`;
  const scalar = scalarFunctionSource(f, fnName);
  const used = Math.min(inputs.length, scalar.arity);
  const paramCount = Math.min(3, Math.max(0, scalar.arity - inputs.length));
  const values = inputs.slice(0, used).map((v) => ctx.input(v, 'elementwise'));
  for (const v of inputs.slice(0, used)) ctx.checkSize('elementwise', v.shape);
  if (size === 0) return ctx.filled(0, 0);
  const { shape, strides } = collapseAxes(outShape, inputs.slice(0, used).map((v) => broadcastStrides(v.shape, outShape)));
  const contiguous = stridesOf(shape);
  const key = `ew${id}|${shape.join('x')}|${strides.map((s) => s.join(',')).join('|')}|p${paramCount}`;
  const source = () => {
    const args = [...Array.from({ length: used }, (_, k) => `x${k}`), ...Array.from({ length: paramCount }, (_, k) => `p${k}`)];
    const body: string[] = [];
    const needsCoords = strides.some((s) => s.some((v, d) => v !== contiguous[d]));
    if (needsCoords) body.push(...coordLines('f', shape, 'c'));
    const coords = shape.map((_, d) => `c${d}`);
    const reads = strides.map((s, k) => (s.every((v, d) => v === contiguous[d]) ? `x${k}[f]` : `x${k}[${dotExpr(coords, s)}]`));
    const callArgs = [...reads, ...Array.from({ length: paramCount }, (_, k) => `p${k}`)];
    body.push(`return ${fnName}(${callArgs.join(', ')});`);
    return kernelSource(args, body);
  };
  const p = Array.from({ length: paramCount }, (_, k) => (params[k] === undefined ? NaN : params[k]));
  const out = ctx.run({ key, source, output: size, functions: [scalar] }, [...values, ...p]);
  return ctx.wrap(out, size);
}
