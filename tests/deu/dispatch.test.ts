// Spec §7.1: the subspace of a neuron is chosen from its own (a, b, c), once, with |p| = ε counted as
// non-zero and |Δ| = ε not forced; every sign combination lands where §1.1's table says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { subspaceOf } from '../../core/cpu/deu_solutions.js';
import { at, coeffs, EPS } from './helpers.js';

test('|p| = ε exactly counts as non-zero, just below it as zero, for either sign', () => {
  for (const e of [EPS, -EPS]) {
    assert.is(subspaceOf(e, 0, 0, EPS), '1-0-0');
    assert.is(subspaceOf(0, e, 0, EPS), '0-1-0');
    assert.is(subspaceOf(0, 0, e, EPS), '0-0-1');
    const below = e * (1 - 1e-9);
    assert.is(subspaceOf(below, 0, 0, EPS), '0-0-0');
    assert.is(subspaceOf(0, below, 0, EPS), '0-0-0');
    assert.is(subspaceOf(0, 0, below, EPS), '0-0-0');
  }
});

test('the eight patterns of (|a|, |b|, |c|) ≥ ε', () => {
  assert.is(subspaceOf(0, 0, 0, EPS), '0-0-0');
  assert.is(subspaceOf(0.001, 0, 2, EPS), '0-0-1');
  assert.is(subspaceOf(0, -1, 0.009, EPS), '0-1-0');
  assert.is(subspaceOf(0, 1, 1, EPS), '0-1-1');
  assert.is(subspaceOf(1, 0, 0, EPS), '1-0-0');
  assert.is(subspaceOf(1, 0, 1, EPS), '1-0-1 ac>0');
  assert.is(subspaceOf(1, 1, 0, EPS), '1-1-0');
  assert.is(subspaceOf(1, 3, 1, EPS), '1-1-1 Δ>0');
});

test('1-0-1: the branch follows the signs of a and c', () => {
  assert.is(subspaceOf(0.5, 0, 2, EPS), '1-0-1 ac>0');
  assert.is(subspaceOf(-0.5, 0, -2, EPS), '1-0-1 ac>0');
  assert.is(subspaceOf(0.5, 0, -2, EPS), '1-0-1 ac<0');
  assert.is(subspaceOf(-0.5, 0, 2, EPS), '1-0-1 ac<0');
});

test('1-1-1: every sign combination, by the sign of Δ = b² − 4ac', () => {
  for (const sa of [1, -1]) for (const sb of [1, -1]) for (const sc of [1, -1]) {
    const a = 0.5 * sa, c = 2 * sc;
    const weak = subspaceOf(a, 0.3 * sb, c, EPS), strong = subspaceOf(a, 3 * sb, c, EPS);
    // ac > 0: Δ = 0.09 − 4 < 0 or 9 − 4 > 0; ac < 0: Δ > 0 whatever b
    assert.is(weak, sa === sc ? '1-1-1 Δ<0' : '1-1-1 Δ>0', `${sa} ${sb} ${sc}`);
    assert.is(strong, '1-1-1 Δ>0', `${sa} ${sb} ${sc}`);
  }
});

test('|Δ| = ε exactly is not forced; |Δ| < ε with sign(a) = sign(c) is', () => {
  for (const [a, b, c] of [[0.25, 1, 0.9899], [0.25, 1, 1.0101], [-0.25, 1, -0.9899], [-0.25, -1, -1.0101]]) {
    const delta = b * b - 4 * a * c;
    assert.is(subspaceOf(a, b, c, Math.abs(delta)), delta < 0 ? '1-1-1 Δ<0' : '1-1-1 Δ>0');
    assert.is(subspaceOf(a, b, c, Math.abs(delta) * (1 + 1e-9)), '1-1-1 Δ≈0');
  }
});

test('the band needs sign(a) = sign(c) (the reference forgets this): otherwise Δ > 0 applies', () => {
  // Δ = 1e-4 + 4e-4 = 5e-4 < ε, but a and c differ in sign
  assert.is(subspaceOf(0.01, 0.01, -0.01, EPS), '1-1-1 Δ>0');
  assert.is(subspaceOf(0.01, 0.01, 0.01, EPS), '1-1-1 Δ≈0');
});

test('non-finite a, b or c select nothing, and the layer gives NaN for that neuron only', () => {
  assert.is(subspaceOf(NaN, 1, 1, EPS), null);
  assert.is(subspaceOf(1, Infinity, 1, EPS), null);
  const x = tg.tensor([[1, 1]], { dtype: 'float64' });
  const p = tg.tensor([[NaN, 1, 0, 0, 0], [0, 1, 0, 0, 0]], { dtype: 'float64' });
  const out = tg.deu(x, p).toArray() as number[][];
  assert.ok(Number.isNaN(out[0][0]));
  assert.is(out[0][1], 1);
});

test('0-0-1 ignores c1 and c2: same output, zero partials', () => {
  for (const t of [-1, -0.05, 0, 0.03, 2]) {
    const plain = at(t, coeffs(0, 0, 0.8)), labelled = at(t, coeffs(0, 0, 0.8, 5, -7));
    assert.is(labelled.y, plain.y);
    assert.is(labelled.dc1, 0);
    assert.is(labelled.dc2, 0);
    assert.is(labelled.da, 0);
    assert.is(labelled.db, 0);
  }
});

test('0-0-0 is the identity: y = t, y_t = 1, every coefficient partial 0 (before gravitation)', () => {
  for (const t of [-3, -0.01, 0, 0.5, 7]) {
    const p = at(t, coeffs(0.001, -0.009, 0.005, 0.3, -0.2));
    assert.equal([p.y, p.dt, p.da, p.db, p.dc, p.dc1, p.dc2], [t, 1, 0, 0, 0, 0, 0]);
  }
});

test('the subspace is per neuron: neighbouring neurons in different subspaces do not interact', () => {
  const p = tg.tensor([[0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [0.6, 0, 1.3, 0, 0]], { dtype: 'float64' });
  const x = tg.tensor([[-1, -1, 1], [2, 2, 2]], { dtype: 'float64' });
  const out = tg.deu(x, p).toArray() as number[][];
  const expect = [[0, 0, at(1, coeffs(0.6, 0, 1.3)).y], [2, 2, at(2, coeffs(0.6, 0, 1.3)).y]];
  assert.equal(out, expect);
});

test.run();
