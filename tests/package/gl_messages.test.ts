// A headless-gl mode that cannot run says what to install and how (issue 16): the X server to
// run under (xvfb-run -a) and the packages and node-gyp step that build the optional `gl`.
// The package test checks the third case, `gl` not installed at all, in a fresh install.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './consumer.js';

/** gpuModes().headlessgl in a fresh Node process with `env` (no X display, say). */
function headlessGlReason(env: NodeJS.ProcessEnv): string | null {
  const script = "import { gpuModes } from './core/gpu/index.ts'; console.log(JSON.stringify(gpuModes().headlessgl));";
  const r = spawnSync(join(REPO, 'node_modules', '.bin', 'tsx'), ['-e', script], { cwd: REPO, env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string | null;
}

test('without an X display, headlessgl names xvfb-run -a and the packages (or, unbuilt, the node-gyp step)', () => {
  const { DISPLAY: _display, ...env } = process.env;
  const reason = headlessGlReason(env);
  assert.ok(reason !== null, 'headlessgl cannot run without a display');
  assert.match(reason!, /apt-get install -y /);
  if (/not built/.test(reason!)) assert.match(reason!, /cd node_modules\/gl && npx node-gyp rebuild/);
  else assert.match(reason!, /xvfb-run -a/);
});

test.run();
