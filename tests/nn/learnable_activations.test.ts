// The learnable activations that teaching material compares DEU and PAU against: learnable-β
// Swish (nn.Swish), APL, SReLU and the KAN-style B-spline activation. Forward values against
// their written definitions, gradcheck with respect to the input and every parameter (float64,
// inputs away from the kinks), per-channel shapes, the B-spline basis against models/bspline.ts,
// grid extension, and the errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { BSplineBasis } from '../../models/bspline.js';
import { assertClose } from '../helpers.js';

const { nn } = tg;
type Module = InstanceType<typeof nn.Module>;
const f64 = { dtype: 'float64' as const };
const grid = Array.from({ length: 61 }, (_, i) => -3 + i * 0.1 + 0.013);
const relu = (v: number) => Math.max(0, v);
const silu = (v: number) => v / (1 + Math.exp(-v));

/** Sets a module's parameters (float64 modules) from plain arrays. */
function set(m: Module, values: Record<string, number[]>): void {
  const params = Object.fromEntries(m.namedParameters());
  tg.noGrad(() => {
    for (const [name, v] of Object.entries(values)) params[nn.toSnakeCase(name)].assign(tg.tensor(v, { ...f64, shape: params[nn.toSnakeCase(name)].shape }));
  });
}

/** gradcheck of the module as a function of its input and all of its parameters. */
function checkModule(m: Module, x: Tensor): void {
  const names = m.namedParameters().map(([n]) => n);
  tg.gradcheck((input, ...ps) => nn.functionalCall<Tensor>(m, Object.fromEntries(names.map((n, i) => [n, ps[i]])), input), [x, ...m.parameters()]);
}

/** Values in [−3, 3] at least 0.05 from every kink, seeded. */
function awayFrom(kinks: number[], shape: number[], seed: number): Tensor {
  tg.manualSeed(seed);
  const v = Array.from(tg.rand(shape, f64).data(), (u) => {
    let x = u * 6 - 3;
    for (const k of kinks) if (Math.abs(x - k) < 0.05) x = k + 0.05 * Math.sign(x - k || 1);
    return x;
  });
  return tg.tensor(v, { ...f64, shape, requiresGrad: true });
}

test('APL: relu(x) + Σ a_s·relu(b_s − x); starts as ReLU', () => {
  const apl = new nn.APL({ hinges: 2 }).double();
  assertClose(apl.forward(tg.tensor(grid, f64)).data(), grid.map(relu), 0, 0, 'initial');
  assertClose(apl.hinges.data(), [-0.5, 0.5], 0);
  set(apl, { slopes: [0.3, -0.7], hinges: [-1.2, 0.4] });
  const f = (v: number) => relu(v) + 0.3 * relu(-1.2 - v) - 0.7 * relu(0.4 - v);
  assertClose(apl.forward(tg.tensor(grid, f64)).data(), grid.map(f), 1e-14, 0, 'learned');
});

test('APL per channel: slopes and hinges [S, C] along axis 1 of [N, C] and [N, C, H, W]', () => {
  const apl = new nn.APL({ hinges: 1, numParameters: 3 }).double();
  set(apl, { slopes: [1, 2, 3], hinges: [0, 1, 2] });
  assertClose(apl.forward(tg.full([2, 3], -1, f64)).data(), [1, 4, 9, 1, 4, 9], 1e-15);
  const y = apl.forward(tg.full([2, 3, 2, 2], -1, f64));
  assert.equal(y.shape, [2, 3, 2, 2]);
  assertClose(y.data(), [1, 4, 9, 1, 4, 9].flatMap((v) => [v, v, v, v]), 1e-15);
});

test('SReLU: three linear pieces; starts as a leaky ReLU', () => {
  const srelu = new nn.SReLU().double();
  const leaky = (v: number) => (v > 0 ? v : Math.fround(0.01) * v);
  assertClose(srelu.forward(tg.tensor(grid, f64)).data(), grid.map(leaky), 1e-15, 0, 'initial');
  set(srelu, { tLeft: [-1], aLeft: [0.2], tRight: [1.5], aRight: [0.5] });
  const f = (v: number) => (v >= 1.5 ? 1.5 + 0.5 * (v - 1.5) : v <= -1 ? -1 + 0.2 * (v + 1) : v);
  assertClose(srelu.forward(tg.tensor(grid, f64)).data(), grid.map(f), 1e-14, 0, 'learned');
});

test('SReLU per channel on [N, C, H, W]', () => {
  const srelu = new nn.SReLU({ numParameters: 2 }).double();
  set(srelu, { tLeft: [0, -1], aLeft: [0, 0.5], tRight: [1, 2], aRight: [0, 2] });
  const x = tg.tensor([[[[-2]], [[-2]]], [[[3]], [[3]]]], f64);
  assertClose(srelu.forward(x).data(), [0, -1.5, 1, 4], 1e-15);
});

test('BSplineActivation: its basis is models/bspline.ts on KAN’s extended grid, a partition of unity on [lo, hi]', () => {
  const act = new tg.BSplineActivation({ intervals: 4, degree: 3, range: [-2, 2] }).double();
  const h = 1;
  const basis = new BSplineBasis(3, 7, { T: 10 * h, knots: 'paper' }); // knots at −5 … 5
  const xs = Array.from({ length: 81 }, (_, i) => -4.9 + i * 0.1225);
  const B = act.basisFunctions(tg.tensor(xs, f64)).toArray() as number[][];
  xs.forEach((x, p) => {
    assertClose(B[p], Array.from(basis.evaluate(x + 5)), 1e-12, 0, `x = ${x}`);
    if (x >= -2 && x <= 2) assertClose([B[p].reduce((a, b) => a + b, 0)], [1], 1e-12, 0, `Σ B at ${x}`);
  });
  // beyond the extended grid every basis function is 0: only the silu base remains
  assertClose(act.basisFunctions(tg.tensor([-6, 6], f64)).data(), new Array(14).fill(0), 0);
});

test('BSplineActivation: w·silu(x) + Σ c_i B_i(x), and its x-gradient is the spline’s derivative', () => {
  const act = new tg.BSplineActivation({ intervals: 5, degree: 3 }).double();
  assertClose(act.forward(tg.tensor(grid, f64)).data(), grid.map(silu), 1e-15, 0, 'starts as silu');
  const c = [0.5, -1, 2, 0.3, -0.4, 1.1, 0.2, -0.9];
  set(act, { coefficients: c, baseWeight: [0.7] });
  const basis = new BSplineBasis(3, 8, { T: 6 * 11 / 5, knots: 'paper' });
  const origin = -3 - 3 * 1.2;
  const spline = (v: number) => basis.evaluate(v - origin).reduce((s, b, i) => s + b * c[i], 0);
  const dspline = (v: number) => basis.derivative(v - origin).reduce((s, b, i) => s + b * c[i], 0);
  const x = tg.tensor(grid, { ...f64, requiresGrad: true });
  const y = act.forward(x);
  assertClose(y.data(), grid.map((v) => 0.7 * silu(v) + spline(v)), 1e-12, 0, 'value');
  y.sum().backward();
  const dsilu = (v: number) => { const s = 1 / (1 + Math.exp(-v)); return s * (1 + v * (1 - s)); };
  assertClose(x.grad!.data(), grid.map((v) => 0.7 * dsilu(v) + dspline(v)), 1e-10, 0, 'derivative');
});

test('BSplineActivation.extendGrid: a finer grid computes the same function on [lo, hi]; G = 5 → 7 fits closely', () => {
  tg.manualSeed(2);
  const act = new tg.BSplineActivation({ numParameters: 2, intervals: 5, range: [-3, 3] }).double();
  tg.noGrad(() => act.coefficients.assign(tg.randn([2, 8], f64)));
  const inside = grid.filter((v) => Math.abs(v) <= 3); // beyond [lo, hi] the two grids' extensions differ
  const x = tg.tensor(inside.flatMap((v) => [v, -v]), { ...f64, shape: [inside.length, 2] });
  const before = Array.from(act.forward(x).data());
  const old = act.coefficients;
  act.extendGrid(10);
  assert.is(act.intervals, 10);
  assert.equal(act.coefficients.shape, [2, 13]);
  assert.ok(act.coefficients !== old && act.namedParameters().some(([n, p]) => n === 'coefficients' && p === act.coefficients));
  assertClose(act.forward(x).data(), before, 1e-9, 0, 'G = 10 holds G = 5 exactly');
  act.extendGrid(7); // not a refinement of 10: least squares, close but not exact
  const after = Array.from(act.forward(x).data());
  const worst = Math.max(...after.map((v, i) => Math.abs(v - before[i])));
  assert.ok(worst > 1e-9 && worst < 0.3, `G = 7 fit error ${worst}`);
});

const gradcheckCases: [string, () => Module, (m: Module) => void, number[], number[]][] = [
  ['Swish (learnable β)', () => new nn.Swish({ beta: 0.8, learnable: true }), () => {}, [], [3, 4]],
  ['APL shared', () => new nn.APL({ hinges: 3 }), (m) => set(m, { slopes: [0.4, -0.3, 0.8], hinges: [-1.5, 0.2, 1.1] }), [0, -1.5, 0.2, 1.1], [3, 4]],
  ['APL per channel on [N, C, H, W]', () => new nn.APL({ hinges: 2, numParameters: 3 }), (m) => set(m, { slopes: [0.4, -0.3, 0.8, 0.1, 0.5, -0.6], hinges: [-1.5, 0.2, 1.1, -0.7, 0.9, 2.1] }), [0, -1.5, 0.2, 1.1, -0.7, 0.9, 2.1], [2, 3, 2, 2]],
  ['SReLU shared', () => new nn.SReLU(), (m) => set(m, { tLeft: [-1], aLeft: [0.3], tRight: [1.2], aRight: [1.7] }), [-1, 1.2], [3, 4]],
  ['SReLU per channel', () => new nn.SReLU({ numParameters: 4 }), (m) => set(m, { tLeft: [-1, -2, 0, -0.5], aLeft: [0.3, 0.1, -0.2, 0.5], tRight: [1.2, 0.5, 2, 1], aRight: [1.7, 0.4, 1, 2] }), [-1, -2, 0, -0.5, 1.2, 0.5, 2, 1], [3, 4]],
  ['BSplineActivation shared (cubic)', () => new tg.BSplineActivation({ intervals: 5 }), (m) => set(m, { coefficients: [0.5, -1, 2, 0.3, -0.4, 1.1, 0.2, -0.9], baseWeight: [0.7] }), [-3, -1.8, -0.6, 0.6, 1.8, 3], [3, 4]],
  ['BSplineActivation per channel (quadratic)', () => new tg.BSplineActivation({ numParameters: 2, intervals: 3, degree: 2, range: [-2, 2] }), (m) => set(m, { coefficients: [0.5, -1, 2, 0.3, -0.4, 1.1, 0.2, -0.9, 0.6, 0.1], baseWeight: [0.7, -0.2] }), [-10 / 3, -2, -2 / 3, 2 / 3, 2, 10 / 3], [2, 2, 3]],
];

for (const [name, make, setup, kinks, shape] of gradcheckCases) {
  test(`gradcheck: ${name}, with respect to the input and every parameter`, () => {
    for (const seed of [1, 2, 3]) {
      const m = make().double();
      setup(m);
      checkModule(m, awayFrom(kinks, shape, seed));
    }
  });
}

test('bad options and inputs are rejected, naming the module', () => {
  assert.throws(() => new nn.APL({ hinges: 0 }), /APL: hinges must be a positive integer, got 0/);
  assert.throws(() => new nn.APL({ numParameters: 3 }).forward(tg.zeros([2, 4])), /APL\(hinges=2, numParameters=3\): expected input \[N, 3, \.\.\.\], got \[2, 4\]/);
  assert.throws(() => new nn.SReLU({ aLeft: NaN }), /SReLU: aLeft/);
  assert.throws(() => new nn.SReLU({ numParameters: 2 }).forward(tg.zeros([2, 3])), /SReLU\(numParameters=2\): expected input \[N, 2, \.\.\.\]/);
  assert.throws(() => new tg.BSplineActivation({ intervals: 1.5 }), /BSplineActivation: intervals must be a positive integer, got 1.5/);
  assert.throws(() => new tg.BSplineActivation({ range: [1, -1] }), /BSplineActivation: range must be \[lo, hi\] with lo < hi, got \[1,-1\]/);
  assert.throws(() => new tg.BSplineActivation({ degree: -1 }), /BSplineActivation: degree must be an integer ≥ 0, got -1/);
  assert.throws(() => new tg.BSplineActivation().extendGrid(0), /BSplineActivation.extendGrid: intervals must be a positive integer, got 0/);
});

test.run();
