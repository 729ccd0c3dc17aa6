// The target: no NaN or Inf from forward or backward for any finite input and any
// coefficients — fast-check over extreme magnitudes (1e±6), exact zeros, ±ε and its neighbours,
// in float32 and float64, with several neurons so every subspace, the band and outward gravitation
// are reached.
import fc from 'fast-check';
import { test } from 'uvu';
import * as tg from '../../index.js';

const magnitude = fc.double({ min: -6, max: 6, noNaN: true }).map((e) => 10 ** e);
const extreme = fc.oneof(
  fc.constantFrom(0, -0, 1e-6, -1e-6, 1e6, -1e6, 0.01, -0.01, 0.01 * (1 - 1e-9), -0.01 * (1 + 1e-9), 1, -1),
  fc.tuple(magnitude, fc.boolean()).map(([m, neg]) => (neg ? -m : m)),
);

const layer = fc.record({ n: fc.integer({ min: 1, max: 4 }), f: fc.integer({ min: 1, max: 4 }) }).chain(({ n, f }) =>
  fc.record({
    x: fc.array(fc.array(extreme, { minLength: f, maxLength: f }), { minLength: n, maxLength: n }),
    g: fc.array(fc.array(extreme, { minLength: f, maxLength: f }), { minLength: n, maxLength: n }),
    params: fc.array(fc.array(extreme, { minLength: 5, maxLength: 5 }), { minLength: f, maxLength: f }),
  }),
);

for (const dtype of ['float64', 'float32'] as const) {
  test(`forward and backward stay finite for extreme inputs and coefficients (${dtype})`, () => {
    fc.assert(fc.property(layer, ({ x, g, params }) => tg.tidy(() => {
      const xt = tg.tensor(x, { dtype, requiresGrad: true }), pt = tg.tensor(params, { dtype, requiresGrad: true });
      const y = tg.deu(xt, pt);
      y.backward(tg.tensor(g, { dtype }));
      const values = [...y.data(), ...xt.grad!.data(), ...pt.grad!.data()];
      return values.every(Number.isFinite);
    })), { numRuns: 3000, seed: 17 });
  });
}

test.run();
