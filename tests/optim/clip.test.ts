// Gradient clipping against hand computations of torch.nn.utils.clip_grad_norm_ and
// clip_grad_value_, including PyTorch's 1e-6 in the coefficient and bad-input errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { clipGradNorm, clipGradValue } = tg.optim;

function withGrads(grads: number[][]): Tensor[] {
  return grads.map((g) => {
    const p = tg.zeros([g.length], { dtype: 'float64', requiresGrad: true });
    p.grad = tg.tensor(g, { dtype: 'float64' });
    return p;
  });
}

test('clipGradNorm (2-norm) returns the joint norm and scales by maxNorm / (norm + 1e-6)', () => {
  const ps = withGrads([[3, 0], [0, 4]]); // joint norm 5
  const grad = ps[0].grad!;
  const total = clipGradNorm(ps, 1);
  assert.is(total, 5);
  const c = 1 / (5 + 1e-6);
  assertClose(ps[0].grad!.data(), [3 * c, 0], 0, 1e-15);
  assertClose(ps[1].grad!.data(), [0, 4 * c], 0, 1e-15);
  assert.is(ps[0].grad, grad, 'scaled in place: the same gradient tensor');
});

test('clipGradNorm leaves gradients alone when the norm is already small enough', () => {
  const ps = withGrads([[0.3, -0.4]]);
  assertClose([clipGradNorm(ps, 1)], [0.5], 0, 1e-15);
  assert.equal(Array.from(ps[0].grad!.data()), [0.3, -0.4]);
});

test('clipGradNorm with normType 1 and Infinity', () => {
  const a = withGrads([[1, -2], [3]]);
  assert.is(clipGradNorm(a, 3, 1), 6);
  assertClose(a[1].grad!.data(), [(3 * 3) / (6 + 1e-6)], 0, 1e-15);
  const b = withGrads([[1, -5], [3]]);
  assert.is(clipGradNorm(b, 2.5, Infinity), 5);
  assertClose(b[0].grad!.data(), [2.5 / (5 + 1e-6), (-5 * 2.5) / (5 + 1e-6)], 0, 1e-15);
});

test('clipGradNorm matches the formula over drawn gradients', () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    fc.double({ min: 0, max: 20, noNaN: true }),
    (grads, maxNorm) => {
      const ps = withGrads(grads);
      const norm = Math.sqrt(grads.flat().reduce((s, g) => s + g * g, 0));
      assertClose([clipGradNorm(ps, maxNorm)], [norm], 1e-12, 1e-12);
      const c = Math.min(1, maxNorm / (norm + 1e-6));
      ps.forEach((p, i) => assertClose(p.grad!.data(), grads[i].map((g) => g * c), 1e-14, 1e-12));
    },
  ), { numRuns: 50 });
});

test('clipGradNorm skips null gradients, returns 0 when there are none, and does not leak', () => {
  const [a] = withGrads([[6, 8]]);
  const b = tg.zeros([2], { requiresGrad: true });
  const before = tg.memory().tensors;
  assert.is(clipGradNorm([a, b], 5), 10);
  assert.is(tg.memory().tensors, before);
  assert.is(b.grad, null);
  assert.is(clipGradNorm([b], 1), 0);
  assert.is(clipGradNorm(a, 100), clipGradNorm([a], 100), 'a single tensor is accepted');
});

test('clipGradNorm with a non-finite norm: NaN gradients by default, an error if asked', () => {
  const ps = withGrads([[Infinity, 1]]);
  assertThrows(() => clipGradNorm(ps, 1, 2, { errorIfNonfinite: true }), 'clipGradNorm', 'Infinity', 'errorIfNonfinite');
  assert.is(clipGradNorm(ps, 1), Infinity);
});

test('clipGradValue clamps each element into [−v, v] in place', () => {
  const ps = withGrads([[-3, 0.5, 2], [0.1]]);
  const grad = ps[0].grad!;
  clipGradValue(ps, 1);
  assert.equal(Array.from(ps[0].grad!.data()), [-1, 0.5, 1]);
  assert.equal(Array.from(ps[1].grad!.data()), [0.1]);
  assert.is(ps[0].grad, grad);
});

test('clipping refuses bad arguments, naming the function and the value', () => {
  const ps = withGrads([[1]]);
  assertThrows(() => clipGradNorm(ps, -1), 'clipGradNorm', 'maxNorm', '-1');
  assertThrows(() => clipGradNorm(ps, NaN), 'clipGradNorm', 'maxNorm', 'NaN');
  assertThrows(() => clipGradNorm(ps, 1, 3), 'clipGradNorm', 'normType', 'got 3');
  assertThrows(() => clipGradNorm([3] as never, 1), 'clipGradNorm', 'params[0]');
  assertThrows(() => clipGradNorm(null as never, 1), 'clipGradNorm', 'iterable');
  assertThrows(() => clipGradValue(ps, -0.5), 'clipGradValue', 'clipValue', '-0.5');
  assertThrows(() => clipGradValue(ps, Infinity), 'clipGradValue', 'clipValue', 'Infinity');
});

test.run();
