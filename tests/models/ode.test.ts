// ODE solvers: the spec's golden numbers (gode.md §7.4–7.6), observed orders, tableau order
// conditions, gradients through the solver against central differences, and the adjoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { DOPRI5, makeGrid, odeint, odeintAdjoint, type OdeMethod } from '../../models/ode/index.js';
import { integrateFixed } from '../../models/ode/fixed_grid.js';
import { assertClose, assertThrows } from '../helpers.js';

const f64 = (v: number[]) => tg.tensor(v, { dtype: 'float64' });
const final = (ys: Tensor) => tg.narrow(ys, 0, ys.shape[0] - 1, 1).sum();

test('fixed grids follow torchdiffeq: the last point is t1, a short last step when h does not divide', () => {
  const grid = makeGrid(0, 1, 0.05);
  assert.is(grid.length, 21);
  assert.is(grid[20], 1);
  assertClose(makeGrid(0, 1, 0.3), [0, 0.3, 0.6, 0.9, 1], 1e-15, 0);
});

test("y' = y on [0, 1], h = 0.05: euler and rk4 golden values and NFE", () => {
  const euler = odeint((t, y) => y, f64([1]), [0, 1], { method: 'euler', stepSize: 0.05 });
  assertClose([final(euler.ys).item()], [2.653297705144422], 1e-14, 0);
  assert.is(euler.stats.nfe, 20);
  for (const method of ['rk4', 'rk4_38'] as const) {
    const r = odeint((t, y) => y, f64([1]), [0, 1], { method, stepSize: 0.05 });
    assertClose([final(r.ys).item()], [2.718281692656336], 1e-14, 0);
    assert.is(r.stats.nfe, 80);
  }
});

test('euler evaluates f only at the left grid points, never at T', () => {
  const seen: number[] = [];
  odeint((t, y) => (seen.push(t), y), f64([1]), [0, 1], { method: 'euler', stepSize: 0.05 });
  assert.is(seen.length, 20);
  assert.ok(seen.every((t, n) => Math.abs(t - 0.05 * n) < 1e-15));
});

test('observed orders 1, 2, 4, 4 and 5 on the harmonic oscillator', () => {
  // y = (position, velocity), y' = (v, −x), exact (cos t, −sin t) from (1, 0)
  const f = (t: number, y: Tensor) => tg.stack([tg.narrow(y, 0, 1, 1).squeeze(0), tg.narrow(y, 0, 0, 1).squeeze(0).neg()]);
  const error = (method: OdeMethod, n: number) => {
    // dopri5's fifth-order weights on a fixed grid (no step control)
    const y = method === 'dopri5'
      ? integrateFixed((t, [s]) => [f(t, s)], DOPRI5, [f64([1, 0])], makeGrid(0, 2, 2 / n), [2]).states[0][0].data()
      : tg.narrow(odeint(f, f64([1, 0]), [0, 2], { method, stepSize: 2 / n }).ys, 0, 1, 1).data();
    return Math.hypot(y[0] - Math.cos(2), y[1] + Math.sin(2));
  };
  const expected: [OdeMethod, number][] = [['euler', 1], ['midpoint', 2], ['rk4', 4], ['rk4_38', 4], ['dopri5', 5]];
  for (const [method, order] of expected) {
    const observed = Math.log2(error(method, 32) / error(method, 64));
    assert.ok(Math.abs(observed - order) < 0.15, `${method}: observed order ${observed}, expected ${order}`);
  }
});

test("adaptive dopri5 on y' = y: the spec's values, NFE and step counts", () => {
  const golden: [number, number, number, number][] = [[1e-3, 2.717863566418, 14, 2], [1e-4, 2.718389866443, 20, 3], [1e-6, 2.718283842023, 32, 5]];
  for (const [tol, value, nfe, accepted] of golden) {
    const r = odeint((t, y) => y, f64([1]), [0, 1], { method: 'dopri5', rtol: tol, atol: tol });
    assertClose([final(r.ys).item()], [value], 1e-11, 0);
    assert.equal([r.stats.nfe, r.stats.accepted, r.stats.rejected], [nfe, accepted, 0]);
  }
});

test('dopri5 tableau: rows sum to c, FSAL, order conditions of b (5) and b − e (4, not 5)', () => {
  DOPRI5.a.forEach((row, i) => assertClose([row.reduce((s: number, v: number) => s + v, 0)], [DOPRI5.c[i]], 1e-15, 0));
  assertClose(DOPRI5.a[6], DOPRI5.b.slice(0, 6), 1e-15, 0);
  const c = DOPRI5.c, A = DOPRI5.a.map((r) => [...r, ...new Array(7 - r.length).fill(0)]);
  const conditions = (w: readonly number[]) => {
    const dot = (x: number[]) => x.reduce((s, v, i) => s + v * w[i], 0);
    const Ac = A.map((r) => r.reduce((s, v, j) => s + v * c[j], 0));
    const Ac2 = A.map((r) => r.reduce((s, v, j) => s + v * c[j] ** 2, 0));
    return [
      [dot(c.map(() => 1)), 1], [dot([...c]), 1 / 2], [dot(c.map((x) => x * x)), 1 / 3], [dot(Ac), 1 / 6],
      [dot(c.map((x) => x ** 3)), 1 / 4], [dot(c.map((x, i) => x * Ac[i])), 1 / 8], [dot(Ac2), 1 / 12],
      [dot(c.map((x) => x ** 4)), 1 / 5],
    ];
  };
  for (const [value, exact] of conditions(DOPRI5.b)) assertClose([value], [exact], 1e-14, 0);
  const bHat = DOPRI5.b.map((b, i) => b - DOPRI5.e[i]);
  const hat = conditions(bHat);
  for (const [value, exact] of hat.slice(0, 7)) assertClose([value], [exact], 1e-14, 0);
  assert.ok(Math.abs(hat[7][0] - hat[7][1]) > 1e-6, 'the embedded weights should not be fifth order');
});

test('an overshooting last step returns the dense-output value at T, evaluating f past T', () => {
  const seen: number[] = [];
  const r = odeint((t, y) => (seen.push(t), y.mul(Math.cos(t))), f64([1]), [0, 1], { method: 'dopri5', rtol: 1e-5, atol: 1e-5, firstStep: 0.3 });
  assert.ok(Math.max(...seen) > 1, 'the last step should overshoot T');
  assertClose([final(r.ys).item()], [Math.exp(Math.sin(1))], 5e-4, 0); // the quartic's accuracy
});

test("backprop through euler gives the discrete gradient N·h·(1 + hθ)^(N−1); the adjoint tends to e", () => {
  const theta = tg.tensor([1], { dtype: 'float64', requiresGrad: true });
  const f = (t: number, y: Tensor) => y.mul(theta);
  final(odeint(f, f64([1]), [0, 1], { method: 'euler', stepSize: 0.05 }).ys).backward();
  assertClose([theta.grad!.item()], [2.5269501953756404], 1e-14, 0);
  theta.grad = null;
  final(odeintAdjoint(f, f64([1]), [0, 1], [theta], { method: 'dopri5', rtol: 1e-10, atol: 1e-10 }).ys).backward();
  assertClose([theta.grad!.item()], [Math.E], 1e-7, 0);
});

test('gradients through every solver match central differences (float64, a tiny nonlinear model)', () => {
  tg.manualSeed(3);
  const W = tg.randn([3, 3], { dtype: 'float64' }).mul(0.5);
  const y0 = tg.randn([2, 3], { dtype: 'float64' });
  for (const method of ['euler', 'midpoint', 'rk4', 'rk4_38', 'dopri5'] as const) {
    const opts = method === 'dopri5' ? { method, rtol: 1e-6, atol: 1e-6, firstStep: 0.1 } : { method, stepSize: 0.25 };
    const report = tg.gradcheck((w, y) => odeint((t, s) => tg.matmul(s, w).tanh().mul(1 + t), y, [0, 0.5, 1], opts).ys, [W.requiresGrad_(), y0.requiresGrad_()], { fast: true });
    assert.ok(report.ok, `${method}: ${report.message}`);
    W.requiresGrad = false;
    y0.requiresGrad = false;
  }
});

test('the adjoint agrees with backprop through the solver within tolerance, for several output times', () => {
  tg.manualSeed(4);
  const W = tg.randn([4, 4], { dtype: 'float64' }).mul(0.4).detach().requiresGrad_();
  const y0 = tg.randn([3, 4], { dtype: 'float64', requiresGrad: true });
  const f = (t: number, y: Tensor) => tg.matmul(y, W).sin();
  const weights = tg.randn([3, 3, 4], { dtype: 'float64' });
  const opts = { method: 'dopri5' as const, rtol: 1e-9, atol: 1e-9 };
  odeint(f, y0, [0, 0.4, 1], opts).ys.mul(weights).sum().backward();
  const [gw, gy] = [W.grad!.data(), y0.grad!.data()];
  W.grad = null;
  y0.grad = null;
  odeintAdjoint(f, y0, [0, 0.4, 1], [W], opts).ys.mul(weights).sum().backward();
  assertClose(W.grad!.data(), gw, 1e-6, 1e-6);
  assertClose(y0.grad!.data(), gy, 1e-6, 1e-6);
});

test('adjoint peak memory does not grow with the number of steps; backprop memory does', () => {
  tg.manualSeed(5);
  const W = tg.randn([32, 32], { dtype: 'float64' }).mul(0.1).detach().requiresGrad_();
  const x0 = tg.randn([16, 32], { dtype: 'float64' });
  const f = (t: number, y: Tensor) => tg.matmul(y, W).tanh();
  const peak = (solve: () => Tensor) => {
    tg.resetPeakMemory();
    const before = tg.memory().bytes;
    tg.tidy(() => {
      final(solve()).backward();
      W.grad!.dispose();
      W.grad = null;
    });
    return tg.memory().peakBytes - before;
  };
  const adjoint = [20, 80].map((n) => peak(() => odeintAdjoint(f, x0, [0, 1], [W], { method: 'rk4', stepSize: 1 / n }).ys));
  const backprop = [20, 80].map((n) => peak(() => odeint(f, x0, [0, 1], { method: 'rk4', stepSize: 1 / n }).ys));
  assert.ok(Math.abs(adjoint[1] - adjoint[0]) <= 0.1 * adjoint[0], `adjoint peaks ${adjoint}`);
  assert.ok(backprop[1] > 3 * backprop[0], `backprop peaks ${backprop}`);
});

test('bad arguments are rejected', () => {
  const y = f64([1]);
  assertThrows(() => odeint((t, s) => s, y, [0, 1], { method: 'rk5' as OdeMethod }), 'odeint', 'method');
  assertThrows(() => odeint((t, s) => s, y, [0, 1, 0.5]), 'odeint', 'monotonic');
  assertThrows(() => odeint((t, s) => s, y, [0, 1], { method: 'euler', stepSize: 0 }), 'odeint', 'stepSize');
  assertThrows(() => odeint((t, s) => s.mul(1e6).square(), y, [0, 1], { method: 'dopri5', maxSteps: 5 }), 'odeint', 'maxSteps');
});


test("dopri5 rejects a step whose error ratio is NaN and shrinks it (y' = −2√y: a long first step's stages go negative)", () => {
  // y = (1 − t)², exact; a first step of 0.9 has stages at y < 0, where √y is NaN: the step's error
  // ratio is NaN, and it must be retried smaller, not accepted (which returned NaN)
  for (const dtype of ['float32', 'float64'] as const) {
    const r = odeint((t, y) => y.sqrt().mul(-2), tg.tensor([1], { dtype }), [0, 0.9], { firstStep: 0.9, rtol: 1e-6, atol: 1e-6 });
    assertClose(r.ys.data(), [1, 0.01], 1e-6, 0, dtype);
    assert.ok(r.stats.rejected! >= 1, `rejected ${r.stats.rejected}`);
  }
  const adjoint = odeintAdjoint((t, y) => y.sqrt().mul(-2), f64([1]), [0, 0.9], [], { firstStep: 0.9, rtol: 1e-6, atol: 1e-6 });
  assertClose(adjoint.ys.data(), [1, 0.01], 1e-6, 0, 'adjoint');
});

test('dopri5 past a blow-up: an error naming odeint and the time reached, not Infinity or NaN', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    assertThrows(() => odeint((t, y) => y.mul(y).mul(y).mul(y), tg.tensor([10], { dtype }), [0, 1e-3], { firstStep: 1e-3 }), 'odeint', 'underflow', 't = 0.00033');
  }
  assertThrows(() => odeint((t, y) => y.mul(NaN), f64([1]), [0, 1]), 'odeint', 'first step', 'not finite');
  assertThrows(() => odeint((t, y) => y.mul(NaN), f64([1]), [0, 1], { firstStep: 0.1 }), 'odeint', 'underflow', 't = 0');
});

test('bad options, times and arguments name the function and the argument', () => {
  const y = f64([1]), id = (t: number, s: Tensor) => s;
  const bad: [Record<string, unknown>, ...string[]][] = [
    [{ firstStep: NaN }, 'firstStep', 'NaN'],
    [{ firstStep: -0.1 }, 'firstStep', '-0.1'],
    [{ firstStep: 1e300 }, 'firstStep', 'span'],
    [{ firstStep: '0.1' }, 'firstStep', "string '0.1'"],
    [{ maxSteps: NaN }, 'maxSteps', 'NaN'],
    [{ maxSteps: 0 }, 'maxSteps'],
    [{ maxSteps: 2.5 }, 'maxSteps', '2.5'],
    [{ rtol: NaN }, 'rtol', 'NaN'],
    [{ atol: -1 }, 'atol', '-1'],
    [{ rtol: '1e-3' }, 'rtol', "string '1e-3'"],
    [{ rtol: 0, atol: 0 }, 'rtol and atol'],
    [{ method: 'euler', stepSize: NaN }, 'stepSize', 'NaN'],
    [{ method: 'euler', stepSize: 1e-12 }, 'stepSize', '1000000000000 steps', 'maxSteps'],
    [{ method: 'rk4', stepSize: 1e-4, maxSteps: 100 }, 'stepSize', '10000 steps', 'maxSteps = 100'],
    [{ method: 'euler', grid: [0, NaN, 1] }, 'grid', 'NaN'],
    [{ method: 'rk5' }, 'method', 'euler, midpoint, rk4, rk4_38, dopri5', "'rk5'"],
    [{ stepsize: 0.1 }, "unknown option 'stepsize'", 'stepSize'],
    [{ toString: 5 }, "unknown option 'toString'"],
  ];
  for (const [options, ...fragments] of bad) {
    assertThrows(() => odeint(id, y, [0, 1], options as never), 'odeint', ...fragments);
    assertThrows(() => odeintAdjoint(id, y, [0, 1], [], options as never), 'odeintAdjoint', ...fragments);
  }
  assertThrows(() => odeint(id, [1, 2] as never, [0, 1]), 'odeint', 'y0', 'Tensor', 'array [1, 2]');
  assertThrows(() => odeintAdjoint(id, [1] as never, [0, 1], []), 'odeintAdjoint', 'y0', 'Tensor');
  assertThrows(() => odeintAdjoint(id, y, [0, 1], y as never), 'odeintAdjoint', 'params', 'array');
  assertThrows(() => odeint(id, y, [0, NaN]), 'odeint', 'times', 'NaN');
  assertThrows(() => odeint(id, y, [0, '1'] as never), 'odeint', 'times', "'1'");
  assertThrows(() => odeint(id, y, [0, 2, 1]), 'odeint', 'times', 'monotonic');
  assertThrows(() => odeint(id, y, []), 'odeint', 'times');
  assertThrows(() => odeint(() => f64([1, 2]), y, [0, 1]), 'odeint', 'f(t, y)', '[1]', '[2]');
  assertThrows(() => odeint('f' as never, y, [0, 1]), 'odeint', 'f must be a function');
  assertThrows(() => makeGrid(0, 1, 1e-12), 'makeGrid', 'stepSize', 'steps');
  // a first step as long as the whole interval is fine, and so are maxSteps large enough
  const ok = odeint((t, s) => s, y, [0, 1], { firstStep: 1, maxSteps: 50 });
  assertClose([final(ok.ys).item()], [Math.E], 1e-6, 0);
});

test('the adjoint passes a first step to each backward interval clipped to that interval', () => {
  const theta = f64([0.5]).requiresGrad_();
  const times = [0, 0.1, 1];
  const r = odeintAdjoint((t, y) => y.mul(theta), f64([1]), times, [theta], { firstStep: 0.9 });
  r.ys.sum().backward();
  // d/dθ Σ_t e^(θt) = Σ t·e^(θt)
  assertClose(theta.grad!.data(), [0.1 * Math.exp(0.05) + Math.exp(0.5)], 1e-5, 0);
});


test('fixed grids integrate backwards in time, and the adjoint works with fixed-step solvers (no NaN)', () => {
  // dy/dt = y/2 from t = 1 back to t = 0 with Euler h = 0.5: two steps of (1 − 0.25)
  const back = odeint((t, y) => y.mul(0.5), f64([1, 2]), [1, 0], { method: 'euler', stepSize: 0.5 }).ys;
  assertClose(back.data(), [1, 2, 0.5625, 1.125], 1e-15, 0);
  tg.manualSeed(6);
  const W = tg.randn([4, 4], { dtype: 'float64' }).mul(0.4).detach().requiresGrad_();
  const y0 = tg.randn([3, 4], { dtype: 'float64', requiresGrad: true });
  const f = (t: number, y: Tensor) => tg.matmul(y, W).sin();
  for (const method of ['euler', 'rk4'] as const) {
    const opts = { method, stepSize: 0.01 };
    final(odeint(f, y0, [0, 1], opts).ys).backward();
    const [gw, gy] = [Array.from(W.grad!.data()), Array.from(y0.grad!.data())];
    W.grad = null;
    y0.grad = null;
    final(odeintAdjoint(f, y0, [0, 1], [W], opts).ys).backward();
    assert.ok([...W.grad!.data(), ...y0.grad!.data()].every(Number.isFinite), `${method}: adjoint gradients are finite`);
    // both are O(h) (Euler) or O(h^4) (RK4) from the exact gradient, on either side of it:
    // measured 1.4e-2 and 1.6e-2 for Euler at h = 0.01, ~1e-8 for RK4
    const tol = method === 'euler' ? 4e-2 : 1e-6;
    assertClose(W.grad!.data(), gw, tol, 0, `${method} ∂/∂W`);
    assertClose(y0.grad!.data(), gy, tol, 0, `${method} ∂/∂y0`);
    W.grad = null;
    y0.grad = null;
  }
});
test.run();
