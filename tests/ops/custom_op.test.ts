// customOp: one tape entry per call, the user's backward checked (count, shape, dtype) with
// messages naming the op, saved tensors alive exactly as long as the entry, gradcheck and
// listOps integration. The ops are defined inside the tests, so that the registry the gradient
// suite enumerates at import holds only the library's ops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const f64 = (values: number[] | number[][], requiresGrad = true) => tg.tensor(values, { dtype: 'float64', requiresGrad });

function defineCube() {
  return tg.customOp({
    name: 'cube',
    forward: (ctx, x: Tensor) => {
      ctx.save(x);
      return x.mul(x).mul(x);
    },
    backward: (ctx, g) => {
      const [x] = ctx.saved;
      return [g.mul(x.square()).mul(3)];
    },
  });
}

test('a custom op is one tape entry named after it, whose gradient is the backward given', () => {
  const cube = defineCube();
  const x = f64([1, -2, 0.5]);
  const y = cube(x);
  assert.is(y.entry?.op, 'cube');
  assert.equal(y.entry?.inputs, [x]);
  assert.ok(y.requiresGrad);
  assertClose(y.data(), [1, -8, 0.125], 0, 0);
  y.sum().backward();
  assertClose(x.grad!.data(), [3, 12, 0.75], 0, 1e-15);
  // under noGrad, or when no input requires grad, nothing is recorded
  assert.is(tg.noGrad(() => cube(x)).entry, null);
  assert.is(cube(f64([2], false)).requiresGrad, false);
});

test('gradcheck passes a correct backward and catches a wrong one', () => {
  const swish = tg.customOp({
    name: 'swishSaved',
    forward: (ctx, x: Tensor) => {
      const s = x.sigmoid(); // an intermediate saved for backward
      ctx.save(x, s);
      return x.mul(s);
    },
    backward: (ctx, g) => {
      const [x, s] = ctx.saved;
      return [g.mul(s.add(x.mul(s).mul(s.neg().add(1))))];
    },
  });
  assert.ok(tg.gradcheck((x) => swish(x), [f64([[-2, -0.5], [0.3, 1.7]])]).ok);
  const wrong = tg.customOp({
    name: 'swishWrong',
    forward: (ctx, x: Tensor) => x.mul(x.sigmoid()),
    backward: (ctx, g) => [g.mul(0.5)],
  });
  const report = tg.gradcheck((x) => wrong(x), [f64([0.3, 1.7])], { raiseException: false });
  assert.is(report.ok, false);
});

test('several tensor inputs, non-tensor arguments passed through, and needsInputGrad', () => {
  let needs: readonly boolean[] = [];
  const scaledProduct = tg.customOp({
    name: 'scaledProduct',
    forward: (ctx, a: Tensor, b: Tensor, scale: number) => {
      ctx.save(a, b);
      ctx.values.scale = scale;
      return a.mul(b).mul(scale);
    },
    backward: (ctx, g) => {
      needs = ctx.needsInputGrad;
      const [a, b] = ctx.saved;
      const s = ctx.values.scale as number;
      return [ctx.needsInputGrad[0] ? g.mul(b).mul(s) : null, ctx.needsInputGrad[1] ? g.mul(a).mul(s) : null];
    },
  });
  const a = f64([1, 2]);
  const b = f64([3, -1], false);
  scaledProduct(a, b, 2).sum().backward();
  assert.equal(needs, [true, false]);
  assertClose(a.grad!.data(), [6, -2], 0, 0);
  assert.is(b.grad, null);
  assert.ok(tg.gradcheck((p, q) => scaledProduct(p, q, -1.5), [f64([0.5, 2]), f64([1, 3])]).ok);
});

test('a gradient of a broadcast shape is summed back to the input, as PyTorch does', () => {
  const addBias = tg.customOp({
    name: 'addBias',
    forward: (ctx, x: Tensor, bias: Tensor) => x.add(bias),
    backward: (ctx, g) => [g, g], // g has x's shape [2, 3]; bias is [3]
  });
  const x = f64([[1, 2, 3], [4, 5, 6]]);
  const bias = f64([0, 0, 0]);
  addBias(x, bias).mul(f64([[1, 2, 3], [4, 5, 6]], false)).sum().backward();
  assertClose(bias.grad!.data(), [5, 7, 9], 0, 0);
  assert.ok(tg.gradcheck((p, q) => addBias(p, q), [f64([[1, 2, 3], [4, 5, 6]]), f64([[0.5], [1]])]).ok);
});

test('a backward that returns the wrong number of gradients, shapes, dtypes or values fails, naming the op', () => {
  const make = (name: string, backward: (g: Tensor) => unknown) =>
    tg.customOp({ name, forward: (ctx, x: Tensor, y: Tensor) => x.mul(y), backward: (ctx, g) => backward(g) as Tensor[] });
  const run = (op: (x: Tensor, y: Tensor) => Tensor) => op(f64([1, 2]), f64([3, 4])).sum().backward();
  assertThrows(() => run(make('tooFew', (g) => [g])), "customOp 'tooFew'", 'backward returned 1 gradient, expected 2');
  assertThrows(() => run(make('tooMany', (g) => [g, g, g])), "customOp 'tooMany'", 'returned 3 gradients, expected 2');
  assertThrows(() => run(make('badShape', (g) => [g, g.sum()])), "customOp 'badShape'", "gradient 1 has shape [], but input 1 has shape [2]");
  assertThrows(() => run(make('notBroadcast', (g) => [g, tg.zeros([3], { dtype: 'float64' })])), "customOp 'notBroadcast'", 'gradient 1 has shape [3]');
  assertThrows(() => run(make('badDtype', (g) => [g, g.to('float32')])), "customOp 'badDtype'", 'gradient 1 is float32, but input 1 is float64');
  assertThrows(() => run(make('notTensor', (g) => [g, 1])), "customOp 'notTensor'", 'gradient 1 must be a Tensor or null, got number');
  assertThrows(() => run(make('notArray', () => 'x')), "customOp 'notArray'", 'backward must return an array');
  // one Tensor stands for a one-element list when there is one tensor input
  const single = tg.customOp({ name: 'single', forward: (ctx, x: Tensor) => x.mul(2), backward: (ctx, g) => g.mul(2) });
  const x = f64([1]);
  single(x).sum().backward();
  assertClose(x.grad!.data(), [2], 0, 0);
});

test('a bad definition or forward is an error naming customOp and the op', () => {
  assertThrows(() => tg.customOp({ name: 'relu', forward: (ctx, x: Tensor) => x, backward: (ctx, g) => [g] }), 'customOp', "'relu' is the name of a built-in op");
  assertThrows(() => tg.customOp({ name: '', forward: (ctx, x: Tensor) => x, backward: (ctx, g) => [g] }), 'customOp', 'name must be');
  assertThrows(() => tg.customOp({ name: 'noBackward', forward: (ctx: unknown, x: Tensor) => x } as never), "'noBackward': backward must be a function");
  const returnsNumber = tg.customOp({ name: 'returnsNumber', forward: (ctx, x: Tensor) => 3 as unknown as Tensor, backward: (ctx, g) => [g] });
  assertThrows(() => returnsNumber(f64([1])), "customOp 'returnsNumber'", 'forward must return a Tensor, got number');
  const savesNumber = tg.customOp({ name: 'savesNumber', forward: (ctx, x: Tensor) => (ctx.save(2 as unknown as Tensor), x), backward: (ctx, g) => [g] });
  assertThrows(() => savesNumber(f64([1])), "customOp 'savesNumber'", 'ctx.save takes tensors');
});

test('listOps lists custom ops as custom primitives; defining a name again replaces it', () => {
  const first = tg.customOp({ name: 'twiceDefined', forward: (ctx, x: Tensor) => x.mul(2), backward: (ctx, g) => [g.mul(2)] });
  const second = tg.customOp({ name: 'twiceDefined', forward: (ctx, x: Tensor) => x.mul(5), backward: (ctx, g) => [g.mul(5)] });
  const listed = tg.listOps().filter((op) => op.name === 'twiceDefined');
  assert.is(listed.length, 1);
  assert.is(listed[0].grad, 'primitive');
  assert.is(listed[0].custom, true);
  assert.is(tg.listOps().find((op) => op.name === 'relu')?.custom, undefined);
  assert.is(first.opName, 'twiceDefined');
  assertClose(second(f64([1])).data(), [5], 0, 0);
});

test('an op that returns its input (or a captured tensor) gets an output of its own', () => {
  const captured = f64([7, 8], false);
  const passThrough = tg.customOp({ name: 'passThrough', forward: (ctx, x: Tensor) => x, backward: (ctx, g) => [g] });
  const constant = tg.customOp({ name: 'constantOut', forward: (ctx, x: Tensor) => captured, backward: () => [null] });
  const x = f64([1, 2]);
  const y = passThrough(x);
  assert.is.not(y, x);
  assert.is(x.entry, null); // the leaf stayed a leaf
  const c = constant(x);
  assert.is.not(c, captured);
  assert.is(captured.requiresGrad, false);
  assert.is(captured.entry, null);
  y.mul(c).sum().backward();
  assertClose(x.grad!.data(), [7, 8], 0, 0);
});

test('intermediates a forward saves live until backward, inside tidy, and nothing leaks', () => {
  const expSaved = tg.customOp({
    name: 'expSaved',
    forward: (ctx, x: Tensor) => {
      const y = x.exp();
      ctx.save(y);
      return y.mul(1);
    },
    backward: (ctx, g) => [g.mul(ctx.saved[0])],
  });
  const x = f64([0, 1]);
  const step = () => tg.tidy(() => {
    x.grad?.dispose();
    x.grad = null;
    const loss = tg.tidy(() => expSaved(x).sum()); // the inner tidy disposes the intermediates
    loss.backward();
    return x.grad!.data();
  });
  assertClose(step(), [1, Math.E], 0, 1e-15);
  const before = tg.memory().tensors;
  for (let i = 0; i < 20; i++) step();
  tg.tidy(() => {
    tg.noGrad(() => expSaved(x)); // nothing recorded: the saved intermediate goes with the tidy
  });
  assert.is(tg.memory().tensors, before);
});

test.run();
