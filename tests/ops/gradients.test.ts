// The gradient property suite: every differentiable op in the registry is gradchecked in
// float64 over fast-check draws (see gradient_cases.ts), and the registry is enumerated so a new
// op without a gradient property fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { checkGradientProperty, GRADIENT_PROPERTIES } from './gradient_cases.js';

const ops = tg.listOps();

test('every differentiable op in the registry has a gradient property', () => {
  const missing = ops.filter((op) => op.grad !== 'none' && !GRADIENT_PROPERTIES[op.name]).map((op) => op.name);
  assert.equal(missing, [], `ops without a gradient property: ${missing.join(', ')}`);
  const unknown = Object.keys(GRADIENT_PROPERTIES).filter((name) => !ops.some((op) => op.name === name));
  assert.equal(unknown, [], `gradient properties for ops that are not registered: ${unknown.join(', ')}`);
});

for (const op of ops) {
  if (op.grad === 'none') continue;
  test(`gradcheck: ${op.name} (${op.grad})`, () => checkGradientProperty(op.name));
}

test('non-differentiable ops return tensors that do not require grad', () => {
  const x = tg.tensor([[-1, 0, 2], [3, -4, 5]], { requiresGrad: true });
  const results: Record<string, tg.Tensor> = {
    eq: x.eq(0), ne: x.ne(0), lt: x.lt(0), le: x.le(0), gt: x.gt(0), ge: x.ge(0),
    argmax: x.argmax(1), argmin: x.argmin(), heaviside: x.heaviside(0.5),
  };
  for (const op of ops.filter((o) => o.grad === 'none')) {
    assert.ok(results[op.name], `no check for the non-differentiable op ${op.name}`);
    assert.is(results[op.name].requiresGrad, false, op.name);
  }
});

test.run();
