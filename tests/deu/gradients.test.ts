// Spec §7.5: the partials against central differences (h = 1e-6, float64), where they are exact:
// inside one subspace, |t| ≥ 0.2, no cap or clip active, outside the forced band. There ∂y/∂t
// differs from the true derivative by exactly δ_s(t)·g(t), the smoothed delta's term — a bump near
// 0 and, because of δ_s's floor, about 8.3e-5·g(t) for every t < −0.14. In the band only ∂y/∂t,
// ∂y/∂c1 and ∂y/∂c2 are derivatives (its a, b, c partials are tested in band.test.ts).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { basisParts, deltaS, type Coeffs, type Subspace } from '../../core/cpu/deu_solutions.js';
import { awayFromZero, neuronIn } from './arbitraries.js';
import { at, central, S, SAMPLES, SUBSPACES, y } from './helpers.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b));

/** δ_s(t)·g(t): the term of ∂y/∂t that no finite difference sees (away from t = 0). */
function deltaTerm(t: number, k: Coeffs, sub: Subspace): number {
  if (sub === '0-0-0') return 0;
  if (sub === '0-0-1') return t < -0.14 ? deltaS(t, S) / k.c : 0; // σ_s is flat where its exponent is capped
  return deltaS(t, S) * basisParts(sub, t, k, false).g;
}

const unclipped = (t: number, k: Coeffs, sub: Subspace) => {
  const p = at(t, k, sub);
  return [p.y, p.dt, p.da, p.db, p.dc, p.dc1, p.dc2].every((v) => Math.abs(v) < 900);
};

for (const sub of SUBSPACES) {
  const band = sub === '1-1-1 Δ≈0';
  test(`${sub}: every partial matches central differences${band ? ' (t, c1, c2 only: the band)' : ''}`, () => {
    fc.assert(fc.property(neuronIn(sub), awayFromZero, (k, t) => {
      fc.pre(unclipped(t, k, sub));
      const p = at(t, k, sub);
      const along = (key: keyof Coeffs) => central((v) => y(t, { ...k, [key]: v }, sub), k[key]);
      const ok = close(p.dt - deltaTerm(t, k, sub), central((v) => y(v, k, sub), t)) && close(p.dc1, along('c1')) && close(p.dc2, along('c2'));
      return band ? ok : ok && close(p.da, along('a')) && close(p.db, along('b')) && close(p.dc, along('c'));
    }), { numRuns: 200, seed: 5 });
  });
}

test('the spurious term below −0.14 is 8.3153e-5·g(t) (ReQU at t = −5: +0.0017)', () => {
  const k = SAMPLES['1-0-0'];
  const p = at(-5, { ...k, c1: 0, c2: 0 });
  assert.ok(Math.abs(p.dt - 8.3153e-5 * 12.5) < 1e-7, `${p.dt}`);
});

test('a coefficient the subspace treats as zero has partial 0 (gravitation aside), and y does not move with it', () => {
  const k = SAMPLES['0-1-1'];
  for (const t of [-1, 0.5, 2]) {
    assert.is(at(t, k).da, 0);
    assert.is(central((v) => y(t, { ...k, a: v }), 0.001), 0);
  }
});

test('the op is gradchecked against the tape in float64, one neuron per subspace', () => {
  const neurons = SUBSPACES.map((s) => SAMPLES[s]);
  const params = tg.tensor(neurons.map((k) => [k.a, k.b, k.c, k.c1, k.c2]), { dtype: 'float64' });
  const x = tg.tensor([neurons.map((_, i) => 0.2 + 0.1 * i), neurons.map((_, i) => 1.5 - 0.1 * i)], { dtype: 'float64', requiresGrad: true });
  const report = tg.gradcheck((xx) => tg.deu(xx, params).mul(tg.arange(1, 23, 1, { dtype: 'float64' }).reshape([2, 11])), [x]);
  assert.ok(report.ok, report.message);
});

test.run();
