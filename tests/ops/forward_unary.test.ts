// Forward values of every unary op against closed forms written here from their definitions
// (PyTorch's, where PyTorch has the op), over fast-check draws of shapes and values, in float64
// at tight tolerances and in float32 at float32 tolerances.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { UNARY } from '../../ops/unary_table.js';
import { assertClose } from '../helpers.js';
import { f32, f64, fround, ndArb, type Nd, shapeArb } from './forward_reference.js';

/** erf by its Maclaurin series (independent of the library's erf); |z| ≤ 3 keeps cancellation below 1e-13. */
function erfTaylor(z: number): number {
  let term = z, sum = z;
  for (let n = 1; Math.abs(term) > 1e-18 * Math.abs(sum) || n < 3; n++) {
    term *= (-z * z) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Round half to even, by cases on the fractional part. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface Case {
  name: string;
  op: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  domain?: [number, number];
  /** Points always checked besides the drawn ones (kinks, parameters' edges, large values). */
  special?: number[];
}

const CASES: Case[] = [
  { name: 'neg', op: tg.neg, ref: (x) => -x },
  { name: 'abs', op: tg.abs, ref: (x) => (x < 0 ? -x : x), special: [0, -0] },
  { name: 'sign', op: tg.sign, ref: (x) => (x === 0 ? 0 : x > 0 ? 1 : -1), special: [0, 1e-300, -1e-300] },
  { name: 'exp', op: tg.exp, ref: Math.exp, special: [-Infinity, 0, 700] },
  { name: 'log', op: tg.log, ref: Math.log, domain: [1e-3, 10], special: [0, 1, Infinity] },
  { name: 'log1p', op: tg.log1p, ref: (x) => Math.log1p(x), domain: [-0.99, 10], special: [-1, 0, 1e-12] },
  { name: 'expm1', op: tg.expm1, ref: (x) => Math.expm1(x), special: [0, 1e-12, -1e-12, -Infinity] },
  { name: 'sqrt', op: tg.sqrt, ref: Math.sqrt, domain: [0, 10], special: [0, 4, Infinity] },
  { name: 'rsqrt', op: tg.rsqrt, ref: (x) => 1 / Math.sqrt(x), domain: [1e-3, 10], special: [0, 4, Infinity] },
  { name: 'square', op: tg.square, ref: (x) => x * x, special: [0, -1e154] },
  { name: 'reciprocal', op: tg.reciprocal, ref: (x) => 1 / x, special: [0, -0, 4, Infinity] },
  { name: 'sin', op: tg.sin, ref: Math.sin, domain: [-10, 10] },
  { name: 'cos', op: tg.cos, ref: Math.cos, domain: [-10, 10] },
  { name: 'tan', op: tg.tan, ref: Math.tan, domain: [-1.5, 1.5] },
  { name: 'tanh', op: tg.tanh, ref: Math.tanh, special: [-1000, 1000, 0] },
  { name: 'sigmoid', op: tg.sigmoid, ref: sigmoid, domain: [-30, 30], special: [-1000, -745, 0, 745, 1000] },
  { name: 'relu', op: tg.relu, ref: (x) => Math.max(0, x), special: [0] },
  { name: 'leakyRelu (default slope 0.01)', op: (x) => tg.leakyRelu(x), ref: (x) => (x >= 0 ? x : 0.01 * x), special: [0] },
  { name: 'leakyRelu slope 0.2', op: (x) => x.leakyRelu(0.2), ref: (x) => (x >= 0 ? x : 0.2 * x), special: [0] },
  { name: 'leakyRelu slope -1.5', op: (x) => tg.leakyRelu(x, -1.5), ref: (x) => (x >= 0 ? x : -1.5 * x) },
  { name: 'elu (alpha 1)', op: (x) => tg.elu(x), ref: (x) => (x > 0 ? x : Math.exp(x) - 1), special: [0, -1000] },
  { name: 'elu alpha 0.5', op: (x) => x.elu(0.5), ref: (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1)), special: [-1000] },
  { name: 'selu', op: tg.selu, ref: (x) => SELU_SCALE * (Math.max(0, x) + Math.min(0, SELU_ALPHA * (Math.exp(x) - 1))), special: [0, -1000] },
  { name: 'celu (alpha 1)', op: (x) => tg.celu(x), ref: (x) => Math.max(0, x) + Math.min(0, Math.exp(x) - 1) },
  { name: 'celu alpha 2.5', op: (x) => tg.celu(x, 2.5), ref: (x) => Math.max(0, x) + Math.min(0, 2.5 * (Math.exp(x / 2.5) - 1)), special: [-1000] },
  { name: 'celu alpha -0.5', op: (x) => tg.celu(x, -0.5), ref: (x) => Math.max(0, x) + Math.min(0, -0.5 * (Math.exp(x / -0.5) - 1)), domain: [-3, 3] },
  {
    name: 'softplus (beta 1, threshold 20)', op: (x) => tg.softplus(x), domain: [-30, 30],
    ref: (x) => (x > 20 ? x : Math.log(1 + Math.exp(x))), special: [-1000, 0, 19.9, 20, 20.1, 1000],
  },
  {
    name: 'softplus beta 2, threshold 5', op: (x) => x.softplus(2, 5), domain: [-10, 10],
    ref: (x) => (2 * x > 5 ? x : Math.log(1 + Math.exp(2 * x)) / 2), special: [2.4, 2.5, 2.6],
  },
  { name: 'silu', op: tg.silu, ref: (x) => x * sigmoid(x), domain: [-30, 30], special: [0, 1000, -700] },
  {
    name: 'gelu exact', op: (x) => tg.gelu(x), domain: [-4.2, 4.2],
    ref: (x) => 0.5 * x * (1 + erfTaylor(x / Math.SQRT2)), special: [0, 1, -1, 0.5, 3, -3],
  },
  {
    name: 'gelu tanh', op: (x) => x.gelu('tanh'), domain: [-8, 8],
    ref: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))), special: [0, 100, -100],
  },
  { name: 'relu6', op: tg.relu6, ref: (x) => Math.min(Math.max(0, x), 6), domain: [-3, 9], special: [0, 6] },
  { name: 'hardtanh (default [-1, 1])', op: (x) => tg.hardtanh(x), ref: (x) => Math.min(Math.max(x, -1), 1), special: [-1, 1] },
  { name: 'hardtanh [-0.5, 2]', op: (x) => x.hardtanh(-0.5, 2), ref: (x) => Math.min(Math.max(x, -0.5), 2), special: [-0.5, 2] },
  { name: 'clamp [-1, 0.5]', op: (x) => tg.clamp(x, -1, 0.5), ref: (x) => Math.min(Math.max(x, -1), 0.5), special: [-1, 0.5] },
  { name: 'clamp min only', op: (x) => tg.clamp(x, 0.25), ref: (x) => Math.max(x, 0.25), special: [-1000, 1000] },
  { name: 'clamp max only (min null)', op: (x) => x.clamp(null, -0.25), ref: (x) => Math.min(x, -0.25), special: [-1000, 1000] },
  { name: 'clamp max only (min undefined)', op: (x) => tg.clamp(x, undefined, 2), ref: (x) => Math.min(x, 2) },
  { name: 'clamp to a point', op: (x) => tg.clamp(x, 1, 1), ref: () => 1 },
  { name: 'heaviside valueAtZero 0.5', op: (x) => tg.heaviside(x, 0.5), ref: (x) => (x > 0 ? 1 : x < 0 ? 0 : 0.5), special: [0, -0, 1e-300] },
  { name: 'heaviside valueAtZero 7', op: (x) => x.heaviside(7), ref: (x) => (x > 0 ? 1 : x < 0 ? 0 : 7), special: [0] },
  { name: 'floor', op: tg.floor, ref: Math.floor, special: [-2, -1.5, -0.5, 0, 0.5, 2.999] },
  { name: 'ceil', op: tg.ceil, ref: Math.ceil, special: [-2, -1.5, -0.5, 0, 0.5, 2.001] },
  {
    name: 'round (half to even)', op: tg.round, ref: roundHalfEven, domain: [-6, 6],
    special: [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4999999, 2.5000001, 0.49999999999999994, 4503599627370495.5],
  },
  // the functions and activations added to match torch (issue 17)
  { name: 'erf', op: tg.erf, ref: erfTaylor, domain: [-3, 3], special: [0, 1e-300, -0.5, 1.9999, 2, 2.0001, -2.5] },
  { name: 'erfc', op: tg.erfc, ref: (x) => 1 - erfTaylor(x), domain: [-3, 1.5], special: [0, -2, 1.9999, 2.0001] },
  { name: 'asin', op: tg.asin, ref: Math.asin, domain: [-1, 1], special: [-1, 0, 1, 1.5] },
  { name: 'acos', op: tg.acos, ref: Math.acos, domain: [-1, 1], special: [-1, 0, 1, -1.5] },
  { name: 'atan', op: tg.atan, ref: Math.atan, special: [-Infinity, 0, Infinity] },
  { name: 'sinh', op: tg.sinh, ref: (x) => (Math.exp(x) - Math.exp(-x)) / 2, domain: [0.5, 6], special: [0, -710, 710] },
  { name: 'cosh', op: tg.cosh, ref: (x) => (Math.exp(x) + Math.exp(-x)) / 2, special: [0, -710, 710] },
  { name: 'asinh', op: tg.asinh, ref: (x) => Math.log(x + Math.sqrt(x * x + 1)), domain: [0.5, 6], special: [0] },
  { name: 'acosh', op: tg.acosh, ref: (x) => Math.log(x + Math.sqrt(x * x - 1)), domain: [1, 6], special: [1, 0.5] },
  { name: 'atanh', op: tg.atanh, ref: (x) => 0.5 * Math.log((1 + x) / (1 - x)), domain: [0.2, 0.9], special: [0, 1, -1, 2] },
  { name: 'log2', op: tg.log2, ref: (x) => Math.log(x) / Math.LN2, domain: [1e-3, 10], special: [0, 1, 8, Infinity, -1] },
  { name: 'log10', op: tg.log10, ref: (x) => Math.log(x) / Math.LN10, domain: [1e-3, 10], special: [0, 1, 1000, Infinity] },
  { name: 'exp2', op: tg.exp2, ref: (x) => Math.exp(x * Math.LN2), domain: [-6, 6], special: [-Infinity, 0, 10, 1100] },
  { name: 'logsigmoid', op: tg.logsigmoid, ref: (x) => Math.log(sigmoid(x)), domain: [-30, 30], special: [0, -1000, 1000] },
  { name: 'hardsigmoid', op: tg.hardsigmoid, ref: (x) => Math.min(Math.max(x + 3, 0), 6) / 6, special: [-3, 3, -1000, 1000] },
  { name: 'hardswish', op: tg.hardswish, ref: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6, special: [-3, 0, 3, -1000, 1000, -Infinity] },
  { name: 'mish', op: tg.mish, ref: (x) => x * Math.tanh(Math.log(1 + Math.exp(x))), domain: [-20, 20], special: [0, 1000, -1000] },
  { name: 'softsign', op: tg.softsign, ref: (x) => (x < 0 ? x / (1 - x) : x / (1 + x)), special: [0, 1e300, -1e300] },
  { name: 'tanhshrink', op: tg.tanhshrink, ref: (x) => x - Math.tanh(x), special: [0, 1000, -1000] },
  { name: 'softshrink (default lambd 0.5)', op: (x) => tg.softshrink(x), ref: (x) => Math.sign(x) * Math.max(Math.abs(x) - 0.5, 0), special: [-0.5, 0, 0.5] },
  { name: 'softshrink lambd 1.5', op: (x) => x.softshrink(1.5), ref: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1.5, 0), special: [-1.5, 1.5] },
  { name: 'hardshrink (default lambd 0.5)', op: (x) => tg.hardshrink(x), ref: (x) => (Math.abs(x) > 0.5 ? x : 0), special: [-0.5, 0, 0.5] },
  { name: 'hardshrink lambd 2', op: (x) => x.hardshrink(2), ref: (x) => (Math.abs(x) > 2 ? x : 0), special: [-2, 2] },
  { name: 'threshold 0.1 → 20', op: (x) => tg.threshold(x, 0.1, 20), ref: (x) => (x > 0.1 ? x : 20), special: [0.1, 0] },
];

function check(c: Case, x: Nd, dtype: 'float32' | 'float64'): void {
  const input = dtype === 'float64' ? x : fround(x);
  const y = c.op(dtype === 'float64' ? f64(input) : f32(input));
  assert.equal([...y.shape], x.shape, `${c.name}: shape`);
  assert.is(y.dtype, dtype, `${c.name}: dtype`);
  const expected = input.values.map(c.ref);
  if (dtype === 'float64') assertClose(y.data(), expected, 1e-14, 1e-13, `${c.name} float64`);
  else assertClose(y.data(), expected.map(Math.fround), 1e-7, 3e-7, `${c.name} float32`);
}

for (const c of CASES) {
  test(`${c.name}: forward values (float64 and float32)`, () => {
    const [lo, hi] = c.domain ?? [-6, 6];
    fc.assert(fc.property(ndArb(shapeArb(0, 3, 0, 4), lo, hi), fc.boolean(), (x, f) => tg.tidy(() => check(c, x, f ? 'float32' : 'float64'))), { numRuns: 20, seed: 7 });
    const special = c.special ?? [];
    if (special.length > 0) tg.tidy(() => check(c, { shape: [special.length], values: special }, 'float64'));
  });
}

test('every unary table entry has a forward case here', () => {
  const covered = new Set(CASES.map((c) => c.name.split(' ')[0]));
  const tableName = (n: string) => (n === 'geluTanh' ? 'gelu' : n);
  for (const name of Object.keys(UNARY)) assert.ok(covered.has(tableName(name)), `no forward case for ${name}`);
});

test('gelu exact is accurate in the tails, far from the series above', () => {
  // x·Φ(x) from mpmath at 30 digits
  const x = tg.tensor([-10, -6, -3, 3, 10], { dtype: 'float64' });
  assertClose(tg.gelu(x).data(), [-7.619853024160526e-23, -5.919525870226189e-9, -0.00404969409489028358, 2.9959503059051097, 10], 0, 1e-12);
});

test('round follows torch.round: halves go to the even neighbour, -0.5 gives -0', () => {
  const y = tg.round(tg.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5], { dtype: 'float64' })).data();
  assert.equal(Array.from(y), [0, 2, 2, -0, -2, -2]);
  assert.ok(Object.is(y[3], -0));
});

test('unary ops keep the input untouched and give a fresh tensor', () => {
  const x = tg.tensor([-1, 2], { dtype: 'float64' });
  const y = x.relu();
  assert.equal(x.toArray(), [-1, 2]);
  assert.equal(y.toArray(), [0, 2]);
  assert.is.not(y, x);
});

test.run();
