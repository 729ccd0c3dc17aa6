// The published package, used the ways a user would (issue 16): the repository is packed (which
// builds dist through `prepare`), the tarball is installed into an empty project offline from
// npm's cache, and that project runs the README's tour as ES module and as CommonJS, type-checks
// .mts, .cts and bundler-mode files with strict tsc (no skipLibCheck, no @types at all), bundles
// for browsers with esbuild, and reaches tg.ode and tg.gode from the package entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, transformSync } from 'esbuild';
import * as source from '../../index.js';
import { describe, node, packAndInstall, REPO, type Consumer } from './consumer.js';
import { readmeTour } from './readme.js';
import { PUBLIC_FOLDERS, publishedPath, typeExports } from './surface.js';

const outcome = packAndInstall();

if (!outcome.ok) {
  console.log(`skipped: package install test: ${outcome.skipped}`);
  test.skip(`the packed tarball works in an empty project (skipped: ${outcome.skipped})`, () => {});
} else {
  defineTests(outcome.consumer);
}

function write(c: Consumer, file: string, text: string): string {
  writeFileSync(join(c.dir, file), text);
  return file;
}

/** The tour as JavaScript: TypeScript's annotations (x.grad!) stripped, the import kept. */
function tourJs(): string {
  return transformSync(readmeTour(), { loader: 'ts' }).code;
}

function runOk(c: Consumer, file: string): { stdout: string; stderr: string } {
  const r = node([file], c.dir);
  assert.is(r.status, 0, `node ${file} failed: ${describe(r)}`);
  return r;
}

function tsc(c: Consumer, config: string): string[] {
  const bin = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [bin, '-p', config, '--pretty', 'false'], { cwd: c.dir, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l));
}

// gpu.js's dependencies tapegrad's code never loads in a bundle, and Node-only gpu.js code
const NODE_ONLY_INPUTS = [/node_modules\/gl\//, /node_modules\/webgpu\//, /node_modules\/gpu\.js\/src\//];

function defineTests(c: Consumer): void {
  test('the tarball holds dist with types, LICENSE, README and package.json, and no maps to missing sources', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/models/cli/tapegrad.js']) {
      assert.ok(c.files.includes(f), `${f} is not in the tarball`);
    }
    const stray = c.files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f));
    assert.equal(stray, [], 'only dist/ and the three top-level files are published');
    const maps = c.files.filter((f) => f.endsWith('.map'));
    const sources = c.files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    assert.ok(maps.length === 0 || sources.length > 0, `${maps.length} source maps but no sources they point to`);
    const untyped = c.files.filter((f) => f.endsWith('.js') && !c.files.includes(f.replace(/\.js$/, '.d.ts')));
    assert.equal(untyped, [], 'every module has its declarations');
  });

  test('the install leaves out the optional headless-gl build (--omit=optional)', () => {
    assert.ok(existsSync(join(c.dir, 'node_modules', 'tapegrad', 'dist', 'index.js')));
    assert.ok(existsSync(join(c.dir, 'node_modules', 'gpu.js')));
    assert.not.ok(existsSync(join(c.dir, 'node_modules', 'gl')), `gl was installed by ${c.install}`);
  });

  test('the README tour runs as an ES module (.mjs) and as CommonJS (.cjs, require)', () => {
    const esm = runOk(c, write(c, 'tour.mjs', tourJs()));
    assert.is(esm.stderr, '', 'no warnings');
    assert.match(esm.stdout, /gradcheck passed/);
    const js = tourJs();
    assert.ok(js.includes('import * as tg from "tapegrad";'), 'the tour starts by importing tapegrad');
    const cjs = runOk(c, write(c, 'tour.cjs', js.replace('import * as tg from "tapegrad";', 'const tg = require("tapegrad");')));
    assert.is(cjs.stdout, esm.stdout, 'CommonJS prints what the ES module prints (the same seeded draws)');
  });

  test('tg.ode.odeint and tg.gode.NeuralGODE from the package entry, in ESM and CommonJS', () => {
    const body = `
const solution = tg.ode.odeint((t, y) => y.neg(), tg.tensor([1], { dtype: 'float64' }), [0, 1], { method: 'rk4', stepSize: 0.01 });
const model = new tg.gode.NeuralGODE({ dataset: 'mnist' });
console.log(JSON.stringify({ y1: solution.ys.data()[1], params: model.numParameters(), basis: typeof tg.BSplineBasis }));`;
    const expected = { params: 428042, basis: 'function' };
    for (const [file, head] of [['models.mjs', "import * as tg from 'tapegrad';"], ['models.cjs', "const tg = require('tapegrad');"]]) {
      const printed = JSON.parse(runOk(c, write(c, file, head + body)).stdout);
      assert.ok(Math.abs(printed.y1 - Math.exp(-1)) < 1e-9, `${file}: y(1) = ${printed.y1}, expected e^-1`);
      assert.equal({ params: printed.params, basis: printed.basis }, expected, file);
    }
  });

  test('the installed package exports exactly what index.ts exports', () => {
    // names only, and a namespace's names: under the test runner's require hook, index.ts is
    // compiled to CommonJS, so its objects are not module namespaces
    const NAMESPACES = ['nn', 'optim', 'data', 'zoo', 'plot', 'ode', 'gode'];
    const script = `import * as tg from 'tapegrad';
const shape = { top: Object.keys(tg).sort() };
for (const ns of ${JSON.stringify(NAMESPACES)}) shape[ns] = Object.keys(tg[ns]).sort();
console.log(JSON.stringify(shape));`;
    const installed = JSON.parse(runOk(c, write(c, 'exports.mjs', script)).stdout);
    const names = (o: object) => Object.keys(o).filter((k) => k !== '__esModule' && k !== 'default').sort();
    const expected: Record<string, string[]> = { top: names(source) };
    for (const ns of NAMESPACES) expected[ns] = names((source as unknown as Record<string, object>)[ns]);
    assert.equal(installed, expected);
  });

  test('strict tsc (no skipLibCheck, no @types/node) accepts the tour and the models as .mts, .cts and in bundler mode', () => {
    const tour = readmeTour();
    const models = `
const solve: typeof tg.ode.odeint = tg.ode.odeint;
const godeModel: InstanceType<typeof tg.gode.NeuralGODE> = new tg.gode.NeuralGODE();
const basis = new tg.BSplineBasis(1, 4, { T: 1, knots: 'paper' });
export { solve, godeModel, basis };
`;
    write(c, 'tour.mts', tour + models);
    write(c, 'tour.cts', tour + models);
    write(c, 'tour.ts', tour + models);
    // tsc's defaults otherwise (its default lib for ES2022 has the DOM's console and WebAssembly);
    // no `types`, so tsc would pick up any @types package, and there is none
    const strict = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022' };
    write(c, 'tsconfig.nodenext.json', JSON.stringify({ compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['tour.mts', 'tour.cts'] }));
    write(c, 'tsconfig.bundler.json', JSON.stringify({ compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler' }, files: ['tour.ts'] }));
    assert.not.ok(existsSync(join(c.dir, 'node_modules', '@types')), 'the project has no @types packages');
    assert.equal(tsc(c, 'tsconfig.nodenext.json'), [], 'module nodenext (.mts and .cts)');
    assert.equal(tsc(c, 'tsconfig.bundler.json'), [], 'moduleResolution bundler');
  });

  test('every public module folder\'s exported types are reachable from the package entry (strict tsc)', () => {
    const lines = ["import type * as tg from 'tapegrad';"];
    let n = 0;
    for (const folder of PUBLIC_FOLDERS) {
      for (const name of typeExports(folder.folder)) lines.push(`export type T${n++} = tg.${publishedPath(folder, name)}; // ${folder.folder}: ${name}`);
    }
    assert.ok(n > 20, `found only ${n} type exports`);
    write(c, 'surface.mts', lines.join('\n') + '\n');
    write(c, 'tsconfig.surface.json', JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'nodenext' }, files: ['surface.mts'] }));
    // TS2314 "generic type requires type arguments" means the type was found
    const missing = tsc(c, 'tsconfig.surface.json').filter((e) => !e.includes('error TS2314'));
    assert.equal(missing, []);
  });

  test('esbuild bundles `import * as tg from \'tapegrad\'` for the browser with no Node built-ins', async () => {
    write(c, 'browser.mjs', "import * as tg from 'tapegrad';\ndocument.title = String(tg.tensor([1, 2, 3]).mul(2).sum().item());\n");
    // platform 'browser' with nothing external: a static import of fs, path, worker_threads...
    // anywhere in the graph is a build error
    const result = await build({
      entryPoints: [join(c.dir, 'browser.mjs')], absWorkingDir: c.dir, bundle: true, platform: 'browser', format: 'esm',
      write: false, metafile: true, logLevel: 'silent', outfile: join(c.dir, 'bundle.js'),
    });
    assert.equal(result.errors, []);
    const inputs = Object.keys(result.metafile!.inputs);
    assert.ok(inputs.some((f) => f.includes('node_modules/tapegrad/dist/index.js')));
    assert.ok(inputs.some((f) => f.includes('node_modules/gpu.js/dist/gpu-browser')), "gpu.js's browser build is used");
    assert.equal(inputs.filter((f) => NODE_ONLY_INPUTS.some((p) => p.test(f))), []);
  });

  test('without the optional gl, headlessgl says how to install and build it', () => {
    const script = "import('tapegrad').then((tg) => console.log(JSON.stringify(tg.gpuModes())));";
    const modes = JSON.parse(runOk(c, write(c, 'modes.mjs', script)).stdout) as Record<string, string | null>;
    assert.is(modes.cpu, null, 'gpu.js cpu mode runs without gl');
    assert.match(String(modes.headlessgl), /npm install gl/);
    assert.match(String(modes.headlessgl), /node-gyp/);
    assert.match(String(modes.headlessgl), /apt-get install -y /);
  });

  test('the tapegrad executable (package.json bin) runs from the installed package', () => {
    const r = spawnSync(join(c.dir, 'node_modules', '.bin', 'tapegrad'), ['train', '--help'], { cwd: c.dir, encoding: 'utf8' });
    assert.is(r.status, 0, describe(r));
    assert.match(r.stdout, /--dataset/);
  });

  test('tapegrad itself unpacks to under 5 MB (gpu.js\'s dependencies are the install\'s weight)', () => {
    const size = (p: string): number => statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size;
    const own = size(join(c.dir, 'node_modules', 'tapegrad'));
    assert.ok(own < 5e6, `tapegrad unpacks to ${(own / 1e6).toFixed(1)} MB`);
  });
}

test.run();
