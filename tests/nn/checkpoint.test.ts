// Checkpoints: module and optimizer state through one safetensors file. A resumed run must take
// exactly the steps the original run would have taken; a refused load must change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

const { nn } = tg;
type Model = InstanceType<typeof nn.Sequential>;

function model(seed: number): Model {
  tg.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 5), new nn.BatchNorm1d(5), new nn.Tanh(), new nn.Linear(5, 2));
}

const x = tg.tensor([[0.1, -0.4, 1.2], [0.3, 0.9, -0.7], [-1.1, 0.2, 0.5], [0.6, -0.3, -0.2]]);
const target = tg.tensor([[1, 0], [0, 1], [1, 1], [0, 0]]);

function trainStep(m: Model, opt: InstanceType<typeof tg.optim.Adam> | InstanceType<typeof tg.optim.SGD>): void {
  tg.tidy(() => {
    opt.zeroGrad();
    tg.mseLoss(m.forward(x), target).backward();
    opt.step();
  });
}

const snapshot = (m: Model) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data())]));

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-checkpoint-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function rejection(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable('expected a rejection');
  return '';
}

test('a module-only checkpoint is a plain PyTorch state dict file', withDir(async (dir) => {
  const path = join(dir, 'model.safetensors');
  const a = model(1);
  await nn.saveCheckpoint(path, a, null, { metadata: { epoch: '3' } });
  const file = nn.decodeSafetensors(new Uint8Array(readFileSync(path)));
  assert.equal(Object.keys(file.tensors).sort(), Object.keys(a.stateDict()).sort());
  assert.equal({ ...file.metadata }, { format: 'pt', epoch: '3' });
  const b = model(2);
  const loaded = await nn.loadCheckpoint(path, b);
  assert.equal(loaded.metadata.epoch, '3');
  assert.equal(snapshot(b), snapshot(a));
}));

for (const kind of ['Adam', 'SGD'] as const) {
  test(`resuming from a checkpoint continues ${kind} exactly where it stopped`, withDir(async (dir) => {
    const make = (m: Model) => (kind === 'Adam' ? new tg.optim.Adam(m.parameters(), { lr: 0.01 }) : new tg.optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }));
    const path = join(dir, 'run.safetensors');
    const original = model(1);
    const opt = make(original);
    for (let i = 0; i < 3; i++) trainStep(original, opt);
    await nn.saveCheckpoint(path, original, opt);
    const file = nn.decodeSafetensors(new Uint8Array(readFileSync(path)));
    const stateKey = kind === 'Adam' ? 'optimizer.state.0.exp_avg' : 'optimizer.state.0.momentum_buffer';
    assert.ok(stateKey in file.tensors, `${stateKey} is stored as a tensor`);
    assert.ok(JSON.parse(file.metadata.optimizer).param_groups[0].lr > 0);

    const resumed = model(7);
    const resumedOpt = make(resumed);
    await nn.loadCheckpoint(path, resumed, resumedOpt);
    assert.equal(snapshot(resumed), snapshot(original));
    for (let i = 0; i < 2; i++) {
      trainStep(original, opt);
      trainStep(resumed, resumedOpt);
    }
    assert.equal(snapshot(resumed), snapshot(original));
  }));
}

test('asking for optimizer state from a file without it fails before anything changes', withDir(async (dir) => {
  const path = join(dir, 'model.safetensors');
  await nn.saveCheckpoint(path, model(1));
  const b = model(2);
  const before = snapshot(b);
  const message = await rejection(() => nn.loadCheckpoint(path, b, new tg.optim.SGD(b.parameters(), { lr: 0.1 })));
  assert.ok(message.includes('no optimizer state'), message);
  assert.equal(snapshot(b), before);
}));

test('if the optimizer refuses its state, the module is put back: nothing is half-loaded', withDir(async (dir) => {
  const path = join(dir, 'adam.safetensors');
  const a = model(1);
  const adam = new tg.optim.Adam(a.parameters(), { lr: 0.01 });
  trainStep(a, adam);
  await nn.saveCheckpoint(path, a, adam);
  const b = model(2);
  const before = snapshot(b);
  const sgd = new tg.optim.SGD(b.parameters(), { lr: 0.1 });
  const message = await rejection(() => nn.loadCheckpoint(path, b, sgd)); // Adam's exp_avg means nothing to SGD
  assert.ok(message.includes('SGD.loadStateDict'), message);
  assert.equal(snapshot(b), before);
}));

test('a checkpoint of another architecture is refused naming the keys, and loads nothing', withDir(async (dir) => {
  const path = join(dir, 'other.safetensors');
  await nn.saveCheckpoint(path, new nn.Sequential(new nn.Linear(3, 5), new nn.Linear(5, 2)));
  const b = model(2);
  const before = snapshot(b);
  const message = await rejection(() => nn.loadCheckpoint(path, b));
  for (const fragment of ["missing keys '1.running_mean'", "'3.weight'", "size mismatch for '1.weight'", 'the state dict has [2, 5], the module [5]', 'nothing was loaded']) {
    assert.ok(message.includes(fragment), `"${message}" does not mention ${fragment}`);
  }
  assert.equal(snapshot(b), before);
  const partial = await nn.loadCheckpoint(join(dir, 'other.safetensors'), new nn.Sequential(new nn.Linear(3, 5)), null, { strict: false });
  assert.equal(partial.unexpectedKeys.sort(), ['1.bias', '1.weight']);
}));

test('a corrupted checkpoint file is refused, naming the file', withDir(async (dir) => {
  const path = join(dir, 'cut.safetensors');
  await nn.saveCheckpoint(path, model(1));
  writeFileSync(path, readFileSync(path).subarray(0, 100));
  const message = await rejection(() => nn.loadCheckpoint(path, model(2)));
  assert.ok(message.includes('cut.safetensors'), message);
}));

test('saving and loading leaks no tensors', withDir(async (dir) => {
  const path = join(dir, 'leak.safetensors');
  const a = model(1);
  const opt = new tg.optim.Adam(a.parameters(), { lr: 0.01 });
  trainStep(a, opt);
  const before = tg.memory().tensors;
  await nn.saveCheckpoint(path, a, opt);
  await nn.loadCheckpoint(path, a, opt);
  assert.is(tg.memory().tensors, before);
}));

test('a module child named optimizer cannot be saved beside optimizer state', () => {
  class Odd extends nn.Module {
    optimizer = new nn.Linear(1, 1);
    forward(t: Tensor) {
      return t;
    }
  }
  const m = new Odd();
  let message = '';
  try {
    nn.packCheckpoint(m, new tg.optim.SGD(m.parameters(), { lr: 0.1 }));
  } catch (e) {
    message = (e as Error).message;
  }
  assert.ok(message.includes("'optimizer.weight'"), message);
});

/** An Adam checkpoint after one step, decoded, for editing and re-encoding. */
async function adamFile(dir: string) {
  const path = join(dir, 'adam.safetensors');
  const a = model(1);
  const adam = new tg.optim.Adam(a.parameters(), { lr: 0.01 });
  trainStep(a, adam);
  await nn.saveCheckpoint(path, a, adam);
  return nn.decodeSafetensors(new Uint8Array(readFileSync(path)));
}

/** Loads edited tensors and metadata into a fresh model and Adam; returns the message, checking nothing changed. */
async function refusal(dir: string, tensors: Record<string, Tensor>, metadata: Record<string, string>): Promise<string> {
  const path = join(dir, 'edited.safetensors');
  writeFileSync(path, nn.encodeSafetensors(tensors, metadata));
  const b = model(2);
  const before = snapshot(b);
  const adam = new tg.optim.Adam(b.parameters(), { lr: 0.01 });
  const message = await rejection(() => nn.loadCheckpoint(path, b, adam));
  assert.equal(snapshot(b), before, 'the module is unchanged');
  assert.is(adam.state.size, 0, 'the optimizer is unchanged');
  return message;
}

test("BatchNorm's num_batches_tracked is written as I64, as PyTorch writes it", withDir(async (dir) => {
  const path = join(dir, 'bn.safetensors');
  const a = model(1);
  const adam = new tg.optim.Adam(a.parameters(), { lr: 0.01 });
  for (let i = 0; i < 3; i++) trainStep(a, adam);
  await nn.saveCheckpoint(path, a, adam);
  const bytes = readFileSync(path);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
  assert.is(header['1.num_batches_tracked'].dtype, 'I64');
  assert.is(header['1.running_mean'].dtype, 'F32');
  assert.equal((await nn.readSafetensorsHeader(path)).entries.find((e) => e.name === '1.num_batches_tracked')?.dtype, 'I64');
  const b = model(2);
  await nn.loadCheckpoint(path, b);
  assert.equal(snapshot(b)['1.num_batches_tracked'], [3]);
}));

test('a checkpoint missing an optimizer buffer is refused naming the key; nothing loads', withDir(async (dir) => {
  const file = await adamFile(dir);
  const without = Object.assign(Object.create(null), file.tensors) as Record<string, Tensor>;
  delete without['optimizer.state.0.exp_avg'];
  const message = await refusal(dir, without, file.metadata);
  assert.ok(message.includes("'optimizer.state.0.exp_avg' is missing"), message);
  // also when the metadata's list of tensors is edited to match: the optimizer names the key
  const optimizer = JSON.parse(file.metadata.optimizer);
  optimizer.tensors['0'] = optimizer.tensors['0'].filter((n: string) => n !== 'exp_avg');
  const message2 = await refusal(dir, without, { ...file.metadata, optimizer: JSON.stringify(optimizer) });
  assert.ok(message2.includes("Adam.loadStateDict: state 0 lacks 'exp_avg'") && message2.includes('optimizer.state.0.exp_avg'), message2);
}));

test("'hasOwnProperty', 'constructor' and '__proto__' in the optimizer metadata are refused", withDir(async (dir) => {
  const file = await adamFile(dir);
  for (const key of ['hasOwnProperty', 'constructor', 'toString']) {
    const optimizer = JSON.parse(file.metadata.optimizer);
    optimizer.param_groups[0][key] = 1;
    const message = await refusal(dir, file.tensors, { ...file.metadata, optimizer: JSON.stringify(optimizer) });
    assert.ok(message.includes(`unknown hyperparameter '${key}'`), message);
  }
  const text = file.metadata.optimizer.replace('"state":{', '"state":{"__proto__":{"step":1},');
  const message = await refusal(dir, file.tensors, { ...file.metadata, optimizer: text });
  assert.ok(message.includes('key "__proto__", expected a parameter index'), message);
  const deep = `{"param_groups":[],"state":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  const message2 = await refusal(dir, file.tensors, { ...file.metadata, optimizer: deep });
  assert.ok(message2.includes("the 'optimizer' metadata nests more than 64 levels"), message2);
}));

test("a tensor named '__proto__' is a key like any other: refused as unexpected, never dropped", withDir(async (dir) => {
  const a = model(1);
  const tensors = Object.assign(Object.create(null), a.stateDict()) as Record<string, Tensor>;
  tensors.__proto__ = tg.zeros([1]);
  const path = join(dir, 'proto.safetensors');
  writeFileSync(path, nn.encodeSafetensors(tensors));
  const message = await rejection(() => nn.loadCheckpoint(path, model(2)));
  assert.ok(message.includes("unexpected key '__proto__'"), message);
  const loose = await nn.loadCheckpoint(path, model(2), null, { strict: false });
  assert.equal(loose.unexpectedKeys, ['__proto__']);
}));

test.run();
