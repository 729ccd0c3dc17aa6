// Pooling, as torch.nn.functional: max_pool2d (kernel, stride, padding, dilation, ceil_mode),
// avg_pool2d (kernel, stride, padding, ceil_mode, count_include_pad) and adaptive_avg_pool2d.
// Input [N, C, H, W] or [C, H, W]. One fused kernel per direction serves all three.
import { checkOptions, fail, formatShape } from '../core/errors.js';
import type { Pool2dParams } from '../core/backend.js';
import { isGradEnabled, record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { convOutputSize } from './conv.js';
import { fusedKernel, pair } from './fused.js';
import { poolGradRecorded } from './pool_grad.js';
import { registerOp } from './registry.js';
import { checkTensor, reshapeView } from './util.js';

// twice differentiable (to any order): under createGraph the gradients are recorded (pool_grad.ts)
registerOp('maxPool2d', 'primitive', true);
registerOp('avgPool2d', 'primitive', true);
registerOp('adaptiveAvgPool2d', 'primitive', true);

type Pair = number | readonly [number, number];

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

function pool(op: string, x: Tensor, p: Pool2dParams, outHW: (H: number, W: number) => [number, number]): Tensor {
  checkTensor(op, 'x', x);
  if (x.rank !== 3 && x.rank !== 4) fail(op, `expected input [N, C, H, W] or [C, H, W], got ${formatShape(x.shape)}`);
  const x4 = x.rank === 4 ? x : reshapeView(x, [1, ...x.shape]);
  const [N, C, H, W] = x4.shape;
  const [Ho, Wo] = outHW(H, W);
  const outShape = [N, C, Ho, Wo];
  const y4 = fromStorage(fusedKernel(op, x, 'pool2d')(x4.kernelView(), p, outShape), outShape, x.dtype, x.backend);
  const y = x.rank === 4 ? y4 : reshapeView(y4, [C, Ho, Wo]);
  if (y !== y4) y4.dispose();
  return record(op, [x], y, (g) => {
    // recording on means createGraph: the gradient is a linear map recorded with its adjoint
    if (isGradEnabled()) return [poolGradRecorded(op, g, x4, p, outShape, x.shape)];
    const dx = fusedKernel(op, x, 'pool2dGrad')(reshapeView(g, outShape).kernelView(), x4.kernelView(), p);
    return [fromStorage(dx, x.shape, x.dtype, x.backend)];
  }, x4 === x ? [x] : [x, x4]); // x4, a view of a 3-D x, is read by the backward too: held with it
}

function checkPadding(op: string, padding: [number, number], kernel: [number, number], dilation: [number, number]): void {
  padding.forEach((pd, i) => {
    const effective = dilation[i] * (kernel[i] - 1) + 1;
    if (pd > Math.floor(effective / 2)) fail(op, `padding ${pd} must be at most half the (dilated) kernel size ${effective}`);
  });
}

export function maxPool2d(x: Tensor, options: MaxPool2dOptions): Tensor {
  checkOptions('maxPool2d', options, ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode']);
  const kernel = pair('maxPool2d', 'kernelSize', options?.kernelSize, 1);
  const stride = pair('maxPool2d', 'stride', options.stride ?? kernel, 1);
  const padding = pair('maxPool2d', 'padding', options.padding ?? 0, 0);
  const dilation = pair('maxPool2d', 'dilation', options.dilation ?? 1, 1);
  checkPadding('maxPool2d', padding, kernel, dilation);
  const ceil = options.ceilMode ?? false;
  const p: Pool2dParams = { kind: 'max', kernel, stride, padding, dilation, countIncludePad: false };
  return pool('maxPool2d', x, p, (H, W) => [
    convOutputSize('maxPool2d', H, kernel[0], stride[0], padding[0], dilation[0], ceil),
    convOutputSize('maxPool2d', W, kernel[1], stride[1], padding[1], dilation[1], ceil),
  ]);
}

export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  checkOptions('avgPool2d', options, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad']);
  const kernel = pair('avgPool2d', 'kernelSize', options?.kernelSize, 1);
  const stride = pair('avgPool2d', 'stride', options.stride ?? kernel, 1);
  const padding = pair('avgPool2d', 'padding', options.padding ?? 0, 0);
  checkPadding('avgPool2d', padding, kernel, [1, 1]);
  const ceil = options.ceilMode ?? false;
  const p: Pool2dParams = { kind: 'avg', kernel, stride, padding, dilation: [1, 1], countIncludePad: options.countIncludePad ?? true };
  return pool('avgPool2d', x, p, (H, W) => [
    convOutputSize('avgPool2d', H, kernel[0], stride[0], padding[0], 1, ceil),
    convOutputSize('avgPool2d', W, kernel[1], stride[1], padding[1], 1, ceil),
  ]);
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const size = pair('adaptiveAvgPool2d', 'outputSize', outputSize, 1);
  const p: Pool2dParams = { kind: 'adaptiveAvg', kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1], countIncludePad: false };
  return pool('adaptiveAvgPool2d', x, p, () => size);
}
