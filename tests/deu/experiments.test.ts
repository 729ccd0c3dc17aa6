// Smoke tests for the DEU experiments (examples/deu/) and the fast CPU loops (core/cpu/deu_fast.ts).
// Fast only: each trains a few hundred full-batch steps of a tiny model at most.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { inDeuArithmetic } from '../../bench/deu_accuracy.js';
import { DeuPoint, evaluate, neuronAt, subspaceOf } from '../../core/cpu/deu_solutions.js';
import { accuracy, adamFor, classesOf, deuNeurons, fitFull, mlp, mse, tensorsOf } from '../../examples/deu/train.js';

// (float32 tensors in the float64 arithmetic: the float32 arithmetic, the WebAssembly default, rounds
// differently, tests/wasm/deu_single.test.ts)
test('the fast 1-1-1 loops give the generic path’s bits: y, dx and the parameter gradients, both dtypes, c1 = c2 = 0 or not', () => inDeuArithmetic('float64', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const rest of [false, true]) {
      tg.manualSeed(rest ? 11 : 12);
      const N = 16, F = 40;
      const x = tg.randn([N, F], { dtype }).mul(2).detach().requiresGrad_();
      const p = tg.tidy(() => tg.rand([F, 5], { dtype }).mul(2).sub(tg.tensor([0.4, 0.4, 0.4, 1, 1], { dtype })).mul(tg.tensor([1, 1, 1, rest ? 0 : 1, rest ? 0 : 1], { dtype }))).detach().requiresGrad_();
      const gy = tg.randn([N, F], { dtype });
      const y = tg.deu(x, p);
      y.backward(gy);
      const [xv, pv, yv, gv, dx, dp] = [x, p, y, gy, x.grad!, p.grad!].map((t) => t.data());
      const cast = (v: number) => (dtype === 'float32' ? Math.fround(v) : v);
      let fast = 0;
      for (let f = 0; f < F; f++) {
        const k = neuronAt(pv, f), sub = subspaceOf(k.a, k.b, k.c, 0.01)!;
        if (sub !== '1-1-1 Δ>0' && sub !== '1-1-1 Δ<0') continue;
        fast++;
        const sums = [0, 0, 0, 0, 0];
        for (let n = 0; n < N; n++) {
          const i = n * F + f, q = evaluate(sub, xv[i], k, 100, new DeuPoint(), true);
          assert.is(yv[i], cast(q.y), `y[${i}] (${sub})`);
          assert.is(dx[i], cast(gv[i] * q.dt), `dx[${i}] (${sub})`);
          [q.da, q.db, q.dc, q.dc1, q.dc2].forEach((v, j) => (sums[j] += gv[i] * v));
        }
        sums.forEach((v, j) => assert.is(dp[5 * f + j], cast(v), `dparams[${f}, ${j}] (${sub})`));
      }
      assert.ok(fast >= F / 2, `only ${fast} of ${F} neurons took a fast loop`);
    }
  }
}));

test('circles: one hidden layer of 2 DEUs reaches ≥ 99% test accuracy (examples/deu/circles.ts, one seed, 300 steps)', () => {
  const all = tg.data.circles({ n: 400, seed: 0 });
  const tr = classesOf(tg.data.subset(all, { start: 0, end: 200 })), te = classesOf(tg.data.subset(all, { start: 200, end: 400 }));
  tg.manualSeed(0);
  const model = mlp(2, [2], 2, 'DEU');
  fitFull(model, tr.x, tr.labels, { loss: 'ce', lr: 0.05, steps: 300 });
  const acc = accuracy(model, te.x, te.labels);
  assert.ok(acc >= 0.99, `test accuracy ${acc}`);
});

test('mlp(): Maxout gets a k-times wider Linear; parameter counts', () => {
  assert.is(mlp(10, [4], 1, 'Maxout').numParameters(), 10 * 8 + 8 + 4 + 1);
  assert.is(mlp(10, [4], 1, 'DEU').numParameters(), 10 * 4 + 4 + 4 * 5 + 4 + 1);
  assert.is(mlp(10, [4], 1, 'ReLU').numParameters(), 10 * 4 + 4 + 4 + 1);
});

test('sine: a ReLU-initialised DEU neuron trains without NaN and leaves 0-1-0 (outward gravitation)', () => {
  const data = tensorsOf(tg.data.sine({ n: 50, range: [-6, 6], sampling: 'grid' }));
  tg.manualSeed(0);
  const model = mlp(1, [1], 1, 'DEU', 'relu');
  assert.is(deuNeurons(model)[0].subspace, '0-1-0');
  fitFull(model, data.x, data.y, { loss: 'mse', lr: 0.05, steps: 100 });
  const m = mse(model, data.x, data.y);
  assert.ok(Number.isFinite(m), `MSE ${m}`);
  const [n] = deuNeurons(model);
  assert.ok(n.coeffs.every(Number.isFinite), `coefficients ${n.coeffs}`);
  assert.is.not(n.subspace, '0-1-0');
});

test('adamFor(): the DEU coefficients in a group of their own when deuLr is given', () => {
  tg.manualSeed(0);
  const model = mlp(3, [4], 1, 'DEU');
  const one = adamFor(model, 0.01);
  assert.is(one.paramGroups.length, 1);
  const two = adamFor(model, 0.01, 0.001);
  assert.is(two.paramGroups.length, 2);
  assert.is(two.paramGroups[1].params.length, 1);
  assert.is(two.paramGroups[1].lr, 0.001);
  assert.is(two.paramGroups[0].lr, 0.01);
  assert.is(adamFor(mlp(3, [4], 1, 'ReLU'), 0.01, 0.001).paramGroups.length, 1);
});

test.run();
