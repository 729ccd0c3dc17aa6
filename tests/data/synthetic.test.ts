// The toy sets: shapes, class balance, the geometry they promise (circle radii, spiral radii,
// curve values at known points), noise levels, and reproducibility from the seed alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { circles, spirals, sine, challenging, challengingFunction } = tg.data;

function radiiByClass(ds: tg.data.Dataset): number[][] {
  const out: number[][] = [[], []];
  for (let i = 0; i < ds.length; i++) out[ds.y[i]].push(Math.hypot(ds.x[2 * i], ds.x[2 * i + 1]));
  return out;
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

test('circles without noise: outer radius 1 (class 0), inner radius factor (class 1), half each', () => {
  const ds = circles({ n: 101, noise: 0, factor: 0.3 });
  assert.is(ds.length, 101);
  assert.equal(ds.sampleShape, [2]);
  assert.is(ds.classes, 2);
  const [outer, inner] = radiiByClass(ds);
  assert.is(outer.length, 50);
  assert.is(inner.length, 51);
  assertClose(outer, new Array(50).fill(1), 1e-6);
  assertClose(inner, new Array(51).fill(0.3), 1e-6);
});

test('circles with the DEU reference defaults (500, factor 0.5, noise 0.05): radii and spread', () => {
  const [outer, inner] = radiiByClass(circles({ seed: 3 }));
  assert.is(outer.length + inner.length, 500);
  assertClose([mean(outer), mean(inner)], [1, 0.5], 0.01, 0);
  assertClose([std(outer), std(inner)], [0.05, 0.05], 0.012, 0);
  assert.ok(Math.min(...outer) > Math.max(...inner) - 0.1, 'the rings barely touch at noise 0.05');
});

test('the seed alone fixes every set; another seed changes it', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 60 }), (seed, n) => {
    for (const make of [circles, spirals, sine, challenging] as ((o: { n: number; seed: number }) => tg.data.Dataset)[]) {
      const a = make({ n, seed });
      const b = make({ n, seed });
      assert.equal(Array.from(a.x), Array.from(b.x));
      assert.equal(Array.from(a.y), Array.from(b.y));
      assert.not.equal(Array.from(make({ n, seed: seed + 1 }).x), Array.from(a.x));
    }
  }), { numRuns: 30 });
});

test('spirals: two balanced arms, radius in (0, 1], arms half a turn apart', () => {
  const ds = spirals({ n: 200, noise: 0 });
  const [a, b] = radiiByClass(ds);
  assert.is(a.length, 100);
  assert.is(b.length, 100);
  assert.ok([...a, ...b].every((r) => r > 0 && r <= 1));
  assertClose(a.slice().sort(), b.slice().sort(), 1e-6, 0, 'same radii on both arms');
  // each point of arm 1 is a point of arm 0 turned by π: (x, y) → (−x, −y)
  const key = (x: number, y: number) => `${x.toFixed(4)},${y.toFixed(4)}`;
  const arm0 = new Set<string>();
  for (let i = 0; i < ds.length; i++) if (ds.y[i] === 0) arm0.add(key(-ds.x[2 * i], -ds.x[2 * i + 1]));
  for (let i = 0; i < ds.length; i++) if (ds.y[i] === 1) assert.ok(arm0.has(key(ds.x[2 * i], ds.x[2 * i + 1])));
});

test('challengingFunction at known points (DEU figure 2)', () => {
  // t = 0: (0 − 1)/2 + 4(1 + π/2)/3;  t = π: (0 − 1)/2 + 4(1 + 0)/3;  t = −π: −1/2 + 4(1 + π)/3
  assertClose([challengingFunction(0), challengingFunction(Math.PI), challengingFunction(-Math.PI)],
    [-0.5 + (4 * (1 + Math.PI / 2)) / 3, -0.5 + 4 / 3, -0.5 + (4 * (1 + Math.PI)) / 3], 1e-12, 0);
  // t = π/2: (1 − cos(π)²)/2 + 4(1 + arccos(sin(π/4)))/3 = 0 + 4(1 + π/4)/3
  assertClose([challengingFunction(Math.PI / 2)], [(4 * (1 + Math.PI / 4)) / 3], 1e-12, 0);
});

test('sine and challenging: x [n, 1] in the range, y = f(x) without noise; grid includes the ends', () => {
  for (const [make, f] of [[sine, Math.sin], [challenging, challengingFunction]] as const) {
    const ds = make({ n: 64, seed: 1, dtype: 'float64' });
    assert.equal(ds.sampleShape, [1]);
    assert.equal(ds.targetShape, [1]);
    assert.ok(Array.from(ds.x).every((t) => t >= -6 && t < 6));
    assertClose(Array.from(ds.y), Array.from(ds.x, f), 1e-12, 0);
    const grid = make({ n: 5, sampling: 'grid', range: [0, 2] });
    assertClose(Array.from(grid.x), [0, 0.5, 1, 1.5, 2]);
  }
});

test('curve noise has the requested standard deviation', () => {
  const ds = sine({ n: 4000, noise: 0.1, seed: 7, dtype: 'float64' });
  const residuals = Array.from(ds.y, (y, i) => y - Math.sin(ds.x[i]));
  assertClose([mean(residuals), std(residuals)], [0, 0.1], 0.006, 0);
});

test('bad options are named', () => {
  assertThrows(() => circles({ factor: 1 }), 'circles', 'factor must be in (0, 1)');
  assertThrows(() => circles({ noise: -1 }), 'circles', 'noise must be non-negative');
  assertThrows(() => spirals({ n: 1 }), 'spirals', 'n must be at least 2');
  assertThrows(() => sine({ range: [1, 1] }), 'sine', 'low < high');
  assertThrows(() => challenging({ sampling: 'random' as 'grid' }), 'challenging', "'uniform' or 'grid'");
});

test.run();
