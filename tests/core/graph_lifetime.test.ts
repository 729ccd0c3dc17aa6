// Graph lifetime: a tape entry, and the tensors it saved, live as long as a backward pass could
// still reach it (through its output, or a later entry that takes the output as an input), as in
// PyTorch. A forward pass that is never backpropagated is freed when tidy disposes it or when its
// tensors become garbage; a graph whose root is kept still backpropagates after tidy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { assertForwardPassesLeaveNothing, collect } from './lifetime_workload.js';

const live = () => tg.memory().tensors;

test('a forward pass that is never backpropagated leaves nothing when tidy disposes it', () => {
  const w = tg.tensor([0.5, -1, 2], { requiresGrad: true });
  const before = live();
  // exp saves its output, mul its inputs: three entries, four saved tensors
  const value = tg.tidy(() => w.exp().mul(w).sum().item());
  assert.ok(Number.isFinite(value));
  assert.is(live(), before);
  w.dispose();
  assert.is(live(), before - 1, 'the parameter is no longer held by the dropped entries');
});

test('the entries are released whatever order their outputs are disposed in', () => {
  const w = tg.tensor([1, 2], { requiresGrad: true });
  const before = live();
  for (const order of ['forward', 'reverse'] as const) {
    const y = w.exp();
    const z = y.mul(y);
    const s = z.sum();
    for (const t of order === 'forward' ? [y, z, s] : [s, z, y]) t.dispose();
    assert.is(live(), before, `disposed in ${order} order`);
  }
});

test('an entry stays while a later entry needs it: backward through a disposed intermediate', () => {
  const w = tg.tensor([0.3, 0.7], { requiresGrad: true, dtype: 'float64' });
  const before = live();
  const y = w.exp();
  const s = y.sin();
  const loss = s.sum();
  y.dispose(); // the sin entry still reaches y's entry
  s.dispose();
  loss.backward();
  assertClose(w.grad!.toArray(), [0.3, 0.7].map((v) => Math.cos(Math.exp(v)) * Math.exp(v)), 1e-12, 1e-12);
  loss.dispose();
  w.grad!.dispose();
  w.grad = null;
  assert.is(live(), before);
});

test('tidy can drop every intermediate of a kept root: backward still works, then nothing remains', () => {
  const w = tg.tensor([[1, -2], [0.5, 3]], { requiresGrad: true, dtype: 'float64' });
  const before = live();
  const loss = tg.tidy(() => w.matmul(w).tanh().mul(w).sum());
  assert.ok(live() > before + 1, 'the saved intermediates stay for backward');
  loss.backward(undefined, { retainGraph: true });
  const g = Array.from(w.grad!.data());
  w.grad!.dispose();
  w.grad = null;
  loss.backward();
  assertClose(w.grad!.toArray(), g, 0, 0);
  loss.dispose();
  w.grad!.dispose();
  w.grad = null;
  assert.is(live(), before);
});

test('disposing a kept root after a retained backward frees the graph', () => {
  const w = tg.tensor([1, 2, 3], { requiresGrad: true });
  const before = live();
  const loss = tg.tidy(() => w.exp().log().mul(2).sum());
  loss.backward(undefined, { retainGraph: true });
  w.grad!.dispose();
  w.grad = null;
  loss.dispose();
  assert.is(live(), before);
});

test('an entry nothing can reach reports itself released', () => {
  const w = tg.tensor([1], { requiresGrad: true });
  const y = w.exp();
  const entry = y.entry!;
  assert.ok(entry.backward !== null);
  y.dispose();
  assert.is(entry.backward, null);
  assert.equal(entry.saved, []);
});

test('backward from a disposed root says the root was disposed', () => {
  const w = tg.tensor([1, 2], { requiresGrad: true });
  const loss = w.exp().sum();
  loss.dispose();
  assertThrows(() => loss.backward(), 'Tensor.backward', 'was disposed', 'before dispose()');
  const kept = tg.tidy(() => w.exp().sum());
  tg.tidy(() => kept.add(0)).dispose();
  kept.backward(); // returned from tidy: not disposed
  assert.ok(w.grad !== null);
  w.grad!.dispose();
  w.grad = null;
  kept.dispose();
});

test('a graph 20,000 entries deep is released without exhausting the stack', () => {
  const w = tg.tensor([1], { requiresGrad: true });
  const before = live();
  tg.tidy(() => {
    let h = w;
    for (let i = 0; i < 20_000; i++) h = h.mul(1.0001);
    return h.item();
  });
  assert.is(live(), before);
});

test('a forward pass run outside tidy and dropped is freed by the garbage collector', async () => {
  const w = tg.tensor(Array.from({ length: 64 }, (_, i) => i / 64), { requiresGrad: true });
  await collect();
  const before = tg.memory();
  (() => {
    for (let i = 0; i < 50; i++) w.exp().mul(w).tanh().sum().item();
  })();
  assert.ok(live() > before.tensors);
  await collect();
  assert.is(live(), before.tensors);
  assert.is(tg.memory().bytes, before.bytes);
  w.dispose();
  assert.is(live(), before.tensors - 1, 'the collected entries no longer hold the parameter');
});

test('5,000 forward-only passes (MLP + DEU + PAU; train and eval; in and out of tidy) on the CPU: live tensors, bytes and RSS flat', async () => {
  await assertForwardPassesLeaveNothing('cpu', 5000);
});

test.run();
