// Two fit() runs in flight at once (fit is async: runs interleave at its awaits, between epochs)
// must each compute exactly what they compute alone, and resume exactly: each run draws its
// dropout masks and RReLU slopes from a generator of its own, seeded from its loader's seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { fit, type EpochRecord, type FitOptions } from '../../models/training/index.js';
import { parameterValues } from './helpers.js';

const { nn, optim, data } = tg;
const EPOCHS = 4;

/** A run with random layers (RReLU, Dropout), so the generator decides what it computes. */
function makeRun(initSeed: number, dataSeed: number) {
  tg.manualSeed(initSeed);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.RReLU(), new nn.Dropout(0.3), new nn.Linear(16, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const train = new data.DataLoader(data.circles({ n: 96, seed: 1 }), { batchSize: 16, shuffle: true, seed: dataSeed });
  return { model, optimizer, train };
}

const RUNS = [{ init: 0, data: 7 }, { init: 1, data: 8 }];

/** Hands the event loop over between epochs, so that the two runs really alternate. */
const yieldEachEpoch = { onEpochEnd: () => new Promise<void>((resolve) => setTimeout(resolve, 1)) };

const trajectory = (records: EpochRecord[]) => records.map(({ epoch, trainLoss, metrics }) => ({ epoch, trainLoss, metrics }));

function options(run: ReturnType<typeof makeRun>, extra: Partial<FitOptions> = {}): FitOptions {
  return { ...run, epochs: EPOCHS, metrics: ['accuracy'], progress: 'none', callbacks: [yieldEachEpoch], ...extra };
}

/** Each run by itself, one after the other: what the interleaved runs must reproduce. */
async function soloRuns() {
  const results = [];
  for (const r of RUNS) {
    const run = makeRun(r.init, r.data);
    const history = await fit(run.model, options(run));
    results.push({ history: trajectory(history.epochs), params: parameterValues(run.model) });
  }
  return results;
}

test('two interleaved fit() runs each reproduce their solo run', async () => {
  const alone = await soloRuns();
  const order: string[] = [];
  const runs = RUNS.map((r) => makeRun(r.init, r.data));
  const histories = await Promise.all(runs.map((run, i) => fit(run.model, options(run, {
    callbacks: [{ onEpochEnd: (rec: EpochRecord) => void order.push(`${i}:${rec.epoch}`) }, yieldEachEpoch],
  }))));
  assert.equal(order.slice(0, 4), ['0:1', '1:1', '0:2', '1:2'], 'the runs alternate epoch by epoch');
  runs.forEach((run, i) => {
    assert.equal(trajectory(histories[i].epochs), alone[i].history, `run ${i}: losses and metrics`);
    assert.equal(parameterValues(run.model), alone[i].params, `run ${i}: final weights`);
  });
});

test('two interleaved runs stopped after 2 epochs and resumed interleaved end bit-identical to their solo runs', async () => {
  const dirs = RUNS.map(() => mkdtempSync(join(tmpdir(), 'tapegrad-concurrent-')));
  try {
    const alone = await soloRuns();
    const stopAtTwo = { onEpochEnd: (rec: EpochRecord) => (rec.epoch === 2 ? ('stop' as const) : undefined) };
    const first = RUNS.map((r) => makeRun(r.init, r.data));
    await Promise.all(first.map((run, i) => fit(run.model, options(run, { checkpointDir: dirs[i], callbacks: [yieldEachEpoch, stopAtTwo] }))));
    tg.manualSeed(4242); // the global generator elsewhere: it must not matter
    const fresh = RUNS.map((r) => makeRun(r.init + 50, r.data)); // other initial weights, overwritten by the resume
    const resumed = await Promise.all(fresh.map((run, i) => fit(run.model, options(run, { checkpointDir: dirs[i], resume: true }))));
    fresh.forEach((run, i) => {
      assert.equal(trajectory(resumed[i].epochs), alone[i].history, `run ${i}: losses and metrics`);
      assert.equal(parameterValues(run.model), alone[i].params, `run ${i}: final weights`);
    });
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

test('fit leaves the global generator where it was', async () => {
  const run = makeRun(0, 7);
  tg.manualSeed(3);
  const expected = Array.from(tg.rand([4]).data());
  tg.manualSeed(3);
  await fit(run.model, options(run, { epochs: 1 }));
  assert.equal(Array.from(tg.rand([4]).data()), expected);
});

test.run();
