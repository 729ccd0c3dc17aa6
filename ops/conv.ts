// conv2d, as torch.nn.functional.conv2d: NCHW input, weight [O, C/groups, kH, kW], optional
// bias, stride, zero padding (a number, a pair, 'valid' or 'same'), dilation and groups.
// The convolution is one fused kernel with two backward kernels (input and weight); the bias
// is a broadcast add, so its gradient comes for free. Under createGraph the two gradients are
// recorded ops (gradInput, gradWeight below), so conv2d is differentiable to any order.
import { checkOptions, fail, formatShape } from '../core/errors.js';
import type { Conv2dParams } from '../core/backend.js';
import { tidy } from '../core/scope.js';
import { declareDifferentiableBackward } from '../core/autograd.js';
import type { Shape } from '../core/shape.js';
import { isGradEnabled, record } from '../core/tape.js';
import { fromStorage, type Tensor } from '../core/tensor.js';
import { add } from './binary.js';
import { fusedKernel, pair } from './fused.js';
import { viewAs } from './grad_ops.js';
import { registerOp } from './registry.js';
import { pad as padOp } from './shape.js';
import { checkCompatible, checkTensor, reshapeView } from './util.js';

registerOp('conv2d', 'primitive', true);

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number] | 'same' | 'valid';
  dilation?: number | readonly [number, number];
  groups?: number;
}

/** Output size of one spatial axis, or a clear error when the dilated kernel does not fit. */
export function convOutputSize(op: string, size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode = false): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  if (span < 0) fail(op, `input size ${size} (padding ${padding}) is smaller than the dilated kernel ${dilation * (kernel - 1) + 1}`);
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // PyTorch: with ceilMode the last window must start inside the input or the left padding
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkTensor('conv2d', 'x', x);
  checkTensor('conv2d', 'weight', weight);
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  checkCompatible('conv2d', bias ? [x, weight, bias] : [x, weight]);
  if (x.rank !== 4) fail('conv2d', `expected input [N, C, H, W], got ${formatShape(x.shape)}`);
  if (weight.rank !== 4) fail('conv2d', `expected weight [O, C/groups, kH, kW], got ${formatShape(weight.shape)}`);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) fail('conv2d', `groups must be a positive integer, got ${groups}`);
  const [O, Cg, kH, kW] = weight.shape;
  const C = x.shape[1];
  if (O % groups !== 0) fail('conv2d', `out channels ${O} are not divisible by groups ${groups}`);
  if (Cg * groups !== C) fail('conv2d', `input has ${C} channels but weight ${formatShape(weight.shape)} with groups ${groups} expects ${Cg * groups} (input ${formatShape(x.shape)})`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== O)) fail('conv2d', `bias must be [${O}], got ${formatShape(bias.shape)}`);
  const stride = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const dilation = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  const padding = options.padding ?? 0;
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) fail('conv2d', "padding 'same' needs stride 1 (as in PyTorch)");
    // total padding d·(k − 1) per axis; an odd total puts the extra zero at the bottom/right
    const totals = [dilation[0] * (kH - 1), dilation[1] * (kW - 1)];
    const before: [number, number] = [Math.floor(totals[0] / 2), Math.floor(totals[1] / 2)];
    const extraH = totals[0] - 2 * before[0], extraW = totals[1] - 2 * before[1];
    if (extraH === 0 && extraW === 0) return convolve(x, weight, bias, { stride, padding: before, dilation, groups });
    return tidy(() => convolve(padOp(x, [0, extraW, 0, extraH]), weight, bias, { stride, padding: before, dilation, groups }));
  }
  const pads = padding === 'valid' ? ([0, 0] as [number, number]) : pair('conv2d', 'padding', padding, 0);
  return convolve(x, weight, bias, { stride, padding: pads, dilation, groups });
}

function convolve(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, p: Conv2dParams): Tensor {
  const [N, , H, W] = x.shape;
  const [O, , kH, kW] = weight.shape;
  const outShape = [
    N, O,
    convOutputSize('conv2d', H, kH, p.stride[0], p.padding[0], p.dilation[0]),
    convOutputSize('conv2d', W, kW, p.stride[1], p.padding[1], p.dilation[1]),
  ];
  const forward = fusedKernel('conv2d', x, 'conv2d');
  const y = fromStorage(forward(x.kernelView(), weight.kernelView(), p, outShape), outShape, x.dtype, x.backend);
  record('conv2d', [x, weight], y, (g, needs) => {
    // recording on means createGraph: each gradient is an op with a backward of its own
    if (isGradEnabled()) return [needs[0] ? gradInput(g, weight, p, x.shape) : null, needs[1] ? gradWeight(g, x, p, weight.shape) : null];
    return [
      x.requiresGrad ? fromStorage(fusedKernel('conv2d', x, 'conv2dGradInput')(g.kernelView(), weight.kernelView(), p, x.shape), x.shape, x.dtype, x.backend) : null,
      weight.requiresGrad ? fromStorage(fusedKernel('conv2d', x, 'conv2dGradWeight')(g.kernelView(), x.kernelView(), p, weight.shape), weight.shape, x.dtype, x.backend) : null,
    ];
  }, [x, weight]);
  if (!bias) return y;
  return tidy(() => add(y, reshapeBias(bias)));
}

/** [O] viewed as [1, O, 1, 1], recorded so the bias gets its gradient (a recorded view back). */
function reshapeBias(bias: Tensor): Tensor {
  const shape = [1, bias.shape[0], 1, 1];
  return record('reshape', [bias], reshapeView(bias, shape), (g) => [viewAs(g, bias.shape)]);
}

// Second order. The input gradient dx = convᵀ(g, w) and the weight gradient dw = corr(x, g) are
// bilinear, and the three maps conv2d, gradInput and gradWeight are each other's adjoints:
//   ⟨u, gradInput(g, w)⟩ = ⟨conv2d(u, w), g⟩ = ⟨gradWeight(g, u), w⟩
// so every derivative of a gradient is one of the three again, to any order.
declareDifferentiableBackward('conv2dGradInput');
declareDifferentiableBackward('conv2dGradWeight');

function gradInput(g: Tensor, w: Tensor, p: Conv2dParams, inShape: Shape): Tensor {
  const dx = fromStorage(fusedKernel('conv2d', g, 'conv2dGradInput')(g.kernelView(), w.kernelView(), p, inShape), inShape, g.dtype, g.backend);
  return record('conv2dGradInput', [g, w], dx, (u, needs) => [
    needs[0] ? convolve(u, w, null, p) : null,
    needs[1] ? gradWeight(g, u, p, w.shape) : null,
  ], [g, w]);
}

function gradWeight(g: Tensor, x: Tensor, p: Conv2dParams, wShape: Shape): Tensor {
  const dw = fromStorage(fusedKernel('conv2d', g, 'conv2dGradWeight')(g.kernelView(), x.kernelView(), p, wShape), wShape, g.dtype, g.backend);
  return record('conv2dGradWeight', [g, x], dw, (u, needs) => [
    needs[0] ? convolve(x, u, null, p) : null,
    needs[1] ? gradInput(g, u, p, x.shape) : null,
  ], [g, x]);
}
