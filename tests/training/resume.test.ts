// Resuming: a run stopped after 2 epochs and resumed by a fresh model, optimizer and scheduler
// (initialised differently, with the global RNG elsewhere) must retrace the uninterrupted run
// exactly: the same losses and metrics every epoch, and the same final weights, bit for bit.
// The checkpoint folder holds a valid pair of files per epoch, and damage to it is reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { fit, parseLoopState, type EpochRecord } from '../../models/training/index.js';
import { makeRun, parameterValues, rejection, withTempDir } from './helpers.js';

const EPOCHS = 4;
const RNG_SEED = 123;

/** What must agree between runs: everything but the timings. */
const trajectory = (records: EpochRecord[]) => records.map(({ epoch, trainLoss, testLoss, metrics, lr }) => ({ epoch, trainLoss, testLoss, metrics, lr }));

test('a resumed run is bit-identical to an uninterrupted one', withTempDir(async (dir) => {
  const whole = makeRun(0);
  tg.manualSeed(RNG_SEED);
  const expected = await fit(whole.model, { ...whole, epochs: EPOCHS, metrics: ['accuracy'], progress: 'none' });

  const first = makeRun(0);
  tg.manualSeed(RNG_SEED);
  const stopAtTwo = { onEpochEnd: (r: EpochRecord) => (r.epoch === 2 ? ('stop' as const) : undefined) };
  const partial = await fit(first.model, { ...first, epochs: EPOCHS, metrics: ['accuracy'], progress: 'none', checkpointDir: dir, callbacks: [stopAtTwo] });
  assert.is(partial.epochs.length, 2);

  const fresh = makeRun(99); // another initialisation, and the RNG moved elsewhere
  tg.manualSeed(7777);
  assert.not.equal(parameterValues(fresh.model), parameterValues(whole.model));
  const resumed = await fit(fresh.model, { ...fresh, epochs: EPOCHS, metrics: ['accuracy'], progress: 'none', checkpointDir: dir, resume: true });
  const nextDrawResumed = Array.from(tg.rand([4]).data());

  assert.is(resumed.epochs.length, EPOCHS);
  assert.equal(trajectory(resumed.epochs), trajectory(expected.epochs));
  assert.equal(parameterValues(fresh.model), parameterValues(whole.model));
  assert.equal(fresh.scheduler.getLastLr(), whole.scheduler.getLastLr());
  tg.manualSeed(7777);
  assert.equal(nextDrawResumed, Array.from(tg.rand([4]).data()), 'fit draws from its own generator (dropout, RReLU): the global one is untouched');
}));


test('each epoch leaves a safetensors checkpoint and a loop state, and latest.json names the newest', withTempDir(async (dir) => {
  const run = makeRun(0);
  const history = await fit(run.model, { ...run, epochs: 3, progress: 'none', checkpointDir: dir });
  for (const epoch of [1, 2, 3]) {
    const stem = join(dir, `epoch-000${epoch}`);
    const file = tg.nn.decodeSafetensors(readFileSync(`${stem}.safetensors`));
    assert.equal(Object.keys(file.tensors).filter((k) => !k.startsWith('optimizer.')).sort(), Object.keys(run.model.stateDict()).sort());
    assert.ok(Object.keys(file.tensors).some((k) => k.startsWith('optimizer.state.')), 'Adam state is saved');
    assert.is(file.metadata.epoch, String(epoch));
    const state = parseLoopState('test', `${stem}.json`, readFileSync(`${stem}.json`, 'utf8'));
    assert.is(state.epoch, epoch);
    assert.is(state.checkpoint, `epoch-000${epoch}.safetensors`);
    assert.equal(state.history, history.epochs.slice(0, epoch));
    assert.is(state.loaders.train, epoch);
    assert.is(state.seed, 7);
    assert.is(state.scheduler?.last_epoch, epoch);
    for (const t of Object.values(file.tensors)) t.dispose();
  }
  assert.is(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')).loopState, 'epoch-0003.json');
  assert.not.ok(existsSync(join(dir, 'epoch-0004.json')));
}));

test('resuming from a given loop-state file continues from that epoch', withTempDir(async (dir) => {
  const run = makeRun(0);
  const full = await fit(run.model, { ...run, epochs: 3, progress: 'none', checkpointDir: dir });
  const again = makeRun(5);
  const resumed = await fit(again.model, { ...again, epochs: 3, progress: 'none', resume: join(dir, 'epoch-0002.json') });
  assert.equal(trajectory(resumed.epochs), trajectory(full.epochs));
  assert.equal(parameterValues(again.model), parameterValues(run.model));
}));

test('a truncated checkpoint is reported with its path', withTempDir(async (dir) => {
  const run = makeRun(0);
  await fit(run.model, { ...run, epochs: 1, progress: 'none', checkpointDir: dir });
  const weights = join(dir, 'epoch-0001.safetensors');
  const bytes = readFileSync(weights);
  writeFileSync(weights, bytes.subarray(0, bytes.length - 100));
  const again = makeRun(1);
  const before = parameterValues(again.model);
  const error = await rejection(fit(again.model, { ...again, epochs: 2, progress: 'none', checkpointDir: dir, resume: true }));
  assert.ok(error.message.startsWith('fit: cannot resume from'), error.message);
  assert.ok(error.message.includes(weights), error.message);
  assert.equal(parameterValues(again.model), before, 'nothing was loaded');
}));

test('a damaged or mismatched loop state names the file and the field', withTempDir(async (dir) => {
  const run = makeRun(0);
  await fit(run.model, { ...run, epochs: 1, progress: 'none', checkpointDir: dir });
  const file = join(dir, 'epoch-0001.json');
  const good = readFileSync(file, 'utf8');
  const resume = async () => {
    const again = makeRun(1);
    return (await rejection(fit(again.model, { ...again, epochs: 2, progress: 'none', checkpointDir: dir, resume: true }))).message;
  };
  const edit = (change: (state: Record<string, any>) => void) => {
    const state = JSON.parse(good);
    change(state);
    writeFileSync(file, JSON.stringify(state));
  };

  writeFileSync(file, good.slice(0, good.length / 2));
  let message = await resume();
  assert.ok(message.includes(file) && message.includes('not valid JSON'), message);

  edit((s) => (s.rng.c = 'x'));
  message = await resume();
  assert.ok(message.includes(file) && message.includes("'rng'") && message.includes('.c'), message);

  edit((s) => (s.history = []));
  message = await resume();
  assert.ok(message.includes(file) && message.includes("field 'history'"), message);

  edit((s) => (s.version = 99));
  message = await resume();
  assert.ok(message.includes("field 'version'") && message.includes('99'), message);

  edit((s) => (s.seed = 8));
  message = await resume();
  assert.ok(message.includes("field 'seed'") && message.includes('8') && message.includes('7'), message);

  edit((s) => (s.scheduler = null));
  message = await resume();
  assert.ok(message.includes("field 'scheduler'"), message);
}));

test('resume without a checkpoint names the path it looked for', withTempDir(async (dir) => {
  const run = makeRun(0);
  let error = await rejection(fit(run.model, { ...run, epochs: 2, progress: 'none', checkpointDir: dir, resume: true }));
  assert.ok(error.message.includes('no checkpoint found') && error.message.includes(join(dir, 'latest.json')), error.message);
  error = await rejection(fit(run.model, { ...run, epochs: 2, progress: 'none', resume: join(dir, 'nope.json') }));
  assert.ok(error.message.includes(join(dir, 'nope.json')), error.message);
  error = await rejection(fit(run.model, { ...run, epochs: 2, progress: 'none', resume: true }));
  assert.ok(error.message.includes('checkpointDir'), error.message);
}));

test.run();
