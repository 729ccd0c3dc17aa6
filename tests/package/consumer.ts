// The package as a user receives it: `npm pack` of this repository (which runs `prepare`, the
// build), and the tarball installed into a fresh, empty project in the OS temp folder.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consumerLock } from './consumer_lock.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Consumer {
  /** The project folder; node_modules/tapegrad is the installed tarball. */
  dir: string;
  tarball: string;
  /** Paths inside the tarball, as `npm pack --json` lists them. */
  files: string[];
  /** How the tarball was installed (the npm command line). */
  install: string;
}

export type Outcome = { ok: true; consumer: Consumer } | { ok: false; skipped: string };

// npm's own variables from an enclosing `npm test` (npm_config_local_prefix, npm_package_*...)
// would make the inner npm act on this repository instead of the temporary project.
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle|config_local_prefix|config_prefix)/i.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

export function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
}

export function node(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
}

export function describe(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Errors that say the network or the cache lacks a package, not that the package is broken. */
const UNREACHABLE = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH/;

/** Packs the repository and installs the tarball into a new temporary project. */
export function packAndInstall(): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-consumer-'));
  if (npm(['--version'], dir).status !== 0) return { ok: false, skipped: 'npm is not on PATH (it ships with Node.js)' };

  const pack = npm(['pack', '--json', '--pack-destination', dir], REPO);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${describe(pack)}`);
  // lifecycle scripts (prepare → build) print to stdout before the JSON
  const json = pack.stdout.slice(pack.stdout.search(/^\[/m));
  const [packed] = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
  const tarball = join(dir, packed.filename);
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

  const project = 'tapegrad-consumer';
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: project, private: true, dependencies: { [manifest.name]: `file:${packed.filename}` } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(consumerLock(join(REPO, 'package-lock.json'), manifest, tarball, project), null, 2));
  // --omit=optional leaves out gpu.js's optional headless-gl (gl): building it with node-gyp takes
  // minutes and nothing here needs it (the gpu tests cover that mode in this repository).
  const common = ['--omit=optional', '--no-audit', '--no-fund'];
  const offline = ['ci', '--offline', ...common];
  let install = npm(offline, dir);
  let command = `npm ${offline.join(' ')}`;
  if (install.status !== 0 && UNREACHABLE.test(install.stderr)) {
    // npm's cache lacks a package (no `npm ci` here yet): let npm fetch what is missing
    const online = ['install', '--prefer-offline', ...common];
    install = npm(online, dir);
    command = `npm ${online.join(' ')}`;
    if (install.status !== 0 && UNREACHABLE.test(install.stderr)) {
      return { ok: false, skipped: `the tarball's dependencies are neither in npm's cache nor reachable from the registry (run \`npm ci\` once with network): ${install.stderr.split('\n').find((l) => UNREACHABLE.test(l))}` };
    }
  }
  if (install.status !== 0) throw new Error(`${command} of the packed tarball failed: ${describe(install)}`);
  return { ok: true, consumer: { dir, tarball, files: packed.files.map((f) => f.path), install: command } };
}
