// `tapegrad eval` and `plot` on files a user did not make: a missing path or a folder, a header
// nested 200,000 deep, and metadata asking for a model far larger than the file's weights each
// get a message naming the flag or function and the path, and no model is built first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { DATASET_SHAPES, DATASETS, loadDatasetPair, main, METADATA_KEY, parseRunInfo } from '../../models/cli/index.js';
import { captureIo } from './io.js';

const root = mkdtempSync(join(tmpdir(), 'tapegrad-untrusted-'));

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** A file from its header text and data bytes, by the specification. */
function fileOf(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

test('eval --checkpoint on a missing file or a folder says so, naming the flag and the path', async () => {
  const missing = await run('eval', '--checkpoint', join(root, 'missing-file'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /^tapegrad eval: --checkpoint .*missing-file: no such file \(expected a \.safetensors file written by tapegrad train\)/);
  assert.not.match(missing.err, /ENOENT/);
  const folder = join(root, 'a-run');
  mkdirSync(folder);
  writeFileSync(join(folder, 'model.safetensors'), '');
  const dir = await run('eval', '--checkpoint', folder);
  assert.is(dir.code, 1);
  assert.match(dir.err, /tapegrad eval: --checkpoint .*a-run is a directory, expected a \.safetensors file; did you mean --checkpoint .*a-run\/model\.safetensors\?/);
  assert.not.match(dir.err, /EISDIR/);
  const plot = await run('plot', '--checkpoint', join(root, 'missing-file'));
  assert.match(plot.err, /^tapegrad plot: --checkpoint .*missing-file: no such file/);
});

test('eval on a header nested 200,000 deep names loadSafetensors and the file', async () => {
  const path = join(root, 'deep.safetensors');
  writeFileSync(path, fileOf(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`));
  const r = await run('eval', '--checkpoint', path);
  assert.is(r.code, 1);
  assert.ok(r.err.includes(`tapegrad eval: loadSafetensors: ${path}: the header nests more than 8 levels`), r.err);
});

const runInfo = (fields: Record<string, unknown>) => ({
  format: 'tapegrad-run', version: 1, model: 'mlp', act: 'relu', dataset: 'circles', seed: 0, inputShape: [2], numClasses: 2,
  task: 'classification', loss: 'cross_entropy', metrics: ['accuracy'], optimizer: 'adam', lr: 0.001, batch: 32, epochs: 1, backend: 'cpu', ...fields,
});

test('metadata asking for a model larger than the file is refused before any model is built', async () => {
  // a tiny file (one 2×2 weight) whose run info asks for two hidden layers of 3,000
  const path = join(root, 'huge.safetensors');
  writeFileSync(path, tg.nn.encodeSafetensors({ '0.weight': tg.zeros([2, 2]) }, { [METADATA_KEY]: JSON.stringify(runInfo({ hidden: [3000, 3000] })) }));
  const before = tg.memory();
  const r = await run('eval', '--checkpoint', path);
  assert.is(r.code, 1);
  assert.match(r.err, /field 'hidden' \(\[3000,3000\]\) describes an MLP of at least 9,018,002 weights, but the file holds 4 numbers: .*no model was built/);
  assert.is(tg.memory().tensors, before.tensors, 'no tensor left behind');
  // absurd values are refused naming the field
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ hidden: [1e12] }, /field 'hidden' must be 1 to 64 widths, each an integer in \[1, 1048576\], got \[1000000000000\]/],
    [{ inputShape: [20000] }, /field 'inputShape' must be \[2\] \(the shape of circles\), got \[20000\]/],
    [{ numClasses: 1e9 }, /field 'numClasses' must be 2 for circles, got 1000000000/],
    [{ seed: -1 }, /field 'seed' must be an integer ≥ 0, got -1/],
    [{ model: 'constructor' }, /field 'model' must be one of mlp, /],
    [{ history: [{ epoch: 5 }] }, /field 'history\[0\]\.epoch' must be 1, got 5/],
  ];
  for (const [fields, expected] of cases) {
    writeFileSync(path, tg.nn.encodeSafetensors({ w: tg.zeros([1]) }, { [METADATA_KEY]: JSON.stringify(runInfo(fields)) }));
    const bad = await run('eval', '--checkpoint', path);
    assert.is(bad.code, 1);
    assert.match(bad.err, expected);
  }
});

test("DATASET_SHAPES is what each dataset gives a model", () => {
  for (const name of DATASETS.filter((d) => d !== 'mnist' && d !== 'fashion')) {
    const pair = loadDatasetPair(name, { seed: 0 });
    const shape = DATASET_SHAPES[name];
    assert.equal([pair.inputShape, pair.task, pair.numClasses, pair.outputs], [shape.inputShape, shape.task, shape.numClasses, shape.outputs], name);
  }
  assert.throws(() => parseRunInfo('x.json', '{"format":"other"}'), /x\.json does not describe a tapegrad run: field 'format' must be 'tapegrad-run', got "other"/);
});

test.run();
