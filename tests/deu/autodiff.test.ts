// Spec §7.6: the hand-derived partials equal forward-mode autodiff of y = H(t)·g + h written
// straight from §1.1's table, with two custom primitives — H with surrogate slope δ_s(t), and E
// with derivative E(x) even where its cap is active — and each partial then clipped. This reaches
// where finite differences cannot: capped exponentials and clipped outputs. (In the forced band
// only ∂y/∂t, ∂y/∂c1, ∂y/∂c2 are derivatives; its a, b, c partials are band.test.ts's business.)
import fc from 'fast-check';
import { test } from 'uvu';
import { clip, deltaS, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';
import { assertClose } from '../helpers.js';
import { at, S, SUBSPACES } from './helpers.js';

/** A value with its gradient by (t, a, b, c, c1, c2). */
class Dual {
  constructor(readonly v: number, readonly d: readonly number[] = [0, 0, 0, 0, 0, 0]) {}
  static of = (x: Dual | number) => (x instanceof Dual ? x : new Dual(x));
  private map(v: number, scale: number, other?: Dual, otherScale = 0) {
    return new Dual(v, this.d.map((x, i) => scale * x + (other ? otherScale * other.d[i] : 0)));
  }
  add = (o: Dual | number) => { const y = Dual.of(o); return this.map(this.v + y.v, 1, y, 1); };
  sub = (o: Dual | number) => { const y = Dual.of(o); return this.map(this.v - y.v, 1, y, -1); };
  mul = (o: Dual | number) => { const y = Dual.of(o); return this.map(this.v * y.v, y.v, y, this.v); };
  div = (o: Dual | number) => { const y = Dual.of(o); return this.map(this.v / y.v, 1 / y.v, y, -this.v / (y.v * y.v)); };
  neg = () => this.map(-this.v, -1);
  E = () => { const e = Math.exp(Math.min(this.v, 14)); return this.map(e, e); }; // straight through
  sin = () => this.map(Math.sin(this.v), Math.cos(this.v));
  cos = () => this.map(Math.cos(this.v), -Math.sin(this.v));
  sqrt = () => this.map(Math.sqrt(this.v), 0.5 / Math.sqrt(this.v));
}
const variable = (v: number, i: number) => new Dual(v, [0, 1, 2, 3, 4, 5].map((j) => (j === i ? 1 : 0)));

/** y of §1.1's table as a Dual, in subspace sub (coefficients the subspace drops are not used). */
function yDual(sub: Subspace, t0: number, k: Coeffs): Dual {
  const [t, a, b, c, c1, c2] = [t0, k.a, k.b, k.c, k.c1, k.c2].map(variable);
  const H = new Dual(t0 > 0 ? 1 : 0, [deltaS(t0, S), 0, 0, 0, 0, 0]);
  const step = (g: Dual, h: Dual) => H.mul(g).add(h);
  switch (sub) {
    case '0-0-0': return t;
    case '0-0-1': return new Dual(1).div(t.mul(-S).E().add(1)).div(c);
    case '0-1-0': return step(t.div(b), c1);
    case '0-1-1': { const q = c.neg().mul(t).div(b).E(); return step(new Dual(1).sub(q).div(c), c1.mul(q)); }
    case '1-0-0': return step(t.mul(t).div(a.mul(2)), c1.mul(t).add(c2));
    case '1-0-1 ac>0': { const wt = a.mul(c).sqrt().div(a).mul(t); return step(new Dual(1).sub(wt.cos()).div(c), c1.mul(wt.cos()).add(c2.mul(wt.sin()))); }
    case '1-0-1 ac<0': {
      const lt = a.mul(c).neg().sqrt().div(a).mul(t), kt = c.div(a).neg().sqrt().mul(t);
      return step(new Dual(2).sub(kt.E()).sub(kt.neg().E()).div(c.mul(2)), c1.mul(lt.neg().E()).add(c2.mul(lt.E())));
    }
    case '1-1-0': {
      const q = b.neg().mul(t).div(a).E();
      return step(t.div(b).sub(a.div(b.mul(b)).mul(new Dual(1).sub(q))), c2.sub(c1.mul(a).div(b).mul(q)));
    }
    case '1-1-1 Δ<0': {
      const W = a.mul(c).mul(4).sub(b.mul(b)).sqrt(), e = b.div(a.mul(2)).mul(t).neg().E(), wt = W.div(a.mul(2)).mul(t);
      const K = wt.cos().add(b.div(W).mul(wt.sin()));
      return step(new Dual(1).sub(e.mul(K)).div(c), e.mul(c1.mul(wt.cos()).add(c2.mul(wt.sin()))));
    }
    case '1-1-1 Δ>0': {
      const D = b.mul(b).sub(a.mul(c).mul(4)).sqrt();
      const P = D.sub(b).div(a.mul(2)).mul(t).E(), Q = b.add(D).neg().div(a.mul(2)).mul(t).E();
      const N = b.add(D).mul(P).add(D.sub(b).mul(Q));
      return step(new Dual(1).sub(N.div(D.mul(2))).div(c), c1.mul(Q).add(c2.mul(P)));
    }
    case '1-1-1 Δ≈0': {
      const cf = b.mul(Math.sign(k.c) * Math.sign(k.b) * 0.5), rt = cf.mul(-2).div(b).mul(t), e = rt.E();
      return step(new Dual(1).sub(e.mul(new Dual(1).sub(rt))).div(cf), e.mul(c2.add(c1.mul(t))));
    }
  }
}

// wide ranges on purpose: exponents past the cap of 14 and outputs past the clip are included
const wide = fc.tuple(fc.double({ min: 0.02, max: 4, noNaN: true }), fc.boolean()).map(([v, neg]) => (neg ? -v : v));
const tWide = fc.double({ min: -6, max: 6, noNaN: true }).filter((t) => Math.abs(t) > 1e-3);

for (const sub of SUBSPACES) {
  test(`${sub}: explicit partials = autodiff with H' := δ_s and E' := E, clipped`, () => {
    fc.assert(fc.property(wide, wide, wide, wide, wide, tWide, (a, b, c, c1, c2, t) => {
      const k = { a, b, c, c1, c2 };
      if (sub === '1-0-1 ac>0' || sub === '1-1-1 Δ<0' || sub === '1-1-1 Δ≈0') k.c = Math.sign(a) * Math.abs(c);
      if (sub === '1-0-1 ac<0') k.c = -Math.sign(a) * Math.abs(c);
      if (sub === '1-1-1 Δ<0') fc.pre(b * b - 4 * a * k.c < -0.01);
      if (sub === '1-1-1 Δ>0') fc.pre(b * b - 4 * a * k.c > 0.01);
      const dual = yDual(sub, t, k), p = at(t, k, sub);
      const keep = [0, 1, 2, 3, 4, 5].filter((i) => sub !== '1-1-1 Δ≈0' || i === 0 || i > 3);
      // a partial the subspace does not use comes out 0 from the dual too (that variable is absent)
      const explicit = [p.dt, p.da, p.db, p.dc, p.dc1, p.dc2];
      const scale = (v: number) => 1e-9 * (1 + Math.abs(v));
      assertClose(p.y, clip(dual.v), scale(dual.v), 0, 'y');
      keep.forEach((i) => assertClose(explicit[i], clip(dual.d[i]), scale(dual.d[i]), 0, `∂${i}`));
    }), { numRuns: 300, seed: 23 });
  });
}

test.run();
