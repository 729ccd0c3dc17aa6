// Smoke tests on the nested circles (paper figure 1; the reference's main.py, spec §5.1, §7.12):
// two rings, radius 1 and 0.5, Gaussian noise 0.05, generated here with a seeded generator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

/** n points alternating between the outer (label 0) and the inner (label 1) ring. */
function circles(n: number, gen: tg.Generator): { x: Tensor; labels: number[] } {
  const points: number[][] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2, angle = 2 * Math.PI * gen.uniform(), r = inner ? 0.5 : 1;
    points.push([r * Math.cos(angle) + 0.05 * gen.normal(), r * Math.sin(angle) + 0.05 * gen.normal()]);
    labels.push(inner);
  }
  return { x: tg.tensor(points), labels };
}

/** DEU coefficients as the reference initialises them: a, b, c ~ U(0, 1), c1 = c2 = 0. */
function deuCoeffs(n: number, gen: tg.Generator): Tensor {
  return tg.tensor(Array.from({ length: n }, () => [gen.uniform(), gen.uniform(), gen.uniform(), 0, 0]), { requiresGrad: true });
}

const accuracy = (logits: Tensor, labels: number[]) => tg.tidy(() => logits.argmax(1).eq(tg.tensor(labels)).mean().item());

test('one hidden layer of 2 DEUs separates the circles: plain SGD, 600 full-batch steps', () => {
  const gen = new tg.Generator(1);
  const train = circles(200, gen), held = circles(200, gen);
  tg.manualSeed(1);
  const w1 = tg.randn([2, 2]).detach().requiresGrad_(), b1 = tg.zeros([2], { requiresGrad: true });
  const coeffs = deuCoeffs(2, gen);
  const w2 = tg.randn([2, 2]).detach().requiresGrad_(), b2 = tg.zeros([2], { requiresGrad: true });
  const forward = (x: Tensor) => tg.linear(tg.deu(tg.linear(x, w1, b1), coeffs), w2, b2);
  // The coefficients take smaller steps than the weights: their partials reach the ±1000 clip,
  // and outward gravitation's borrowed gradients saturate there (spec §3).
  const lr = new Map<Tensor, number>([[w1, 1], [b1, 1], [coeffs, 0.02], [w2, 1], [b2, 1]]);
  let loss = Infinity;
  for (let step = 0; step < 600; step++) {
    loss = tg.tidy(() => {
      const l = tg.crossEntropy(forward(train.x), train.labels);
      l.backward();
      tg.noGrad(() => lr.forEach((rate, p) => {
        p.assign(p.sub(p.grad!.mul(rate)));
        p.grad!.dispose();
        p.grad = null;
      }));
      return l.item();
    });
  }
  assert.ok(loss < 0.05, `train loss ${loss}`);
  const acc = tg.noGrad(() => tg.tidy(() => accuracy(forward(held.x), held.labels)));
  assert.ok(acc >= 0.99, `held-out accuracy ${acc}`);
});

test("the reference's toy: Linear(2, 4) → DEU(4) → Linear(4, 4) → Linear(4, 2), Adam lr 0.1, loss < 0.01 within 100 steps", () => {
  const gen = new tg.Generator(0);
  const train = circles(100, gen);
  tg.manualSeed(0);
  const layer = (i: number, o: number) => [tg.randn([o, i]).mul(1 / Math.sqrt(i)).detach().requiresGrad_(), tg.zeros([o], { requiresGrad: true })];
  const [w1, b1] = layer(2, 4), coeffs = deuCoeffs(4, gen), [w2, b2] = layer(4, 4), [w3, b3] = layer(4, 2);
  const adam = new tg.optim.Adam([w1, b1, coeffs, w2, b2, w3, b3], { lr: 0.1 });
  let loss = Infinity;
  for (let epoch = 0; epoch < 100; epoch++) {
    loss = tg.tidy(() => {
      adam.zeroGrad();
      const l = tg.crossEntropy(tg.linear(tg.linear(tg.deu(tg.linear(train.x, w1, b1), coeffs), w2, b2), w3, b3), train.labels);
      l.backward();
      adam.step();
      return l.item();
    });
  }
  assert.ok(loss < 0.01, `train loss ${loss}`);
});

test.run();
