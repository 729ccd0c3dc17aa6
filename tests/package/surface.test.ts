// Everything a public module folder exports is reachable from the package entry (index.ts), where
// the README says: tg.nn.*, tg.optim.*, tg.data.*, tg.ode.*, tg.gode.*, tg.zoo.*, tg.plot.*, and
// the training loop and the gpu backend's functions at the top level — never through a deep
// import, which the package's "exports" blocks. Types are checked by package.test.ts (strict tsc
// against the installed package); here, the values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tg from '../../index.js';
import { readmeMemberPaths } from './readme.js';
import { PUBLIC_FOLDERS, publishedPath } from './surface.js';
// static imports: a dynamic import() under uvu's require hook would load a second copy
import * as nn from '../../nn/index.js';
import * as optim from '../../optim/index.js';
import * as data from '../../data/index.js';
import * as ode from '../../models/ode/index.js';
import * as gode from '../../models/gode/index.js';
import * as zoo from '../../models/zoo/index.js';
import * as plot from '../../models/plot/index.js';
import * as training from '../../models/training/index.js';
import * as gpu from '../../core/gpu/index.js';

const MODULES: Record<string, Record<string, unknown>> = {
  nn, optim, data, 'models/ode': ode, 'models/gode': gode, 'models/zoo': zoo, 'models/plot': plot, 'models/training': training, 'core/gpu': gpu,
};

function at(path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], tg);
}

for (const folder of PUBLIC_FOLDERS) {
  test(`${folder.folder}/index.ts: every export is tg.${folder.namespace === '' ? '' : `${folder.namespace}.`}…`, () => {
    const module = MODULES[folder.folder];
    assert.ok(module, `${folder.folder} is imported above`);
    const names = Object.keys(module);
    assert.ok(names.length > 0);
    const unreachable = names.filter((name) => at(publishedPath(folder, name)) !== module[name]);
    assert.equal(unreachable, [], `not published where the README says (${folder.namespace || 'top level'})`);
  });
}

// Folders with an index.ts that are not public modules, and why.
const NOT_PUBLIC: Record<string, string> = {
  'models/cli': 'the tapegrad executable (package.json "bin"); Node-only, kept out of the browser graph',
  'nn/pau_init': 'a part of nn: nn/index.ts re-exports what it documents',
  'core/wasm/assembly': 'AssemblyScript sources, compiled to WebAssembly',
};

test('every folder with an index.ts is a public module or says why not', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || ['node_modules', 'dist', 'tests', 'bench', 'examples'].includes(entry.name) || entry.name.startsWith('.')) continue;
      const sub = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (existsSync(join(root, sub, 'index.ts'))) found.push(sub);
      walk(sub);
    }
  };
  walk('');
  const listed = new Set([...PUBLIC_FOLDERS.map((f) => f.folder), ...Object.keys(NOT_PUBLIC)]);
  assert.equal(found.filter((f) => !listed.has(f)), []);
});

test('the mission\'s models: tg.ode (odeint, odeintAdjoint, methods), tg.gode (SplineConv2d, ConcatConv2d, ResNet, NeuralODE, NeuralGODE), tg.BSplineBasis', () => {
  for (const path of ['ode.odeint', 'ode.odeintAdjoint', 'gode.SplineConv2d', 'gode.ConcatConv2d', 'gode.ResNet', 'gode.NeuralODE', 'gode.NeuralGODE', 'BSplineBasis']) {
    assert.type(at(path), 'function', `tg.${path}`);
  }
  assert.ok(tg.ode.ODE_METHODS.includes('dopri5') && tg.ode.ODE_METHODS.includes('rk4'), 'the solver methods are listed');
});

test('every tg.<name> the README mentions exists', () => {
  const paths = readmeMemberPaths();
  assert.ok(paths.includes('nn.Linear') && paths.includes('gradcheck'), 'the README is read');
  assert.equal(paths.filter((p) => at(p) === undefined), []);
});

test.run();
