// Progress output: 'lines' prints one parseable line per epoch and never '\r'; 'bar' redraws one
// line in place with '\r' and shows the rate, the ETA and the loss; 'auto' picks by isTTY.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fit, ProgressBar } from '../../models/training/index.js';
import { CaptureStream, makeRun } from './helpers.js';

const LINE = /^epoch (\d+)\/(\d+) {2}loss (\S+) {2}test_loss (\S+) {2}accuracy (\S+) {2}train_accuracy (\S+) {2}lr (\S+) {2}(\S+)s {2}(\d+) samples\/s$/;

test("'lines': one line per epoch, whose numbers are the history's", async () => {
  const run = makeRun(0);
  const stream = new CaptureStream(false);
  const history = await fit(run.model, { ...run, epochs: 3, metrics: ['accuracy'], progress: 'lines', progressStream: stream });
  assert.not.ok(stream.text.includes('\r'));
  const lines = stream.text.trimEnd().split('\n');
  assert.is(lines.length, 3);
  lines.forEach((line, i) => {
    const m = LINE.exec(line);
    assert.ok(m, `unparseable line: ${line}`);
    const r = history.epochs[i];
    assert.is(Number(m![1]), i + 1);
    assert.is(Number(m![2]), 3);
    const close = (text: string, value: number) => Math.abs(Number(text) - value) <= 1e-4 * Math.abs(value);
    assert.ok(close(m![3], r.trainLoss) && close(m![4], r.testLoss!) && close(m![5], r.metrics.accuracy) && close(m![7], r.lr), line);
  });
});

test("'bar' on a terminal: redrawn with \\r, with items/s, ETA and loss, ending in the epoch line", async () => {
  const run = makeRun(0);
  const stream = new CaptureStream(true);
  await fit(run.model, { ...run, epochs: 2, progress: 'bar', progressStream: stream });
  const redraws = stream.text.split('\r').length - 1;
  assert.ok(redraws >= 2 * 3, `${redraws} redraws`); // per epoch at least: first batch, last batch, summary
  assert.match(stream.text, /\[[=> ]{24}\] \d+\/8 {2}\d+ items\/s {2}ETA \d+:\d\d {2}loss \S+/);
  const finalLines = stream.text.split('\n').filter(Boolean).map((l) => l.slice(l.lastIndexOf('\r') + 1).trim());
  assert.equal(finalLines.map((l) => l.split('  ')[0]), ['epoch 1/2', 'epoch 2/2']);
});

test("'auto' draws a bar on a TTY and lines elsewhere; 'none' prints nothing", async () => {
  for (const [isTTY, mode] of [[true, 'bar'], [false, 'lines']] as const) {
    assert.is(new ProgressBar({ total: 3, stream: new CaptureStream(isTTY) }).mode, mode);
  }
  const run = makeRun(0);
  const stream = new CaptureStream(true);
  await fit(run.model, { ...run, epochs: 1, progress: 'none', progressStream: stream });
  assert.is(stream.text, '');
});

test('ProgressBar on its own: rate, ETA and throttled redraws on a fake clock', () => {
  let now = 0;
  const stream = new CaptureStream(true);
  const bar = new ProgressBar({ total: 4, label: 'step', mode: 'bar', stream, redrawMs: 1500, now: () => now });
  for (const loss of [0.9, 0.8, 0.7, 0.6]) {
    now += 1000;
    bar.tick({ items: 10, loss });
  }
  // drawn at t = 1 s (first), 3 s (1.5 s after) and 4 s (the last step); not at 2 s
  const frames = stream.text.split('\r').slice(1);
  assert.is(frames.length, 3);
  assert.is(frames[0].trim(), 'step [======>                 ] 1/4  10 items/s  ETA 0:03  loss 0.9');
  assert.is(frames[2].trim(), 'step [========================] 4/4  10 items/s  ETA 0:00  loss 0.6');
  bar.finish('done');
  assert.ok(stream.text.endsWith('\rdone'.padEnd(frames[2].length + 1) + '\n'), JSON.stringify(stream.text.slice(-80)));

  const lines = new CaptureStream(false);
  const plain = new ProgressBar({ total: 2, stream: lines, now: () => now });
  plain.tick();
  plain.tick();
  plain.finish('summary');
  assert.is(lines.text, 'summary\n');
});

test.run();
