// The tutorials (examples/tutorials, issue 17.4) run as a reader runs them — `tsx <file>` in a
// process of its own — and every check() in each file must print its ✓ line: a tutorial that
// stops early, throws, or skips a claim fails here. Each takes a few seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const DIR = resolve('examples/tutorials');
const run = (file: string) => spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
/** The claims a tutorial makes: its statements that start with check(. */
const claims = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => /^\s*check\(/.test(line)).length;

const tutorials = readdirSync(DIR).filter((f) => /^\d\d_.*\.ts$/.test(f)).sort();

test('the three tutorials are there, numbered', () => {
  assert.equal(tutorials.map((f) => f.slice(0, 2)), ['01', '02', '03']);
});

for (const file of tutorials) {
  test(`${file} runs and every one of its checks holds`, () => {
    const result = run(join(DIR, file));
    assert.is(result.status, 0, `${file} exited with ${result.status}:\n${result.stderr}`);
    const ticks = result.stdout.split('\n').filter((line) => line.startsWith('✓ '));
    const expected = claims(join(DIR, file));
    assert.ok(expected > 0, `${file} makes no check() claims`);
    assert.is(ticks.length, expected, `${file}: ${ticks.length} of ${expected} checks printed ✓\n${result.stdout}`);
    assert.not.match(result.stdout + result.stderr, /tutorial check failed/);
  });
}

test('tutorial 2 keeps to 40 lines and writes its plot outside the repository', () => {
  assert.ok(readFileSync(join(DIR, '02_your_own_activation.ts'), 'utf8').trimEnd().split('\n').length <= 40);
  const svg = join(tmpdir(), 'tapegrad-tutorials', '02_softclip.svg');
  assert.ok(existsSync(svg) && Date.now() - statSync(svg).mtimeMs < 120_000, `${svg} was not written by this run`);
  assert.match(readFileSync(svg, 'utf8'), /<svg[\s\S]*SoftClip 1[\s\S]*SoftClip 2/);
});

test('a failed claim stops a tutorial with a non-zero exit and names the claim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-tutorial-'));
  try {
    const file = join(dir, 'broken.ts');
    writeFileSync(file, `import { check } from ${JSON.stringify(join(DIR, 'check.ts'))};\ncheck('one holds', true);\ncheck('two is odd', 2 % 2 === 1);\ncheck('never reached', true);\n`);
    const result = run(file);
    assert.is.not(result.status, 0);
    assert.match(result.stdout, /✓ one holds/);
    assert.match(result.stderr, /tutorial check failed: two is odd/);
    assert.not.match(result.stdout, /never reached/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
