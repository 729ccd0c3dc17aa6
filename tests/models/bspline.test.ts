// B-splines: the spec's values (gode.md §7.1), partition of unity where it holds (and where it
// must fail with the paper's knots), cardinal closed forms, derivatives, span lookup at float32 times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { BSplineBasis } from '../../models/bspline.js';
import { assertClose, assertThrows } from '../helpers.js';

const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);

test("paper knots, k=1 m=4: the spec's basis values and basis sums", () => {
  const b = new BSplineBasis(1, 4, { knots: 'paper' });
  assert.equal([...b.knots], [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assertClose([0, 0.1, 0.5, 0.9, 1].map((t) => sum(b.evaluate(t))), [0, 0.5, 1, 0.5, 0], 1e-15, 0);
  assertClose([b.evaluate(0.05)[0], b.evaluate(0.2)[0], b.evaluate(0.3)[0], b.evaluate(0.3)[1], b.evaluate(0.95)[3]], [0.25, 1, 0.5, 0.5, 0.25], 1e-15, 0);
});

test("paper knots, k=1 m=8 and k=5 m=8: the spec's values", () => {
  const b = new BSplineBasis(1, 8, { knots: 'paper' });
  assertClose([b.evaluate(0.05)[0], b.evaluate(0.15)[0], b.evaluate(0.15)[1]], [0.45, 0.65, 0.35], 1e-14, 0);
  const b5 = new BSplineBasis(5, 8, { knots: 'paper' });
  assertClose([sum(b5.evaluate(0.5))], [1], 1e-14, 0);
  assert.ok(sum(b5.evaluate(0.2)) < 0.6 && sum(b5.evaluate(0.2)) > 0.5);
  assertClose([sum(b5.evaluate(0.05))], [0.001], 2e-4, 0);
});

test('clamped knots are a partition of unity on all of [0, T]; paper knots only on [t_k, t_m]', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 3, noNaN: true }), (k, extra, u, T) => {
    const m = k + extra;
    const clamped = new BSplineBasis(k, m, { T });
    assertClose([sum(clamped.evaluate(u * T))], [1], 1e-12, 0);
    const paper = new BSplineBasis(k, m, { T, knots: 'paper' });
    const t = (k * T) / (k + m) + u * ((m - k) * T) / (k + m);
    assertClose([sum(paper.evaluate(t))], [1], 1e-12, 0);
    for (const v of [...clamped.evaluate(u * T), ...paper.evaluate(t)]) assert.ok(v >= -1e-15);
  }), { numRuns: 200, seed: 1 });
});

test('uniform cardinal quadratic and cubic match their closed forms', () => {
  const quad = (u: number) => (u < 1 ? (u * u) / 2 : u < 2 ? (-2 * u * u + 6 * u - 3) / 2 : ((3 - u) ** 2) / 2);
  const cubic = (u: number) => (u < 1 ? u ** 3 / 6 : u < 2 ? (-3 * u ** 3 + 12 * u ** 2 - 12 * u + 4) / 6 : u < 3 ? (3 * u ** 3 - 24 * u ** 2 + 60 * u - 44) / 6 : (4 - u) ** 3 / 6);
  // paper knots with T = k + m are the integers 0, 1, 2, ...
  const b2 = new BSplineBasis(2, 3, { knots: 'paper', T: 5 });
  const b3 = new BSplineBasis(3, 3, { knots: 'paper', T: 6 });
  for (let u = 0; u < 3; u += 0.137) assertClose([b2.evaluate(u)[0]], [quad(u)], 1e-15, 0);
  for (let u = 0; u < 4; u += 0.137) assertClose([b3.evaluate(u)[0]], [cubic(u)], 1e-14, 0);
});

test('derivatives match central differences and local support holds', () => {
  const b = new BSplineBasis(3, 7, { T: 2 });
  for (let t = 0.013; t < 2; t += 0.097) {
    const h = 1e-6;
    const numeric = b.evaluate(t + h).map((v, i) => (v - b.evaluate(t - h)[i]) / (2 * h));
    assertClose(b.derivative(t), numeric, 1e-6, 1e-6);
    b.evaluate(t).forEach((v, i) => {
      if (t < b.knots[i] || t >= b.knots[i + 4]) assert.is(v, 0);
    });
  }
});

test('k = 0, m = 20: every float32 Euler time 0.05·n selects interval n (the reference gets 3, 6, 12, 17 wrong)', () => {
  const b = new BSplineBasis(0, 20, { knots: 'paper' });
  for (let n = 0; n < 20; n++) {
    const t = Math.fround(Math.fround(0.05) * n);
    const values = b.evaluate(t);
    assert.is(values.indexOf(1), n, `t = ${t}`);
    assert.is(sum(values), 1);
  }
});

test('k ≥ 1 with paper knots: W(0) = W(T) = 0', () => {
  for (const [k, m] of [[1, 4], [1, 8], [2, 8], [5, 8]]) {
    const b = new BSplineBasis(k, m, { knots: 'paper' });
    assert.is(sum(b.evaluate(0)), 0);
    assert.is(sum(b.evaluate(1)), 0);
    assert.is(b.knots.length, k + m + 1);
  }
});

test('bad arguments are rejected', () => {
  assertThrows(() => new BSplineBasis(-1, 3), 'BSplineBasis', 'degree');
  assertThrows(() => new BSplineBasis(1, 0), 'BSplineBasis', 'count');
  assertThrows(() => new BSplineBasis(3, 2), 'BSplineBasis', 'clamped', 'count');
  assertThrows(() => new BSplineBasis(1, 2, { T: NaN }), 'BSplineBasis', 'T');
  const b = new BSplineBasis(2, 5);
  assertThrows(() => b.evaluate(NaN), 'BSplineBasis.evaluate', 't', 'NaN');
  assertThrows(() => b.evaluate('0.5' as never), 'BSplineBasis.evaluate', 't', "string '0.5'");
  assertThrows(() => b.derivative(NaN), 'BSplineBasis.derivative', 't', 'NaN');
  assertThrows(() => b.derivative(undefined as never), 'BSplineBasis.derivative', 't', 'undefined');
  // outside [0, T] (±Infinity included) the basis is zero, as documented
  assert.equal(Array.from(b.evaluate(-Infinity)), [0, 0, 0, 0, 0]);
});

test.run();
