// Direct loops that the layers are checked against: the definitions, written as plainly as
// possible over flat row-major arrays, in float64.

export interface Conv2dRef {
  stride: [number, number];
  /** [top, bottom, left, right] zero padding. */
  pads: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** y[n, o, i, j] = b[o] + Σ_{c in o's group, p, q} x[n, c, i·s + p·d − pad, j·s + q·d − pad]·w[o, c, p, q]. */
export function conv2dRef(x: ArrayLike<number>, xs: number[], w: ArrayLike<number>, ws: number[], b: ArrayLike<number> | null, o: Conv2dRef): { y: number[]; shape: number[] } {
  const [N, C, H, W] = xs;
  const [O, Cg, kH, kW] = ws;
  const [sH, sW] = o.stride;
  const [top, bottom, left, right] = o.pads;
  const [dH, dW] = o.dilation;
  const Ho = Math.floor((H + top + bottom - dH * (kH - 1) - 1) / sH) + 1;
  const Wo = Math.floor((W + left + right - dW * (kW - 1) - 1) / sW) + 1;
  const Og = O / o.groups;
  const y: number[] = [];
  for (let n = 0; n < N; n++) for (let oc = 0; oc < O; oc++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let acc = b ? b[oc] : 0;
    const g = Math.floor(oc / Og);
    for (let c = 0; c < Cg; c++) for (let p = 0; p < kH; p++) for (let q = 0; q < kW; q++) {
      const r = i * sH + p * dH - top;
      const s = j * sW + q * dW - left;
      if (r < 0 || r >= H || s < 0 || s >= W) continue;
      acc += x[((n * C + g * Cg + c) * H + r) * W + s] * w[((oc * Cg + c) * kH + p) * kW + q];
    }
    y.push(acc);
  }
  return { y, shape: [N, O, Ho, Wo] };
}

/** PyTorch's pooling output size, with ceil mode's rule that the last window starts inside. */
export function poolOutputSize(size: number, k: number, s: number, pad: number, d: number, ceil: boolean): number {
  const span = size + 2 * pad - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + pad) out--;
  return out;
}

export interface PoolRef {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation?: [number, number];
  ceilMode: boolean;
  countIncludePad?: boolean;
}

/** Max over each (dilated) window, padding never winning; average as PyTorch's avg_pool2d kernel. */
export function pool2dRef(kind: 'max' | 'avg', x: ArrayLike<number>, xs: number[], o: PoolRef): { y: number[]; shape: number[] } {
  const [N, C, H, W] = xs;
  const [kH, kW] = o.kernel;
  const [sH, sW] = o.stride;
  const [pH, pW] = o.padding;
  const [dH, dW] = o.dilation ?? [1, 1];
  const Ho = poolOutputSize(H, kH, sH, pH, dH, o.ceilMode);
  const Wo = poolOutputSize(W, kW, sW, pW, dW, o.ceilMode);
  const y: number[] = [];
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    const at = (r: number, s: number) => x[(nc * H + r) * W + s];
    if (kind === 'max') {
      let best = -Infinity;
      for (let p = 0; p < kH; p++) for (let q = 0; q < kW; q++) {
        const r = i * sH - pH + p * dH, s = j * sW - pW + q * dW;
        if (r >= 0 && r < H && s >= 0 && s < W) best = Math.max(best, at(r, s));
      }
      y.push(best);
    } else {
      let h0 = i * sH - pH, w0 = j * sW - pW;
      let h1 = Math.min(h0 + kH, H + pH), w1 = Math.min(w0 + kW, W + pW);
      const poolSize = (h1 - h0) * (w1 - w0);
      [h0, w0, h1, w1] = [Math.max(h0, 0), Math.max(w0, 0), Math.min(h1, H), Math.min(w1, W)];
      let sum = 0;
      for (let r = h0; r < h1; r++) for (let s = w0; s < w1; s++) sum += at(r, s);
      y.push(sum / (o.countIncludePad ?? true ? poolSize : (h1 - h0) * (w1 - w0)));
    }
  }
  return { y, shape: [N, C, Ho, Wo] };
}

/** Window i of an adaptive pool over `size` into `out`: [⌊i·size/out⌋, ⌈(i+1)·size/out⌉). */
export function adaptiveAvgRef(x: ArrayLike<number>, xs: number[], out: [number, number]): number[] {
  const [N, C, H, W] = xs;
  const y: number[] = [];
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < out[0]; i++) for (let j = 0; j < out[1]; j++) {
    const [h0, h1] = [Math.floor((i * H) / out[0]), Math.ceil(((i + 1) * H) / out[0])];
    const [w0, w1] = [Math.floor((j * W) / out[1]), Math.ceil(((j + 1) * W) / out[1])];
    let sum = 0;
    for (let r = h0; r < h1; r++) for (let s = w0; s < w1; s++) sum += x[(nc * H + r) * W + s];
    y.push(sum / ((h1 - h0) * (w1 - w0)));
  }
  return y;
}

/** Mean and biased variance of each channel (axis 1) of x [N, C, ...]. */
export function channelStats(x: ArrayLike<number>, xs: number[]): { mean: number[]; variance: number[] } {
  const [N, C] = xs;
  const inner = xs.slice(2).reduce((a, b) => a * b, 1);
  const mean: number[] = [], variance: number[] = [];
  for (let c = 0; c < C; c++) {
    const v: number[] = [];
    for (let n = 0; n < N; n++) for (let k = 0; k < inner; k++) v.push(x[(n * C + c) * inner + k]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean.push(m);
    variance.push(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  }
  return { mean, variance };
}
