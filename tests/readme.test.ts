// The README's commands must do what it says: its tour is compiled and executed here, and its
// first CLI command trains to the accuracy a reader would call working. (tests/package runs the
// tour again against the packed, installed package, as ESM and as CommonJS.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import * as tg from '../index.js';
import { main } from '../models/cli/index.js';
import { captureIo } from './cli/io.js';
import { readme, readmeTour } from './package/readme.js';

test('the README tour runs and prints what it says', async () => {
  const tour = readmeTour();
  assert.ok(tour.split('\n').length <= 24, 'the tour should stay about 20 lines');
  const js = transformSync(tour.replace("import * as tg from 'tapegrad';", ''), { loader: 'ts' }).code;
  const printed: unknown[][] = [];
  const run = new Function('tg', 'console', js);
  run(tg, { log: (...args: unknown[]) => printed.push(args) });
  assert.is(printed.length, 3);
  assert.match(String(printed[1][0]), /^gradcheck passed/);
});

test('the README\'s first CLI command trains to at least 95 % test accuracy', async () => {
  const first = /npm run tapegrad -- (train [^`\n]*)/.exec(readme());
  assert.ok(first, 'the README shows a train command');
  const argv = first![1].replace(/\s+#.*$/, '').trim().split(/\s+/);
  assert.not.ok(argv.includes('--out'), 'the first command uses the default run folder (runs/, git-ignored)');
  const io = captureIo();
  const out = join(mkdtempSync(join(tmpdir(), 'tapegrad-readme-')), 'run');
  const code = await main([...argv, '--out', out, '--progress', 'none'], io);
  assert.is(code, 0, io.err());
  const accuracy = /test accuracy ([\d.]+)%/.exec(io.out());
  assert.ok(accuracy, io.out());
  assert.ok(Number(accuracy![1]) >= 95, `\`${first![1]}\` reached ${accuracy![1]} %`);
});

test.run();
