// nn/DEU, the layer (spec §4, §7.11): a [numFeatures, 5] parameter named `coeffs` as in the
// reference, initialised a, b, c ~ U(0, 1) and c1 = c2 = 0 or to a named form, applied per feature
// after a Linear and per channel after a Conv2d.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { Conv2d } from '../../nn/conv.js';
import { DEU } from '../../nn/deu.js';
import { Linear } from '../../nn/linear.js';
import { assertClose, assertThrows } from '../helpers.js';

test('the parameter is coeffs [n, 5]: a, b, c ~ U(0, 1), c1 = c2 = 0, reproducible from the seed', () => {
  tg.manualSeed(4);
  const layer = new DEU(64);
  assert.equal(layer.namedParameters().map(([name, p]) => [name, p.shape]), [['coeffs', [64, 5]]]);
  const rows = layer.coeffs.toArray() as number[][];
  assert.ok(rows.every((r) => r.slice(0, 3).every((v) => v >= 0 && v < 1) && r[3] === 0 && r[4] === 0));
  assert.ok(new Set(rows.map((r) => r[0])).size > 60, 'a is drawn per neuron');
  tg.manualSeed(4);
  assert.equal(new DEU(64).coeffs.toArray(), rows);
});

test('named forms: relu is H(t)·t, requ H(t)·t²/2, sigmoid σ(100t), identity t; or five numbers', () => {
  const t = tg.tensor([[-1.5, -1.5, -1.5, -1.5], [0.7, 0.7, 0.7, 0.7]]);
  const out = (init: 'relu' | 'requ' | 'sigmoid' | 'identity') => (new DEU(4, { init }).forward(t).toArray() as number[][]).map((r) => r[0]);
  assertClose(out('relu'), [0, 0.7], 1e-7, 0);
  assertClose(out('requ'), [0, 0.245], 1e-7, 0);
  assertClose(out('sigmoid'), [1 / (1 + Math.exp(14)), 1], 1e-7, 1e-6);
  assertClose(out('identity'), [-1.5, 0.7], 1e-7, 0);
  assert.equal((new DEU(2, { init: [0.6, 0.5, 0.9, 0.3, -0.2] }).coeffs.toArray() as number[][])[1].map((v) => +v.toFixed(6)), [0.6, 0.5, 0.9, 0.3, -0.2]);
});

test('after Linear ([N, F]) and after Conv2d ([N, C, H, W]); gradients reach coeffs', () => {
  tg.manualSeed(0);
  const linear = new Linear(3, 4), conv = new Conv2d(2, 3, 3, { padding: 1 });
  const dense = new DEU(4), perChannel = new DEU(3, { init: 'requ' });
  dense.forward(linear.forward(tg.randn([5, 3]))).sum().backward();
  perChannel.forward(conv.forward(tg.randn([2, 2, 4, 4]))).sum().backward();
  assert.equal(dense.coeffs.grad!.shape, [4, 5]);
  assert.equal(perChannel.coeffs.grad!.shape, [3, 5]);
  assert.ok((linear.weight.grad!.data() as Float32Array).some((v) => v !== 0));
});

test('float64 via .double(), and the state dict key is coeffs', () => {
  const layer = new DEU(3).double();
  assert.is(layer.coeffs.dtype, 'float64');
  assert.equal(Object.keys(layer.stateDict()), ['coeffs']);
  assert.is(layer.forward(tg.zeros([2, 3], { dtype: 'float64' })).dtype, 'float64');
});

test('bad arguments and inputs are named', () => {
  assertThrows(() => new DEU(0), 'DEU', 'numFeatures', 'positive integer');
  assertThrows(() => new DEU(2, { eps: -1 }), 'DEU', 'eps', 'positive');
  assertThrows(() => new DEU(2, { init: 'tanh' as 'relu' }), 'DEU', 'init', 'relu');
  assertThrows(() => new DEU(2).forward(tg.zeros([4, 3])), 'DEU', '[N, 2]', '[4, 3]');
});

test.run();
