// The README's tour must run as written: its code block is compiled and executed here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import * as tg from '../index.js';

test('the README tour runs and prints what it says', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const tour = readme.split('## A tour in 20 lines')[1].split('```ts')[1].split('```')[0];
  assert.ok(tour.split('\n').length <= 24, 'the tour should stay about 20 lines');
  const js = transformSync(tour.replace("import * as tg from 'tapegrad';", ''), { loader: 'ts' }).code;
  const printed: unknown[][] = [];
  const run = new Function('tg', 'console', js);
  run(tg, { log: (...args: unknown[]) => printed.push(args) });
  assert.is(printed.length, 3);
  assert.match(String(printed[1][0]), /^gradcheck passed/);
});

test.run();
