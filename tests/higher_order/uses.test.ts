// The worked uses of higher-order gradients (examples/higher_order/): Hessian-vector products
// against finite differences of gradients, the full Hessian of a small MLP's loss (symmetric,
// matching finite differences), and a gradient penalty trained for a few steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { setBackwardPerturbation } from '../../core/autograd.js';
import { exampleProblem as hvpProblem, finiteDifferenceHvp, hessianVectorProduct, relativeError } from '../../examples/higher_order/hessian_vector_product.js';
import { compare, exampleProblem as hessianProblem, finiteDifferenceHessian, hessian } from '../../examples/higher_order/hessian_mlp.js';
import { clouds, criticLoss, train } from '../../examples/higher_order/gradient_penalty.js';

test('Hessian-vector product by double backward matches central differences of the gradient', () => {
  const { loss, params, v } = hvpProblem();
  const before = tg.memory().tensors;
  const hv = hessianVectorProduct(loss, params, v);
  // the double backward frees what it made: only the results stay
  assert.is(tg.memory().tensors, before + hv.length);
  const fd = finiteDifferenceHvp(loss, params, v);
  assert.ok(relativeError(hv, fd) < 1e-8, `relative error ${relativeError(hv, fd)}`);
  // linear in v: H·(−2v) = −2·H·v, to rounding
  const scaled = hessianVectorProduct(loss, params, v.map((t) => t.mul(-2)));
  assert.ok(relativeError(scaled, hv.map((t) => t.mul(-2))) < 1e-13);
});

test('the full Hessian of a small MLP loss is symmetric and matches finite differences; H·v agrees with it', () => {
  const { loss, params } = hessianProblem();
  const h = hessian(loss, params);
  assert.is(h.n, 13);
  const { asymmetry, error } = compare(h, finiteDifferenceHessian(loss, params));
  assert.ok(asymmetry < 1e-12, `asymmetry ${asymmetry}`);
  assert.ok(error < 1e-8, `error vs finite differences ${error}`);
  // H·v from hessianVectorProduct equals the Hessian times v
  const v = params.map((p, i) => tg.tensor(Float64Array.from({ length: p.size }, (_, k) => Math.sin(3 * i + k)), { shape: [...p.shape], dtype: 'float64' }));
  const hv = hessianVectorProduct(loss, params, v).flatMap((t) => Array.from(t.data()));
  const flatV = v.flatMap((t) => Array.from(t.data()));
  for (let i = 0; i < h.n; i++) {
    let expected = 0;
    for (let j = 0; j < h.n; j++) expected += h.values[i * h.n + j] * flatV[j];
    assert.ok(Math.abs(hv[i] - expected) < 1e-12 * (1 + Math.abs(expected)), `row ${i}: ${hv[i]} vs ${expected}`);
  }
});

test('the Hessian check can fail: a second-order rule off by 1 % is visible', () => {
  const { loss, params } = hessianProblem();
  setBackwardPerturbation({ op: 'tanhGrad', mode: 'scale', within: 'tanh' });
  let h;
  try {
    h = hessian(loss, params);
  } finally {
    setBackwardPerturbation(null);
  }
  assert.ok(compare(h, finiteDifferenceHessian(loss, params)).error > 1e-4);
});

test('gradient penalty: the critic loss (with ‖∇ₓD‖ inside) has the right gradient and decreases in training', () => {
  const { real, fake } = clouds(6, 4);
  const alpha = tg.tensor(Float64Array.from([0.1, 0.3, 0.5, 0.7, 0.9, 0.2]), { shape: [6, 1], dtype: 'float64' });
  const params = [2, 4, 1].slice(0, -1).flatMap((n, i) => {
    const out = [4, 1][i];
    return [
      tg.tensor(Float64Array.from({ length: out * n }, (_, k) => Math.cos(k + i)), { shape: [out, n], dtype: 'float64', requiresGrad: true }),
      tg.tensor(Float64Array.from({ length: out }, (_, k) => 0.1 * k - 0.1), { shape: [out], dtype: 'float64', requiresGrad: true }),
    ];
  });
  // d(loss)/d(params) goes through the createGraph backward inside the penalty: gradcheck it
  // (gradcheck evaluates fn under noGrad for speed; the penalty's inner grad() needs recording on)
  assert.ok(tg.gradcheck((...ps) => tg.enableGrad(() => criticLoss(ps, real, fake, alpha, 10).loss), params).ok);
  const { losses, penalties } = train(30);
  assert.ok(losses[29] < losses[0] - 1, `loss ${losses[0]} → ${losses[29]}`);
  assert.ok(penalties[29] < penalties[0] / 4, `penalty ${penalties[0]} → ${penalties[29]}`);
});

test.run();
