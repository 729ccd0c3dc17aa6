// The subgradients tapegrad pins at kinks (documented at the top of ops/unary_table.ts and in
// ops/binary.ts, ops/reduce.ts): exact values, not finite-difference estimates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

/** d(Σ f(x))/dx at the given points, in float64 and float32 (the rules are dtype-independent). */
function gradAt(f: (x: Tensor) => Tensor, points: number[], dtype: 'float32' | 'float64' = 'float64'): number[] {
  const x = tg.tensor(points, { dtype, requiresGrad: true });
  f(x).sum().backward();
  return Array.from(x.grad!.data());
}

function pinned(name: string, f: (x: Tensor) => Tensor, points: number[], expected: number[]): void {
  for (const dtype of ['float64', 'float32'] as const) {
    const got = gradAt(f, points, dtype);
    assert.equal(got, expected, `${name} (${dtype}) at ${JSON.stringify(points)}`);
  }
}

test("relu'(0) = 0", () => {
  pinned('relu', tg.relu, [-1, 0, 1], [0, 0, 1]);
});

test("abs'(0) = 0", () => {
  pinned('abs', tg.abs, [-2, 0, 3], [-1, 0, 1]);
  assert.ok(Object.is(gradAt(tg.abs, [0])[0] + 0, 0));
});

test("relu6' is 0 at 0 and at 6 (and outside), 1 strictly between", () => {
  pinned('relu6', tg.relu6, [-1, 0, 3, 6, 7], [0, 0, 1, 0, 0]);
});

test("leakyRelu'(0) = slope", () => {
  assert.equal(gradAt((x) => tg.leakyRelu(x), [-1, 0, 1]), [0.01, 0.01, 1]);
  assert.equal(gradAt((x) => tg.leakyRelu(x), [-1, 0, 1], 'float32'), [Math.fround(0.01), Math.fround(0.01), 1]);
  pinned('leakyRelu 0.25', (x) => tg.leakyRelu(x, 0.25), [-3, 0, 2], [0.25, 0.25, 1]);
});

test('clamp and hardtanh pass 0 at a bound (so clamp(x, 0) has relu\'s gradient)', () => {
  pinned('clamp', (x) => tg.clamp(x, -1, 2), [-2, -1, 0, 2, 3], [0, 0, 1, 0, 0]);
  pinned('clamp min only', (x) => tg.clamp(x, 0), [-1, 0, 1], [0, 0, 1]);
  pinned('clamp max only', (x) => tg.clamp(x, null, 0), [-1, 0, 1], [1, 0, 0]);
  pinned('hardtanh', (x) => tg.hardtanh(x), [-2, -1, 0, 1, 2], [0, 0, 1, 0, 0]);
  pinned('hardtanh [-0.5, 0.5]', (x) => tg.hardtanh(x, -0.5, 0.5), [-0.5, 0.25, 0.5], [0, 1, 0]);
  assert.equal(gradAt((x) => tg.clamp(x, 0), [-1, 0, 1]), gradAt(tg.relu, [-1, 0, 1]));
});

test('elu, celu and selu at 0 take the left (x ≤ 0) branch', () => {
  assert.equal(gradAt((x) => tg.elu(x, 0.5), [0]), [0.5]);
  assert.equal(gradAt((x) => tg.celu(x, 2), [0]), [1]);
  assert.equal(gradAt(tg.selu, [0]), [1.0507009873554805 * 1.6732632423543772]);
});

test('max and min reductions split the gradient evenly among ties', () => {
  const x = tg.tensor([1, 3, 3], { dtype: 'float64', requiresGrad: true });
  x.max().backward();
  assert.equal(Array.from(x.grad!.data()), [0, 0.5, 0.5]);

  const y = tg.tensor([[2, 2, 2], [0, -1, 0], [5, 1, 5]], { dtype: 'float64', requiresGrad: true });
  y.min(1).sum().backward();
  assert.equal(y.grad!.toArray(), [[1 / 3, 1 / 3, 1 / 3], [0, 1, 0], [0, 1, 0]]);

  const z = tg.tensor([[2, 2, 2], [0, -1, 0], [5, 1, 5]], { dtype: 'float64', requiresGrad: true });
  z.max(1, { keepDim: true }).mul(tg.tensor([[1], [10], [100]], { dtype: 'float64' })).sum().backward();
  assert.equal(z.grad!.toArray(), [[1 / 3, 1 / 3, 1 / 3], [5, 0, 5], [50, 0, 50]]);

  // the whole tensor, over several axes
  const w = tg.tensor([[4, 1], [4, 4]], { dtype: 'float32', requiresGrad: true });
  w.max([0, 1]).backward();
  assert.equal(Array.from(w.grad!.data()), [1 / 3, 0, 1 / 3, 1 / 3].map(Math.fround));
});

test('norm p = Infinity splits ties too; the 2-norm has gradient 0 at 0', () => {
  const x = tg.tensor([-3, 3, 1], { dtype: 'float64', requiresGrad: true });
  x.norm(Infinity).backward();
  assert.equal(Array.from(x.grad!.data()), [-0.5, 0.5, 0]);
  const z = tg.zeros([3], { dtype: 'float64', requiresGrad: true });
  z.norm().backward();
  assert.equal(Array.from(z.grad!.data()), [0, 0, 0]);
});

test('maximum and minimum split a tie evenly between the two sides, also when broadcast', () => {
  const a = tg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const b = tg.tensor([1, 5, 0], { dtype: 'float64', requiresGrad: true });
  tg.maximum(a, b).sum().backward();
  assert.equal(Array.from(a.grad!.data()), [0.5, 0, 1]);
  assert.equal(Array.from(b.grad!.data()), [0.5, 1, 0]);

  const c = tg.tensor([2, 2, 1], { dtype: 'float64', requiresGrad: true });
  const s = tg.tensor(2, { dtype: 'float64', requiresGrad: true });
  tg.minimum(c, s).sum().backward();
  assert.equal(Array.from(c.grad!.data()), [0.5, 0.5, 1]);
  assert.equal(s.grad!.item(), 1); // 0.5 + 0.5 + 0
});

test('floor, ceil, round and sign give exactly zero gradient, and still require grad', () => {
  for (const [name, f] of [['floor', tg.floor], ['ceil', tg.ceil], ['round', tg.round], ['sign', tg.sign]] as const) {
    const x = tg.tensor([-1.5, -0.5, 0, 0.5, 2.5, 3], { dtype: 'float64', requiresGrad: true });
    const y = f(x);
    assert.ok(y.requiresGrad, `${name} output requires grad (zero gradient, not none)`);
    y.mul(7).sum().backward();
    assert.equal(Array.from(x.grad!.data()), [0, 0, 0, 0, 0, 0], name);
  }
  // composed with a differentiable path, only that path contributes
  const x = tg.tensor([1.7, -2.2], { dtype: 'float64', requiresGrad: true });
  x.floor().add(x.mul(3)).sum().backward();
  assert.equal(Array.from(x.grad!.data()), [3, 3]);
});

test('heaviside, comparisons, argmax and argmin return tensors that do not require grad', () => {
  const x = tg.tensor([-1, 0, 2], { requiresGrad: true });
  const outputs: [string, Tensor][] = [
    ['heaviside', tg.heaviside(x, 0.5)],
    ['eq', x.eq(0)], ['ne', x.ne(0)], ['lt', x.lt(x)], ['le', tg.le(x, 1)], ['gt', tg.gt(0, x)], ['ge', x.ge(x.mul(2))],
    ['argmax', x.argmax()], ['argmin', x.argmin(0)],
  ];
  for (const [name, y] of outputs) {
    assert.is(y.requiresGrad, false, name);
    assert.is(y.entry, null, name);
  }
  // so a loss built only from them cannot be differentiated, and says so
  assert.throws(() => tg.heaviside(x, 0).sum().backward(), /does not require grad/);
});

test('where passes no gradient through the condition, and routes the rest by it', () => {
  const c = tg.tensor([1, 0, 1], { dtype: 'float64', requiresGrad: true });
  const a = tg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const b = tg.tensor([4, 5, 6], { dtype: 'float64', requiresGrad: true });
  tg.where(c, a, b).mul(tg.tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
  assert.equal(c.grad, null);
  assert.equal(Array.from(a.grad!.data()), [1, 0, 100]);
  assert.equal(Array.from(b.grad!.data()), [0, 10, 0]);
});

test.run();
