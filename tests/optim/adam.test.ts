// Adam and AdamW against the hand-computed reference for every combination of amsgrad,
// weightDecay and maximize, over drawn hyperparameters, with parameter groups; and Adam solving a
// small least-squares problem through real backward passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';
import { adamRef, compareSteps, float64Param, type AdamHyper } from './reference.js';

const { Adam, AdamW } = tg.optim;

function combos(): AdamHyper[] {
  const out: AdamHyper[] = [];
  for (const amsgrad of [false, true])
    for (const weightDecay of [0, 0.1])
      for (const maximize of [false, true]) out.push({ lr: 0.05, betas: [0.8, 0.95], eps: 1e-8, weightDecay, amsgrad, maximize });
  return out;
}

for (const [name, Optim, decoupled] of [['Adam', Adam, false], ['AdamW', AdamW, true]] as const) {
  test(`${name} matches the update formula for every option combination (8 steps, float64)`, () => {
    for (const h of combos()) {
      const params = [float64Param([0.5, -1.25, 2]), float64Param([[0.3, -0.7], [1.1, 0.05]])];
      const opt = new Optim(params, h);
      compareSteps(opt, params, (_, p, g) => adamRef(p, g, h, decoupled), 8, `${name} ${JSON.stringify(h)}`);
    }
  });

  test(`${name} matches the reference over drawn hyperparameters`, () => {
    const hyper = fc.record({
      lr: fc.double({ min: 0, max: 0.3, noNaN: true }),
      betas: fc.tuple(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true })),
      eps: fc.double({ min: 1e-10, max: 1e-2, noNaN: true }),
      weightDecay: fc.double({ min: 0, max: 0.3, noNaN: true }),
      amsgrad: fc.boolean(),
      maximize: fc.boolean(),
    });
    fc.assert(fc.property(hyper, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 5 }), (h, values) => {
      const params = [float64Param(values)];
      compareSteps(new Optim(params, h), params, (_, p, g) => adamRef(p, g, h, decoupled), 5, `${name} drawn`);
    }), { numRuns: 40 });
  });
}

test('Adam and AdamW defaults are PyTorch\'s', () => {
  const adam = new Adam([float64Param([1])]);
  const adamw = new AdamW([float64Param([1])]);
  assert.equal({ ...adam.paramGroups[0], params: [] }, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false, params: [] });
  assert.is(adamw.paramGroups[0].weightDecay, 1e-2);
  assert.is(adamw.paramGroups[0].decoupledWeightDecay, true);
});

test('Adam\'s first step moves every coordinate by about lr (m̂/√v̂ = sign g)', () => {
  const p = float64Param([1, -1, 3]);
  const opt = new Adam([p], { lr: 0.1 });
  p.grad = tg.tensor([5, -0.001, 2], { dtype: 'float64' });
  opt.step();
  assertClose(p.data(), [0.9, -0.9, 2.9], 1e-6, 0);
  assert.is(opt.state.get(p)!.step, 1);
});

test('AdamW parameter groups: each group decays by its own lr · weightDecay', () => {
  const a = float64Param([1, 2]);
  const b = float64Param([-1, 0.5, 4]);
  const opt = new AdamW([{ params: [a], weightDecay: 0 }, { params: [b], lr: 0.01, weightDecay: 0.5, amsgrad: true }], { lr: 0.1 });
  const hs: AdamHyper[] = [
    { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.5, amsgrad: true, maximize: false },
  ];
  compareSteps(opt, [a, b], (i, p, g) => adamRef(p, g, hs[i], true), 6, 'AdamW groups');
});

test('AMSGrad keeps the running maximum of the raw second moment', () => {
  const p = float64Param([0]);
  const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.5], amsgrad: true });
  const v: number[] = [];
  let vv = 0;
  let vmax = 0;
  for (const g of [2, 0.1, 0.1]) {
    p.grad = tg.tensor([g], { dtype: 'float64' });
    opt.step();
    vv = 0.5 * vv + 0.5 * g * g;
    vmax = Math.max(vmax, vv);
    v.push(vmax);
    assertClose((opt.state.get(p)!.max_exp_avg_sq as tg.Tensor).data(), [vmax], 0, 1e-15);
    assertClose((opt.state.get(p)!.exp_avg_sq as tg.Tensor).data(), [vv], 0, 1e-15);
  }
  assert.ok(v[2] === v[0], 'the maximum stays at the first, large moment');
});

test('Adam solves a small least-squares problem through real backward passes', () => {
  tg.manualSeed(3);
  const A = tg.randn([20, 3], { dtype: 'float64' });
  const truth = tg.tensor([[1.5], [-2], [0.5]], { dtype: 'float64' });
  const y = A.matmul(truth);
  const w = tg.zeros([3, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new Adam([w], { lr: 0.05 });
  const before = tg.memory().tensors;
  let loss = Infinity;
  for (let i = 0; i < 600; i++) {
    opt.zeroGrad();
    loss = tg.tidy(() => {
      const l = A.matmul(w).sub(y).square().mean();
      l.backward();
      return l.item();
    });
    opt.step();
  }
  assert.ok(loss < 1e-8, `loss ${loss}`);
  assertClose(w.data(), [1.5, -2, 0.5], 1e-4, 0);
  // live tensors: w's grad was dropped by zeroGrad; Adam's two buffers (exp_avg, exp_avg_sq) remain
  opt.zeroGrad();
  assert.is(tg.memory().tensors, before + 2);
});

test.run();
