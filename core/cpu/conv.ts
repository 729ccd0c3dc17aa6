// 2-D convolution on the CPU as im2col + gemm. For each sample and group, the input patches are
// unrolled into a matrix col [K × P] (K = C/groups·kH·kW taps, P = Ho·Wo output positions), so
//   forward      out[O_g × P] = W_g[O_g × K] · col
//   grad weight  dW_g[O_g × K] += G[O_g × P] · colᵀ
//   grad input   dcol[K × P] = W_gᵀ · G, then col2im adds each tap back to the pixel it read.
// For float32 in the WebAssembly memory, im2col and col2im run in core/wasm/assembly/im2col.ts.
// Every product goes through gemmItems (matmul.ts): the WebAssembly kernel for float32, reading
// the operands in place, or the register-tiled JavaScript kernel; both take the transposes.
import type { Conv2dParams, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { type Shape, sizeOf } from '../shape.js';
import type { GemmBatchItem } from '../wasm/matmul.js';
import { gemmItems } from './matmul.js';
import { arrayOf, type CpuAllocator, type CpuStorage } from './storage.js';
import { residentKernels } from './wasm_switch.js';
import { countRun } from '../wasm/runtime.js';

interface Geometry {
  N: number; C: number; H: number; W: number;
  O: number; kH: number; kW: number; Ho: number; Wo: number;
  Cg: number; Og: number; K: number; P: number;
}

function geometry(xShape: Shape, wShape: Shape, outShape: Shape, p: Conv2dParams): Geometry {
  const [N, C, H, W] = xShape;
  const [O, , kH, kW] = wShape;
  const [, , Ho, Wo] = outShape;
  const Cg = C / p.groups;
  return { N, C, H, W, O, kH, kW, Ho, Wo, Cg, Og: O / p.groups, K: Cg * kH * kW, P: Ho * Wo };
}

/** col[k, q] = x[n, g·Cg + c, ih, iw] for tap k = (c, kh, kw) at output position q, 0 in the padding. */
function im2col(x: TypedArray, xOff: number, geo: Geometry, p: Conv2dParams, col: TypedArray, colOff: number): void {
  const native = residentKernels(x, col);
  if (native) {
    const { rt, at } = native;
    countRun('im2col');
    rt.exports.im2col(at[0] + xOff * 4, geo.Cg, geo.H, geo.W, geo.kH, geo.kW, geo.Ho, geo.Wo, ...p.stride, ...p.padding, ...p.dilation, at[1] + colOff * 4);
    return;
  }
  im2colJs(x, xOff, geo, p, col.subarray(colOff));
}

function im2colJs(x: TypedArray, xOff: number, geo: Geometry, p: Conv2dParams, col: TypedArray): void {
  const { H, W, kH, kW, Ho, Wo, Cg, P } = geo;
  const [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  for (let c = 0; c < Cg; c++) {
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        const row = ((c * kH + kh) * kW + kw) * P;
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * sH - pH + kh * dH;
          const out = row + oh * Wo;
          if (ih < 0 || ih >= H) {
            col.fill(0, out, out + Wo);
            continue;
          }
          const rowIn = xOff + (c * H + ih) * W;
          for (let ow = 0; ow < Wo; ow++) {
            const iw = ow * sW - pW + kw * dW;
            col[out + ow] = iw >= 0 && iw < W ? x[rowIn + iw] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx[n, g·Cg + c, ih, iw] += dcol[k, q]. */
function col2im(dcol: TypedArray, dcolOff: number, geo: Geometry, p: Conv2dParams, dx: TypedArray, xOff: number): void {
  const native = residentKernels(dcol, dx);
  if (native) {
    const { rt, at } = native;
    countRun('col2im');
    rt.exports.col2im(at[0] + dcolOff * 4, geo.Cg, geo.H, geo.W, geo.kH, geo.kW, geo.Ho, geo.Wo, ...p.stride, ...p.padding, ...p.dilation, at[1] + xOff * 4);
    return;
  }
  col2imJs(dcol.subarray(dcolOff), geo, p, dx, xOff);
}

function col2imJs(dcol: TypedArray, geo: Geometry, p: Conv2dParams, dx: TypedArray, xOff: number): void {
  const { H, W, kH, kW, Ho, Wo, Cg, P } = geo;
  const [sH, sW] = p.stride, [pH, pW] = p.padding, [dH, dW] = p.dilation;
  for (let c = 0; c < Cg; c++) {
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        const row = ((c * kH + kh) * kW + kw) * P;
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * sH - pH + kh * dH;
          if (ih < 0 || ih >= H) continue;
          const rowIn = xOff + (c * H + ih) * W;
          for (let ow = 0; ow < Wo; ow++) {
            const iw = ow * sW - pW + kw * dW;
            if (iw >= 0 && iw < W) dx[rowIn + iw] += dcol[row + oh * Wo + ow];
          }
        }
      }
    }
  }
}

/**
 * Scratch space for col/dcol: a storage from the allocator (so a float32 one lives in the
 * WebAssembly memory, where the matrix product reads it in place), given back by `done`.
 */
function scratch(alloc: CpuAllocator, dtype: DType, size: number): { array: TypedArray; done: () => void } {
  const storage = alloc.alloc(dtype, size, false);
  return { array: storage.array, done: () => alloc.release(storage) };
}

/**
 * Samples per chunk: the unrolled inputs of a chunk (groups·K·P values per sample) stay under
 * 8M values (32 MB in float32), so a large batch does not make a huge scratch buffer.
 */
function chunkOf(N: number, perSample: number): number {
  return Math.max(1, Math.min(N, Math.floor((8 << 20) / Math.max(1, perSample))));
}

/** Runs fn over the samples in chunks, with col/dcol scratch for one chunk. */
function inChunks(alloc: CpuAllocator, dtype: DType, geo: Geometry, groups: number, fn: (n0: number, n1: number, col: TypedArray) => void): void {
  const per = groups * geo.K * geo.P;
  const chunk = chunkOf(geo.N, per);
  const col = scratch(alloc, dtype, chunk * per);
  for (let n0 = 0; n0 < geo.N; n0 += chunk) fn(n0, Math.min(geo.N, n0 + chunk), col.array);
  col.done();
}

/** One item per sample of the chunk, for group g. */
function items(n0: number, n1: number, item: (n: number) => GemmBatchItem): GemmBatchItem[] {
  return Array.from({ length: n1 - n0 }, (_, i) => item(n0 + i));
}

export function conv2d(alloc: CpuAllocator, xv: View, wv: View, p: Conv2dParams, outShape: Shape): CpuStorage {
  const x = arrayOf(xv.storage), w = arrayOf(wv.storage);
  const geo = geometry(xv.shape, wv.shape, outShape, p);
  const { C, H, W, O, Og, K, P, Cg } = geo;
  const out = alloc.alloc(xv.dtype, sizeOf(outShape), false);
  inChunks(alloc, xv.dtype, geo, p.groups, (n0, n1, col) => {
    const at = (n: number, g: number) => ((n - n0) * p.groups + g) * K * P;
    for (let n = n0; n < n1; n++) for (let g = 0; g < p.groups; g++) im2col(x, (n * C + g * Cg) * H * W, geo, p, col, at(n, g));
    // out_g [Og × P] = W_g [Og × K] · col [K × P], every sample of the chunk in one call
    for (let g = 0; g < p.groups; g++) {
      gemmItems(w, false, col, false, out.array, Og, P, K, items(n0, n1, (n) => ({ a: g * Og * K, b: at(n, g), c: (n * O + g * Og) * P })));
    }
  });
  return out;
}

export function conv2dGradWeight(alloc: CpuAllocator, gv: View, xv: View, p: Conv2dParams, wShape: Shape): CpuStorage {
  const gr = arrayOf(gv.storage), x = arrayOf(xv.storage);
  const geo = geometry(xv.shape, wShape, gv.shape, p);
  const { C, H, W, O, Og, K, P, Cg } = geo;
  const dw = alloc.alloc(xv.dtype, sizeOf(wShape));
  inChunks(alloc, xv.dtype, geo, p.groups, (n0, n1, col) => {
    const at = (n: number, g: number) => ((n - n0) * p.groups + g) * K * P;
    for (let n = n0; n < n1; n++) for (let g = 0; g < p.groups; g++) im2col(x, (n * C + g * Cg) * H * W, geo, p, col, at(n, g));
    // dW_g [Og × K] += G [Og × P] · colᵀ [P × K], summed over the samples in order
    for (let g = 0; g < p.groups; g++) {
      gemmItems(gr, false, col, true, dw.array, Og, K, P, items(n0, n1, (n) => ({ a: (n * O + g * Og) * P, b: at(n, g), c: g * Og * K })), true);
    }
  });
  return dw;
}

export function conv2dGradInput(alloc: CpuAllocator, gv: View, wv: View, p: Conv2dParams, inShape: Shape): CpuStorage {
  const gr = arrayOf(gv.storage), w = arrayOf(wv.storage);
  const geo = geometry(inShape, wv.shape, gv.shape, p);
  const { C, H, W, O, Og, K, P, Cg } = geo;
  const dx = alloc.alloc(gv.dtype, sizeOf(inShape));
  inChunks(alloc, gv.dtype, geo, p.groups, (n0, n1, dcol) => {
    const at = (n: number, g: number) => ((n - n0) * p.groups + g) * K * P;
    // dcol [K × P] = W_gᵀ [K × Og] · G [Og × P]
    for (let g = 0; g < p.groups; g++) {
      gemmItems(w, true, gr, false, dcol, K, P, Og, items(n0, n1, (n) => ({ a: g * Og * K, b: (n * O + g * Og) * P, c: at(n, g) })));
    }
    for (let n = n0; n < n1; n++) for (let g = 0; g < p.groups; g++) col2im(dcol, at(n, g), geo, p, dx.array, (n * C + g * Cg) * H * W);
  });
  return dx;
}
