// Spec §7.8: y and each of its partials are clipped to [−1000, 1000] independently, straight
// through: a clipped output still passes its (clipped) derivative, so saturated units learn.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';
import { at, coeffs } from './helpers.js';

test('(0.05, 2, 0.5, 0.3, −0.2) at t = −1.5: y = 1000, ∂y/∂t = −1000, ∂y/∂a = −1000', () => {
  const p = at(-1.5, coeffs(0.05, 2, 0.5, 0.3, -0.2));
  assert.equal([p.y, p.dt, p.da], [1000, -1000, -1000]);
});

test('through the op: the clipped output still sends its gradient back', () => {
  const x = tg.tensor([[-1.5]], { dtype: 'float64', requiresGrad: true });
  const params = tg.tensor([[0.05, 2, 0.5, 0.3, -0.2]], { dtype: 'float64', requiresGrad: true });
  const y = tg.deu(x, params);
  assert.is(y.item(), 1000);
  y.sum().backward();
  assert.is(x.grad!.item(), -1000);
  assertClose((params.grad!.toArray() as number[][])[0][0], -1000, 0, 0);
});

test('every value lies in [−1000, 1000], for any coefficients and input', () => {
  const value = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(0, 0.01, -0.01, 1e-4, 1e4));
  fc.assert(fc.property(value, value, value, value, value, value, (t, a, b, c, c1, c2) => {
    const p = at(t, { a, b, c, c1, c2 });
    return [p.y, p.dt, p.da, p.db, p.dc, p.dc1, p.dc2].every((v) => Math.abs(v) <= 1000);
  }), { numRuns: 2000, seed: 3 });
});

test.run();
