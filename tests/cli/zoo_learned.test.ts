// The learnable classics in the zoo (--act swish-beta | apl | srelu | bspline): one unit per
// neuron or channel, parameter counts, and that `tapegrad plot`'s sampler finds each one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { activationCurves } from '../../models/plot/index.js';
import { buildActivation, buildModel, LEARNED_ACTIVATIONS } from '../../models/zoo/index.js';

const tabular = { inputShape: [2], numClasses: 2, hidden: [5, 4] };
const linear = 2 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2;

test('each learnable classic adds its parameters per neuron (per layer for swish-beta)', () => {
  const counts = { 'swish-beta': 1, apl: 2 * 2, srelu: 4, bspline: 8 + 1 } as const;
  for (const [name, perUnit] of Object.entries(counts) as [keyof typeof counts, number][]) {
    const model = buildModel('mlp', { ...tabular, activation: name });
    const units = name === 'swish-beta' ? 2 : 5 + 4;
    assert.is(model.numParameters(), linear + perUnit * units, name);
    const curves = activationCurves(model, { points: 5 });
    assert.equal(curves.map((c) => c.curves.length), name === 'swish-beta' ? [1, 1] : [5, 4], `${name}: curves per layer`);
    assert.ok(LEARNED_ACTIVATIONS.includes(name), `${name} is listed as learned`);
  }
});

test('on images, one unit per channel: LeNet-5 with APL', () => {
  const lenet = buildModel('lenet', { inputShape: [1, 28, 28], numClasses: 10, activation: 'apl' });
  assert.is(lenet.numParameters(), 61_706 + 4 * (6 + 16 + 120 + 84));
  const y = tg.noGrad(() => lenet.forward(tg.rand([2, 1, 28, 28])));
  assert.equal(y.shape, [2, 10]);
});

test('the per-neuron ones need the width, and say so', () => {
  for (const name of ['apl', 'srelu', 'bspline'] as const) {
    assert.throws(() => buildActivation(name), new RegExp(`buildActivation: '${name}' has one unit per neuron: pass \\{ features \\}`));
  }
});

test.run();
