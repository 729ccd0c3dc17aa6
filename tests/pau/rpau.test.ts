// RPAU (version D, specs/pau.md §3.3 and §7 properties 17–21): eval and α = 0 are exactly version
// B; in training every element's output is B evaluated at its own noisy coefficients, inside the
// bounds that c̃ ∈ [(1 − α)c, (1 + α)c] allows; the backward replays the forward's draws (dx equals
// finite differences of the forward with the same key); the straight-through coefficient gradient
// is B's at the noisy coefficients and the exact one carries the noise factor; manualSeed
// reproduces the noise; bad arguments name RPAU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { RPAU, PAU } from '../../nn/pau.js';
import { defaultGenerator } from '../../core/rng.js';
import { noiseFactor } from '../../core/cpu/pau_noise.js';
import { assertClose, assertThrows } from '../helpers.js';
import { LEAKY_B, direct, kinkDistance, kinkFreeDraws, noisy, uniform, values } from './reference.js';

const f64 = (v: number[], requiresGrad = false) => tg.tensor(v, { dtype: 'float64', requiresGrad });
const arr = (t: tg.Tensor) => Array.from(t.data());
const same = (got: number[], want: number[], what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) assert.unreachable(`${what}: element ${i} is ${got[i]}, B gives ${want[i]}`);
};
const key32 = fc.integer({ min: 0, max: 0xffffffff });
const alphaArb = uniform(0.05, 0.5).map(Math.abs);
const xs = (n: number, lim = 4) => Array.from({ length: n }, (_, i) => -lim + (2 * lim * i) / (n - 1));

/** rpau forward and its (dx, da, db) for upstream g, all in float64 with an explicit key. */
function rpauGrads(x: number[], a: number[], b: number[], g: number[], opts: tg.RpauOptions) {
  const [xt, at, bt] = [f64(x, true), f64(a, true), f64(b, true)];
  const y = tg.rpau(xt, at, bt, opts);
  y.backward(f64(g));
  return { y: arr(y), dx: arr(xt.grad!), da: arr(at.grad!), db: arr(bt.grad!) };
}
const rpauY = (x: number[], a: number[], b: number[], opts: tg.RpauOptions) => tg.tidy(() => arr(tg.rpau(f64(x), f64(a), f64(b), opts)));

// ---- §7.17: eval and α = 0 are version B -----------------------------------------------------

test('eval mode: the RPAU layer is bitwise PAU version B, forward and backward; so is rpau with training: false (§7.17)', () => {
  const x32 = xs(401, 6);
  {
    const dtype = 'float32';
    const r = new RPAU({ alpha: 0.3 }).eval(), p = new PAU({ version: 'B' });
    const xr = tg.tensor(x32, { dtype, requiresGrad: true }), xp = tg.tensor(x32, { dtype, requiresGrad: true });
    const yr = r.forward(xr), yp = p.forward(xp);
    same(arr(yr), arr(yp), `${dtype} eval forward`);
    const g = tg.tensor(x32.map((_, i) => Math.sin(i)), { dtype });
    yr.backward(g);
    yp.backward(g);
    same(arr(xr.grad!), arr(xp.grad!), `${dtype} eval dx`);
    same(arr(r.numerator.grad!), arr(p.numerator.grad!), `${dtype} eval da`);
    same(arr(r.denominator.grad!), arr(p.denominator.grad!), `${dtype} eval db`);
  }
  // and the op with training: false, on random coefficients
  fc.assert(fc.property(values(uniform(-5, 5), 1, 30), values(uniform(-3, 3), 6), values(uniform(-3, 3), 4), alphaArb, (x, a, b, alpha) => {
    const want = tg.tidy(() => arr(tg.pau(f64(x), f64(a), f64(b), { version: 'B' })));
    same(rpauY(x, a, b, { alpha, training: false, key: 7 }), want, 'rpau training: false');
  }), { numRuns: 50, seed: 21 });
});

test('training with α = 0 is bitwise version B, and with α > 0 it is not (§7.17)', () => {
  fc.assert(fc.property(values(uniform(-5, 5), 4, 30), values(uniform(-3, 3), 6), values(uniform(-3, 3), 4), key32, (x, a, b, key) => {
    const g = x.map((_, i) => 1 + (i % 3));
    const b0 = (() => {
      const [xt, at, bt] = [f64(x, true), f64(a, true), f64(b, true)];
      const y = tg.pau(xt, at, bt, { version: 'B' });
      y.backward(f64(g));
      return { y: arr(y), dx: arr(xt.grad!), da: arr(at.grad!), db: arr(bt.grad!) };
    })();
    for (const straightThrough of [true, false]) {
      const r = rpauGrads(x, a, b, g, { alpha: 0, key, straightThrough });
      same(r.y, b0.y, 'α = 0 forward');
      same(r.dx, b0.dx, 'α = 0 dx');
      same(r.da, b0.da, 'α = 0 da');
      same(r.db, b0.db, 'α = 0 db');
    }
    // the noise is really there at α = 0.1: some element moves
    const noisyY = rpauY(x, a, b, { alpha: 0.1, key });
    assert.ok(noisyY.some((v, i) => v !== b0.y[i]), 'α = 0.1 in training left every output at B');
  }), { numRuns: 40, seed: 22 });
  // the layer too
  const x = tg.tensor(xs(50));
  same(arr(new RPAU({ alpha: 0 }).forward(x)), arr(new PAU({ version: 'B' }).forward(x)), 'RPAU({alpha: 0}) in training');
});

// ---- §7.18: the noise range ------------------------------------------------------------------

/** The interval of F over every coefficient in [(1 − α)|c|, (1 + α)|c|]·sgn c (b̃ fixed at b when the denominator is clean). */
function bounds(x: number, a: number[], b: number[], alpha: number, noisyDenominator: boolean): [number, number] {
  let pLo = 0, pHi = 0, s = 0, spread = 0;
  a.forEach((aj, j) => { const t = aj * x ** j; pLo += t - alpha * Math.abs(t); pHi += t + alpha * Math.abs(t); });
  b.forEach((bk, k) => { const t = bk * x ** (k + 1); s += t; spread += noisyDenominator ? alpha * Math.abs(t) : 0; });
  const [sLo, sHi] = [s - spread, s + spread];
  const qLo = 1 + (sLo <= 0 && sHi >= 0 ? 0 : Math.min(Math.abs(sLo), Math.abs(sHi)));
  const qHi = 1 + Math.max(Math.abs(sLo), Math.abs(sHi));
  const cands = [pLo / qLo, pLo / qHi, pHi / qLo, pHi / qHi];
  return [Math.min(...cands), Math.max(...cands)];
}

test('training: each output is B at its own noisy coefficients, inside the bounds of c̃ ∈ [(1 − α)c, (1 + α)c] (§7.18)', () => {
  fc.assert(fc.property(values(uniform(-5, 5), 1, 40), values(uniform(-3, 3), 6), values(uniform(-3, 3), 4), alphaArb, key32, fc.boolean(), (x, a, b, alpha, key, noisyDenominator) => {
    const y = rpauY(x, a, b, { alpha, key, noisyDenominator });
    x.forEach((t, i) => {
      const [lo, hi] = bounds(t, a, b, alpha, noisyDenominator);
      const tol = 1e-12 * (1 + Math.abs(lo) + Math.abs(hi));
      if (!(y[i] >= lo - tol && y[i] <= hi + tol)) assert.unreachable(`x = ${t}: F̃ = ${y[i]} outside [${lo}, ${hi}] (α = ${alpha})`);
      // the denominator stays safe: F̃ = P̃/Q̃ with Q̃ ≥ 1, so |F̃| ≤ |P̃| ≤ (1 + α) Σ|a_j x^j|
      assert.ok(Math.abs(y[i]) <= (1 + alpha) * a.reduce((s, aj, j) => s + Math.abs(aj * t ** j), 0) * (1 + 1e-12), 'Q̃ < 1');
      // and the value is B at the per-element draws of the hash (element index i, coefficient j / 6 + k)
      const n = noisy(alpha, key, i, a, b, noisyDenominator);
      assertClose([y[i]], [direct('B', t, n.a, n.b).f], 1e-12, 1e-10, `element ${i}`);
    });
    if (!noisyDenominator) {
      // numerator-only noise: |F̃ − F| ≤ α Σ|a_j||x|^j / Q
      const clean = rpauY(x, a, b, { training: false });
      x.forEach((t, i) => {
        const Q = 1 + Math.abs(b.reduce((s, bk, k) => s + bk * t ** (k + 1), 0));
        const bound = (alpha * a.reduce((s, aj, j) => s + Math.abs(aj) * Math.abs(t) ** j, 0)) / Q;
        assert.ok(Math.abs(y[i] - clean[i]) <= bound * (1 + 1e-12) + 1e-15, `numerator-only noise moved F by ${Math.abs(y[i] - clean[i])} > ${bound}`);
      });
    }
  }), { numRuns: 60, seed: 23 });
});

test('the factors read back from the output: within [1 − α, 1 + α], mean 1 within 3σ, fresh per element; shared when perElement: false (§7.18)', () => {
  // a = (0, 1, 0, …), b = 0, x = 1: F̃ = ã_1 = factor of coefficient 1 of each element
  const N = 4000, alpha = 0.25, x = new Array(N).fill(1), a = [0, 1, 0, 0, 0, 0], b = [0, 0, 0, 0];
  const f = rpauY(x, a, b, { alpha, key: 12345 });
  for (const v of f) assert.ok(v >= 1 - alpha && v <= 1 + alpha, `factor ${v} outside [${1 - alpha}, ${1 + alpha}]`);
  const mean = f.reduce((s, v) => s + v, 0) / N;
  const sigma = alpha / Math.sqrt(3) / Math.sqrt(N);
  assert.ok(Math.abs(mean - 1) <= 3 * sigma, `mean factor ${mean}, 3σ = ${3 * sigma}`);
  assert.ok(Math.min(...f) < 1 - 0.9 * alpha && Math.max(...f) > 1 + 0.9 * alpha, 'the factors do not fill [1 − α, 1 + α]');
  assert.ok(new Set(f).size > N - 5, `only ${new Set(f).size} distinct factors for ${N} elements: not fresh per element`);
  // a different key gives different draws
  const g = rpauY(x, a, b, { alpha, key: 12346 });
  assert.ok(g.filter((v, i) => v !== f[i]).length > N - 5, 'another key repeats the draws');
  // another coefficient of the same element is drawn independently (a_0 here)
  const f0 = rpauY(x, [1, 0, 0, 0, 0, 0], b, { alpha, key: 12345 });
  assert.ok(f0.filter((v, i) => v !== f[i]).length > N - 5, 'a_0 and a_1 share their draw');
  // one draw per call when perElement is false: every element sees the same coefficients
  const shared = rpauY(x, a, b, { alpha, key: 12345, perElement: false });
  assert.is(new Set(shared).size, 1, 'perElement: false drew more than once');
  assert.ok(shared[0] !== 1 && Math.abs(shared[0] - 1) <= alpha, `shared factor ${shared[0]}`);
});

// ---- §7.19: draws are replayed in backward ---------------------------------------------------

test('the backward replays the forward draws: dx equals finite differences of the forward with the same key (§7.19)', () => {
  const h = 1e-6;
  fc.assert(fc.property(kinkFreeDraws('B', 0.05, { maxLength: 8 }), alphaArb, key32, fc.boolean(), fc.boolean(), ({ x, a, b }, alpha, key, perElement, straightThrough) => {
    // the kinks of the noisy function are what count: keep every element 0.05 away from them
    fc.pre(x.every((t, i) => kinkDistance('B', t, noisy(alpha, key, perElement ? i : 0, a, b).b) >= 0.05));
    const opts = { alpha, key, perElement, straightThrough };
    const g = x.map((_, i) => 1 + 0.5 * i);
    const r = rpauGrads(x, a, b, g, opts);
    const up = rpauY(x.map((t) => t + h), a, b, opts), down = rpauY(x.map((t) => t - h), a, b, opts);
    const fd = x.map((_, i) => (g[i] * (up[i] - down[i])) / (2 * h));
    assertClose(r.dx, fd, 1e-6, 1e-5, 'dx vs finite differences of the noisy forward');
    // and, exactly, the §1.4 derivative at the same noisy coefficients
    assertClose(r.dx, x.map((t, i) => { const n = noisy(alpha, key, perElement ? i : 0, a, b); return g[i] * direct('B', t, n.a, n.b).dx; }), 1e-12, 1e-10, 'dx vs §1.4 at the draws');
  }), { numRuns: 80, seed: 24 });
});

test('in training, dx is not the clean B derivative: the noise reaches the backward', () => {
  // guards the property above against a backward that ignores the noise altogether
  const x = xs(30, 3).map((t) => t + 0.013), { a, b } = LEAKY_B;
  const r = rpauGrads(x, a, b, x.map(() => 1), { alpha: 0.3, key: 99 });
  const clean = x.map((t) => direct('B', t, a, b).dx);
  assert.ok(r.dx.filter((v, i) => Math.abs(v - clean[i]) > 1e-6).length > 20, 'dx at α = 0.3 equals the clean dx');
});

// ---- §7.21: straight-through and exact coefficient gradients ---------------------------------

test('straightThrough: the coefficient gradient is B’s at the noisy coefficients; false: the exact gradient (factor included, = finite differences) (§7.21)', () => {
  const h = 1e-6;
  fc.assert(fc.property(kinkFreeDraws('B', 0.05, { maxLength: 6 }), alphaArb, key32, fc.boolean(), fc.boolean(), ({ x, a, b }, alpha, key, perElement, noisyDenominator) => {
    const draw = (i: number) => (perElement ? i : 0);
    fc.pre(x.every((t, i) => kinkDistance('B', t, noisy(alpha, key, draw(i), a, b, noisyDenominator).b) >= 0.05));
    const g = x.map((_, i) => Math.cos(i) + 1.5);
    const base = { alpha, key, perElement, noisyDenominator };
    const st = rpauGrads(x, a, b, g, { ...base, straightThrough: true });
    const ex = rpauGrads(x, a, b, g, { ...base, straightThrough: false });
    const per = x.map((t, i) => { const n = noisy(alpha, key, draw(i), a, b, noisyDenominator); return direct('B', t, n.a, n.b); });
    const factor = (i: number, c: number) => (c >= a.length && !noisyDenominator ? 1 : noiseFactor(alpha, key, draw(i), c));
    const sum = (term: (i: number) => number) => x.reduce((s, _, i) => s + term(i), 0);
    // straight-through: Σ g_i ∂F/∂c̃ (no factor)
    assertClose(st.da, a.map((_, j) => sum((i) => g[i] * per[i].da[j])), 1e-12, 1e-10, 'ST da');
    assertClose(st.db, b.map((_, k) => sum((i) => g[i] * per[i].db[k])), 1e-12, 1e-10, 'ST db');
    // exact: Σ g_i ∂F/∂c̃ · ∂c̃/∂c
    assertClose(ex.da, a.map((_, j) => sum((i) => g[i] * per[i].da[j] * factor(i, j))), 1e-12, 1e-10, 'exact da');
    assertClose(ex.db, b.map((_, k) => sum((i) => g[i] * per[i].db[k] * factor(i, a.length + k))), 1e-12, 1e-10, 'exact db');
    // the exact gradient is the derivative of Σ g_i F̃_i with the draws held (same key), by finite differences
    const loss = (aa: number[], bb: number[]) => rpauY(x, aa, bb, base).reduce((s, v, i) => s + g[i] * v, 0);
    const bump = (v: number[], i: number, d: number) => v.map((c, j) => (j === i ? c + d : c));
    assertClose(ex.da, a.map((_, j) => (loss(bump(a, j, h), b) - loss(bump(a, j, -h), b)) / (2 * h)), 1e-6, 1e-5, 'exact da vs finite differences');
    assertClose(ex.db, b.map((_, k) => (loss(a, bump(b, k, h)) - loss(a, bump(b, k, -h))) / (2 * h)), 1e-6, 1e-5, 'exact db vs finite differences');
    // x's gradient does not depend on the flag
    same(st.dx, ex.dx, 'dx with and without straight-through');
  }), { numRuns: 60, seed: 25 });
});

test('the RPAU layer passes straightThrough through: its parameter gradients are B’s at the draws (true) or carry the factor (false)', () => {
  const x = xs(64, 3).map((t) => t + 0.007), g = x.map((_, i) => 1 + (i % 5));
  for (const straightThrough of [true, false]) {
    tg.manualSeed(5);
    const key = defaultGenerator.nextUint32();
    tg.manualSeed(5);
    const layer = new RPAU({ alpha: 0.2, straightThrough, init: { numerator: LEAKY_B.a, denominator: LEAKY_B.b } });
    const xt = tg.tensor(x);
    const want = rpauGrads(x, LEAKY_B.a, LEAKY_B.b, g, { alpha: 0.2, key, straightThrough });
    tg.manualSeed(5);
    // the layer's parameters are float32: compare with float32 tolerance
    const y = layer.forward(xt);
    y.backward(tg.tensor(g, { dtype: y.dtype }));
    assertClose(arr(layer.numerator.grad!), want.da, 1e-3, 1e-4, `layer da, straightThrough ${straightThrough}`);
    assertClose(arr(layer.denominator.grad!), want.db, 1e-3, 1e-4, `layer db, straightThrough ${straightThrough}`);
  }
});

// ---- seeded reproducibility ------------------------------------------------------------------

test('manualSeed reproduces the noise; a new call or a new seed draws new noise; the layer uses the seeded generator', () => {
  const x = tg.tensor(xs(200));
  const layer = new RPAU({ alpha: 0.2 });
  tg.manualSeed(42);
  const first = arr(layer.forward(x)), second = arr(layer.forward(x));
  tg.manualSeed(42);
  const again = arr(layer.forward(x));
  same(again, first, 'same seed, first call');
  assert.ok(second.filter((v, i) => v !== first[i]).length > 150, 'the second call repeated the first call’s noise');
  tg.manualSeed(43);
  const other = arr(layer.forward(x));
  assert.ok(other.filter((v, i) => v !== first[i]).length > 150, 'seed 43 repeated seed 42’s noise');
  // the key the layer uses is the generator's next draw, with the layer's alpha
  tg.manualSeed(42);
  const key = defaultGenerator.nextUint32();
  const viaOp = arr(tg.rpau(x, layer.numerator, layer.denominator, { alpha: 0.2, key }));
  same(first, viaOp, 'layer vs rpau with the seeded key');
  const wrongAlpha = arr(tg.rpau(x, layer.numerator, layer.denominator, { alpha: 0.1, key }));
  assert.ok(wrongAlpha.some((v, i) => v !== first[i]), 'alpha does not reach the op');
  // gradients replay too: same seed, same parameter gradients, bit for bit
  const grads = () => {
    const l = new RPAU({ alpha: 0.2 });
    tg.manualSeed(7);
    l.forward(x).sum().backward();
    return [...arr(l.numerator.grad!), ...arr(l.denominator.grad!)];
  };
  same(grads(), grads(), 'parameter gradients under the same seed');
});

// ---- bad arguments ---------------------------------------------------------------------------

test('bad arguments give clear errors naming RPAU', () => {
  assertThrows(() => new RPAU({ alpha: NaN }), 'RPAU', 'alpha', 'NaN');
  assertThrows(() => new RPAU({ alpha: Infinity }), 'RPAU', 'alpha');
  assertThrows(() => new RPAU({ alpha: -0.1 }), 'RPAU', 'alpha', '-0.1');
  assertThrows(() => new RPAU({ alpha: 1.5 }), 'RPAU', 'alpha', '1.5');
  assertThrows(() => new RPAU({ alpha: '0.1' as never }), 'RPAU', 'alpha');
  assertThrows(() => new RPAU({ straightThrough: 1 as never }), 'RPAU', 'straightThrough');
  assertThrows(() => new RPAU({ perElement: 'yes' as never }), 'RPAU', 'perElement');
  assertThrows(() => new RPAU({ noisyDenominator: null as never }), 'RPAU', 'noisyDenominator');
  assertThrows(() => new RPAU({ init: { numerator: [1, 2], denominator: [1] } }), 'RPAU', 'init');
  // the edges are allowed
  for (const alpha of [0, 1]) assert.is(new RPAU({ alpha }).alpha, alpha);
  // the op names itself
  const x = f64([0.5]);
  assertThrows(() => tg.rpau(x, f64([1, 2]), f64([1]), { alpha: NaN }), 'rpau', 'alpha');
  assertThrows(() => tg.rpau(x, f64([1, 2]), f64([1]), { alpha: -1e-9 }), 'rpau', 'alpha');
});

test.run();
