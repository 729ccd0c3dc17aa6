// backward({createGraph}) and grad(..., {createGraph}) as PyTorch's create_graph: the gradients are
// tensors on the tape; without the flag nothing of the backward is recorded; options are checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const f64 = (values: number[]) => tg.tensor(Float64Array.from(values), { dtype: 'float64', requiresGrad: true });

test('loss.backward({ createGraph: true }): .grad is differentiable; a second backward gives the second derivative', () => {
  const x = f64([0.5, -1, 2]);
  x.pow(3).sum().backward({ createGraph: true });
  const g = x.grad!;
  assert.ok(g.requiresGrad);
  assertClose(g.toArray() as number[], [0.75, 3, 12]);
  x.grad = null;
  g.sum().backward();
  assertClose(x.grad!.toArray() as number[], [3, -6, 12]);
});

test('backward(gradOutput, { createGraph }) and grad(..., { gradOutputs, createGraph })', () => {
  const x = f64([1, 2]);
  x.exp().backward(tg.tensor([1, 2], { dtype: 'float64' }), { createGraph: true });
  assert.ok(x.grad!.requiresGrad);
  const y = f64([1, 2]);
  const [gy] = tg.grad(y.square(), [y], { gradOutputs: [tg.tensor([1, 3], { dtype: 'float64' })], createGraph: true });
  assertClose(gy!.toArray() as number[], [2, 12]);
  const [h] = tg.grad(gy!.sum(), [y]);
  assertClose(h!.toArray() as number[], [2, 6]);
});

test('without createGraph the gradients are plain tensors and the graph is released', () => {
  const x = f64([1, 2]);
  const y = x.tanh().sum();
  const [g] = tg.grad(y, [x]);
  assert.is(g!.requiresGrad, false);
  assertThrows(() => tg.grad(y, [x]), 'already released');
  // with createGraph, retainGraph defaults to true (as PyTorch): a second grad works
  const z = x.tanh().sum();
  tg.grad(z, [x], { createGraph: true });
  assert.ok(tg.grad(z, [x])[0] !== null);
});

test('options are checked: unknown keys and non-booleans are refused by name', () => {
  const x = f64([1]);
  assertThrows(() => x.exp().sum().backward({ createGrpah: true } as never), 'backward', "unknown option 'createGrpah'");
  assertThrows(() => x.exp().sum().backward({ createGraph: 'yes' } as never), 'backward', 'createGraph must be true or false, got "yes"');
  assertThrows(() => tg.grad(x.exp().sum(), [x], { retainGraph: 1 } as never), 'grad', 'retainGraph must be true or false');
  assertThrows(() => tg.grad(x.exp().sum(), [x], { allowUnused: true } as never), 'grad', "unknown option 'allowUnused'");
  assertThrows(() => x.exp().sum().backward({}, {}), 'Tensor.backward', 'two options objects');
});

test('a createGraph backward frees its graph once its results are disposed', () => {
  const x = f64([0.3, 0.6, -0.2]);
  const before = tg.memory().tensors;
  tg.tidy(() => {
    const [g] = tg.grad(x.sin().mul(x).sum(), [x], { createGraph: true });
    const [h] = tg.grad(g!.square().sum(), [x], { createGraph: true });
    return h!.sum().item();
  });
  assert.is(tg.memory().tensors, before);
});

test.run();
