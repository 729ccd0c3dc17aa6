// 2-D pooling over the last two axes of [N, C, H, W]. Every kind is one loop over output
// positions and the input window each reads; `window` says where that window lies.
//   max          the window's maximum (padding never wins); its gradient goes to the first
//                maximum of the window, as in PyTorch
//   avg          the mean, divided by the window size with or without the padded positions
//   adaptiveAvg  PyTorch's adaptive windows [floor(i·H/Ho), ceil((i+1)·H/Ho))
// For float32 in the WebAssembly memory, the same loops run in core/wasm/assembly/pool.ts over
// the windows computed here.
import type { Pool2dParams, View } from '../backend.js';
import { type Shape, sizeOf } from '../shape.js';
import type { TypedArray } from '../dtype.js';
import { countRun } from '../wasm/runtime.js';
import { pointerOf } from '../wasm/heap.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';

interface Window {
  /** Input rows [h0, h1) and columns [w0, w1), already clipped to the input; step = dilation. */
  h0: number; h1: number; w0: number; w1: number; dh: number; dw: number;
  /** What an average divides by. */
  divisor: number;
}

function window(p: Pool2dParams, H: number, W: number, Ho: number, Wo: number, oh: number, ow: number): Window {
  if (p.kind === 'adaptiveAvg') {
    const h0 = Math.floor((oh * H) / Ho), h1 = Math.ceil(((oh + 1) * H) / Ho);
    const w0 = Math.floor((ow * W) / Wo), w1 = Math.ceil(((ow + 1) * W) / Wo);
    return { h0, h1, w0, w1, dh: 1, dw: 1, divisor: (h1 - h0) * (w1 - w0) };
  }
  const [kH, kW] = p.kernel, [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  let hs = oh * sH - pH, ws = ow * sW - pW;
  // PyTorch's avg divisor: the window clipped to the padded input, or to the input itself
  const he = Math.min(hs + (kH - 1) * dH + 1, H + pH), we = Math.min(ws + (kW - 1) * dW + 1, W + pW);
  const padded = (he - hs) * (we - ws);
  // first tap inside the input (stepping by the dilation), and the end clipped to the input
  while (hs < 0) hs += dH;
  while (ws < 0) ws += dW;
  const h1 = Math.min(he, H), w1 = Math.min(we, W);
  const inside = Math.max(0, Math.ceil((h1 - hs) / dH)) * Math.max(0, Math.ceil((w1 - ws) / dW));
  return { h0: hs, h1, w0: ws, w1, dh: dH, dw: dW, divisor: p.countIncludePad ? padded : inside };
}

/**
 * The windows of every output position in the WebAssembly memory (six i32 each, then the divisors
 * as f64), for core/wasm/assembly/pool.ts; null when the kernels cannot run on these arrays.
 */
function wasmWindows(alloc: CpuAllocator, p: Pool2dParams, arrays: readonly TypedArray[], H: number, W: number, Ho: number, Wo: number) {
  const native = residentKernels(...arrays);
  if (!native || Ho * Wo === 0) return null;
  const { rt, at } = native;
  const positions = Ho * Wo;
  const ints = Math.ceil((positions * 6) / 2) * 2; // the divisors start 8-byte aligned
  const table = alloc.alloc('float32', ints + positions * 2, false);
  const at0 = pointerOf(rt, table.array as Float32Array);
  if (at0 < 0) {
    alloc.release(table);
    return null;
  }
  const windows = new Int32Array(rt.memory.buffer, at0, positions * 6);
  const divisors = new Float64Array(rt.memory.buffer, at0 + ints * 4, positions);
  for (let oh = 0; oh < Ho; oh++) {
    for (let ow = 0; ow < Wo; ow++) {
      const q = oh * Wo + ow, win = window(p, H, W, Ho, Wo, oh, ow);
      windows.set([win.h0, win.h1, win.w0, win.w1, win.dh, win.dw], q * 6);
      divisors[q] = win.divisor;
    }
  }
  return { rt, at, windows: at0, divisors: at0 + ints * 4, done: () => alloc.release(table) };
}

export function pool2d(alloc: CpuAllocator, xv: View, p: Pool2dParams, outShape: Shape): CpuStorage {
  const x = arrayOf(xv.storage);
  const [N, C, H, W] = xv.shape;
  const [, , Ho, Wo] = outShape;
  const out = alloc.alloc(xv.dtype, sizeOf(outShape), false);
  const o = out.array;
  const native = wasmWindows(alloc, p, [x, o], H, W, Ho, Wo);
  if (native) {
    countRun('pool2d');
    native.rt.exports.pool2d(p.kind === 'max' ? 0 : 1, native.at[0], N * C, H, W, Ho, Wo, native.windows, native.divisors, native.at[1]);
    native.done();
    return out;
  }
  for (let oh = 0; oh < Ho; oh++) {
    for (let ow = 0; ow < Wo; ow++) {
      const win = window(p, H, W, Ho, Wo, oh, ow);
      for (let plane = 0; plane < N * C; plane++) {
        const base = plane * H * W;
        let acc = p.kind === 'max' ? -Infinity : 0;
        for (let h = win.h0; h < win.h1; h += win.dh) {
          for (let w = win.w0; w < win.w1; w += win.dw) {
            const v = x[base + h * W + w];
            if (p.kind === 'max') {
              if (v > acc || v !== v) acc = v;
            } else acc += v;
          }
        }
        o[plane * Ho * Wo + oh * Wo + ow] = p.kind === 'max' ? acc : acc / win.divisor;
      }
    }
  }
  return out;
}

export function pool2dGrad(alloc: CpuAllocator, gv: View, xv: View, p: Pool2dParams): CpuStorage {
  const g = arrayOf(gv.storage), x = arrayOf(xv.storage);
  const [N, C, H, W] = xv.shape;
  const [, , Ho, Wo] = gv.shape;
  const dx = alloc.alloc(xv.dtype, sizeOf(xv.shape));
  const d = dx.array;
  const native = wasmWindows(alloc, p, [g, x, d], H, W, Ho, Wo);
  if (native) {
    countRun('pool2dGrad');
    native.rt.exports.pool2dGrad(p.kind === 'max' ? 0 : 1, native.at[0], native.at[1], N * C, H, W, Ho, Wo, native.windows, native.divisors, native.at[2]);
    native.done();
    return dx;
  }
  for (let oh = 0; oh < Ho; oh++) {
    for (let ow = 0; ow < Wo; ow++) {
      const win = window(p, H, W, Ho, Wo, oh, ow);
      for (let plane = 0; plane < N * C; plane++) {
        const base = plane * H * W;
        const grad = g[plane * Ho * Wo + oh * Wo + ow];
        if (p.kind === 'max') {
          let best = -Infinity, at = -1;
          for (let h = win.h0; h < win.h1; h += win.dh) {
            for (let w = win.w0; w < win.w1; w += win.dw) {
              const v = x[base + h * W + w];
              if (v > best || (v !== v && best === best)) {
                best = v;
                at = base + h * W + w;
              }
            }
          }
          if (at >= 0) d[at] += grad;
        } else {
          const share = grad / win.divisor;
          for (let h = win.h0; h < win.h1; h += win.dh) for (let w = win.w0; w < win.w1; w += win.dw) d[base + h * W + w] += share;
        }
      }
    }
  }
  return dx;
}
