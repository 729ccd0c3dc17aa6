// SGD against the hand-computed reference, for every combination of its options, over
// fast-check draws of the hyperparameters, with parameter groups, and through a real backward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';
import { compareSteps, float64Param, sgdRef, type SGDHyper } from './reference.js';

const { SGD } = tg.optim;

function combos(): SGDHyper[] {
  const out: SGDHyper[] = [];
  for (const momentum of [0, 0.9])
    for (const dampening of [0, 0.3])
      for (const nesterov of [false, true])
        for (const weightDecay of [0, 0.05])
          for (const maximize of [false, true]) {
            if (nesterov && (momentum === 0 || dampening !== 0)) continue;
            out.push({ lr: 0.1, momentum, dampening, weightDecay, nesterov, maximize });
          }
  return out;
}

test('SGD matches the update formula for every option combination (6 steps, float64)', () => {
  const all = combos();
  assert.is(all.length, 20);
  for (const h of all) {
    const params = [float64Param([0.5, -1.25, 2]), float64Param([[0.3, -0.7], [1.1, 0.05]])];
    const opt = new SGD(params, h);
    compareSteps(opt, params, (_, p, g) => sgdRef(p, g, h), 6, `SGD ${JSON.stringify(h)}`);
  }
});

test('SGD matches the reference over drawn hyperparameters', () => {
  const hyper = fc.record({
    lr: fc.double({ min: 0, max: 0.5, noNaN: true }),
    momentum: fc.double({ min: 0, max: 0.99, noNaN: true }),
    dampening: fc.double({ min: 0, max: 0.9, noNaN: true }),
    weightDecay: fc.double({ min: 0, max: 0.2, noNaN: true }),
    nesterov: fc.boolean(),
    maximize: fc.boolean(),
  }).map((h) => (h.nesterov && h.momentum > 0 ? { ...h, dampening: 0 } : { ...h, nesterov: false }));
  fc.assert(fc.property(hyper, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 5 }), (h, values) => {
    const params = [float64Param(values)];
    compareSteps(new SGD(params, h), params, (_, p, g) => sgdRef(p, g, h), 4, 'SGD drawn');
  }), { numRuns: 40 });
});

test('with maximize and no weight decay, SGD follows the docs: θ ← θ + γ·b', () => {
  const p = float64Param([1, 2]);
  const opt = new SGD([p], { lr: 0.5, momentum: 0.5, maximize: true });
  p.grad = tg.tensor([0.2, -0.4], { dtype: 'float64' });
  opt.step(); // b = g
  assertClose(p.data(), [1.1, 1.8], 0, 1e-15);
  opt.step(); // b = 0.5·b + g = 1.5·g
  assertClose(p.data(), [1.25, 1.5], 0, 1e-15);
});

test('parameter groups keep their own lr and weightDecay; defaults fill the rest', () => {
  const a = float64Param([1, -2]);
  const b = float64Param([0.5, 0.25, -1]);
  const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.01, weightDecay: 0.1 }], { lr: 0.2, momentum: 0.9 });
  assert.is(opt.paramGroups[0].lr, 0.2);
  assert.is(opt.paramGroups[1].lr, 0.01);
  assert.is(opt.paramGroups[1].momentum, 0.9);
  const hs: SGDHyper[] = [
    { lr: 0.2, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
    { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0.1, nesterov: false, maximize: false },
  ];
  compareSteps(opt, [a, b], (i, p, g) => sgdRef(p, g, hs[i]), 5, 'SGD groups');
});

test('a parameter whose grad is null is skipped and gets no state', () => {
  const a = float64Param([1, 2]);
  const b = float64Param([3]);
  const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
  a.grad = tg.tensor([1, 1], { dtype: 'float64' });
  opt.step();
  assertClose(a.data(), [0.9, 1.9], 0, 1e-15);
  assert.equal(Array.from(b.data()), [3]);
  assert.ok(opt.state.has(a));
  assert.not.ok(opt.state.has(b));
});

test('SGD through a real backward: one step of θ − γ∇(½‖Aθ − y‖²)', () => {
  const A = [[1, 2], [3, -1], [0.5, 0.5]];
  const y = [1, 0, 2];
  const theta = float64Param([0.1, -0.2]);
  const opt = new SGD([theta], { lr: 0.05 });
  const r = A.map((row, i) => row[0] * 0.1 + row[1] * -0.2 - y[i]);
  const grad = [0, 1].map((j) => A.reduce((s, row, i) => s + row[j] * r[i], 0));
  const loss = tg.tensor(A, { dtype: 'float64' }).matmul(theta.reshape([2, 1])).reshape([3]).sub(tg.tensor(y, { dtype: 'float64' })).square().sum().mul(0.5);
  loss.backward();
  opt.step();
  assertClose(theta.data(), [0.1 - 0.05 * grad[0], -0.2 - 0.05 * grad[1]], 1e-15, 1e-12);
});

test('SGD on float32 parameters updates in float32', () => {
  const p = tg.tensor([1, 2], { requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tg.tensor([0.5, -0.5]);
  opt.step();
  assert.is(p.dtype, 'float32');
  assertClose(p.data(), [0.95, 2.05], 1e-6, 1e-6);
});

test.run();
