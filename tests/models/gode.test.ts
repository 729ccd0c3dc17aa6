// Neural-GODE, Neural-ODE and ResNet (spec gode.md §7.2–7.3, 7.6): parameter counts, shapes,
// the reductions between the models, and gradients through the ODE block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { GODEFunc, NeuralGODE, NeuralODE, ResBlock, ResNet, SplineConv2d, stem } from '../../models/gode/index.js';
import { odeint } from '../../models/ode/index.js';
import { functionalCall } from '../../nn/functional_call.js';
import { assertClose } from '../helpers.js';

test('parameter counts match the paper exactly', () => {
  const counts = (dataset: 'mnist' | 'cifar10') => [new ResNet({ dataset }), new NeuralODE({ dataset }), new NeuralGODE({ dataset })].map((m) => m.numParameters());
  assert.equal(counts('mnist'), [576778, 208266, 428042]);
  assert.equal(counts('cifar10'), [1613706, 209418, 724106]);
});

test('the stem maps MNIST to 64×6×6 and CIFAR-10 to 64×7×7', () => {
  assert.equal([...stem(1).forward(tg.zeros([2, 1, 28, 28])).shape], [2, 64, 6, 6]);
  assert.equal([...stem(3).forward(tg.zeros([1, 3, 32, 32])).shape], [1, 64, 7, 7]);
});

test('spline coefficients are initialised within ±√(1.5/(576·m))', () => {
  for (const m of [4, 8]) {
    const layer = new SplineConv2d(64, 64, { count: m });
    const bound = Math.sqrt(1.5 / (576 * m));
    const max = Array.from(layer.coefficients.data()).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    assert.ok(max <= bound && max > 0.95 * bound, `max |C| = ${max}, bound ${bound}`);
  }
});

test("paper knots with k ≥ 1: f(0, h) = 0 exactly, so the first Euler step is the identity (and GN of zeros gives β, no NaN)", () => {
  tg.manualSeed(1);
  const func = new GODEFunc(8, { degree: 1, count: 4, knots: 'paper' }).to('float64');
  const h = tg.randn([2, 8, 5, 5], { dtype: 'float64' });
  assert.ok(Array.from(func.forward(0, h).data()).every((v) => v === 0));
  const ys = odeint((t, y) => func.forward(t, y), h, [0, 0.05], { method: 'euler', stepSize: 0.05 }).ys;
  assertClose(ys.narrow(0, 1, 1).data(), h.data(), 0, 0);
});

test('k = 0, m = 1 is a constant-weight (autonomous) ODE', () => {
  tg.manualSeed(2);
  const func = new GODEFunc(4, { degree: 0, count: 1 }).to('float64');
  const h = tg.randn([1, 4, 4, 4], { dtype: 'float64' });
  const a = func.forward(0.1, h).data(), b = func.forward(0.9, h).data(), c = func.forward(1, h).data();
  assertClose(a, b, 0, 0);
  assertClose(a, c, 0, 0);
  const w1 = func.conv1.coefficients.narrow(4, 0, 1).squeeze(4), w2 = func.conv2.coefficients.narrow(4, 0, 1).squeeze(4);
  const manual = tg.conv2d(func.norm2.forward(tg.conv2d(func.norm1.forward(h).relu(), w1, null, { padding: 1 })).relu(), w2, null, { padding: 1 });
  assertClose(a, manual.data(), 1e-14, 1e-14);
});

test('Euler with one weight per step equals the ResNet whose blocks share the GroupNorm affine', () => {
  for (const N of [6, 20]) {
    tg.manualSeed(3);
    const channels = 4, h = 1 / N;
    const func = new GODEFunc(channels, { degree: 0, count: N, knots: 'paper' }).to('float64');
    for (const norm of [func.norm1, func.norm2]) tg.noGrad(() => norm.weight!.assign(tg.randn([channels], { dtype: 'float64' })));
    const x = tg.randn([2, channels, 5, 5], { dtype: 'float64' });
    const ode = odeint((t, y) => func.forward(t, y), x, [0, 1], { method: 'euler', stepSize: h }).ys.narrow(0, 1, 1).squeeze(0);
    let y = x;
    for (let n = 0; n < N; n++) {
      const block = new ResBlock(channels).to('float64');
      tg.noGrad(() => {
        block.conv1.weight.assign(func.conv1.coefficients.narrow(4, n, 1).squeeze(4));
        block.conv2.weight.assign(func.conv2.coefficients.narrow(4, n, 1).squeeze(4).mul(h));
        for (const [mine, shared] of [[block.norm1, func.norm1], [block.norm2, func.norm2]] as const) {
          mine.weight!.assign(shared.weight!);
          mine.bias!.assign(shared.bias!);
        }
      });
      y = block.forward(y);
    }
    assertClose(ode.data(), y.data(), 1e-12, 1e-12);
  }
});

test('gradients through the GODE block match central differences (float64, k = 1 with t on a knot, and k = 0)', () => {
  for (const spline of [{ degree: 1, count: 3, knots: 'paper' as const }, { degree: 0, count: 2 }]) {
    tg.manualSeed(4);
    const func = new GODEFunc(2, spline).to('float64');
    const x = tg.randn([1, 2, 4, 4], { dtype: 'float64' });
    const names = ['conv1.coefficients', 'conv2.coefficients', 'norm1.weight', 'norm2.bias'];
    const params = Object.fromEntries(func.namedParameters()) as Record<string, Tensor>;
    const report = tg.gradcheck(
      (y0, ...ps) => odeint((t, y) => functionalCall<Tensor>(func, Object.fromEntries(names.map((n, i) => [n, ps[i]])), t, y), y0, [0, 1], { method: 'euler', stepSize: 0.25 }).ys,
      [x.requiresGrad_(), ...names.map((n) => params[n].detach().requiresGrad_())],
      { fast: true },
    );
    assert.ok(report.ok, report.message);
  }
});

test('the MNIST models run forward and backward; the GODE takes 20 Euler evaluations', () => {
  tg.manualSeed(5);
  const x = tg.rand([2, 1, 28, 28]);
  for (const model of [new NeuralGODE(), new NeuralODE(), new ResNet({ blocks: 1 })]) {
    const loss = tg.crossEntropy(model.forward(x), [3, 7]);
    loss.backward();
    assert.ok(Number.isFinite(loss.item()));
    for (const p of model.parameters()) assert.ok(p.grad !== null);
    if (model instanceof NeuralGODE) assert.is(model.lastStats.nfe, 20);
  }
});

test.run();
