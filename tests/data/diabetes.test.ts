// The shipped diabetes set against the facts of specs/bench.md §1: sklearn's scaled version has
// every feature column with sum of squares 1 and mean 0, target sum 67243, row 0 = 0.0380759…
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';

const column = (ds: tg.data.Dataset, j: number) => Array.from({ length: ds.length }, (_, i) => ds.x[i * 10 + j]);

test('442 × 10 features and a [442, 1] target', () => {
  const ds = tg.data.loadDiabetes();
  assert.is(ds.length, 442);
  assert.equal(ds.sampleShape, [10]);
  assert.equal(ds.targetShape, [1]);
  assert.is(ds.classes, undefined);
  assert.ok(ds.x instanceof Float32Array);
});

test('scaled: each column has mean 0 and sum of squares 1 (float64)', () => {
  const ds = tg.data.loadDiabetes({ dtype: 'float64' });
  for (let j = 0; j < 10; j++) {
    const c = column(ds, j);
    assertClose([c.reduce((a, v) => a + v * v, 0)], [1], 1e-12, 0, `column ${j} sum of squares`);
    assertClose([c.reduce((a, v) => a + v, 0)], [0], 1e-12, 0, `column ${j} sum`);
  }
});

test('target sum 67243, mean 152.1335; row 0 as in sklearn', () => {
  const ds = tg.data.loadDiabetes({ dtype: 'float64' });
  const total = Array.from(ds.y).reduce((a, b) => a + b, 0);
  assert.is(total, 67243);
  assertClose([total / 442], [152.1335], 1e-4, 0);
  assert.is(ds.y[0], 151);
  // sklearn 1.2.1's load_diabetes arithmetic (preprocessing.scale, then / √442) run with numpy
  // on the same raw file: an independent float64 implementation of the scaling
  assertClose(Array.from(ds.x.subarray(0, 10)), [
    0.038075906433423026, 0.05068011873981862, 0.061696206518683294, 0.0218723855140367, -0.04422349842444599,
    -0.03482076283769895, -0.04340084565202491, -0.002592261998183278, 0.019907486170462722, -0.01764612515980379,
  ], 1e-16, 1e-13);
  assertClose(Array.from(ds.x.subarray(4410, 4420)), [
    -0.045472477940023646, -0.044641636506989144, -0.07303030271641665, -0.08141314376144114, 0.08374011738825825,
    0.027808929520208008, 0.17381578478910462, -0.03949338287409329, -0.00422151393810765, 0.0030644094143684884,
  ], 1e-16, 1e-13);
  assertClose([tg.data.loadDiabetes().x[0]], [0.0380759], 1e-7, 0, 'float32 row 0');
});

test('unscaled: the raw measurements (age 59, sex 2, bmi 32.1 in row 0)', () => {
  const ds = tg.data.loadDiabetes({ scaled: false, dtype: 'float64' });
  assert.equal(Array.from(ds.x.subarray(0, 10)), [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]);
});

test.run();
