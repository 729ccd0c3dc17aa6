// The model zoo: the papers' parameter counts (PAU paper §A.3.1: LeNet-5 61,746 and VGG-8
// 9,224,508 with their PAUs; the Neural-GODE models reused from models/gode), output shapes for
// every model and every activation, and the errors that name the valid choices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { ACTIVATIONS, buildActivation, buildModel, MODELS, type ActivationName } from '../../models/zoo/index.js';

const mnist = { inputShape: [1, 28, 28], numClasses: 10 };

test('LeNet-5 and VGG-8: the PAU paper’s counts, with 4 and 5 PAUs of 10 coefficients', () => {
  assert.is(buildModel('lenet', { ...mnist, activation: 'pau' }).numParameters(), 61_746);
  assert.is(buildModel('lenet', { ...mnist, activation: 'relu' }).numParameters(), 61_706);
  assert.is(buildModel('lenet', { inputShape: [1, 32, 32], numClasses: 10, activation: 'pau' }).numParameters(), 61_746);
  assert.is(buildModel('lenet', { ...mnist, activation: 'rpau' }).numParameters(), 61_746);
  const vgg = buildModel('vgg8', { ...mnist, activation: 'pau' });
  assert.is(vgg.numParameters(), 9_224_508);
  assert.is(vgg.modules().filter((m) => m.typeName === 'PAU').length, 5);
  vgg.dispose();
  const relu = buildModel('vgg8', { ...mnist, activation: 'relu' });
  assert.is(relu.numParameters(), 9_224_458);
  relu.dispose();
});

test("the DEU paper's CNN (≈21k) and the MLPs; DEU adds 5 per neuron or channel", () => {
  assert.is(buildModel('cnn', { ...mnist, activation: 'relu' }).numParameters(), 21_498);
  assert.is(buildModel('cnn', { ...mnist, activation: 'deu' }).numParameters(), 21_498 + 5 * (32 + 16));
  assert.is(buildModel('mlp', { ...mnist }).numParameters(), 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10);
  assert.is(buildModel('mlp', { ...mnist, hidden: [1024, 512] }).numParameters(), 1_333_770);
  assert.is(buildModel('mlp', { ...mnist, hidden: [1024, 512], activation: 'deu' }).numParameters(), 1_333_770 + 5 * 1536);
  // tabular inputs: the input and output sizes adapt
  assert.is(buildModel('mlp', { inputShape: [2], numClasses: 2 }).numParameters(), 2 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2);
  assert.is(buildModel('mlp', { inputShape: [10], outputs: 1, hidden: [8] }).numParameters(), 10 * 8 + 8 + 8 + 1);
});

test('the Neural-GODE paper’s models are the ones in models/gode', () => {
  assert.equal(['resnet', 'node', 'gode'].map((m) => buildModel(m as 'resnet', mnist).numParameters()), [576_778, 208_266, 428_042]);
});

test('maxout doubles the layer before each activation', () => {
  const m = buildModel('mlp', { inputShape: [4], numClasses: 3, hidden: [5], activation: 'maxout' });
  assert.is(m.numParameters(), 4 * 10 + 10 + 5 * 3 + 3);
  assert.equal([...tg.noGrad(() => m.forward(tg.zeros([2, 4]))).shape], [2, 3]);
});

test('every image model with every activation maps MNIST-shaped batches to 10 logits', () => {
  for (const model of ['mlp', 'lenet', 'cnn'] as const) {
    for (const activation of ACTIVATIONS) {
      tg.manualSeed(0);
      const net = buildModel(model, { ...mnist, activation });
      const y = tg.noGrad(() => net.forward(tg.rand([2, 1, 28, 28])));
      assert.equal([...y.shape], [2, 10], `${model}/${activation}`);
      assert.ok(Array.from(y.data()).every(Number.isFinite), `${model}/${activation} finite`);
      y.dispose();
      net.dispose();
    }
  }
});

test('vgg8 and a Neural-GODE model run forward on one image', () => {
  const vgg = buildModel('vgg8', { ...mnist, activation: 'pau' });
  assert.equal([...tg.noGrad(() => vgg.forward(tg.rand([1, 1, 28, 28]))).shape], [1, 10]);
  vgg.dispose();
  const gode = buildModel('gode', mnist);
  assert.equal([...tg.noGrad(() => gode.forward(tg.rand([1, 1, 28, 28]))).shape], [1, 10]);
});

test('buildActivation: every name gives a module that keeps the shape', () => {
  for (const name of ACTIVATIONS) {
    const act = buildActivation(name, { features: 4 });
    const y = tg.noGrad(() => act.forward(tg.randn([3, 4])));
    assert.equal([...y.shape], name === 'maxout' ? [3, 2] : [3, 4], name);
  }
  assert.is(buildActivation('deu', { channels: 6 }).numParameters(), 30);
  assert.is(buildActivation('pau').numParameters(), 10);
  assert.is(buildActivation('prelu').numParameters(), 1);
});

test("mixture: the PAU paper's Mixture baseline, p·x + (1 − p)·relu(x) with one learned p per layer", () => {
  const act = buildActivation('mixture');
  assert.ok(act instanceof tg.nn.IdentityReLUMixture);
  assert.is(act.numParameters(), 1);
  const x = tg.tensor([-2, -0.5, 0, 1.5]);
  const y = Array.from(tg.noGrad(() => act.forward(x)).data());
  [-1, -0.25, 0, 1.5].forEach((v, i) => assert.ok(Math.abs(y[i] - v) < 1e-6, `mixture(${x.data()[i]}) = ${y[i]}, expected ${v} at p = 0.5`));
  assert.is(buildModel('lenet', { ...mnist, activation: 'mixture' }).numParameters(), 61_706 + 4);
});

test('bad names and shapes are rejected with the valid choices', () => {
  assert.throws(() => buildActivation('gelu' as ActivationName), /buildActivation: unknown activation "gelu"; choose one of relu, lrelu, relu6, elu, celu, selu, swish, prelu, rrelu, maxout, tanh, deu, pau, rpau, mixture/);
  assert.throws(() => buildActivation('deu'), /buildActivation: 'deu' has one unit per neuron: pass \{ features \}/);
  assert.throws(() => buildModel('resnet18' as 'mlp', mnist), new RegExp(`buildModel: unknown model "resnet18"; choose one of ${MODELS.join(', ')}`));
  assert.throws(() => buildModel('mlp', { ...mnist, activation: 'gelu' as ActivationName }), /buildModel: unknown activation "gelu"/);
  assert.throws(() => buildModel('lenet', { inputShape: [2], numClasses: 2 }), /buildModel: 'lenet' takes images \[C, H, W\], got inputShape \[2\]; use 'mlp' for tabular data/);
  assert.throws(() => buildModel('resnet', { ...mnist, activation: 'deu' }), /buildModel: 'resnet' uses the Neural-GODE paper's ReLU; --act deu applies to mlp, lenet, cnn, vgg8/);
  assert.throws(() => buildModel('gode', { inputShape: [1, 32, 32], numClasses: 10 }), /takes MNIST-shaped \[1, 28, 28\] or CIFAR-shaped \[3, 32, 32\] images, got \[1, 32, 32\]/);
  assert.throws(() => buildModel('cnn', { inputShape: [1, 3, 3], numClasses: 10 }), /the input is too small for 'cnn'/);
  assert.throws(() => buildModel('mlp', { inputShape: [0], numClasses: 2 }), /inputShape must be positive integers, got \[0\]/);
  assert.throws(() => buildModel('mlp', { inputShape: [2], numClasses: 2, hidden: [0] }), /hidden widths must be positive integers, got \[0\]/);
});

test.run();
