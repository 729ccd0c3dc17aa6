// The run folder of `tapegrad train` (models/cli/run_folder.ts) and the files a resume reads:
// a folder holding a run is never overwritten silently, a refused resume changes nothing,
// nothing is written through a link planted in the folder, pointers stay inside the folder, an
// unfinished metrics line or a killed save's temporary file is cleaned up, and a damaged
// checkpoint names the last good epoch to resume from. Tiny runs (64 points, hidden width 4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../models/cli/index.js';
import { readMetricsFile } from '../../models/training/index.js';
import { captureIo } from './io.js';

const root = mkdtempSync(join(tmpdir(), 'tapegrad-run-folder-'));
let count = 0;
const fresh = () => join(root, `run-${++count}`);

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const SETTINGS = ['--model', 'mlp', '--act', 'pau', '--dataset', 'circles', '--limit', '64', '--hidden', '4', '--batch', '32', '--progress', 'none'];
const train = (out: string, ...more: string[]) => run('train', ...SETTINGS, '--out', out, ...more);
const lines = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8');

test('train into a folder that holds a run refuses, naming --resume and --force, and changes nothing', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  const before = { metrics: lines(out), run: readFileSync(join(out, 'run.json'), 'utf8'), model: readFileSync(join(out, 'model.safetensors')) };
  const again = await train(out, '--epochs', '1', '--seed', '5');
  assert.is(again.code, 2, again.err);
  assert.match(again.err, /tapegrad train: --out .* already holds a run \(.*metrics\.jsonl.*\); add --resume to continue it, --force to delete its files and start over/);
  assert.is(lines(out), before.metrics, 'metrics.jsonl untouched');
  assert.is(readFileSync(join(out, 'run.json'), 'utf8'), before.run);
  assert.ok(readFileSync(join(out, 'model.safetensors')).equals(before.model), 'model.safetensors untouched');
  // an existing folder without a run in it is fine
  const other = fresh();
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'mine');
  assert.is((await train(other, '--epochs', '1')).code, 0);
  assert.is(readFileSync(join(other, 'notes.txt'), 'utf8'), 'mine');
});

test('--force deletes the old run’s files and starts afresh; it cannot be combined with --resume', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '2')).code, 0);
  writeFileSync(join(out, 'notes.txt'), 'mine');
  const forced = await train(out, '--epochs', '1', '--force');
  assert.is(forced.code, 0, forced.err);
  assert.equal((await readMetricsFile(join(out, 'metrics.jsonl'))).map((r) => r.epoch), [1]);
  assert.equal(lines(out).trim().split('\n').length, 1, 'a fresh metrics file, not appended to');
  assert.not.ok(existsSync(join(out, 'epoch-0002.safetensors')), "the old run's epoch 2 is gone");
  assert.is(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine', 'files train did not write are kept');
  const both = await train(out, '--epochs', '2', '--force', '--resume');
  assert.is(both.code, 2);
  assert.match(both.err, /--force starts a run afresh, --resume continues one/);
});

test('a refused --resume leaves run.json as it was; settings not given come from run.json', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  const before = readFileSync(join(out, 'run.json'), 'utf8');
  const wrong = await run('train', '--out', out, '--epochs', '2', '--resume', '--act', 'relu');
  assert.is(wrong.code, 2, wrong.err);
  assert.match(wrong.err, /--act relu differs from the run being resumed in .* \(pau\)/);
  assert.is(readFileSync(join(out, 'run.json'), 'utf8'), before, 'run.json untouched');
  // resuming without repeating the settings: they are the run's (a pau MLP, hidden 4, limit 64)
  const resumed = await run('train', '--out', out, '--epochs', '2', '--resume', '--progress', 'none');
  assert.is(resumed.code, 0, resumed.err);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal([info.act, info.hidden, info.limit, info.epochs], ['pau', [4], 64, 2]);
  assert.equal((await readMetricsFile(join(out, 'metrics.jsonl'))).map((r) => r.epoch), [1, 2]);
});

test('--resume into an empty or missing folder fails and leaves no run.json behind', async () => {
  const empty = fresh();
  mkdirSync(empty);
  const r = await train(empty, '--epochs', '1', '--resume');
  assert.is(r.code, 2);
  assert.match(r.err, /--resume found no run to continue in .* \(it has no run\.json\); drop --resume/);
  assert.equal(readdirSync(empty), []);
  const missing = fresh();
  assert.is((await train(missing, '--epochs', '1', '--resume')).code, 2);
  assert.not.ok(existsSync(missing), 'the folder is not created');
});

test('links planted in the run folder are never written through', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  const victim = join(root, `victim-${count}.txt`);
  writeFileSync(victim, 'precious\n');
  const metrics = lines(out);
  unlinkSync(join(out, 'metrics.jsonl'));
  symlinkSync(victim, join(out, 'metrics.jsonl'));
  const r = await train(out, '--epochs', '2', '--resume');
  assert.is(r.code, 1);
  assert.match(r.err, /metrics file .*metrics\.jsonl is a symbolic link/);
  assert.is(readFileSync(victim, 'utf8'), 'precious\n');
  // run.json as a link: the resume is refused before anything is read or written through it
  unlinkSync(join(out, 'metrics.jsonl'));
  writeFileSync(join(out, 'metrics.jsonl'), metrics);
  const runJson = readFileSync(join(out, 'run.json'), 'utf8');
  writeFileSync(victim, runJson);
  unlinkSync(join(out, 'run.json'));
  symlinkSync(victim, join(out, 'run.json'));
  const linked = await train(out, '--epochs', '2', '--resume');
  assert.is(linked.code, 2);
  assert.match(linked.err, /run\.json is not a regular file \(a link or a folder\)/);
  assert.is(readFileSync(victim, 'utf8'), runJson);
});

test('latest.json cannot send a resume outside the run folder', async () => {
  const outside = fresh();
  assert.is((await train(outside, '--epochs', '1')).code, 0);
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ epoch: 1, loopState: `../${outside.split('/').pop()}/epoch-0001.json` }));
  const r = await train(out, '--epochs', '2', '--resume');
  assert.is(r.code, 1);
  assert.match(r.err, /latest\.json: field 'loopState' must name a loop-state file in the same folder/);
  // nor can a loop state's checkpoint field
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ epoch: 1, loopState: 'epoch-0001.json' }));
  const state = JSON.parse(readFileSync(join(out, 'epoch-0001.json'), 'utf8'));
  writeFileSync(join(out, 'epoch-0001.json'), JSON.stringify({ ...state, checkpoint: join(outside, 'epoch-0001.safetensors') }));
  const r2 = await train(out, '--epochs', '2', '--resume');
  assert.is(r2.code, 1);
  assert.match(r2.err, /field 'checkpoint' must be the name of a file in the same folder/);
});

test('an unfinished last line of metrics.jsonl is cut off before the resumed run appends', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  appendFileSync(join(out, 'metrics.jsonl'), '{"epoch":2,"trainLoss":0.6'); // killed mid-write
  const r = await train(out, '--epochs', '2', '--resume');
  assert.is(r.code, 0, r.err);
  assert.equal((await readMetricsFile(join(out, 'metrics.jsonl'))).map((rec) => rec.epoch), [1, 2]);
  for (const line of lines(out).trim().split('\n')) JSON.parse(line); // every line whole
});

test('temporary files of a killed save are removed by the next run in the folder', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '1')).code, 0);
  // a pid above Linux's pid_max: that process is surely gone
  const stale = ['.epoch-0002.safetensors.999999999.k1ll3d.tmp', '.latest.json.999999999.abc.tmp'];
  for (const name of stale) writeFileSync(join(out, name), 'half a file');
  const r = await train(out, '--epochs', '2', '--resume');
  assert.is(r.code, 0, r.err);
  for (const name of stale) assert.not.ok(existsSync(join(out, name)), name);
});

test('a truncated checkpoint names the last good epoch and --resume-from continues from it', async () => {
  const out = fresh();
  assert.is((await train(out, '--epochs', '2')).code, 0);
  const cut = join(out, 'epoch-0002.safetensors');
  truncateSync(cut, readFileSync(cut).length - 10);
  const r = await train(out, '--epochs', '3', '--resume');
  assert.is(r.code, 1);
  const from = join(out, 'epoch-0001.json');
  assert.ok(r.err.includes(`the last complete checkpoint is epoch 1: resume from it with resume: '${from}' (tapegrad train --resume-from ${from})`), r.err);
  const resumed = await run('train', '--resume-from', from, '--epochs', '3', '--progress', 'none');
  assert.is(resumed.code, 0, resumed.err);
  assert.equal((await readMetricsFile(join(out, 'metrics.jsonl'))).map((rec) => rec.epoch), [1, 2, 3]);
  const elsewhere = await run('train', '--resume-from', from, '--out', fresh(), '--epochs', '3');
  assert.is(elsewhere.code, 2);
  assert.match(elsewhere.err, /--resume-from .* continues the run in .*, but --out is/);
});

test.run();
