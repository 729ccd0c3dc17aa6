// GPU parity of the Neural-GODE ODE block (issue #8): the same GODEFunc solved by Euler and RK4
// over [0, 1] on the CPU backend and on the gpu backend, in every gpu.js mode that runs here,
// gives the same states and the same parameter and input gradients within float32 tolerance;
// the adjoint method on the gpu backend agrees too. A mode that cannot run says skipped and why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { GODEFunc } from '../../models/gode/index.js';
import { odeint, odeintAdjoint } from '../../models/ode/index.js';
import { modeCases } from '../gpu/modes.js';
import { assertClose } from '../helpers.js';

const CHANNELS = 4;

/** A small block (4 channels, spline k = 1, m = 4, clamped knots) and an input, seeded. */
function setup(backend: string): { func: GODEFunc; h0: Tensor } {
  tg.manualSeed(7);
  const func = new GODEFunc(CHANNELS, { degree: 1, count: 4 });
  // the spline coefficients start tiny (±√(1.5/(9·4·4))); scale them so the block does real work
  tg.noGrad(() => func.conv1.coefficients.assign(func.conv1.coefficients.mul(20)));
  tg.noGrad(() => func.conv2.coefficients.assign(func.conv2.coefficients.mul(20)));
  const h0 = tg.randn([2, CHANNELS, 5, 5]);
  if (backend === 'cpu') return { func, h0: h0.requiresGrad_() };
  func.to(backend);
  const moved = h0.toBackend(backend).requiresGrad_();
  h0.dispose();
  return { func, h0: moved };
}

/** The final state, and the gradients of Σ w·y(1) for a fixed weighting w. */
function solve(backend: string, method: 'euler' | 'rk4', adjoint: boolean) {
  const { func, h0 } = setup(backend);
  const f = (t: number, h: Tensor) => func.forward(t, h);
  const options = { method, stepSize: 0.25 } as const;
  const solved = adjoint ? odeintAdjoint(f, h0, [0, 1], func.parameters(), options) : odeint(f, h0, [0, 1], options);
  const y1 = solved.ys.narrow(0, 1, 1).squeeze(0);
  const w = tg.arange(0, y1.shape.reduce((p, q) => p * q, 1), 1, { backend }).reshape(y1.shape).mul(0.01).cos();
  y1.mul(w).sum().backward();
  const out = {
    y: Array.from(y1.data()),
    dh0: Array.from(h0.grad!.data()),
    dparams: func.namedParameters().map(([name, p]) => [name, Array.from(p.grad!.data())] as const),
    nfe: solved.stats.nfe,
  };
  return out;
}

for (const c of modeCases('gode-gpu')) {
  const name = `GODE block (Euler, RK4, adjoint) on gpu mode ${c.mode} equals the CPU backend`;
  if (c.skip !== null) {
    console.log(`skipped: gpu mode ${c.mode}: ${c.skip}`);
    test.skip(`${name} (skipped: ${c.skip})`, () => {});
    continue;
  }
  test(name, () => {
    for (const [method, adjoint] of [['euler', false], ['rk4', false], ['euler', true]] as const) {
      const what = `${method}${adjoint ? ' adjoint' : ''} on ${c.mode}`;
      const cpu = solve('cpu', method, adjoint);
      const gpu = solve(c.backend, method, adjoint);
      assert.is(gpu.nfe, cpu.nfe, `${what}: function evaluations`);
      assert.ok(cpu.y.some((v) => Math.abs(v) > 0.1), 'the block does real work');
      // NaN would compare equal to NaN below: the reference itself must be finite
      for (const values of [cpu.y, cpu.dh0, ...cpu.dparams.map(([, g]) => g)]) assert.ok(values.every(Number.isFinite), `${what}: CPU reference has non-finite values`);
      assertClose(gpu.y, cpu.y, 1e-4, 1e-3, `${what}: y(1)`);
      assertClose(gpu.dh0, cpu.dh0, 1e-4, 2e-3, `${what}: ∂/∂h0`);
      assert.equal(gpu.dparams.map(([n]) => n), cpu.dparams.map(([n]) => n));
      gpu.dparams.forEach(([n, g], i) => assertClose(g, cpu.dparams[i][1], 1e-4, 2e-3, `${what}: ∂/∂${n}`));
    }
  });
}

test.run();
