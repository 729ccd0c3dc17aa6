// Memory: tidy frees intermediates, the tape holds only what backward needs and releases it
// after backward, backward's allocations stay within twice the forward's intermediates, and a
// training loop is leak-free (live tensors and bytes flat).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

function mlp(sizes: number[]): Tensor[] {
  tg.manualSeed(1);
  const params: Tensor[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    params.push(tg.randn([sizes[i + 1], sizes[i]]).mul(1 / Math.sqrt(sizes[i])).detach().requiresGrad_());
    params.push(tg.zeros([sizes[i + 1]], { requiresGrad: true }));
  }
  return params;
}

function forward(params: Tensor[], x: Tensor, labels: number[]): Tensor {
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = tg.linear(h, params[i], params[i + 1]);
    if (i + 2 < params.length) h = h.relu();
  }
  return tg.crossEntropy(h, labels);
}

test('tidy disposes what fn made except what it returns; keep exempts a tensor', () => {
  const before = tg.memory().tensors;
  let kept: Tensor | null = null;
  const result = tg.tidy(() => {
    const a = tg.ones([3]);
    const b = a.mul(2);
    kept = tg.keep(b.add(1));
    return b.sum();
  });
  assert.is(tg.memory().tensors, before + 2);
  assert.is(result.item(), 6);
  assert.is(kept!.toArray().toString(), '3,3,3');
  result.dispose();
  kept!.dispose();
  assert.is(tg.memory().tensors, before);
});

test('the tape holds saved tensors until backward, then releases them', () => {
  const params = mlp([6, 8, 3]);
  const x = tg.randn([4, 6]);
  const labels = [0, 2, 1, 2];
  const base = tg.memory().tensors;
  const loss = tg.tidy(() => forward(params, x, labels));
  const held = tg.memory().tensors - base - 1;
  assert.ok(held > 0, 'the forward should leave saved tensors held by the tape');
  loss.backward();
  // after backward: the loss and one gradient per parameter, nothing else
  assert.is(tg.memory().tensors, base + 1 + params.length);
  loss.dispose();
  for (const p of params) p.grad!.dispose();
});

test('backward allocates at most twice the forward intermediate memory', () => {
  const params = mlp([64, 128, 128, 10]);
  const x = tg.randn([32, 64]);
  const labels = Array.from({ length: 32 }, (_, i) => i % 10);
  const start = tg.memory().bytes;
  const loss = tg.tidy(() => forward(params, x, labels));
  const forwardBytes = tg.memory().bytes - start;
  tg.resetPeakMemory();
  const atBackward = tg.memory().bytes;
  loss.backward();
  const backwardBytes = tg.memory().peakBytes - atBackward;
  assert.ok(forwardBytes > 0);
  assert.ok(backwardBytes <= 2 * forwardBytes, `backward allocated ${backwardBytes} B, forward intermediates ${forwardBytes} B`);
});

test('a training loop is leak-free', () => {
  const params = mlp([10, 16, 4]);
  const x = tg.randn([8, 10]);
  const labels = [0, 1, 2, 3, 0, 1, 2, 3];
  const step = () => tg.tidy(() => {
    const loss = forward(params, x, labels);
    loss.backward();
    tg.noGrad(() => {
      for (const p of params) {
        p.assign(p.sub(p.grad!.mul(0.1)));
        p.grad!.dispose();
        p.grad = null;
      }
    });
    return loss.item();
  });
  const first = step();
  const after1 = tg.memory();
  let last = first;
  for (let i = 0; i < 20; i++) last = step();
  const after21 = tg.memory();
  assert.is(after21.tensors, after1.tensors);
  assert.is(after21.bytes, after1.bytes);
  assert.ok(last < first, `loss should decrease: ${first} → ${last}`);
});

test('a disposed tensor cannot be used; dispose is idempotent', () => {
  const t = tg.ones([2]);
  t.dispose();
  t.dispose();
  assertThrows(() => t.data(), 'used after dispose');
  assertThrows(() => t.add(1), 'used after dispose');
});

test('views share storage: the buffer is freed only with its last tensor', () => {
  const before = tg.memory();
  const a = tg.ones([2, 3]);
  const b = a.reshape([3, 2]);
  assert.is(tg.memory().buffers, before.buffers + 1);
  assert.is(tg.memory().tensors, before.tensors + 2);
  a.dispose();
  assert.is(tg.memory().buffers, before.buffers + 1);
  assert.equal(Array.from(b.data()), [1, 1, 1, 1, 1, 1]);
  b.dispose();
  assert.is(tg.memory().buffers, before.buffers);
  assert.is(tg.memory().bytes, before.bytes);
});

test.run();
