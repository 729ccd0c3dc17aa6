// DEU in float64 far out (issue #15 point 7): inputs |t| from 1.35e154 (where ReQU's t² passes
// float64's limit) to 1.7e308. Every output and gradient must be finite and the clipped value of
// the closed form: checked exactly (rational arithmetic, with the bounded factors E(·), δ_s as the
// kernel computes them) for the subspaces whose parts are polynomials in t times such factors,
// against the unchanged closed forms wherever those do not overflow (the far path regroups the
// same formulas by powers of t), by central differences where the output is not clipped, and for
// finiteness through the fused kernels (fast loops, generic loop and outward gravitation).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { evaluateFar, FAR_FROM } from '../../core/cpu/deu_far.js';
import { clip, deltaS, DeuPoint, E, evaluate, subspaceOf, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';
import { add, div, fromDouble, mul, sub, toDouble, type Rational } from '../pau/exact.js';
import { neuronIn } from './arbitraries.js';
import { coeffs, EPS, S, SAMPLES, SUBSPACES } from './helpers.js';

const FAR = [1.35e154, 1e155, 1e200, 1e250, 1e300, 1.7e308].flatMap((t) => [t, -t]);
const OUTPUTS = ['y', 'dt', 'da', 'db', 'dc', 'dc1', 'dc2'] as const;
type Formed = Exclude<Subspace, '0-0-0' | '0-0-1'>;
const FORMED = SUBSPACES.filter((s) => s !== '0-0-0' && s !== '0-0-1') as Formed[];

/** The outputs through the fused float64 kernels, one neuron per column, upstream gradient 1. */
function kernel(ts: number[], k: Coeffs): { y: number[]; dx: number[]; dp: number[] } {
  return tg.tidy(() => {
    const x = tg.tensor(ts.map((t) => [t]), { dtype: 'float64', requiresGrad: true });
    const p = tg.tensor([[k.a, k.b, k.c, k.c1, k.c2]], { dtype: 'float64', requiresGrad: true });
    const y = tg.deu(x, p);
    y.sum().backward();
    return { y: Array.from(y.data()), dx: Array.from(x.grad!.data()), dp: Array.from(p.grad!.data()) };
  });
}

test('every subspace: forward and backward through the fused kernels are finite at |t| from 1.35e154 to 1.7e308', () => {
  for (const sub of SUBSPACES) {
    const k = SAMPLES[sub];
    const variants: Coeffs[] = [k, { ...k, c1: 0, c2: 0 }, { ...k, c1: 0 }, { ...k, c2: 0 }, { ...k, a: -k.a, c: -k.c }, { ...k, a: k.a / 50, b: k.b / 50, c: k.c / 50 }];
    for (const v of variants) {
      if (subspaceOf(v.a, v.b, v.c, EPS) === null) continue;
      for (const t of FAR) {
        const r = kernel([t], v);
        // one element: the parameter gradient is that element's partials, outward gravitation included
        const values = [...r.y, ...r.dx, ...r.dp];
        assert.ok(values.every(Number.isFinite), `${sub} ${JSON.stringify(v)} t = ${t}: ${values}`);
      }
      // a batch of far inputs of both signs: t* (the batch mean) far too for gravitation
      const r = kernel(FAR, v);
      assert.ok([...r.y, ...r.dx, ...r.dp].every(Number.isFinite), `${sub} ${JSON.stringify(v)} batch`);
    }
  }
  // outward gravitation with a far mean input: a neuron with a coefficient below ε
  for (const k of [coeffs(0.005, 1, 0.5, 0.3, -0.2), coeffs(1, 0.004, 0, 0.3, 0), coeffs(0.5, 0.3, 0.002, 0, 1)]) {
    for (const t of FAR) {
      const r = kernel([t, t], k);
      assert.ok([...r.y, ...r.dx, ...r.dp].every(Number.isFinite), `gravitation ${JSON.stringify(k)} t = ${t}: ${[...r.y, ...r.dx, ...r.dp]}`);
    }
  }
});

test('the far path is the closed forms regrouped: it agrees with them wherever they do not overflow', () => {
  const magnitude = fc.double({ min: -1, max: 15, noNaN: true }).map((e) => 10 ** e);
  const t = fc.tuple(magnitude, fc.boolean()).map(([m, negative]) => (negative ? -m : m));
  for (const sub of FORMED) {
    fc.assert(fc.property(neuronIn(sub), t, (k, tv) => {
      const near = evaluate(sub, tv, k, S, new DeuPoint(), true);
      const far = evaluateFar(sub, tv, k, S, new DeuPoint(), true);
      for (const key of OUTPUTS) {
        if (!(Math.abs(far[key] - near[key]) <= 1e-9 * (1 + Math.abs(near[key])))) {
          throw new Error(`${sub} t = ${tv} ${key}: far ${far[key]}, closed form ${near[key]}`);
        }
      }
    }), { numRuns: 300, seed: 15 });
  }
});

// ---- exact references: the closed forms of deu_solutions.ts in rationals -----------------------

const R = fromDouble;
const sum = (...terms: Rational[]) => terms.reduce(add);

/** The unclipped (y, ∂y/∂t, ∂y/∂a, ∂y/∂b, ∂y/∂c, φ1, φ2) of the subspaces whose parts are polynomials in t times E(·). */
function exact(subspace: Formed, tv: number, k: Coeffs): number[] | null {
  const t = R(tv), a = R(k.a), b = R(k.b), c = R(k.c), one = R(1), zero = R(0);
  const H = R(tv > 0 ? 1 : 0), delta = R(deltaS(tv, S));
  let g: Rational, gt: Rational, ga = zero, gb = zero, gc = zero;
  let p1: Rational, p1t = zero, p1a = zero, p1b = zero, p1c = zero, p2 = zero, p2t = zero, p2a = zero, p2b = zero, p2c = zero;
  switch (subspace) {
    case '0-1-0':
      g = div(t, b); p1 = one; gt = div(one, b); gb = div(sub(zero, t), mul(b, b));
      break;
    case '0-1-1': {
      const kk = k.c / k.b, q = R(E(-kk * tv)), bb = mul(b, b);
      g = div(sub(one, q), c); p1 = q; gt = div(q, b);
      gb = div(sub(zero, mul(t, q)), bb);
      gc = sub(div(mul(t, q), mul(b, c)), div(sub(one, q), mul(c, c)));
      p1t = mul(R(-kk), q); p1b = div(mul(mul(R(kk), t), q), b); p1c = div(sub(zero, mul(t, q)), b);
      break;
    }
    case '1-0-0':
      g = div(mul(t, t), mul(R(2), a)); p1 = t; p2 = one; gt = div(t, a);
      ga = div(sub(zero, mul(t, t)), mul(R(2), mul(a, a))); p1t = one;
      break;
    case '1-1-0': {
      const q = R(E((-k.b * tv) / k.a)), bb = mul(b, b), oneMinusQ = sub(one, q);
      g = sub(div(t, b), div(mul(a, oneMinusQ), bb)); p1 = mul(div(sub(zero, a), b), q); p2 = one;
      gt = div(oneMinusQ, b);
      ga = add(div(sub(zero, oneMinusQ), bb), div(mul(t, q), mul(a, b)));
      gb = sum(div(sub(zero, t), bb), div(mul(mul(R(2), a), oneMinusQ), mul(bb, b)), div(sub(zero, mul(t, q)), bb));
      p1t = q; p1a = sub(div(sub(zero, q), b), div(mul(t, q), a)); p1b = add(div(mul(a, q), bb), div(mul(t, q), b));
      break;
    }
    case '1-1-1 Δ≈0': {
      const cfv = (Math.sign(k.c) * Math.abs(k.b)) / 2, rhov = (-2 * cfv) / k.b, e = R(E(rhov * tv));
      const cf = R(cfv), rho = R(rhov), rb = div(sub(zero, rho), b), rc = div(R(-2), b);
      g = div(sub(one, mul(e, sub(one, mul(rho, t)))), cf); p1 = mul(t, e); p2 = e;
      gt = div(mul(mul(mul(rho, rho), t), e), cf); p1t = add(e, mul(mul(rho, t), e)); p2t = mul(rho, e);
      const tt = mul(t, t);
      gb = div(mul(mul(mul(rho, tt), rb), e), cf); p1b = mul(mul(tt, rb), e); p2b = mul(mul(t, rb), e);
      gc = sub(div(mul(mul(mul(rho, tt), rc), e), cf), div(g, cf)); p1c = mul(mul(tt, rc), e); p2c = mul(mul(t, rc), e);
      ga = sub(zero, gc); p1a = sub(zero, p1c); p2a = sub(zero, p2c);
      break;
    }
    default:
      return null;
  }
  const [c1, c2] = [R(k.c1), R(k.c2)];
  const assemble = (h: Rational, q1: Rational, q2: Rational) => sum(mul(H, h), mul(c1, q1), mul(c2, q2));
  return [
    assemble(g, p1, p2), sum(mul(H, gt), mul(delta, g), mul(c1, p1t), mul(c2, p2t)),
    assemble(ga, p1a, p2a), assemble(gb, p1b, p2b), assemble(gc, p1c, p2c), p1, p2,
  ].map((v) => clip(toDouble(v)));
}

test('ReQU, the ramp, the first-order and 1-1-0 forms and the band: exactly the clipped closed form far out', () => {
  const cases: [Formed, Coeffs][] = [];
  for (const [c1, c2] of [[0, 0], [0.3, -0.2], [0, 0.5], [-2, 0], [1e-160, 3]]) {
    cases.push(['1-0-0', coeffs(1, 0, 0, c1, c2)], ['1-0-0', coeffs(-0.02, 0, 0, c1, c2)]);
    cases.push(['0-1-0', coeffs(0, 0.01, 0, c1, c2)], ['0-1-0', coeffs(0, -3, 0, c1, c2)]);
    cases.push(['0-1-1', coeffs(0, 0.01, 0.01, c1, c2)], ['0-1-1', coeffs(0, -0.5, 2, c1, c2)], ['0-1-1', coeffs(0, 0.02, 50, 1 / 50, c2)]);
    cases.push(['1-1-0', coeffs(0.01, 0.01, 0, c1, c2)], ['1-1-0', coeffs(-1, 0.3, 0, c1, c2)]);
    cases.push(['1-1-1 Δ≈0', coeffs(0.25, 1, 0.999, c1, c2)], ['1-1-1 Δ≈0', coeffs(-0.01, 0.02, -0.01, c1, c2)]);
  }
  for (const [subspace, k] of cases) {
    assert.is(subspaceOf(k.a, k.b, k.c, EPS), subspace);
    for (const t of FAR) {
      const want = exact(subspace, t, k)!;
      const got = evaluate(subspace, t, k, S, new DeuPoint(), true);
      OUTPUTS.forEach((key, i) => {
        if (!(Math.abs(got[key] - want[i]) <= 1e-12 * Math.abs(want[i]) + 1e-300)) {
          assert.unreachable(`${subspace} ${JSON.stringify(k)} t = ${t} ${key}: ${got[key]}, exact ${want[i]}`);
        }
      });
      // and the fused kernel's single-element outputs are the same numbers
      const r = kernel([t], k);
      assert.is(r.y[0], got.y);
      assert.is(r.dx[0], got.dt);
    }
  }
});

test('central differences far out: where y is not clipped, its partials by t (t > 0), c1, c2 and a, b, c match', () => {
  for (const sub of FORMED) {
    if (sub === '1-1-1 Δ≈0') continue; // the band's a-, b-, c-partials are the reference's pseudo-gradients
    const base = SAMPLES[sub];
    const variants = [base, { ...base, c1: 0, c2: 0 }, { ...base, c1: 1e-300, c2: 0.7 }];
    for (const k of variants) {
      for (const t of [1e155, 1e200, 1e300, -1e155, -1e200, -1e300]) {
        const p = evaluate(sub, t, k, S, new DeuPoint(), true);
        const yAt = (kk: Coeffs, tv = t) => evaluate(sub, tv, kk, S, new DeuPoint(), false).y;
        const checks: [string, number, (h: number) => number, number][] = [
          ['c1', p.dc1, (h) => yAt({ ...k, c1: k.c1 + h }), 1e-3],
          ['c2', p.dc2, (h) => yAt({ ...k, c2: k.c2 + h }), 1e-3],
        ];
        // a coefficient the subspace treats as zero has partial 0 by definition (gravitation's business)
        if (Math.abs(k.a) >= EPS) checks.push(['a', p.da, (h) => yAt({ ...k, a: k.a + h }), 1e-6 * Math.abs(k.a)]);
        if (Math.abs(k.b) >= EPS) checks.push(['b', p.db, (h) => yAt({ ...k, b: k.b + h }), 1e-6 * Math.abs(k.b)]);
        if (Math.abs(k.c) >= EPS) checks.push(['c', p.dc, (h) => yAt({ ...k, c: k.c + h }), 1e-6 * Math.abs(k.c)]);
        if (t > 0) checks.push(['t', p.dt, (h) => yAt(k, t + h), 1e-6 * t]);
        for (const [name, analytic, f, h] of checks) {
          const [up, down] = [f(h), f(-h)];
          // only where nothing is clipped (the clip is straight-through) and the phase is not arbitrary
          if (Math.abs(up) >= 1000 || Math.abs(down) >= 1000 || Math.abs(analytic) >= 1000 || sub.startsWith('1-0-1 ac>0') || sub === '1-1-1 Δ<0') continue;
          const fd = (up - down) / (2 * h);
          assert.ok(Math.abs(fd - analytic) <= 1e-6 * (1 + Math.abs(analytic)), `${sub} ${JSON.stringify(k)} t = ${t} ∂y/∂${name}: ${analytic}, central difference ${fd}`);
        }
      }
    }
  }
});

test('inputs below 2^128 (all of float32) never take the far path: its threshold', () => {
  assert.ok(FAR_FROM > 3.4028234663852886e38, 'float32 max is below the far threshold');
  const k = SAMPLES['1-0-0'];
  // just below: the closed form as written (t² = 2^254, finite); the far path equals it there too
  const t = 2 ** 127;
  assert.is(evaluate('1-0-0', t, k, S, new DeuPoint(), true).y, 1000);
});

test.run();
