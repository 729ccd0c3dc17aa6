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

test('one gradient tensor handed to two inputs survives their accumulation (add passes g to both sides)', () => {
  // y = (a + b) + a: the outer add gives a and (a + b) the same g; the inner add gives a and b
  // that g again while a's slot already holds it, so a's sum must not free the g b still needs
  for (const dtype of ['float32', 'float64'] as const) {
    const x = tg.tensor([1, -2, 3], { dtype, requiresGrad: true });
    const a = x.mul(1), b = x.mul(2);
    a.add(b).add(a).sum().backward();
    assert.equal([...x.grad!.data()], [4, 4, 4], dtype);
    // and through a longer chain of pass-throughs, as an Euler solver builds: y_{k+1} = y_k + h·f(y_k)
    const z = tg.tensor([0.5, 1.5], { dtype, requiresGrad: true });
    let y = z;
    for (let k = 0; k < 4; k++) y = y.add(y.mul(0.1));
    y.sum().backward();
    assert.ok([...z.grad!.data()].every((v) => Math.abs(v - 1.1 ** 4) < 1e-5), String(z.grad!.data()));
  }
});

test.run();
