// gradgradcheck itself: it passes correct second derivatives, catches a wrong second-order rule
// that first-order gradcheck cannot see, and refuses bad arguments by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { declareDifferentiableBackward } from '../../core/autograd.js';
import { record } from '../../core/tape.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

const f64 = (values: number[], shape?: number[]) => tg.tensor(Float64Array.from(values), { shape: shape ?? [values.length], dtype: 'float64', requiresGrad: true });

// y = x³ as a hand-written op whose gradient 3x²·g is an op of its own; `k` scales the second-order
// rule d(3x²·g)/dx = 6x·g (k = 1 is right), `kg` the rule towards g (the gradient's linearity in g).
for (const name of ['testCube', 'testCubeGrad']) declareDifferentiableBackward(name);
function cube(x: Tensor, k = 1, kg = 1): Tensor {
  const y = tg.noGrad(() => x.mul(x).mul(x));
  return record('testCube', [x], y, (g) => [cubeGrad(g, x, k, kg)], [x]);
}
function cubeGrad(g: Tensor, x: Tensor, k: number, kg: number): Tensor {
  const value = tg.noGrad(() => g.mul(x).mul(x).mul(3));
  // g and x are saved: the second backward reads them after the first has let its gradients go
  return record('testCubeGrad', [g, x], value, (u) => [u.mul(x).mul(x).mul(3 * kg), u.mul(g).mul(x).mul(6 * k)], [g, x]);
}

test('passes correct second derivatives (matmul, tanh, broadcasting, two outputs)', () => {
  const a = f64([0.3, -0.2, 0.5, 0.1, 0.7, -0.4], [2, 3]);
  const b = f64([1, -1, 0.5, 0.25, -0.3, 0.6], [3, 2]);
  const c = f64([1, -1, 0.5], [3]);
  const report = tg.gradgradcheck((x, y, z) => x.mul(x).mul(z).matmul(y).tanh(), [a, b, c]);
  assert.ok(report.ok);
  assert.match(report.message, /^gradgradcheck passed/);
  const two = tg.gradgradcheck((x) => [x.exp().sum(), x.sin().mul(f64([1, 2, 3]))], [f64([0.1, -0.5, 0.9])]);
  assert.ok(two.ok);
});

test('a correct hand-written second-order rule passes; first-order gradcheck passes the wrong one too', () => {
  const x = f64([0.5, -1.2, 2]);
  assert.ok(tg.gradgradcheck((t) => cube(t), [x]).ok);
  assert.ok(tg.gradcheck((t) => cube(t, 1.05), [x]).ok, 'the first derivative of the wrong op is right');
});

test('FAILS on a deliberately wrong second-order rule, naming the second derivative', () => {
  const x = f64([0.5, -1.2, 2]);
  assertThrows(() => tg.gradgradcheck((t) => cube(t, 1.05), [x]), 'gradgradcheck:', 'second derivative mismatch', 'd(the gradient of input 0)/d(input 0)');
  // with an input before it that gets no gradient, the gradient is still named by its input
  const unused = f64([1]);
  assertThrows(() => tg.gradgradcheck((u, t) => cube(t, 1.05).add(u.detach()), [unused, x]), 'd(the gradient of input 1)/d(input 1)');
  const report = tg.gradgradcheck((t) => cube(t, 1.05), [x], { raiseException: false });
  assert.is(report.ok, false);
  assert.ok(report.worst !== null && report.worst.input === 0);
  // fast mode catches it too
  assert.is(tg.gradgradcheck((t) => cube(t, 1.05), [x], { fast: true, raiseException: false }).ok, false);
});

test('a gradient rule that is wrong towards the grad output is caught as d/d(gradOutputs)', () => {
  const x = f64([0.5, -1.2, 2]);
  const report = tg.gradgradcheck((t) => cube(t, 1, 1.05), [x], { raiseException: false });
  assert.is(report.ok, false);
  assert.match(report.message, /gradOutputs\[0\]/);
});

test('grad outputs: seeded by default (reproducible), or given; given ones without requiresGrad are constants', () => {
  const x = f64([0.2, 0.4, -0.6]);
  const fn = (t: Tensor) => t.mul(t).exp();
  const r1 = tg.gradgradcheck(fn, [x], { seed: 3 });
  const r2 = tg.gradgradcheck(fn, [x], { seed: 3 });
  assert.is(r1.maxAbsError, r2.maxAbsError);
  const v = tg.tensor(Float64Array.from([1, -2, 0.5]), { dtype: 'float64' });
  assert.ok(tg.gradgradcheck(fn, [x], { gradOutputs: [v] }).ok);
  // the wrong rule is caught with constant grad outputs as well (the error is in d/dx)
  assert.is(tg.gradgradcheck((t) => cube(t, 1.05), [x], { gradOutputs: [v], raiseException: false }).ok, false);
});

test('a linear function (constant gradient) passes: its second derivative is zero', () => {
  assert.ok(tg.gradgradcheck((t) => t.mul(3).add(1), [f64([1, 2])]).ok);
});

test('an op whose backward does not record itself makes the check throw by name', () => {
  const opaque = (x: Tensor) => record('testOpaqueSquare', [x], tg.noGrad(() => x.mul(x)), (g) => [g.mul(x).mul(2)]);
  assertThrows(() => tg.gradgradcheck((t) => opaque(t).sum(), [f64([1, 2])]), 'testOpaqueSquare', 'not twice differentiable');
});

test('bad arguments are refused by name', () => {
  const x = f64([1, 2]);
  const fn = (t: Tensor) => t.mul(t);
  assertThrows(() => tg.gradgradcheck(fn, [tg.tensor([1, 2], { requiresGrad: true })]), 'gradgradcheck', 'input 0 is float32', 'float64');
  assertThrows(() => tg.gradgradcheck(fn, [x], { eps: 0 }), 'gradgradcheck', 'eps must be > 0');
  assertThrows(() => tg.gradgradcheck(fn, [x], { atol: -1 }), 'gradgradcheck', 'atol must be a finite non-negative number');
  assertThrows(() => tg.gradgradcheck(fn, [x], { gradOutput: [] } as never), 'gradgradcheck', "unknown option 'gradOutput'");
  assertThrows(() => tg.gradgradcheck(fn, [x], { seed: 1.5 }), 'gradgradcheck', 'seed must be an integer');
  assertThrows(() => tg.gradgradcheck(fn, [x], { gradOutputs: [] }), 'gradgradcheck', 'gradOutputs has 0 tensors', '1 differentiable output');
  assertThrows(() => tg.gradgradcheck(fn, [x], { gradOutputs: [tg.zeros([3], { dtype: 'float64' })] }), 'gradgradcheck', 'gradOutputs[0] must be float64 [2]', 'got float64 [3]');
  assertThrows(() => tg.gradgradcheck(fn, [x.detach()]), 'gradgradcheck', 'no input requires grad');
  assertThrows(() => tg.gradgradcheck((t) => t.detach(), [x]), 'gradgradcheck', 'no output of fn requires grad');
  assertThrows(() => tg.gradgradcheck('f' as never, [x]), 'gradgradcheck', 'fn must be a function');
  assertThrows(() => tg.gradgradcheck(() => 3 as never, [x]), 'gradgradcheck', 'fn must return a Tensor');
});

test('the caller\'s values are untouched and nothing leaks', () => {
  const x = f64([0.3, 0.6]);
  const before = tg.memory().tensors;
  tg.gradgradcheck((t) => t.tanh().sum(), [x]);
  assert.equal(Array.from(x.data()), [0.3, 0.6]);
  assert.ok(x.grad === null);
  assert.is(tg.memory().tensors, before);
});

test.run();
