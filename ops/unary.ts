// Unary ops: one generic forward (an elementwise kernel over the table's f) and one generic
// backward (an elementwise kernel over the table's grad, reading g, x and y).
import { checkFinite, fail } from '../core/errors.js';
import { record } from '../core/tape.js';
import type { Tensor } from '../core/tensor.js';
import { unaryGrad } from './grad_ops.js';
import { registerOp } from './registry.js';
import { UNARY, type UnaryDef } from './unary_table.js';
import { checkTensor, mapKernel } from './util.js';

// an entry is twice differentiable when it has a second-order rule (or its gradient is zero)
for (const def of Object.values(UNARY)) registerOp(def.name, def.gradKind, def.gradKind === 'zero' || def.grad2 !== undefined);

const zeroGrad = { name: 'zeroGrad', fn: (g: number) => 0 * g };

/** Applies a table entry to x; the params default to the table's. */
export function unary(def: UnaryDef, x: Tensor, params: readonly number[] = def.params ?? []): Tensor {
  checkTensor(def.name, 'x', x);
  params.forEach((p, i) => checkFinite(def.name, `parameter ${i}`, p));
  const fKernel = { name: def.name, fn: def.f, native: def.native };
  const y = mapKernel(fKernel, [x], x.shape, params);
  if (def.gradKind === 'none') return y;
  if (def.gradKind === 'zero') return record(def.name, [x], y, (g) => [mapKernel(zeroGrad, [g], g.shape)]);
  // g·f'(x) as an op of its own (ops/grad_ops.ts): under createGraph it is differentiable again
  return record(def.name, [x], y, (g) => [unaryGrad(def, g, x, y, params)], [x, y]);
}

export const neg = (x: Tensor) => unary(UNARY.neg, x);
export const abs = (x: Tensor) => unary(UNARY.abs, x);
export const sign = (x: Tensor) => unary(UNARY.sign, x);
export const exp = (x: Tensor) => unary(UNARY.exp, x);
export const log = (x: Tensor) => unary(UNARY.log, x);
export const log1p = (x: Tensor) => unary(UNARY.log1p, x);
export const expm1 = (x: Tensor) => unary(UNARY.expm1, x);
export const sqrt = (x: Tensor) => unary(UNARY.sqrt, x);
export const rsqrt = (x: Tensor) => unary(UNARY.rsqrt, x);
export const square = (x: Tensor) => unary(UNARY.square, x);
export const reciprocal = (x: Tensor) => unary(UNARY.reciprocal, x);
export const sin = (x: Tensor) => unary(UNARY.sin, x);
export const cos = (x: Tensor) => unary(UNARY.cos, x);
export const tan = (x: Tensor) => unary(UNARY.tan, x);
export const tanh = (x: Tensor) => unary(UNARY.tanh, x);
export const sigmoid = (x: Tensor) => unary(UNARY.sigmoid, x);
export const relu = (x: Tensor) => unary(UNARY.relu, x);
export const leakyRelu = (x: Tensor, negativeSlope = 0.01) => unary(UNARY.leakyRelu, x, [negativeSlope]);
export const elu = (x: Tensor, alpha = 1) => unary(UNARY.elu, x, [alpha]);
export const selu = (x: Tensor) => unary(UNARY.selu, x);
export const silu = (x: Tensor) => unary(UNARY.silu, x);
export const relu6 = (x: Tensor) => unary(UNARY.relu6, x);
export const floor = (x: Tensor) => unary(UNARY.floor, x);
export const ceil = (x: Tensor) => unary(UNARY.ceil, x);
export const round = (x: Tensor) => unary(UNARY.round, x);
export const erf = (x: Tensor) => unary(UNARY.erf, x);
export const erfc = (x: Tensor) => unary(UNARY.erfc, x);
export const asin = (x: Tensor) => unary(UNARY.asin, x);
export const acos = (x: Tensor) => unary(UNARY.acos, x);
export const atan = (x: Tensor) => unary(UNARY.atan, x);
export const sinh = (x: Tensor) => unary(UNARY.sinh, x);
export const cosh = (x: Tensor) => unary(UNARY.cosh, x);
export const asinh = (x: Tensor) => unary(UNARY.asinh, x);
export const acosh = (x: Tensor) => unary(UNARY.acosh, x);
export const atanh = (x: Tensor) => unary(UNARY.atanh, x);
export const log2 = (x: Tensor) => unary(UNARY.log2, x);
export const log10 = (x: Tensor) => unary(UNARY.log10, x);
export const exp2 = (x: Tensor) => unary(UNARY.exp2, x);
/** log(sigmoid(x)), as torch.nn.functional.logsigmoid, stable for any x. */
export const logsigmoid = (x: Tensor) => unary(UNARY.logsigmoid, x);
/** relu6(x + 3)/6 (Howard et al., 2019). */
export const hardsigmoid = (x: Tensor) => unary(UNARY.hardsigmoid, x);
/** x·relu6(x + 3)/6 (Howard et al., 2019). */
export const hardswish = (x: Tensor) => unary(UNARY.hardswish, x);
/** x·tanh(softplus(x)) (Misra, 2019). */
export const mish = (x: Tensor) => unary(UNARY.mish, x);
/** x/(1 + |x|). */
export const softsign = (x: Tensor) => unary(UNARY.softsign, x);
/** x − tanh(x). */
export const tanhshrink = (x: Tensor) => unary(UNARY.tanhshrink, x);

/** x − λ above λ, x + λ below −λ, 0 between (λ ≥ 0, as PyTorch requires). */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  if (checkFinite('softshrink', 'lambd', lambd) < 0) fail('softshrink', `lambd must be at least 0, got ${lambd}`);
  return unary(UNARY.softshrink, x, [lambd]);
}

/** x where |x| > λ, 0 where −λ ≤ x ≤ λ. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return unary(UNARY.hardshrink, x, [checkFinite('hardshrink', 'lambd', lambd)]);
}

/** x where x > threshold, else value (torch.nn.functional.threshold: both arguments required). */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  return unary(UNARY.threshold, x, [checkFinite('threshold', 'threshold', threshold), checkFinite('threshold', 'value', value)]);
}

export function celu(x: Tensor, alpha = 1): Tensor {
  if (checkFinite('celu', 'alpha', alpha) === 0) fail('celu', 'alpha must not be 0');
  return unary(UNARY.celu, x, [alpha]);
}

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  if (checkFinite('softplus', 'beta', beta) <= 0) fail('softplus', `beta must be positive, got ${beta}`);
  return unary(UNARY.softplus, x, [beta, threshold]);
}

/** gelu(x) = x·Φ(x); approximate 'tanh' gives the tanh approximation, as in PyTorch. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') fail('gelu', `approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  return unary(approximate === 'tanh' ? UNARY.geluTanh : UNARY.gelu, x);
}

export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (checkFinite('hardtanh', 'minVal', minVal) > checkFinite('hardtanh', 'maxVal', maxVal)) {
    fail('hardtanh', `minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  }
  return unary(UNARY.hardtanh, x, [minVal, maxVal]);
}

/** Clamps into [min, max]; either bound may be omitted (null/undefined). */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) fail('clamp', 'at least one of min and max must be given');
  const lo = min === undefined || min === null ? -Infinity : min;
  const hi = max === undefined || max === null ? Infinity : max;
  if (Number.isNaN(lo) || Number.isNaN(hi)) fail('clamp', `bounds must not be NaN, got min=${min}, max=${max}`);
  if (lo > hi) fail('clamp', `min (${lo}) must not exceed max (${hi})`);
  const y = mapKernel({ name: 'clamp', fn: UNARY.clamp.f }, [checkTensor('clamp', 'x', x)], x.shape, [lo, hi]);
  return record('clamp', [x], y, (g) => [unaryGrad(UNARY.clamp, g, x, y, [lo, hi])], [x, y]);
}

/** torch.heaviside: 0 below zero, 1 above, `valueAtZero` at zero. Not differentiable. */
export function heaviside(x: Tensor, valueAtZero: number): Tensor {
  return unary(UNARY.heaviside, x, [checkFinite('heaviside', 'valueAtZero', valueAtZero)]);
}
