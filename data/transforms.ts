// Batch transforms for NCHW images, as torchvision's Normalize, RandomCrop(padding) and
// RandomRotation. They run on the host batch before it becomes a tensor (no autograd, no
// device round trip), with plain loops; random ones draw from the Generator the DataLoader
// hands them, one draw per sample, so a seed and an epoch fix every augmentation.
import { allocArray, dtypeOfArray, type TypedArray } from '../core/dtype.js';
import { checkFinite, checkInteger, checkOptions, fail, formatShape } from '../core/errors.js';
import type { Generator } from '../core/rng.js';

export interface HostBatch {
  data: TypedArray;
  shape: readonly number[];
}

export type Transform = (batch: HostBatch, rng: Generator) => HostBatch;

/** Applies transforms left to right. */
export function compose(...transforms: Transform[]): Transform {
  return (batch, rng) => transforms.reduce((b, t) => t(b, rng), batch);
}

function nchw(fn: string, batch: HostBatch): [number, number, number, number] {
  if (batch.shape.length !== 4) fail(fn, `expected an NCHW batch [N, C, H, W], got ${formatShape(batch.shape)}`);
  return batch.shape as [number, number, number, number];
}

function perChannel(fn: string, name: string, value: number | readonly number[]): number[] {
  const list = typeof value === 'number' ? [value] : [...value];
  if (list.length === 0) fail(fn, `${name} must be a number or a non-empty list`);
  list.forEach((v, i) => checkFinite(fn, `${name}[${i}]`, v));
  return list;
}

/** (x − mean[c]) / std[c] per channel (axis 1 of any [N, C, ...] batch); scalars apply to all. */
export function normalise(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const fn = 'normalise';
  const means = perChannel(fn, 'mean', mean);
  const stds = perChannel(fn, 'std', std);
  if (stds.some((s) => s <= 0)) fail(fn, `std must be positive, got ${JSON.stringify(std)}`);
  return ({ data, shape }) => {
    if (shape.length < 2) fail(fn, `expected a batch [N, C, ...], got ${formatShape(shape)}`);
    const [n, c] = shape;
    for (const [name, list] of [['mean', means], ['std', stds]] as const) {
      if (list.length !== 1 && list.length !== c) fail(fn, `${name} has ${list.length} values for ${c} channels`);
    }
    const inner = data.length / (n * c);
    const out = allocArray(dtypeOfArray(data), data.length);
    for (let i = 0; i < n * c; i++) {
      const ch = i % c;
      const m = means[means.length === 1 ? 0 : ch];
      const s = stds[stds.length === 1 ? 0 : ch];
      for (let k = i * inner; k < (i + 1) * inner; k++) out[k] = (data[k] - m) / s;
    }
    return { data: out, shape };
  };
}

/** torchvision's spelling. */
export const normalize = normalise;

/**
 * Pads each image by `padding` on every side with `fill`, then cuts a size × size window at a
 * random position (the classic CIFAR/MNIST augmentation: size = H with padding 4 keeps the shape).
 */
export function randomCrop(size: number | readonly [number, number], options: { padding?: number; fill?: number } = {}): Transform {
  const fn = 'randomCrop';
  checkOptions(fn, options, ['padding', 'fill']);
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  checkInteger(fn, 'height', h);
  checkInteger(fn, 'width', w);
  const padding = checkInteger(fn, 'padding', options.padding ?? 4);
  const fill = checkFinite(fn, 'fill', options.fill ?? 0);
  if (h < 1 || w < 1 || padding < 0) fail(fn, `size must be positive and padding non-negative, got size ${h}×${w}, padding ${padding}`);
  return (batch, rng) => {
    const [n, c, H, W] = nchw(fn, batch);
    if (h > H + 2 * padding || w > W + 2 * padding) fail(fn, `crop ${h}×${w} is larger than the padded image ${H + 2 * padding}×${W + 2 * padding}`);
    const out = allocArray(dtypeOfArray(batch.data), n * c * h * w);
    for (let s = 0; s < n; s++) {
      // the window's top-left corner, in unpadded coordinates (negative = inside the padding)
      const top = rng.integer(0, H + 2 * padding - h + 1) - padding;
      const left = rng.integer(0, W + 2 * padding - w + 1) - padding;
      for (let ch = 0; ch < c; ch++) {
        const src = (s * c + ch) * H * W;
        const dst = (s * c + ch) * h * w;
        for (let i = 0; i < h; i++) {
          const y = top + i;
          for (let j = 0; j < w; j++) {
            const x = left + j;
            out[dst + i * w + j] = y >= 0 && y < H && x >= 0 && x < W ? batch.data[src + y * W + x] : fill;
          }
        }
      }
    }
    return { data: out, shape: [n, c, h, w] };
  };
}

export interface RotationOptions {
  /** 'nearest' (default) or 'bilinear' sampling of the source image. */
  interpolation?: 'nearest' | 'bilinear';
  /** Value for pixels that come from outside the image. */
  fill?: number;
}

/**
 * Rotates each image about its centre by an angle drawn uniformly from [−degrees, degrees]
 * (or [min, max]); positive angles turn counter-clockwise, as in torchvision, so 90° equals
 * numpy's rot90: transpose H and W, then flip H.
 */
export function randomRotation(degrees: number | readonly [number, number], options: RotationOptions = {}): Transform {
  const fn = 'randomRotation';
  checkOptions(fn, options, ['interpolation', 'fill']);
  const [lo, hi] = typeof degrees === 'number' ? [-Math.abs(degrees), Math.abs(degrees)] : degrees;
  checkFinite(fn, 'min degrees', lo);
  checkFinite(fn, 'max degrees', hi);
  if (lo > hi) fail(fn, `degrees must be [min, max] with min ≤ max, got [${lo}, ${hi}]`);
  const interpolation = options.interpolation ?? 'nearest';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') fail(fn, `interpolation must be 'nearest' or 'bilinear', got ${String(interpolation)}`);
  const fill = checkFinite(fn, 'fill', options.fill ?? 0);
  return (batch, rng) => {
    const [n, c, H, W] = nchw(fn, batch);
    const out = allocArray(dtypeOfArray(batch.data), batch.data.length);
    const cy = (H - 1) / 2;
    const cx = (W - 1) / 2;
    for (let s = 0; s < n; s++) {
      const theta = ((lo + (hi - lo) * rng.uniform()) * Math.PI) / 180;
      const cos = Math.cos(theta);
      const sin = Math.sin(theta);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          // inverse map: turn the output pixel back by −θ to find where it comes from
          // (x to the right, y up, so a positive θ is counter-clockwise on screen)
          const x = j - cx;
          const y = cy - i;
          const sx = cos * x + sin * y + cx;
          const sy = cy - (-sin * x + cos * y);
          for (let ch = 0; ch < c; ch++) {
            const plane = (s * c + ch) * H * W;
            out[plane + i * W + j] = interpolation === 'nearest'
              ? pixel(batch.data, plane, H, W, Math.round(sy), Math.round(sx), fill)
              : bilinear(batch.data, plane, H, W, sy, sx, fill);
          }
        }
      }
    }
    return { data: out, shape: batch.shape };
  };
}

function pixel(data: TypedArray, plane: number, H: number, W: number, y: number, x: number, fill: number): number {
  return y >= 0 && y < H && x >= 0 && x < W ? data[plane + y * W + x] : fill;
}

function bilinear(data: TypedArray, plane: number, H: number, W: number, y: number, x: number, fill: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const dy = y - y0;
  const dx = x - x0;
  const top = (1 - dx) * pixel(data, plane, H, W, y0, x0, fill) + dx * pixel(data, plane, H, W, y0, x0 + 1, fill);
  const bottom = (1 - dx) * pixel(data, plane, H, W, y0 + 1, x0, fill) + dx * pixel(data, plane, H, W, y0 + 1, x0 + 1, fill);
  return (1 - dy) * top + dy * bottom;
}
