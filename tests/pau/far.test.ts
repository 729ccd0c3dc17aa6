// PAU in float64 far out (issue #15 point 7): |x| from 1.3e154, where x^4·x^4 passes float64's
// limit and a single scale for all powers no longer fits, up to 1e300. F, ∂F/∂x and every
// coefficient gradient of every version (A, B, C, N, RPAU in eval and in training, the (5, 4)
// fast path and the general one) against exact rational arithmetic (exact.ts) and central finite
// differences; and, where the plain formula does not overflow, the very bits of the plain formula.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { PauVersion } from '../../index.js';
import { noiseFactor } from '../../core/cpu/pau_noise.js';
import { RationalPoint } from '../../core/cpu/pau_rational.js';
import { exactPau, type ExactPartials } from './exact.js';

const FAR = [1.35e154, 1e155, 2 ** 600, 1e200, 1e250, 1e300, 1.7e308].flatMap((x) => [x, -x]);
const VERSIONS: PauVersion[] = ['A', 'B', 'C', 'N'];

interface Result { y: number[]; dx: number[]; da: number[]; db: number[] }

/** Forward and backward with upstream gradient 1 per element, one element per x (coefficient gradients per element too). */
function perElement(x: number, a: readonly number[], b: readonly number[], op: (x: tg.Tensor, a: tg.Tensor, b: tg.Tensor) => tg.Tensor): Result {
  return tg.tidy(() => {
    const [xt, at, bt] = [[x], a as number[], b as number[]].map((v) => tg.tensor(v, { dtype: 'float64', requiresGrad: true }));
    const y = op(xt, at, bt);
    y.backward();
    return { y: Array.from(y.data()), dx: Array.from(xt.grad!.data()), da: Array.from(at.grad!.data()), db: Array.from(bt.grad!.data()) };
  });
}

/** got within rel of want; an exact value beyond the largest double must come out as that infinity, below 2^−1000 as (nearly) 0. */
function close(got: number, want: number, rel: number, what: string): void {
  if (!Number.isFinite(want)) {
    if (!Object.is(got, want)) assert.unreachable(`${what}: got ${got}, exact value ${want}`);
    return;
  }
  if (!(Math.abs(got - want) <= rel * Math.abs(want) + 2 ** -1000)) assert.unreachable(`${what}: got ${got}, exact ${want}`);
}

function compare(r: Result, want: ExactPartials, x: number, what: string, rel = 1e-13): void {
  close(r.y[0], want.f, rel, `${what} F`);
  // ∂F/∂x = (P′ − Q′·F)/Q subtracts two terms of size up to about deg·|F/x|, which cancel at the
  // top degree when m = n (∂F/∂x → 0 like x^−2): the formula's error is rounding of those terms
  const cancelling = 16 * Math.abs(want.f / x);
  if (!(Math.abs(r.dx[0] - want.dx) <= rel * (Math.abs(want.dx) + cancelling) + 2 ** -1000)) assert.unreachable(`${what} ∂F/∂x: got ${r.dx[0]}, exact ${want.dx}`);
  want.da.forEach((w, j) => close(r.da[j], w, rel, `${what} ∂F/∂a_${j}`));
  want.db.forEach((w, i) => close(r.db[i], w, rel, `${what} ∂F/∂b[${i}]`));
}

/** The shipped initialisations of a version and a few random pole-free sets (C: five denominator coefficients). */
function sets(v: PauVersion): { name: string; a: number[]; b: number[] }[] {
  const shipped = (['leaky_relu', 'relu', 'tanh', 'sigmoid', 'swish'] as const).map((name) => {
    const { numerator, denominator } = tg.nn.pauInitialCoefficients(name, v);
    return { name, a: numerator, b: denominator };
  });
  let s = v.charCodeAt(0);
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 6 - 3;
  const random = [0, 1, 2].map((k) => ({ name: `random ${k}`, a: Array.from({ length: 6 }, r), b: Array.from({ length: v === 'C' ? 5 : 4 }, r) }));
  return [...shipped, ...random];
}

test('float64 F and every gradient of every version match exact arithmetic at |x| from 1.35e154 to 1.7e308', () => {
  for (const v of VERSIONS) {
    for (const { name, a, b } of sets(v)) {
      if (v === 'N' && name.startsWith('random')) continue; // N has poles: its shipped sets only
      for (const x of FAR) compare(perElement(x, a, b, (xt, at, bt) => tg.pau(xt, at, bt, { version: v })), exactPau(v, a, b, x), x, `${v} ${name} x = ${x}`);
    }
  }
});

test('other degrees (the general path): (3, 2), (2, 2), (1, 3) and the identity match exact arithmetic far out', () => {
  const shapes: [number[], number[]][] = [[[0.1, 1.3, -0.4, 0.7], [0.5, -1.2]], [[0.2, -1, 2.5], [1.5, 0.3]], [[1, 2], [0.1, 0.3, 0.2]], [[0, 1, 0, 0, 0, 0], [0, 0, 0, 0]]];
  for (const [a, b] of shapes) {
    for (const v of VERSIONS) {
      const bv = v === 'C' ? [0.3, ...b] : b;
      for (const x of FAR) compare(perElement(x, a, bv, (xt, at, bt) => tg.pau(xt, at, bt, { version: v })), exactPau(v, a, bv, x), x, `${v} (${a.length - 1}, ${bv.length}) x = ${x}`);
    }
  }
});

test('RPAU in eval is version B exactly, and in training matches exact arithmetic with its noisy coefficients', () => {
  const { numerator: a, denominator: b } = tg.nn.pauInitialCoefficients('leaky_relu', 'B');
  const key = 12345, alpha = 0.1;
  for (const x of FAR) {
    compare(perElement(x, a, b, (xt, at, bt) => tg.rpau(xt, at, bt, { training: false })), exactPau('B', a, b, x), x, `RPAU eval x = ${x}`);
    // element 0's noise factors: coefficient j of the numerator, then the denominator's
    const na = a.map((c, j) => c * noiseFactor(alpha, key, 0, j)), nb = b.map((c, i) => c * noiseFactor(alpha, key, 0, 6 + i));
    for (const straightThrough of [true, false]) {
      const got = perElement(x, a, b, (xt, at, bt) => tg.rpau(xt, at, bt, { alpha, key, straightThrough }));
      const want = exactPau('B', na, nb, x);
      if (!straightThrough) {
        // the exact variant carries ∂c̃/∂c, the noise factor
        want.da = want.da.map((w, j) => w * noiseFactor(alpha, key, 0, j));
        want.db = want.db.map((w, i) => w * noiseFactor(alpha, key, 0, 6 + i));
      }
      compare(got, want, x, `RPAU training (straightThrough ${straightThrough}) x = ${x}`, 1e-12);
    }
  }
});

test('∂F/∂x and the coefficient gradients agree with central finite differences of the forward far out', () => {
  for (const v of VERSIONS) {
    const { numerator: a, denominator: b } = tg.nn.pauInitialCoefficients('leaky_relu', v);
    const F = (x: number, av: number[], bv: number[]) => tg.pau(tg.tensor([x], { dtype: 'float64' }), tg.tensor(av, { dtype: 'float64' }), tg.tensor(bv, { dtype: 'float64' }), { version: v }).item();
    for (const x of [1e155, 1e200, 1e300, -1e155, -1e200, -1e300]) {
      const r = perElement(x, a, b, (xt, at, bt) => tg.pau(xt, at, bt, { version: v }));
      const h = Math.abs(x) * 1e-6;
      const fd = (F(x + h, a, b) - F(x - h, a, b)) / (2 * h);
      assert.ok(Math.abs(r.dx[0] - fd) <= 1e-7 * Math.abs(fd), `${v} x = ${x}: ∂F/∂x = ${r.dx[0]}, finite difference ${fd}`);
      // the top coefficients dominate far out: their partials are measurable by differences
      const bump = (arr: number[], k: number, d: number) => arr.map((c, i) => (i === k ? c + d : c));
      const top = a.length - 1, topB = b.length - 1;
      const ha = 1e-6 * Math.abs(a[top]), hb = 1e-6 * Math.abs(b[topB]);
      const fda = (F(x, bump(a, top, ha), b) - F(x, bump(a, top, -ha), b)) / (2 * ha);
      const fdb = (F(x, a, bump(b, topB, hb)) - F(x, a, bump(b, topB, -hb))) / (2 * hb);
      assert.ok(Math.abs(r.da[top] - fda) <= 1e-6 * Math.abs(fda), `${v} x = ${x}: ∂F/∂a_${top} = ${r.da[top]}, finite difference ${fda}`);
      assert.ok(Math.abs(r.db[topB] - fdb) <= 1e-6 * Math.abs(fdb), `${v} x = ${x}: ∂F/∂b[${topB}] = ${r.db[topB]}, finite difference ${fdb}`);
    }
  }
});

test('where the plain formula does not overflow (2^32 ≤ |x| ≤ 1e40), the scaled path gives its very bits', () => {
  // §1.4 written plainly, in RationalPoint's order of operations (version B)
  const plain = (x: number, a: number[], b: number[]) => {
    const u = [1, x, x * x];
    for (let j = 3; j <= 5; j++) u.push(u[j - 1] * x);
    let p = 0, dp = 0, s = 0, ds = 0;
    for (let j = 0; j < 6; j++) {
      p += a[j] * u[j];
      if (j > 0) dp += j * a[j] * u[j - 1];
    }
    for (let i = 0; i < 4; i++) {
      s += b[i] * u[i + 1];
      ds += (i + 1) * b[i] * u[i];
    }
    const side = s < 0 ? -1 : 1, q = 1 * u[0] + side * s, dq = side * ds, f = p / q, scale = -f / q;
    return { f, dx: (dp - dq * f) / q, da: u.map((uj) => uj / q), db: b.map((_, i) => scale * (side * u[i + 1])) };
  };
  const point = new RationalPoint('B', 6, 4);
  for (const { name, a, b } of sets('B')) {
    for (const x of [2 ** 32, 3.7e9 * 1.5, 1e12, -7.3e17, 1e25, -(2 ** 100), 1e40]) {
      const want = plain(x, a, b);
      point.evaluate(x, a, b, true);
      const got = perElement(x, a, b, (xt, at, bt) => tg.pau(xt, at, bt));
      const pairs: [number, number, string][] = [[point.f, want.f, 'F'], [point.dx, want.dx, 'dx'], [got.y[0], want.f, 'F (5, 4 path)'], [got.dx[0], want.dx, 'dx (5, 4 path)']];
      want.da.forEach((w, j) => pairs.push([point.da[j], w, `da_${j}`], [got.da[j], w, `da_${j} (5, 4 path)`]));
      want.db.forEach((w, i) => pairs.push([point.db[i], w, `db[${i}]`], [got.db[i], w, `db[${i}] (5, 4 path)`]));
      for (const [g, w, what] of pairs) if (!Object.is(g, w)) assert.unreachable(`${name} x = ${x} ${what}: ${g}, plain formula ${w}`);
    }
  }
});

test.run();
