import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

test('backward accumulates into leaves across calls', () => {
  const x = tg.tensor([1, 2, 3], { requiresGrad: true });
  x.mul(x).sum().backward();
  assertClose(x.grad!.toArray(), [2, 4, 6]);
  x.mul(3).sum().backward();
  assertClose(x.grad!.toArray(), [5, 7, 9]);
});

test('a diamond graph sums the gradient over both paths', () => {
  const x = tg.tensor([2], { requiresGrad: true, dtype: 'float64' });
  const a = x.mul(3);
  const y = a.mul(a).add(a); // 9x² + 3x
  y.sum().backward();
  assertClose(x.grad!.toArray(), [36 + 3]);
});

test('noGrad records nothing', () => {
  const x = tg.tensor([1, 2], { requiresGrad: true });
  const y = tg.noGrad(() => x.mul(2));
  assert.is(y.requiresGrad, false);
  assert.is(y.entry, null);
});

test('backward on a non-scalar without gradOutput explains itself', () => {
  const x = tg.tensor([1, 2], { requiresGrad: true });
  assertThrows(() => x.mul(2).backward(), 'backward', 'shape [2]', 'gradOutput');
});

test('a second backward after release explains itself; retainGraph allows it', () => {
  const x = tg.tensor([1, 2], { requiresGrad: true });
  const y = x.exp().sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assertClose(x.grad!.toArray(), [2 * Math.E, 2 * Math.exp(2)], 1e-5, 1e-6);
  assertThrows(() => y.backward(), 'backward', 'already released', 'retainGraph');
});

test('backward on a tensor that does not require grad explains itself', () => {
  assertThrows(() => tg.tensor([1]).backward(), 'backward', 'does not require grad');
});

test('grad() returns gradients without touching .grad, null for unused inputs', () => {
  const x = tg.tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
  const z = tg.tensor([5], { requiresGrad: true, dtype: 'float64' });
  const [gx, gz] = tg.grad(x.square().sum(), [x, z]);
  assertClose(gx!.toArray(), [2, 4]);
  assert.is(gz, null);
  assert.is(x.grad, null);
});

test.run();
