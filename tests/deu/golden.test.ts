// Spec §7, golden values: the reference repository's formulas run in float64 (c1 = 0.3,
// c2 = −0.2 unless noted) at t = −1.5, −0.05, 0, 0.05, 0.7, 2. Checked through the op, in float64
// and (at float32 tolerances) in float32: y from the forward, ∂y/∂t from the backward.
import { test } from 'uvu';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';

const T = [-1.5, -0.05, 0, 0.05, 0.7, 2];
const GOLDEN: [string, number[], number[], number[]][] = [
  ['0-0-1', [0, 0, 0.8, 0.3, -0.2], [1.03941e-6, 0.00836606, 0.625, 1.24163, 1.25, 1.25], [1.03941e-4, 0.831007, 31.25, 0.831007, 0, 0]],
  ['0-1-0 ReLU', [0, 1, 0, 0, 0], [0, 0, 0, 0.05, 0.7, 2], [-1.24729e-4, -0.0332403, 0, 1.03324, 1, 1]],
  ['0-1-1', [0, 0.9, 0.6, 0.3, -0.2], [0.815485, 0.310169, 0.3, 0.344805, 0.809645, 1.30642], [-0.543894, -0.244335, -0.2, 0.917566, 0.571348, 0.240166]],
  ['1-0-0', [1, 0, 0, 0.3, -0.2], [-0.65, -0.215, -0.2, -0.18375, 0.255, 2.4], [0.300094, 0.300831, 0.3, 0.350831, 1, 2.3]],
  ['1-0-1 ac>0', [0.6, 0, 1.3, 0.3, -0.2], [-0.017711, 0.313894, 0.3, 0.286564, 0.356314, 1.19005], [0.530184, -0.25974, -0.294392, -0.241423, 0.440795, 0.424302]],
  ['1-0-1 ac<0', [0.6, 0, -1.3, 0.3, -0.2], [2.7071, 0.137103, 0.1, 0.065523, -0.00759694, 2.77269], [-4.04924, -0.747432, -0.73598, -0.642337, 0.401832, 5.10744]],
  ['1-1-0', [0.6, 0.9, 0, 0.3, -0.2], [-2.09755, -0.415577, -0.4, -0.383516, 0.0262626, 1.3084], [2.8467, 0.324786, 0.3, 0.359959, 0.827273, 1.07073]],
  ['1-1-1 Δ<0', [0.6, 0.5, 0.9, 0.3, -0.2], [0.281581, 0.317561, 0.3, 0.284108, 0.36714, 1.15236], [0.587608, -0.345407, -0.355338, -0.279277, 0.455047, 0.486149]],
  ['1-1-1 Δ>0', [0.6, 1.9, 0.4, 0.3, -0.2], [24.3962, 0.145224, 0.1, 0.0632216, 0.0830211, 0.65313], [-72.4835, -0.974298, -0.836618, -0.638198, 0.371726, 0.414946]],
  ['1-1-1 forced', [0.25, 1, 0.999, 0.3, -0.2], [-2.9131, -0.226023, -0.2, -0.173559, 0.316576, 1.24212], [4.25814, 0.543123, 0.5, 0.558077, 0.839229, 0.527808]],
];

for (const dtype of ['float64', 'float32'] as const) {
  // the table has six significant digits; float32 adds its own rounding
  const [atol, rtol] = dtype === 'float64' ? [1e-9, 1e-5] : [1e-6, 2e-5];
  test(`golden y and ∂y/∂t, ${dtype}, one neuron per case in one layer`, () => {
    const params = tg.tensor(GOLDEN.map(([, k]) => k), { dtype });
    const x = tg.tensor(T.map(() => GOLDEN.map(() => 0)), { dtype }).add(tg.tensor(T, { dtype }).reshape([6, 1])).requiresGrad_();
    const y = tg.deu(x, params);
    y.sum().backward();
    const ys = y.transpose().toArray() as number[][], dts = x.grad!.transpose().toArray() as number[][];
    GOLDEN.forEach(([name, , yGold, dtGold], i) => {
      assertClose(ys[i], yGold, atol, rtol, `${name} y`);
      assertClose(dts[i], dtGold, atol, rtol, `${name} ∂y/∂t`);
    });
  });
}

test.run();
