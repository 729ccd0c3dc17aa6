// Spec §7.11 and §4: the op as a layer. The coefficient gradient is the batch sum of upstream
// gradient times partial; neurons are independent (permuting them permutes everything); [N, C, ...]
// input is per channel; the five-column form and the [F, 5] form agree; errors name what is wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { at, SAMPLES, SUBSPACES } from './helpers.js';

const neurons = SUBSPACES.filter((s) => s !== '0-0-0').map((s) => SAMPLES[s]);
const rows = neurons.map((k) => [k.a, k.b, k.c, k.c1, k.c2]);
const F = neurons.length;
const batch = [[-1.2, 0.3, 0.9, -0.4, 1.7, 0.05, -0.02, 2, 0.6, 1.1], [0.8, -1.5, 0.2, 1.1, -0.7, 0.4, 1.3, -0.3, 0.01, -0.2], [0, 0.5, -0.6, 0.7, 0.3, -1, 0.9, 1.2, -0.8, 0.4]];
const upstream = batch.map((row, n) => row.map((_, f) => Math.sin(1 + n * F + f)));

function run(x: number[][], params: number[][], g: number[][], dtype: 'float32' | 'float64' = 'float64') {
  const xt = tg.tensor(x, { dtype, requiresGrad: true }), pt = tg.tensor(params, { dtype, requiresGrad: true });
  const y = tg.deu(xt, pt);
  y.backward(tg.tensor(g, { dtype }));
  return { y: y.toArray() as number[][], dx: xt.grad!.toArray() as number[][], dp: pt.grad!.toArray() as number[][] };
}

// (the columns of coefficients below ε are outward gravitation's: gravitation.test.ts)
test('the coefficient gradient is the batch sum of upstream × partial; dx = upstream × ∂y/∂t', () => {
  const { dx, dp } = run(batch, rows, upstream);
  neurons.forEach((k, f) => {
    const sum = (key: 'da' | 'db' | 'dc' | 'dc1' | 'dc2') => batch.reduce((s, row, n) => s + upstream[n][f] * at(row[f], k)[key], 0);
    const own = [k.a, k.b, k.c, 1, 1].map((v) => Math.abs(v) >= 0.01);
    const expected = [sum('da'), sum('db'), sum('dc'), sum('dc1'), sum('dc2')];
    assertClose(dp[f].filter((_, j) => own[j]), expected.filter((_, j) => own[j]), 1e-12, 1e-12, `neuron ${f}`);
    batch.forEach((row, n) => assertClose(dx[n][f], upstream[n][f] * at(row[f], k).dt, 1e-15, 1e-15));
  });
});

test('permuting the neurons permutes outputs and gradients (singular neurons included)', () => {
  const all = SUBSPACES.map((s) => SAMPLES[s]).map((k) => [k.a, k.b, k.c, k.c1, k.c2]);
  const x = batch.map((row) => [...row, 0.4]), g = upstream.map((row) => [...row, 0.7]);
  const order = all.map((_, i) => (i * 4 + 3) % all.length);
  const take = (m: number[][]) => m.map((row) => order.map((i) => row[i]));
  const base = run(x, all, g), permuted = run(take(x), order.map((i) => all[i]), take(g));
  assert.equal(permuted.y, take(base.y));
  assert.equal(permuted.dx, take(base.dx));
  assert.equal(permuted.dp, order.map((i) => base.dp[i]));
});

test('[N, C, H, W]: one neuron per channel, the same as [N·H·W, C] (gradients and gravitation too)', () => {
  tg.manualSeed(3);
  const params = tg.tensor([[0.6, 0.5, 0.9, 0.3, -0.2], [0, 1, 0, 0, 0], [1, 0, 0, 0.1, 0.2]], { dtype: 'float64', requiresGrad: true });
  const x4 = tg.randn([2, 3, 2, 2], { dtype: 'float64' }).requiresGrad_();
  const g4 = tg.randn([2, 3, 2, 2], { dtype: 'float64' });
  const y4 = tg.deu(x4, params);
  y4.backward(g4);
  const flat = (t: tg.Tensor) => t.permute([0, 2, 3, 1]).reshape([8, 3]);
  const p2 = params.detach().requiresGrad_(), x2 = flat(x4.detach()).detach().requiresGrad_();
  const y2 = tg.deu(x2, p2);
  y2.backward(flat(g4));
  assertClose(flat(y4).toArray(), y2.toArray(), 0, 0);
  assertClose(flat(x4.grad!).toArray(), x2.grad!.toArray(), 0, 0);
  assertClose(params.grad!.toArray(), p2.grad!.toArray(), 1e-12, 1e-12);
});

test('five [F] columns give the [F, 5] result, each column its own gradient', () => {
  const matrix = run(batch, rows, upstream);
  const columns = [0, 1, 2, 3, 4].map((j) => tg.tensor(rows.map((r) => r[j]), { dtype: 'float64', requiresGrad: true }));
  const x = tg.tensor(batch, { dtype: 'float64' });
  const y = tg.deu(x, columns);
  y.backward(tg.tensor(upstream, { dtype: 'float64' }));
  assertClose(y.toArray(), matrix.y, 0, 0);
  columns.forEach((c, j) => assertClose(c.grad!.toArray(), matrix.dp.map((r) => r[j]), 0, 0, `column ${j}`));
});

test('float32 agrees with float64 at float32 tolerances', () => {
  const a = run(batch, rows, upstream, 'float32'), b = run(batch, rows, upstream, 'float64');
  assertClose(a.y, b.y, 1e-5, 1e-5, 'y');
  assertClose(a.dx, b.dx, 1e-5, 1e-5, 'dx');
  assertClose(a.dp, b.dp, 1e-4, 1e-5, 'dparams');
});

test('eps and s are per call: a larger eps moves a neuron into a singular subspace', () => {
  const x = tg.tensor([[1.5]], { dtype: 'float64' }), p = tg.tensor([[0.05, 1, 0, 0, 0]], { dtype: 'float64' });
  assertClose(tg.deu(x, p).item(), at(1.5, { a: 0.05, b: 1, c: 0, c1: 0, c2: 0 }).y, 1e-15, 0);
  assertClose(tg.deu(x, p, { eps: 0.1 }).item(), 1.5, 1e-15, 0); // ReLU: 0-1-0
  assertClose(tg.deu(tg.tensor([[0.01]], { dtype: 'float64' }), tg.tensor([[0, 0, 1, 0, 0]], { dtype: 'float64' }), { s: 10 }).item(), 1 / (1 + Math.exp(-0.1)), 1e-15, 0);
});

test('no tensor outlives a tidy forward and backward (the stacked columns included)', () => {
  const columns = [0, 1, 2, 3, 4].map((j) => tg.tensor(rows.map((r) => r[j]), { requiresGrad: true }));
  const x = tg.tensor(batch);
  const before = tg.memory().tensors;
  tg.tidy(() => tg.deu(x, columns).sum().backward());
  assert.is(tg.memory().tensors, before + 5); // the five .grad
  columns.forEach((c) => c.grad!.dispose());
});

test('errors name the function, what was expected and what came', () => {
  const x = tg.tensor(batch), p = tg.tensor(rows);
  assertThrows(() => tg.deu(tg.tensor([1, 2]), p), 'deu', '[N, F]', '[2]');
  assertThrows(() => tg.deu(x, tg.tensor([[1, 2, 3, 4, 5]])), 'deu', `[${F}, 5]`, '[1, 5]');
  assertThrows(() => tg.deu(x, [p]), 'deu', 'five', '1 tensors');
  assertThrows(() => tg.deu(x, [0, 1, 2, 3, 4].map(() => tg.zeros([2]))), 'deu', `[${F}]`, '[2]');
  assertThrows(() => tg.deu(x, p, { eps: 0 }), 'deu', 'eps', 'positive');
  assertThrows(() => tg.deu(x, p, { s: NaN }), 'deu', 's must be a finite number');
  assertThrows(() => tg.deu(x, p.to('float64')), 'deu', 'dtypes differ');
});

test.run();
