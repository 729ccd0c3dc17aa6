// The SVG plots: the writer's pieces (escaping, ticks, scales), activation sampling (every
// learned activation found, sampled on the CPU in eval mode), and the figures read back: each
// polyline, mapped through its panel's axes, gives the sampled values again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { activationCurves, escapeXml, figure, linearScale, niceTicks, plotActivations, plotHistory, robustExtent } from '../../models/plot/index.js';
import { CpuBackend } from '../../core/cpu/backend.js';
import { assertClose } from '../helpers.js';
import { assertWellFormed, pixelTolerance, readPanels } from './svg_reader.js';

const { nn } = tg;
const leaky = (x: number) => Math.max(x, 0.01 * x);

test('escapeXml escapes the five XML specials', () => {
  assert.is(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
});

test('niceTicks: round steps covering the range', () => {
  assert.equal(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(niceTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
  assert.equal(niceTicks(0.93, 0.99, 3), [0.94, 0.96, 0.98]);
  assert.equal(niceTicks(2, 2), [2]);
  assert.equal(niceTicks(NaN, 1), []);
  assert.equal(niceTicks(1, 3, 6, { integer: true }), [1, 2, 3]);
  assert.equal(niceTicks(0.5, 1.5, 6, { integer: true }), [1]);
});

test('linearScale maps and inverts (y axes point down)', () => {
  const s = linearScale([-3, 3], [200, 0]);
  assert.is(s(-3), 200);
  assert.is(s(3), 0);
  assert.is(s.invert(100), 0);
});

test('robustExtent ignores far-off tails but keeps ordinary ranges', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i / 99);
  assert.equal(robustExtent(xs), [-0.05, 1.05]);
  const [lo, hi] = robustExtent([...xs, 1000, 1000, 1000]);
  assert.ok(lo < 0 && hi > 1 && hi < 3, `${lo} ${hi}`);
});

test('activationCurves finds every learned activation, one curve per neuron / channel / layer', () => {
  tg.manualSeed(1);
  const model = new nn.Sequential(
    new nn.Linear(2, 3), new nn.DEU(3), new nn.Linear(3, 4), new nn.PAU(), new nn.ReLU(),
    new nn.PReLU({ numParameters: 4 }), new nn.Linear(4, 2), new nn.RPAU(), new nn.PAU({ shared: 'channel', numChannels: 2 }),
  );
  const found = activationCurves(model, { points: 11 });
  assert.equal(found.map((f) => [f.path, f.type, f.curves.length]), [['1', 'DEU', 3], ['3', 'PAU', 1], ['5', 'PReLU', 4], ['7', 'RPAU', 1], ['8', 'PAU', 2]]);
  assertClose(found[0].x, [-3, -2.4, -1.8, -1.2, -0.6, 0, 0.6, 1.2, 1.8, 2.4, 3], 1e-12);
  const withFixed = activationCurves(model, { points: 11, includeFixed: true });
  assert.equal(withFixed.map((f) => f.type), ['DEU', 'PAU', 'ReLU', 'PReLU', 'RPAU', 'PAU']);
  assert.is(withFixed[2].learned, false);
  assertClose(withFixed[2].curves[0].y, withFixed[2].x.map((x) => Math.max(x, 0)), 1e-7);
});

test('sampled values are the modules applied elementwise: PReLU exactly, DEU per neuron', () => {
  const prelu = new nn.PReLU({ numParameters: 2, init: 0.25 });
  tg.noGrad(() => prelu.weight.assign(tg.tensor([0.25, -0.5])));
  const [curves] = activationCurves(prelu, { from: -2, to: 2, points: 5 });
  assertClose(curves.curves[0].y, [-0.5, -0.25, 0, 1, 2], 1e-7);
  assertClose(curves.curves[1].y, [1, 0.5, 0, 1, 2], 1e-7);
  const deu = new nn.DEU(2, { init: 'identity' });
  const [d] = activationCurves(deu, { points: 7 });
  for (const c of d.curves) assertClose(c.y, d.x, 1e-6);
});

test('RPAU and RReLU are sampled in eval mode (deterministic); the training flag is put back', () => {
  const model = new nn.Sequential(new nn.RPAU({ alpha: 0.5 }));
  model.train();
  const a = activationCurves(model, { points: 50 })[0].curves[0].y;
  const b = activationCurves(model, { points: 50 })[0].curves[0].y;
  assert.equal(a, b);
  assert.is(model.modules()[1].training, true);
  const plain = activationCurves(new nn.Sequential(new nn.PAU()), { points: 50 })[0].curves[0].y;
  assertClose(a, plain, 1e-6);
});

test('a model on another backend is sampled on the CPU through copies; the model is untouched', () => {
  // a second CPU backend under another name stands in for the GPU
  tg.registerBackend('plot-test-device', () => Object.defineProperty(new CpuBackend(), 'name', { value: 'plot-test-device' }));
  tg.manualSeed(5);
  const model = new nn.Sequential(new nn.PAU(), new nn.DEU(3), new nn.PReLU({ numParameters: 3 }));
  const onCpu = activationCurves(model, { points: 25 });
  model.to('plot-test-device');
  const params = model.parameters();
  const moved = activationCurves(model, { points: 25 });
  assert.equal(moved.map((m) => m.curves), onCpu.map((m) => m.curves));
  assert.ok(model.parameters().every((p, i) => p === params[i] && p.backend.name === 'plot-test-device'));
});

test('activationCurves rejects a bad range or point count, naming the function', () => {
  assert.throws(() => activationCurves(new nn.PAU(), { from: 1, to: 1 }), /activationCurves: expected a range from < to, got from 1, to 1/);
  assert.throws(() => activationCurves(new nn.PAU(), { points: 1 }), /activationCurves: points must be an integer ≥ 2, got 1/);
});

test('a leaky-ReLU PAU: the polyline, mapped back through the axes, is max(x, 0.01x)', () => {
  const model = new nn.Sequential(new nn.Linear(2, 2), new nn.PAU(), new nn.Linear(2, 2), new nn.PAU());
  const sampled = activationCurves(model, { from: -3, to: 3, points: 200 });
  const svg = plotActivations(model, { from: -3, to: 3, points: 200 });
  const panels = readPanels(svg);
  assert.is(panels.length, 2);
  assert.equal(panels.map((p) => p.title), ['PAU 1', 'PAU 2'], 'numbered among the activations, not by Sequential index (1, 3)');
  panels.forEach((panel, k) => {
    const points = panel.series.get('PAU')!;
    assert.is(points.length, 200);
    const tol = pixelTolerance(panel);
    assertClose(points.map((p) => p[0]), sampled[k].x, tol.x, 0, 'x');
    assertClose(points.map((p) => p[1]), sampled[k].curves[0].y, tol.y, 0, 'y');
    // the paper's leaky-ReLU initialisation fits max(x, 0.01x) closely on [−3, 3]
    assertClose(points.map((p) => p[1]), points.map((p) => leaky(p[0])), 0.05, 0, 'leaky relu');
    // tick labels sit where the axes put their values
    for (const t of panel.xTicks) assertClose([t.px], [panel.area.x + ((t.value - panel.xDomain[0]) / (panel.xDomain[1] - panel.xDomain[0])) * panel.area.w], 1e-3);
    for (const t of panel.yTicks) assertClose([t.py], [panel.area.y + panel.area.h - ((t.value - panel.yDomain[0]) / (panel.yDomain[1] - panel.yDomain[0])) * panel.area.h], 1e-3);
    assert.ok(panel.xTicks.some((t) => t.value === 0) && panel.xTicks.length >= 5);
  });
});

test('DEU: one panel per layer, one curve per neuron, each mapped back to its sampled values', () => {
  tg.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(1, 5), new nn.DEU(5), new nn.Linear(5, 3), new nn.DEU(3, { init: 'relu' }));
  const sampled = activationCurves(model, { from: -2, to: 2, points: 41 });
  const panels = readPanels(plotActivations(sampled));
  assert.equal(panels.map((p) => p.series.size), [5, 3]);
  panels.forEach((panel, k) => {
    const tol = pixelTolerance(panel);
    sampled[k].curves.forEach((curve) => {
      const points = panel.series.get(curve.label)!;
      assertClose(points.map((p) => p[1]), curve.y, tol.y, 0, curve.label);
    });
  });
  // the ReLU-initialised layer draws max(x, 0) up to its smoothed step at 0
  for (const points of panels[1].series.values()) {
    for (const [x, y] of points) if (Math.abs(x) > 0.1) assertClose([y], [Math.max(x, 0)], 2e-3 + pixelTolerance(panels[1]).y);
  }
});

test('maxCurves limits the curves drawn and the panel says so', () => {
  const svg = plotActivations(new nn.DEU(10), { maxCurves: 4 });
  const [panel] = readPanels(svg);
  assert.is(panel.series.size, 4);
  assert.match(svg, /4 of 10 neurons shown/);
});

test('plotHistory draws the known loss and accuracy per epoch', () => {
  const records = [
    { epoch: 1, trainLoss: 0.9, testLoss: 0.7, metrics: { accuracy: 0.8, train_accuracy: 0.75 } },
    { epoch: 2, trainLoss: 0.5, testLoss: 0.45, metrics: { accuracy: 0.9, train_accuracy: 0.88 } },
    { epoch: 3, trainLoss: 0.3, testLoss: 0.35, metrics: { accuracy: 0.93, train_accuracy: 0.92 } },
  ];
  const svg = plotHistory(records);
  const [loss, accuracy] = readPanels(svg);
  assert.equal([loss.title, accuracy.title], ['Loss', 'Accuracy']);
  const close = (panel: typeof loss, label: string, expected: [number, number][]) => {
    const tol = pixelTolerance(panel);
    const got = panel.series.get(label)!;
    assertClose(got.map((p) => p[0]), expected.map((p) => p[0]), tol.x, 0, `${label} x`);
    assertClose(got.map((p) => p[1]), expected.map((p) => p[1]), tol.y, 0, `${label} y`);
  };
  close(loss, 'train loss', [[1, 0.9], [2, 0.5], [3, 0.3]]);
  close(loss, 'test loss', [[1, 0.7], [2, 0.45], [3, 0.35]]);
  close(accuracy, 'test accuracy (%)', [[1, 80], [2, 90], [3, 93]]);
  close(accuracy, 'train accuracy (%)', [[1, 75], [2, 88], [3, 92]]);
  assert.equal(loss.legend, ['train loss', 'test loss']);
  assert.equal(loss.xDomain, [1, 3]);
  assert.equal(loss.xTicks.map((t) => t.value), [1, 2, 3]);
  // few points: each is marked, so a single epoch still shows
  assert.is((svg.match(/<circle class="marker"/g) ?? []).length, 12);
});

/** Each polyline's [stroke, dash] by series label. */
function styles(svg: string): Map<string, [string, string | undefined]> {
  const out = new Map<string, [string, string | undefined]>();
  for (const [tag] of svg.matchAll(/<polyline class="series"[^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    out.set(attr('data-series')!, [attr('stroke')!, attr('stroke-dasharray')]);
  }
  return out;
}

test('plotHistory: one colour and dash per split, the same in the loss and the accuracy panel', () => {
  const records = [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1 / epoch, testLoss: 1.2 / epoch, metrics: { accuracy: 0.5 + epoch / 10, train_accuracy: 0.6 + epoch / 10 } }));
  const style = styles(plotHistory(records));
  assert.equal(style.get('train accuracy (%)'), style.get('train loss'), 'train: same style in both panels');
  assert.equal(style.get('test accuracy (%)'), style.get('test loss'), 'test: same style in both panels');
  assert.is.not(style.get('train loss')![0], style.get('test loss')![0], 'the splits differ in colour');
  assert.is(style.get('test loss')![1], '5 3', 'test is dashed');
  assert.is(style.get('train loss')![1], undefined, 'train is solid');
});

test('no one-entry legends: a single curve is named by its axis or title instead', () => {
  const svg = plotHistory([{ epoch: 1, trainLoss: 2, metrics: { mse: 1.5 } }, { epoch: 2, trainLoss: 1, metrics: { mse: 1 } }]);
  const [loss, mse] = readPanels(svg);
  assert.equal([loss.legend, mse.legend], [[], []]);
  assert.match(svg, /class="y-label"[^>]*>train loss</);
  assert.match(svg, /class="y-label"[^>]*>test mse</);
  const [pau] = readPanels(plotActivations(new nn.PAU()));
  assert.equal(pau.legend, []);
  assert.is(pau.title, 'PAU');
  assert.equal(readPanels(plotActivations(new nn.DEU(3))).map((p) => p.legend), [['neuron 0', 'neuron 1', 'neuron 2']]);
});

test('APL, SReLU, learnable Swish and the B-spline activation are found and sampled, one curve per channel', () => {
  tg.manualSeed(4);
  const model = new nn.Sequential(
    new nn.Linear(2, 3), new nn.APL({ numParameters: 3 }), new nn.Linear(3, 2), new nn.SReLU({ numParameters: 2 }),
    new nn.Swish({ learnable: true }), new tg.BSplineActivation({ numParameters: 2 }),
  );
  const found = activationCurves(model, { from: -2, to: 2, points: 9 });
  assert.equal(found.map((f) => [f.path, f.type, f.curves.length]), [['1', 'APL', 3], ['3', 'SReLU', 2], ['4', 'Swish', 1], ['5', 'BSplineActivation', 2]]);
  assertClose(found[0].curves[0].y, found[0].x.map((v) => Math.max(v, 0)), 1e-7, 0, 'APL starts as ReLU');
  assertClose(found[3].curves[1].y, found[3].x.map((v) => v / (1 + Math.exp(-v))), 1e-6, 0, 'B-spline starts as silu');
  assert.equal(readPanels(plotActivations(found)).map((p) => p.title), ['APL 1', 'SReLU 2', 'Swish 3', 'BSplineActivation 4']);
});

test('plotHistory of a regression run and of no epochs at all', () => {
  const one = plotHistory([{ epoch: 1, trainLoss: 2, metrics: { mse: 1.5 } }]);
  const [loss, mse] = readPanels(one);
  assert.equal([loss.title, mse.title], ['Loss', 'mse']);
  assert.equal(loss.xDomain, [0.5, 1.5]);
  assert.match(one, /<circle class="marker" cx="[\d.]+" cy="[\d.]+"/);
  assertClose(mse.series.get('test mse')![0], [1, 1.5], 1e-6);
  const empty = plotHistory([]);
  assertWellFormed(empty);
});

test('labels are escaped, non-finite points break a line into segments', () => {
  const svg = figure([{ title: 'a <b> & "c"', series: [{ label: 'x<y & z', points: [[0, 0], [1, 1], [2, NaN], [3, 3], [4, Infinity], [5, 5], [6, 6]] }] }], { title: "it's" });
  assertWellFormed(svg);
  assert.match(svg, /a &lt;b&gt; &amp; &quot;c&quot;/);
  assert.match(svg, /it&apos;s/);
  const [panel] = readPanels(svg);
  assert.equal(panel.legend, [], 'one series: no legend');
  assert.is((svg.match(/<polyline/g) ?? []).length, 3);
  assert.is(panel.series.get('x<y & z')!.length, 5);
});

test.run();
