// Second-order details the property suite does not reach: prod with zeros, the createGraph
// formulas agreeing with the first-order kernels they stand beside (one source of truth), and
// ops (or orders) that are not differentiable again throwing by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const f64 = (values: number[], shape?: number[]) => tg.tensor(Float64Array.from(values), { shape: shape ?? [values.length], dtype: 'float64', requiresGrad: true });

test('prod: second derivatives with zeros in the group are exact (no division by x)', () => {
  for (const values of [[0, 2, 3], [0, 0, 2], [1.5, -2, 0.5]]) {
    assert.ok(tg.gradgradcheck((x) => x.prod(), [f64(values)]).ok, `prod of ${values}`);
  }
  // d²(abc)/da db = c: with a = b = 0 the Hessian is still [[0, c, b], [c, 0, a], [b, a, 0]]
  const x = f64([0, 0, 2]);
  const [g] = tg.grad(x.prod(), [x], { createGraph: true });
  const rows = [0, 1, 2].map((i) => tg.grad(g!.mul(tg.tensor(Float64Array.from([0, 1, 2].map((j) => (j === i ? 1 : 0))), { dtype: 'float64' })).sum(), [x], { retainGraph: true })[0]!.toArray());
  assert.equal(rows, [[0, 2, 0], [2, 0, 0], [0, 0, 0]]);
  assert.ok(tg.gradgradcheck((t) => t.prod(1), [f64([0, 1, 2, -1, 0.5, 3], [2, 3])]).ok);
  assert.ok(tg.gradgradcheck((t) => t.prod([0, 2], { keepDim: true }), [f64([0, 1, 2, -1, 0.5, 3, 2, -0.5], [2, 2, 2])]).ok);
});

/** First-order gradients with and without createGraph must be the same numbers. */
function sameGradients(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const plain = tg.grad(fn(...inputs), inputs).map((g) => g!.toArray());
  const recorded = tg.grad(fn(...inputs), inputs, { createGraph: true }).map((g) => g!.toArray());
  plain.forEach((p, i) => assertClose(recorded[i] as number[], p as number[], 1e-15, 1e-13, `input ${i}`));
}

test('the createGraph forms of prod, binaryCrossEntropy and norm agree with their first-order kernels', () => {
  sameGradients((x) => x.prod(1).sum(), [f64([0, 1, 2, -1, 0.5, 3], [2, 3])]);
  sameGradients((x, y) => tg.binaryCrossEntropy(x, y), [f64([0.1, 0.5, 0.9, 1e-14]), f64([0, 0.3, 1, 0.5])]);
  sameGradients((x) => x.norm(2, 1).sum(), [f64([0, 0, 3, 4], [2, 2])]);
});

test('a third derivative beyond the table throws naming the op', () => {
  const x = f64([0.5]);
  const [g1] = tg.grad(x.exp().sum(), [x], { createGraph: true });
  const [g2] = tg.grad(g1!.sum(), [x], { createGraph: true });
  assertThrows(() => tg.grad(g2!.sum(), [x]), "'exp'", 'third derivative');
});

test('an op that is differentiable once only throws by name at the second backward (customOp onceDifferentiable)', () => {
  const cube = tg.customOp({
    name: 'testCubeOnce',
    onceDifferentiable: true,
    forward: (ctx, x: Tensor) => {
      ctx.save(x);
      return x.mul(x).mul(x);
    },
    backward: (ctx, g) => {
      const [x] = ctx.saved;
      return [g.mul(x).mul(x).mul(3)];
    },
  });
  const x = f64([0.5, 2]);
  const [g] = tg.grad(cube(x).sum(), [x], { createGraph: true });
  assertClose(g!.toArray() as number[], [0.75, 12]);
  assertThrows(() => tg.grad(g!.sum(), [x]), 'testCubeOnce', 'not twice differentiable');
  assertThrows(() => tg.gradgradcheck((t) => cube(t).sum(), [f64([1, 2])]), 'testCubeOnce');
});

test('reshape and matmul keep the path to g under createGraph (no detached gradient)', () => {
  // f = Σ (x·W)³ via reshapes: d²f/dW² is nonzero and must reach W
  const x = f64([0.5, -1, 2, 0.3], [2, 2]);
  const w = f64([1, 0.5, -0.5, 2], [2, 2]);
  assert.ok(tg.gradgradcheck((a, b) => a.reshape([4]).reshape([2, 2]).matmul(b).pow(3).sum(), [x, w]).ok);
  assert.ok(tg.gradgradcheck((a, b) => tg.matmul(a.reshape([4]).slice([[0, 2]]), b).pow(3).sum(), [x, w]).ok);
});

test('matmul: every transpose combination, with broadcast batch axes, is twice differentiable', () => {
  const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + k));
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      // a: [2, 1, m, k] (or its transpose), b: [3, k, n]: batch axes broadcast to [2, 3]
      const a = f64(values(2 * 2 * 3, 1), transA ? [2, 1, 3, 2] : [2, 1, 2, 3]);
      const b = f64(values(3 * 3 * 2, 2), transB ? [3, 2, 3] : [3, 3, 2]);
      const report = tg.gradgradcheck((x, y) => tg.matmulT(x, y, transA, transB), [a, b]);
      assert.ok(report.ok, `transA ${transA}, transB ${transB}: ${report.message}`);
    }
  }
});

test('gradgradcheck takes only the differentiable outputs (one grad output for [exp(x), x.detach()])', () => {
  const x = f64([0.2, -0.4]);
  assert.ok(tg.gradgradcheck((t) => [t.exp(), t.detach()], [x]).ok);
  assertThrows(() => tg.gradgradcheck((t) => [t.exp(), t.detach()], [x], { gradOutputs: [x.detach(), x.detach()] }), 'gradOutputs has 2 tensors', '1 differentiable output');
});

test('defineUnary: with grad2 the op is twice differentiable; without it a second backward names the op; a redefinition takes the new rules', () => {
  const softsq = tg.defineUnary({
    name: 'testSoftSquare',
    f: (x) => Math.log(1 + x * x),
    grad: (g, x) => (2 * g * x) / (1 + x * x),
    grad2: (g, x) => (2 * g * (1 - x * x)) / ((1 + x * x) * (1 + x * x)),
  });
  assert.ok(tg.listOps().find((op) => op.name === 'testSoftSquare')!.twice);
  assert.ok(tg.gradgradcheck((t) => softsq(t), [f64([-1.5, 0.3, 2])]).ok);
  const once = tg.defineUnary({ name: 'testSoftSquareOnce', f: (x) => Math.log(1 + x * x), grad: (g, x) => (2 * g * x) / (1 + x * x) });
  assert.is(tg.listOps().find((op) => op.name === 'testSoftSquareOnce')!.twice, false);
  assertThrows(() => tg.gradgradcheck((t) => once(t), [f64([0.5])]), 'testSoftSquareOnce');
  // the same name again with a wrong second-order rule: gradgradcheck must see the new rule
  const wrong = tg.defineUnary({
    name: 'testSoftSquare',
    f: (x) => Math.log(1 + x * x),
    grad: (g, x) => (2 * g * x) / (1 + x * x),
    grad2: (g, x) => (2.1 * g * (1 - x * x)) / ((1 + x * x) * (1 + x * x)),
  });
  assert.is(tg.gradgradcheck((t) => wrong(t), [f64([-1.5, 0.3, 2])], { raiseException: false }).ok, false);
  assertThrows(() => tg.defineUnary({ name: 'testBadGrad2', f: (x) => x, grad: (g) => g, grad2: 3 as never }), 'grad2 must be a function');
});

test.run();
