// stateDict / loadStateDict: PyTorch's keys, round trips, strict and non-strict loading with
// messages naming the keys, and the guarantee that a failed load changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { nn } = tg;
type Linear = InstanceType<typeof nn.Linear>;

function mlp(seed: number) {
  tg.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

const values = (m: InstanceType<typeof nn.Module>) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));

test('stateDict holds parameters and persistent buffers under PyTorch keys', () => {
  assert.equal(Object.keys(mlp(0).stateDict()), [
    '0.weight', '0.bias',
    '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked',
    '3.weight', '3.bias',
  ]);
  const sd = mlp(0).stateDict();
  assert.ok(Object.values(sd).every((t) => !t.requiresGrad && t.isLeaf));
});

test('a state dict round trip reproduces the model; parameters keep their identity', () => {
  const a = mlp(1);
  tg.noGrad(() => a.forward(tg.randn([8, 3]))); // moves the running statistics off their initial values
  a.eval();
  const b = mlp(2).eval();
  const weight = (b.at(0) as Linear).weight;
  const x = tg.randn([5, 3]);
  const run = (m: typeof a) => tg.noGrad(() => m.forward(x).toArray());
  assert.not.equal(run(b), run(a));
  const result = b.loadStateDict(a.stateDict());
  assert.equal(result, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(values(b), values(a));
  assert.equal(run(b), run(a));
  assert.is((b.at(0) as Linear).weight, weight);
  assert.ok(weight.requiresGrad);
});

test('loaded values are copies: training the source afterwards does not touch the target', () => {
  const a = mlp(1);
  const b = mlp(2);
  b.loadStateDict(a.stateDict());
  const before = values(b);
  const opt = new tg.optim.SGD(a.parameters(), { lr: 0.5 });
  a.forward(tg.randn([4, 3])).sum().backward();
  opt.step();
  assert.equal(values(b), before);
});

test('an optimizer built before loading keeps updating the loaded parameters', () => {
  const b = mlp(2);
  const opt = new tg.optim.SGD(b.parameters(), { lr: 0.1 });
  b.loadStateDict(mlp(1).stateDict());
  const w = (b.at(0) as Linear).weight;
  const before = w.toArray();
  b.forward(tg.randn([4, 3])).sum().backward();
  opt.step();
  assert.not.equal(w.toArray(), before);
});

test('strict loading names every missing and unexpected key and loads nothing', () => {
  const b = mlp(2);
  const before = values(b);
  const sd = mlp(1).stateDict();
  delete sd['3.bias'];
  delete sd['1.running_var'];
  sd['4.weight'] = tg.zeros([1]);
  assertThrows(() => b.loadStateDict(sd), 'Sequential.loadStateDict', "missing keys '1.running_var', '3.bias'", "unexpected key '4.weight'", 'nothing was loaded');
  assert.equal(values(b), before);
});

test('non-strict loading reports missing and unexpected keys and loads the rest', () => {
  const a = mlp(1);
  const b = mlp(2);
  const sd = a.stateDict();
  delete sd['3.bias'];
  sd['extra'] = tg.zeros([1]);
  const oldBias = (b.at(3) as Linear).bias!.toArray();
  const result = b.loadStateDict(sd, { strict: false });
  assert.equal(result, { missingKeys: ['3.bias'], unexpectedKeys: ['extra'] });
  assert.equal((b.at(0) as Linear).weight.toArray(), (a.at(0) as Linear).weight.toArray());
  assert.equal((b.at(3) as Linear).bias!.toArray(), oldBias);
});

test('a shape mismatch names the key and both shapes, even when not strict, and loads nothing', () => {
  const b = mlp(2);
  const before = values(b);
  const sd = mlp(1).stateDict();
  sd['3.weight'] = tg.zeros([3, 4]); // the last key in order: everything before it would fit
  for (const strict of [true, false]) {
    assertThrows(() => b.loadStateDict(sd, { strict }), "size mismatch for '3.weight'", 'the state dict has [3, 4]', 'the module [2, 4]', 'nothing was loaded');
  }
  assert.equal(values(b), before);
  sd['3.weight'] = 'nope' as unknown as Tensor;
  assertThrows(() => b.loadStateDict(sd), "'3.weight' is not a Tensor");
  assertThrows(() => b.loadStateDict(null as unknown as Record<string, Tensor>), 'loadStateDict', 'expected an object');
});

test('values are cast to the module dtype and backend, as torch copy_ does', () => {
  const a = mlp(1).double();
  const b = mlp(2);
  b.loadStateDict(a.stateDict());
  assert.ok(b.parameters().every((p) => p.dtype === 'float32'));
  assertClose(values(b)['0.weight'], values(a)['0.weight'], 1e-7, 1e-6);
});

test('loading while a forward pass is pending works; that pass then refuses backward, as in PyTorch', () => {
  const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
  const pending = (net.at(1) as Linear).forward(tg.ones([1, 2])).sum();
  const source = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
  net.loadStateDict(source.stateDict());
  assert.equal(values(net), values(source));
  assertThrows(() => pending.backward(), 'backward', 'saved by', 'assign()');
});

test('tied weights load from either key', () => {
  const a = new nn.Linear(2, 2);
  const b = new nn.Linear(2, 2);
  b.weight = a.weight;
  const tied = new nn.Sequential(a, b);
  const sd = tied.stateDict();
  assert.equal(Object.keys(sd), ['0.weight', '0.bias', '1.weight', '1.bias']);
  tied.loadStateDict(sd);
  assert.is(a.weight, b.weight);
});

test('BatchNorm running statistics and the batch counter round trip', () => {
  const a = new nn.BatchNorm2d(3);
  for (let i = 0; i < 3; i++) tg.noGrad(() => a.forward(tg.randn([4, 3, 2, 2])));
  const b = new nn.BatchNorm2d(3);
  b.loadStateDict(a.stateDict());
  assert.equal(b.numBatchesTracked!.item(), 3);
  assert.equal(b.runningMean!.toArray(), a.runningMean!.toArray());
  assert.equal(b.runningVar!.toArray(), a.runningVar!.toArray());
});

test.run();
