// gradcheck itself: it passes correct gradients, and each of its checks catches what it is for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { record } from '../../core/tape.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

const f64 = (values: number[], shape?: number[]) => tg.tensor(Float64Array.from(values), { shape: shape ?? [values.length], dtype: 'float64', requiresGrad: true });

/** y = 2x with a backward of our choosing, recorded on the tape like any op. */
function customDouble(x: Tensor, backward: (g: Tensor) => Tensor): Tensor {
  const y = tg.noGrad(() => x.mul(2));
  return record('customDouble', [x], y, (g) => [backward(g)]);
}

test('passes a correct gradient and reports it', () => {
  const report = tg.gradcheck((a, b) => a.matmul(b).tanh().sum(), [f64([1, 2, 3, 4, 5, 6], [2, 3]).mul(0.1), f64([1, -1, 2, 0.5, 0, 1], [3, 2])]);
  assert.ok(report.ok);
  assert.is(report.mode, 'slow');
  assert.ok(report.maxAbsError < 1e-8, `max error ${report.maxAbsError}`);
  assert.ok(report.reentrant);
  assert.ok(report.zeroGradOutputGivesZero);
});

test('a wrong gradient throws naming input, element, analytic and numeric values', () => {
  const x = f64([0.5, -1, 2]);
  let error: Error | null = null;
  try {
    tg.gradcheck((a, b) => b.mul(customDouble(a, (g) => (g.size === 3 ? g.mul(tg.tensor([2, 2, 2.5], { dtype: 'float64' })) : g))), [x, f64([1, 1, 1])]);
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error, 'gradcheck did not throw');
  assert.match(error!.message, /element 2 of input 0/);
  assert.match(error!.message, /analytic 2\.5/);
  assert.match(error!.message, /numeric 2(\.0+\d*)?[ ,(]/);
});

test('fast mode passes correct gradients and catches a 1% error', () => {
  const inputs = [f64(Array.from({ length: 40 }, (_, i) => Math.sin(i))), f64(Array.from({ length: 40 }, (_, i) => Math.cos(i)))];
  assert.ok(tg.gradcheck((a, b) => a.mul(b).exp().sum(0), inputs, { fast: true }).ok);
  const report = tg.gradcheck((a) => customDouble(a, (g) => g.mul(2.02)), [inputs[0]], { fast: true, raiseException: false });
  assert.is(report.ok, false);
  assert.is(report.mode, 'fast');
});

test('a backward that ignores the grad output is caught by the zero grad-output check', () => {
  const report = tg.gradcheck((a) => customDouble(a, (g) => tg.fullLike(g, 2)).sum(), [f64([1, 2])], { raiseException: false });
  assert.is(report.zeroGradOutputGivesZero, false);
  assert.is(report.ok, false);
  assert.match(report.message, /not multiplied by the grad output/);
});

test('a non-deterministic backward is caught by the reentrancy check', () => {
  let calls = 0;
  const report = tg.gradcheck((a) => customDouble(a, (g) => g.mul(2 + 1e-12 * calls++)), [f64([1, 2])], { raiseException: false });
  assert.is(report.reentrant, false);
  assert.match(report.message, /not reentrant/);
});

test('an unused input gets a zero gradient and passes', () => {
  assert.ok(tg.gradcheck((a, b) => a.square(), [f64([1, 2]), f64([3])]).ok);
});

test('bad arguments are rejected with clear errors', () => {
  assertThrows(() => tg.gradcheck((a) => a, [tg.tensor([1], { requiresGrad: true })]), 'gradcheck', 'float32', 'float64');
  assertThrows(() => tg.gradcheck((a) => a, [tg.tensor([1], { dtype: 'float64' })]), 'gradcheck', 'no input requires grad');
  assertThrows(() => tg.gradcheck((a) => a, [f64([1])], { eps: NaN }), 'gradcheck', 'eps');
  assertThrows(() => tg.gradcheck(() => 3 as unknown as Tensor, [f64([1])]), 'gradcheck', 'must return a Tensor');
});

test('multiple outputs are all checked', () => {
  const report = tg.gradcheck((a) => [a.sin(), a.cos().sum()], [f64([0.1, 0.7, -1.3])]);
  assert.ok(report.ok);
});

test.run();
