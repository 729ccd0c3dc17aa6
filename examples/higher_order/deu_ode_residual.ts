// DEU proved against its own ODE by autodiff (issue 18.4). Each DEU neuron's activation is meant
// to be the solution of  a·y″ + b·y′ + c·y = u(t). Here y′ and y″ are not assumed: they come from
// tg.grad twice (the first with createGraph, so its result can be differentiated again) through the
// deu op, in float64, for one neuron of every subspace; we print the worst residual on a grid of t.
//
// For t > 0 the residual is that of the full ODE (u = 1). For t < 0 the reference's smoothed
// delta, which replaces u′ in ∂y/∂t, has a floor of ≈ 8.3e-5 (spec §0), so there we check the
// homogeneous part c1·φ1 + c2·φ2 = y(c1, c2) − y(0, 0) against a·y″ + b·y′ + c·y = 0. The
// coefficients are those the formula sees: zeros for those below ε, and the forced (a_f, b, c_f)
// in the band |Δ| < ε (where the output ignores |a| and |c|, spec §1.2).
//
//   npx tsx examples/higher_order/deu_ode_residual.ts
import * as tg from '../../index.js';

const EPS = 0.01;

/** One neuron per subspace (the spec's golden-table coefficients; c1 = 0.3, c2 = −0.2). */
const NEURONS: [string, number[]][] = [
  ['0-0-1 sigmoid', [0, 0, 0.8]],
  ['0-1-0 ReLU family', [0, 1, 0]],
  ['0-1-1 first order', [0, 0.9, 0.6]],
  ['1-0-0 ReQU', [1, 0, 0]],
  ['1-0-1 ac>0 oscillator', [0.6, 0, 1.3]],
  ['1-0-1 ac<0 hyperbolic', [0.6, 0, -1.3]],
  ['1-1-0', [0.6, 0.9, 0]],
  ['1-1-1 Δ≈0 forced band', [0.25, 1, 0.999]],
  ['1-1-1 Δ<0 damped', [0.6, 0.5, 0.9]],
  ['1-1-1 Δ>0 real roots', [0.6, 1.9, 0.4]],
];

/** y, y′, y″ at each t by the deu op and grad ∘ grad. */
function derivatives(ts: number[], coeffs: number[]): [Float64Array, Float64Array, Float64Array] {
  return tg.tidy(() => {
    const x = tg.tensor(ts.map((t) => [t]), { dtype: 'float64' }).requiresGrad_();
    const y = tg.deu(x, tg.tensor([coeffs], { dtype: 'float64' }), { eps: EPS });
    const [d1] = tg.grad(y.sum(), [x], { createGraph: true }); // dy/dt, itself on the tape
    const [d2] = tg.grad(d1!.sum(), [x]); // d²y/dt²
    return [y.data(), d1!.data(), d2!.data()] as [Float64Array, Float64Array, Float64Array];
  });
}

/** The (a, b, c) a subspace's formula uses. */
function seen([a, b, c]: number[]): [number, number, number] {
  const small = (v: number) => Math.abs(v) < EPS;
  const delta = b * b - 4 * a * c;
  if (!small(a) && !small(b) && !small(c) && Math.abs(delta) < EPS && Math.sign(a) === Math.sign(c)) {
    return [(Math.sign(a) * Math.abs(b)) / 2, b, (Math.sign(c) * Math.abs(b)) / 2];
  }
  return [small(a) ? 0 : a, small(b) ? 0 : b, small(c) ? 0 : c];
}

const grid = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
const positive = grid(0.4, 2, 33), negative = grid(-2, -0.4, 33);

console.log('worst relative residual |a·y″ + b·y′ + c·y − rhs| / (1 + |a·y″| + |b·y′| + |c·y|)');
console.log(`${'subspace'.padEnd(26)} ${'t > 0 (rhs u = 1)'.padStart(18)}  ${'t < 0 (rhs 0)'.padStart(14)}`);
for (const [name, abc] of NEURONS) {
  const [a, b, c] = seen(abc);
  const relative = (y: number, d1: number, d2: number, rhs: number) =>
    Math.abs(a * d2 + b * d1 + c * y - rhs) / (1 + Math.abs(a * d2) + Math.abs(b * d1) + Math.abs(c * y));
  const [y, d1, d2] = derivatives(positive, [...abc, 0.3, -0.2]);
  const pos = Math.max(...positive.map((_, i) => relative(y[i], d1[i], d2[i], 1)));
  const [yn, d1n, d2n] = derivatives(negative, [...abc, 0.3, -0.2]);
  const [y0, d10, d20] = derivatives(negative, [...abc, 0, 0]);
  const neg = Math.max(...negative.map((_, i) => relative(yn[i] - y0[i], d1n[i] - d10[i], d2n[i] - d20[i], 0)));
  console.log(`${name.padEnd(26)} ${pos.toExponential(1).padStart(18)}  ${neg.toExponential(1).padStart(14)}`);
}
