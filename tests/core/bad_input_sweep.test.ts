// A table-driven sweep of the public API with bad input (issue 15: "zero silent wrong results").
// Every row is one call that must throw an Error whose message names the function and the
// argument at fault: unknown options (Object.prototype's names included, which an `in` check
// lets through), non-integer, NaN and string axes, NaN hyperparameters, negative sizes and
// allocations no typed array can hold. A row that returns, or throws an engine error such as
// "Invalid typed array length", fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

/** Deliberately wrong arguments, past the type checker, as a JavaScript caller would pass them. */
const bad = <T>(v: unknown) => v as T;

interface Row {
  /** What the row calls, as the test's name shows it. */
  call: string;
  /** Fragments the message must contain: the function's name first, then the argument's. */
  names: readonly string[];
  run: () => unknown;
}

const rows: Row[] = [];
const row = (call: string, names: readonly string[], run: () => unknown) => rows.push({ call, names, run });

const x23 = () => tg.ones([2, 3]);
const img = () => tg.ones([1, 1, 4, 4]);
const params = () => [tg.ones([2], { requiresGrad: true })];

// Object.prototype's names, and a key no function takes. `__proto__` is made an own key the way
// JSON.parse makes it (an object literal would set the prototype instead).
const UNKNOWN_KEYS = ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', 'bogus'] as const;
const withKey = (base: object, key: string): object => Object.assign(JSON.parse(`{"${key}": 5}`), base);

/** Rows calling `run(options)` with each unknown key added to valid `base` options. */
function unknownOptions(fn: string, base: object, run: (options: never) => unknown): void {
  for (const key of UNKNOWN_KEYS) row(`${fn} with option ${key}`, [fn, key], () => run(withKey(base, key) as never));
  row(`${fn} with options that are not an object`, [fn, 'options'], () => run(bad<never>(3)));
}

// ---- unknown options, everywhere an options object is taken --------------------------------
unknownOptions('SGD', { lr: 0.1 }, (o) => new tg.optim.SGD(params(), o));
unknownOptions('Adam', {}, (o) => new tg.optim.Adam(params(), o));
unknownOptions('AdamW', {}, (o) => new tg.optim.AdamW(params(), o));
unknownOptions('clipGradNorm', {}, (o) => tg.optim.clipGradNorm(params(), 1, 2, o));
unknownOptions('tensor', {}, (o) => tg.tensor([1, 2], o));
unknownOptions('zeros', {}, (o) => tg.zeros([2], o));
unknownOptions('ones', {}, (o) => tg.ones([2], o));
unknownOptions('full', {}, (o) => tg.full([2], 1, o));
unknownOptions('arange', {}, (o) => tg.arange(0, 3, 1, o));
unknownOptions('linspace', {}, (o) => tg.linspace(0, 1, 3, o));
unknownOptions('eye', {}, (o) => tg.eye(2, 2, o));
unknownOptions('rand', {}, (o) => tg.rand([2], o));
unknownOptions('randn', {}, (o) => tg.randn([2], o));
unknownOptions('randint', {}, (o) => tg.randint(0, 3, [2], o));
unknownOptions('gradcheck', {}, (o) => tg.gradcheck((a: Tensor) => a.sum(), [tg.ones([2], { dtype: 'float64', requiresGrad: true })], o));
for (const fn of ['sum', 'prod', 'max', 'min', 'mean', 'logsumexp'] as const) unknownOptions(fn, {}, (o) => tg[fn](x23(), 1, o));
unknownOptions('argmax', {}, (o) => tg.argmax(x23(), 1, o));
unknownOptions('argmin', {}, (o) => tg.argmin(x23(), 1, o));
unknownOptions('var', {}, (o) => tg.variance(x23(), 1, o));
unknownOptions('std', {}, (o) => tg.std(x23(), 1, o));
unknownOptions('norm', {}, (o) => tg.norm(x23(), 2, 1, o));
unknownOptions('mseLoss', {}, (o) => tg.mseLoss(x23(), x23(), o));
unknownOptions('l1Loss', {}, (o) => tg.l1Loss(x23(), x23(), o));
unknownOptions('smoothL1Loss', {}, (o) => tg.smoothL1Loss(x23(), x23(), o));
unknownOptions('huberLoss', {}, (o) => tg.huberLoss(x23(), x23(), o));
unknownOptions('nllLoss', {}, (o) => tg.nllLoss(tg.logSoftmax(x23(), 1), [0, 1], o));
unknownOptions('crossEntropy', {}, (o) => tg.crossEntropy(x23(), [0, 1], o));
unknownOptions('bceWithLogits', {}, (o) => tg.bceWithLogits(x23(), tg.zeros([2, 3]), o));
unknownOptions('conv2d', {}, (o) => tg.conv2d(img(), tg.ones([1, 1, 3, 3]), null, o));
unknownOptions('maxPool2d', { kernelSize: 2 }, (o) => tg.maxPool2d(img(), o));
unknownOptions('avgPool2d', { kernelSize: 2 }, (o) => tg.avgPool2d(img(), o));
unknownOptions('deu', {}, (o) => tg.deu(x23(), tg.zeros([3, 5]), o));
unknownOptions('pau', {}, (o) => tg.pau(x23(), tg.ones([6]), tg.ones([4]), o));
unknownOptions('rpau', {}, (o) => tg.rpau(x23(), tg.ones([6]), tg.ones([4]), o));
unknownOptions('Linear', {}, (o) => new tg.nn.Linear(2, 3, o));
unknownOptions('Conv2d', {}, (o) => new tg.nn.Conv2d(1, 1, 3, o));
unknownOptions('MaxPool2d', {}, (o) => new tg.nn.MaxPool2d(2, o));
unknownOptions('AvgPool2d', {}, (o) => new tg.nn.AvgPool2d(2, o));
unknownOptions('GroupNorm', {}, (o) => new tg.nn.GroupNorm(1, 2, o));
unknownOptions('BatchNorm1d', {}, (o) => new tg.nn.BatchNorm1d(2, o));
unknownOptions('BatchNorm2d', {}, (o) => new tg.nn.BatchNorm2d(2, o));
unknownOptions('LayerNorm', {}, (o) => new tg.nn.LayerNorm(2, o));
unknownOptions('PReLU', {}, (o) => new tg.nn.PReLU(o));
unknownOptions('SiLU', {}, (o) => new tg.nn.SiLU(o));
unknownOptions('Maxout', {}, (o) => new tg.nn.Maxout(2, o));
unknownOptions('IdentityReLUMixture', {}, (o) => new tg.nn.IdentityReLUMixture(o));
unknownOptions('DEU', {}, (o) => new tg.nn.DEU(2, o));
unknownOptions('PAU', {}, (o) => new tg.nn.PAU(o));
unknownOptions('RPAU', {}, (o) => new tg.nn.RPAU(o));
unknownOptions('kaimingUniform_', {}, (o) => tg.nn.init.kaimingUniform_(tg.ones([2, 2]), o));
unknownOptions('kaimingNormal_', {}, (o) => tg.nn.init.kaimingNormal_(tg.ones([2, 2]), o));
unknownOptions('decodeSafetensors', {}, (o) => tg.nn.decodeSafetensors(tg.nn.encodeSafetensors({ a: tg.ones([1]) }), o));
unknownOptions('circles', {}, (o) => tg.data.circles(o));
unknownOptions('spirals', {}, (o) => tg.data.spirals(o));
unknownOptions('sine', {}, (o) => tg.data.sine(o));
unknownOptions('challenging', {}, (o) => tg.data.challenging(o));
unknownOptions('loadDiabetes', {}, (o) => tg.data.loadDiabetes(o));
unknownOptions('DataLoader', {}, (o) => new tg.data.DataLoader(tg.data.sine({ n: 4 }), o));
unknownOptions('randomCrop', {}, (o) => tg.data.randomCrop(2, o));
unknownOptions('randomRotation', {}, (o) => tg.data.randomRotation(10, o));
unknownOptions('parseNumericCsv', {}, (o) => tg.data.parseNumericCsv('1,2\n3,4\n', o));
unknownOptions('datasetTensors', {}, (o) => tg.data.datasetTensors(tg.data.sine({ n: 4 }), o));
unknownOptions('buildActivation', {}, (o) => tg.zoo.buildActivation('relu', o));
unknownOptions('buildModel', { inputShape: [2] }, (o) => tg.zoo.buildModel('mlp', o));
unknownOptions('evaluate', {}, (o) => tg.evaluate(new tg.nn.Linear(1, 1), new tg.data.DataLoader(tg.data.sine({ n: 4 })), o));
unknownOptions('plotHistory', {}, (o) => tg.plot.plotHistory([], o));
unknownOptions('plotActivations', {}, (o) => tg.plot.plotActivations(new tg.nn.PReLU(), o));

// ---- creation: negative, fractional and huge sizes; arange's range ------------------------
row('zeros([1e9, 1e9])', ['zeros', 'shape'], () => tg.zeros([1e9, 1e9]));
row('ones([-1])', ['ones', 'shape'], () => tg.ones([-1]));
row('full([2.5], 0)', ['full', 'shape'], () => tg.full([2.5], 0));
row('rand([2 ** 40])', ['rand', 'shape'], () => tg.rand([2 ** 40]));
row('randn(NaN shape)', ['randn', 'shape'], () => tg.randn([NaN]));
row('arange(0, 1e12)', ['arange', 'elements'], () => tg.arange(0, 1e12));
row('arange(0, NaN)', ['arange', 'stop'], () => tg.arange(0, NaN));
row('arange(0, 3, 0)', ['arange', 'step'], () => tg.arange(0, 3, 0));
row('linspace(0, 1, 1e12)', ['linspace', 'steps'], () => tg.linspace(0, 1, 1e12));
row('linspace(0, 1, -1)', ['linspace', 'steps'], () => tg.linspace(0, 1, -1));
row('eye(1e6)', ['eye', 'elements'], () => tg.eye(1e6));
row('eye(-1)', ['eye', 'n'], () => tg.eye(-1));
row('randint(0, NaN, [2])', ['randint', 'high'], () => tg.randint(0, NaN, [2]));
row('full([2], "1")', ['full', 'value'], () => tg.full([2], bad<number>('1')));
row('tensor with dtype "int32"', ['tensor', 'dtype'], () => tg.tensor([1], { dtype: bad('int32') }));

// ---- axes: strings, fractions, NaN, out of range --------------------------------------------
for (const fn of ['sum', 'prod', 'max', 'min', 'mean', 'logsumexp', 'argmax', 'argmin'] as const) {
  row(`${fn}(x, '1')`, [fn, 'axis', '"1"'], () => (tg[fn] as (x: Tensor, a: unknown) => Tensor)(x23(), '1'));
  row(`${fn}(x, 0.5)`, [fn, 'axis', '0.5'], () => (tg[fn] as (x: Tensor, a: unknown) => Tensor)(x23(), 0.5));
  row(`${fn}(x, NaN)`, [fn, 'axis', 'NaN'], () => (tg[fn] as (x: Tensor, a: unknown) => Tensor)(x23(), NaN));
  row(`${fn}(x, 2)`, [fn, 'axis 2', 'rank 2'], () => (tg[fn] as (x: Tensor, a: unknown) => Tensor)(x23(), 2));
}
row("sum(x, [0, '1'])", ['sum', '"1"'], () => tg.sum(x23(), bad<number[]>([0, '1'])));
row('var(x, 1, {correction: NaN})', ['var', 'correction'], () => tg.variance(x23(), 1, { correction: NaN }));
row("softmax(x, '1')", ['softmax', '"1"'], () => tg.softmax(x23(), bad<number>('1')));
row('logSoftmax(x, 1.5)', ['logSoftmax', '1.5'], () => tg.logSoftmax(x23(), 1.5));
row("squeeze(x, '0')", ['squeeze', '"0"'], () => tg.squeeze(tg.ones([1, 2]), bad<number>('0')));
row('unsqueeze(x, NaN)', ['unsqueeze', 'NaN'], () => tg.unsqueeze(x23(), NaN));
row('transpose(x, 0, 0.5)', ['transpose', '0.5'], () => tg.transpose(x23(), 0, 0.5));
row("concat([x, x], '0')", ['concat', '"0"'], () => tg.concat([x23(), x23()], bad<number>('0')));
row('flip(x, NaN)', ['flip', 'NaN'], () => tg.flip(x23(), NaN));
row("narrow(x, '0', 0, 1)", ['narrow', '"0"'], () => tg.narrow(x23(), bad<number>('0'), 0, 1));
row('reshape(x, [-2, -3])', ['reshape'], () => tg.reshape(x23(), [-2, -3]));
row('reshape(x, [1.5, 4])', ['reshape'], () => tg.reshape(x23(), [1.5, 4]));

// ---- hyperparameters: NaN, strings, out of range --------------------------------------------
row('SGD lr NaN', ['SGD', 'lr', 'NaN'], () => new tg.optim.SGD(params(), { lr: NaN }));
row("SGD lr '0.1'", ['SGD', 'lr'], () => new tg.optim.SGD(params(), { lr: bad<number>('0.1') }));
row('Adam eps NaN', ['Adam', 'eps'], () => new tg.optim.Adam(params(), { eps: NaN }));
row('Adam betas [NaN, 0.9]', ['Adam', 'betas'], () => new tg.optim.Adam(params(), { betas: [NaN, 0.9] }));
row('clipGradNorm maxNorm NaN', ['clipGradNorm', 'maxNorm'], () => tg.optim.clipGradNorm(params(), NaN));
row('clipGradValue clipValue NaN', ['clipGradValue'], () => tg.optim.clipGradValue(params(), NaN));
row('gradcheck eps 0', ['gradcheck', 'eps'], () => tg.gradcheck((a: Tensor) => a.sum(), [tg.ones([2], { dtype: 'float64', requiresGrad: true })], { eps: 0 }));
row('gradcheck eps NaN', ['gradcheck', 'eps'], () => tg.gradcheck((a: Tensor) => a.sum(), [tg.ones([2], { dtype: 'float64', requiresGrad: true })], { eps: NaN }));
row('gradcheck atol -1', ['gradcheck', 'atol'], () => tg.gradcheck((a: Tensor) => a.sum(), [tg.ones([2], { dtype: 'float64', requiresGrad: true })], { atol: -1 }));
row("DEU init 'toString'", ['DEU', 'init', 'toString'], () => new tg.nn.DEU(2, { init: bad('toString') }));
row("DEU init 'constructor'", ['DEU', 'init', 'constructor'], () => new tg.nn.DEU(2, { init: bad('constructor') }));
row("PAU init 'toString'", ['PAU', 'init', 'toString'], () => new tg.nn.PAU({ init: bad('toString') }));
row('leakyRelu slope NaN', ['leakyRelu'], () => tg.leakyRelu(x23(), NaN));
row('clamp(x, NaN)', ['clamp', 'NaN'], () => tg.clamp(x23(), NaN));
row('hardtanh(x, 1, -1)', ['hardtanh', 'minVal'], () => tg.hardtanh(x23(), 1, -1));
row('softplus beta 0', ['softplus', 'beta'], () => tg.softplus(x23(), 0));
row('Dropout p NaN', ['Dropout', 'p'], () => new tg.nn.Dropout(NaN));
row('Dropout p 1.5', ['Dropout', 'p'], () => new tg.nn.Dropout(1.5));
row('LeakyReLU slope NaN', ['LeakyReLU'], () => new tg.nn.LeakyReLU(NaN));
row('Linear(2.5, 3)', ['Linear', 'inFeatures'], () => new tg.nn.Linear(2.5, 3));
row('Linear(-1, 3)', ['Linear', 'inFeatures'], () => new tg.nn.Linear(-1, 3));
row('Linear(1e6, 1e6)', ['Linear'], () => new tg.nn.Linear(1e6, 1e6));
row('Conv2d stride 0', ['Conv2d', 'stride'], () => new tg.nn.Conv2d(1, 1, 3, { stride: 0 }));
row('GroupNorm eps NaN', ['GroupNorm', 'eps'], () => new tg.nn.GroupNorm(1, 2, { eps: NaN }));
row('BatchNorm1d momentum NaN', ['BatchNorm1d', 'momentum'], () => new tg.nn.BatchNorm1d(2, { momentum: NaN }));
row('StepLR stepSize NaN', ['StepLR', 'stepSize'], () => new tg.optim.StepLR(new tg.optim.SGD(params(), { lr: 0.1 }), NaN));
row('StepLR gamma NaN', ['StepLR', 'gamma'], () => new tg.optim.StepLR(new tg.optim.SGD(params(), { lr: 0.1 }), 1, NaN));
row('CosineAnnealingLR tMax NaN', ['CosineAnnealingLR', 'tMax'], () => new tg.optim.CosineAnnealingLR(new tg.optim.SGD(params(), { lr: 0.1 }), NaN));
row('circles n -1', ['circles', 'n'], () => tg.data.circles({ n: -1 }));
row('circles n 1e12', ['circles', 'n'], () => tg.data.circles({ n: 1e12 }));
row('DataLoader batchSize NaN', ['DataLoader', 'batchSize'], () => new tg.data.DataLoader(tg.data.sine({ n: 4 }), { batchSize: NaN }));
row('pad(x, [1.5, 1])', ['pad'], () => tg.pad(x23(), [1.5, 1]));
row('pad(x, [1e12, 0])', ['pad'], () => tg.pad(x23(), [1e12, 0]));
row('repeat(x, [1e6, 1e6])', ['repeat'], () => tg.repeat(x23(), [1e6, 1e6]));
row('repeat(x, [-1, 1])', ['repeat'], () => tg.repeat(x23(), [-1, 1]));
row('expand(x, [1e9, 1e9, 3])', ['expand'], () => tg.expand(tg.ones([1, 3]), [1e9, 1e9, 3]));
row('split(x, 0)', ['split'], () => tg.split(x23(), 0));
row('chunk(x, NaN)', ['chunk'], () => tg.chunk(x23(), NaN));

// SWEEP_ONLY=regex runs a subset (while fixing); the full sweep runs by default
const only = typeof process !== 'undefined' && process.env.SWEEP_ONLY ? new RegExp(process.env.SWEEP_ONLY) : null;
for (const r of rows) {
  if (only && !only.test(r.call)) continue;
  test(`${r.call} throws, naming ${r.names.join(' and ')}`, () => {
    let error: unknown = null;
    let result: unknown;
    try {
      result = r.run();
    } catch (e) {
      error = e;
    }
    if (error === null) assert.unreachable(`returned ${String(result)} instead of throwing`);
    if (!(error instanceof Error)) assert.unreachable(`threw a non-Error: ${String(error)}`);
    const message = (error as Error).message;
    for (const name of r.names) {
      if (!message.includes(name)) assert.unreachable(`the message "${message}" does not name ${name}`);
    }
    // an engine error under a function's name is still an engine error
    assert.not.match(message, /Invalid typed array length|Array buffer allocation failed|Maximum call stack|is not a function|Cannot read prop/);
  });
}

test.run();
