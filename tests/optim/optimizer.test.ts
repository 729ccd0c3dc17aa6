// The optimizer base class: argument validation, zeroGrad, no leaks across steps, and the state
// dict (round trip, PyTorch's structure, refusals that leave the optimizer untouched).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { adamRef, compareSteps, float64Param, sgdRef, type AdamHyper, type RefParam, type SGDHyper } from './reference.js';

const { SGD, Adam, AdamW } = tg.optim;
const p1 = () => float64Param([1, 2]);

test('bad hyperparameters are refused at construction, naming the optimizer and the value', () => {
  assertThrows(() => new SGD([p1()], { lr: -0.1 }), 'SGD', 'lr', '-0.1');
  assertThrows(() => new SGD([p1()], { lr: NaN }), 'SGD', 'lr', 'NaN');
  assertThrows(() => new SGD([p1()], { momentum: -0.5 }), 'SGD', 'momentum', '-0.5');
  assertThrows(() => new SGD([p1()], { weightDecay: -1 }), 'SGD', 'weightDecay', '-1');
  assertThrows(() => new SGD([p1()], { dampening: NaN }), 'SGD', 'dampening', 'NaN');
  assertThrows(() => new SGD([p1()], { nesterov: true }), 'SGD', 'nesterov', 'momentum 0');
  assertThrows(() => new SGD([p1()], { nesterov: true, momentum: 0.9, dampening: 0.1 }), 'SGD', 'nesterov', 'dampening 0.1');
  assertThrows(() => new Adam([p1()], { betas: [1, 0.999] }), 'Adam', 'betas[0]', '[0, 1)', 'got 1');
  assertThrows(() => new Adam([p1()], { betas: [0.9, -0.1] }), 'Adam', 'betas[1]', '-0.1');
  assertThrows(() => new Adam([p1()], { betas: [0.9, NaN] }), 'Adam', 'betas[1]', 'NaN');
  assertThrows(() => new AdamW([p1()], { eps: 0 }), 'AdamW', 'eps', '> 0', 'got 0');
  assertThrows(() => new AdamW([p1()], { eps: -1e-8 }), 'AdamW', 'eps');
  assertThrows(() => new Adam([p1()], { lr: Infinity }), 'Adam', 'lr', 'Infinity');
  assertThrows(() => new Adam([p1()], { amsgrad: 1 as unknown as boolean }), 'Adam', 'amsgrad');
  // a group's own value is checked too
  assertThrows(() => new SGD([{ params: [p1()], lr: -1 }], { lr: 0.1 }), 'SGD', 'lr', '-1');
});

test('a typo in an option or group key is refused, listing the accepted keys', () => {
  assertThrows(() => new SGD([p1()], { weight_decay: 0.1 } as never), 'SGD', "unknown option 'weight_decay'", 'weightDecay');
  assertThrows(() => new Adam([{ params: [p1()], beta1: 0.5 } as never]), 'Adam', "'beta1'", 'betas');
});

test('bad params are refused: not requiring grad, not a leaf, duplicated, empty, not tensors', () => {
  assertThrows(() => new SGD([tg.tensor([1, 2])]), 'SGD', 'does not require grad');
  const leaf = p1();
  assertThrows(() => new SGD([leaf.mul(2)]), 'SGD', 'not a leaf');
  assertThrows(() => new SGD([leaf, leaf]), 'SGD', 'more than once');
  assertThrows(() => new SGD([{ params: [leaf] }, { params: [leaf] }]), 'SGD', 'more than once', 'group 1');
  assertThrows(() => new SGD([]), 'SGD', 'empty parameter list');
  assertThrows(() => new SGD(leaf as never), 'SGD', 'iterable');
  assertThrows(() => new SGD([leaf, { params: [p1()] }] as never), 'SGD', 'mixes');
  assertThrows(() => new SGD([{ params: [] }]), 'SGD', 'no parameters');
  assertThrows(() => new SGD([{ params: [3] } as never]), 'SGD', 'not a Tensor');
  assertThrows(() => new SGD([{ params: 3 } as never]), 'SGD', "'params' of parameter group 0");
});

test('params may be any iterable (a generator, as Module.parameters() might return)', () => {
  const list = [p1(), p1()];
  const opt = new SGD((function* () { yield* list; })(), { lr: 0.1 });
  assert.is(opt.params().length, 2);
});

test('hyperparameters edited after construction are checked at step()', () => {
  const p = p1();
  const opt = new SGD([p], { lr: 0.1 });
  p.grad = tg.onesLike(p);
  opt.paramGroups[0].lr = NaN;
  assertThrows(() => opt.step(), 'SGD', 'lr', 'NaN');
  assert.equal(Array.from(p.data()), [1, 2]);
});

test('a gradient of the wrong shape is refused at step()', () => {
  const p = p1();
  const opt = new SGD([p]);
  p.grad = tg.ones([3], { dtype: 'float64' });
  assertThrows(() => opt.step(), 'SGD.step', '[3]', 'expected float64 [2]');
});

test('zeroGrad drops and frees gradients by default; setToNone: false zeroes them in place', () => {
  const a = p1();
  const b = p1();
  const opt = new SGD([a, b]);
  a.grad = tg.onesLike(a);
  const g = a.grad;
  opt.zeroGrad();
  assert.is(a.grad, null);
  assert.ok(g.isDisposed);
  a.grad = tg.onesLike(a);
  const kept = a.grad;
  opt.zeroGrad({ setToNone: false });
  assert.is(a.grad, kept);
  assert.equal(Array.from(a.grad!.data()), [0, 0]);
  assert.is(b.grad, null);
});

test('no tensors leak: memory is flat over 50 steps once step 1 has made the state', () => {
  for (const make of [
    (ps: Tensor[]) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    (ps: Tensor[]) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true }),
    (ps: Tensor[]) => new AdamW(ps, { lr: 0.01, amsgrad: true }),
  ]) {
    tg.manualSeed(0);
    const w = tg.randn([4, 3], { requiresGrad: true });
    const bias = tg.zeros([3], { requiresGrad: true });
    const x = tg.randn([5, 4]);
    const opt = make([w, bias]);
    const train = () => {
      opt.zeroGrad();
      tg.tidy(() => tg.linear(x, w.transpose(), bias).square().mean().backward());
      opt.step();
    };
    train();
    const after1 = tg.memory();
    for (let i = 0; i < 49; i++) train();
    const after50 = tg.memory();
    assert.is(after50.tensors, after1.tensors, `${opt.name}: live tensors`);
    assert.is(after50.bytes, after1.bytes, `${opt.name}: live bytes`);
  }
});

test('stateDict has PyTorch\'s structure, snake_case keys and consecutive indices', () => {
  const [a, b, c] = [p1(), float64Param([3]), float64Param([4, 5, 6])];
  const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.5, amsgrad: true }], { weightDecay: 0.1 });
  for (const p of [a, c]) p.grad = tg.onesLike(p);
  opt.step();
  const sd = opt.stateDict();
  assert.equal(sd.param_groups, [
    { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, decoupled_weight_decay: false, params: [0, 1] },
    { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: true, maximize: false, decoupled_weight_decay: false, params: [2] },
  ]);
  assert.equal(Object.keys(sd.state).sort(), ['0', '2']);
  assert.equal(Object.keys(sd.state[0]).sort(), ['exp_avg', 'exp_avg_sq', 'step']);
  assert.equal(Object.keys(sd.state[2]).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
  assert.is(sd.state[0].step, 1);
  // the tensors are copies: the optimizer's next step does not touch them
  const m = sd.state[0].exp_avg as Tensor;
  const before = Array.from(m.data());
  opt.step();
  assert.equal(Array.from(m.data()), before);
  assert.ok(JSON.stringify(sd.param_groups).length > 0);
});

function roundTrip(
  name: string,
  make: (ps: Tensor[]) => { step(): void; zeroGrad(): void; stateDict(): tg.optim.OptimizerStateDict; loadStateDict(d: tg.optim.OptimizerStateDict): void },
  ref: (i: number, p: RefParam, g: number[]) => void,
) {
  test(`${name}: an optimizer restored from stateDict continues exactly like the original`, () => {
    const params = [float64Param([0.5, -1]), float64Param([[2, 0.25, -0.5]])];
    const original = make(params);
    const refs = compareSteps(original, params, ref, 4, `${name} before saving`);
    const sd = original.stateDict();
    // a fresh optimizer (default hyperparameters) over copies of the parameters, then restored
    const copies = params.map((p) => float64Param(Array.from(p.data())).reshape(p.shape).detach().requiresGrad_());
    const restored = make(copies);
    restored.loadStateDict(sd);
    const refsCopy = refs.map((r) => structuredClone(r));
    compareSteps(original, params, ref, 5, `${name} original after saving`, refs);
    compareSteps(restored, copies, ref, 5, `${name} restored`, refsCopy);
    params.forEach((p, i) => assert.equal(Array.from(copies[i].data()), Array.from(p.data())));
  });
}

const sgdH: SGDHyper = { lr: 0.1, momentum: 0.8, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: false };
roundTrip('SGD', (ps) => new SGD(ps, sgdH), (_, p, g) => sgdRef(p, g, sgdH));
const adamH: AdamHyper = { lr: 0.05, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: false };
roundTrip('Adam', (ps) => new Adam(ps, adamH), (_, p, g) => adamRef(p, g, adamH, false));
roundTrip('AdamW', (ps) => new AdamW(ps, adamH), (_, p, g) => adamRef(p, g, adamH, true));

test('loadStateDict restores hyperparameters saved by another configuration', () => {
  const a = new SGD([p1()], { lr: 0.3, momentum: 0.5 });
  const b = new SGD([p1()], { lr: 0.01 });
  b.loadStateDict(a.stateDict());
  assert.is(b.paramGroups[0].lr, 0.3);
  assert.is(b.paramGroups[0].momentum, 0.5);
});

test('loadStateDict accepts a PyTorch-shaped dict: extra implementation keys, step as a tensor, None buffers', () => {
  const p = float64Param([1, 2]);
  const opt = new Adam([p]);
  opt.loadStateDict({
    state: { 0: { step: tg.tensor(3), exp_avg: tg.tensor([0.1, 0.2]), exp_avg_sq: tg.tensor([0.01, 0.04]) } },
    param_groups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null as never, capturable: false, differentiable: false, fused: null as never, params: [0] }],
  });
  const state = opt.state.get(p)!;
  assert.is(state.step, 3);
  assert.is((state.exp_avg as Tensor).dtype, 'float64', 'cast to the parameter dtype');
  assertClose((state.exp_avg as Tensor).data(), [0.1, 0.2], 1e-8, 0);
  const sgd = new SGD([p]);
  sgd.loadStateDict({ state: { 0: { momentum_buffer: null } }, param_groups: [{ lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0] }] });
  assert.is(sgd.state.get(p)?.momentum_buffer, undefined);
});

test('loadStateDict refuses mismatches with a message, and leaves the optimizer unchanged', () => {
  const p = p1();
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tg.onesLike(p);
  opt.step();
  const good = opt.stateDict();
  const buffer = () => Array.from((opt.state.get(p)!.momentum_buffer as Tensor).data());
  const saved = buffer();
  const variants: [unknown, string[]][] = [
    [{ ...good, param_groups: [] }, ['SGD.loadStateDict', '0 parameter groups', 'this optimizer 1']],
    [{ ...good, param_groups: [{ ...good.param_groups[0], params: [0, 1] }] }, ['group 0 has 1 parameters', 'has 2']],
    [{ ...good, param_groups: [{ ...good.param_groups[0], lr: -3 }] }, ['SGD', 'lr', '-3']],
    [{ ...good, param_groups: [{ ...good.param_groups[0], betas: [0.9, 0.9] }] }, ["unknown hyperparameter 'betas'"]],
    [{ ...good, state: { 0: { momentum_buffer: tg.ones([3]) } } }, ['state 0.momentum_buffer', '[3]', '[2]']],
    [{ ...good, state: { 0: { exp_avg: tg.ones([2]) } } }, ["unexpected state 'exp_avg'", 'momentum_buffer']],
    [{ ...good, state: { 7: { momentum_buffer: tg.ones([2]) } } }, ['parameter 7']],
    [{ state: good.state }, ['expected {state']],
  ];
  for (const [dict, fragments] of variants) {
    assertThrows(() => opt.loadStateDict(dict as tg.optim.OptimizerStateDict), ...fragments);
    assert.is(opt.paramGroups[0].lr, 0.1);
    assert.equal(buffer(), saved);
  }
});

test('loadStateDict then step does not leak, and the caller keeps ownership of its tensors', () => {
  const p = p1();
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = tg.onesLike(p);
  opt.step();
  const sd = opt.stateDict();
  const before = tg.memory().tensors;
  opt.loadStateDict(sd);
  assert.is(tg.memory().tensors, before, 'the old buffer freed, a copy of the new one kept');
  opt.step();
  assert.ok(!(sd.state[0].momentum_buffer as Tensor).isDisposed);
});

test.run();
