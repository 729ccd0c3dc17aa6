// `npm install /path/to/clone` (issue 16.1): npm links a folder dependency without installing its
// dev dependencies, yet runs its prepare script, which builds dist with TypeScript and
// AssemblyScript. A copy of the repository's tracked files as a fresh clone has them (no
// node_modules, no dist) is installed into an empty project; prepare must install what it
// needs from package-lock.json and build, and the project then imports the package as ES module
// and as CommonJS (values written with process.stdout.write: console.log colours numbers when
// the test runner forces colour).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, node, npm, REPO } from './consumer.js';

const git = spawnSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' });

if (git.status !== 0) {
  const why = `git ls-files failed in ${REPO} (${git.stderr.trim() || git.error?.message}): the fresh-clone copy needs a git checkout`;
  console.log(`skipped: ${why}`);
  test.skip(`npm install <clone> builds and imports (skipped: ${why})`, () => {});
} else {
  test('npm install <clone>: prepare installs the build tools, builds dist, and the package imports as ESM and CommonJS', () => {
    const root = mkdtempSync(join(tmpdir(), 'tapegrad-clone-'));
    const clone = join(root, 'tapegrad');
    for (const file of git.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(REPO, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(REPO, file), join(clone, file));
    }
    assert.not.ok(existsSync(join(clone, 'node_modules')) || existsSync(join(clone, 'dist')), 'the copy is a bare checkout');
    const project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'clone-consumer', private: true }));
    const install = npm(['install', clone, '--omit=optional', '--no-audit', '--no-fund'], project);
    assert.is(install.status, 0, `npm install <clone> failed: ${describe(install)}`);
    assert.ok(existsSync(join(clone, 'dist', 'index.js')), 'prepare built dist');
    const esm = node(['--input-type=module', '-e', "import * as tg from 'tapegrad'; process.stdout.write(String(tg.tensor([1, 2, 3]).mul(2).sum().item()))"], project);
    assert.is(esm.stdout, '12', describe(esm));
    const cjs = node(['-e', "process.stdout.write(String(require('tapegrad').tensor([1, 2, 3]).sum().item()))"], project);
    assert.is(cjs.stdout, '6', describe(cjs));
  });
}

test.run();
