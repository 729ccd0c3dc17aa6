// A package-lock.json for an empty project that depends only on the packed tarball, built from
// this repository's own lock file. With it, `npm ci --offline` installs the tarball and its
// runtime dependencies (gpu.js, ndarray and what they need) from npm's cache by integrity hash,
// without the registry metadata that `npm install <tarball>` would have to fetch to resolve
// version ranges — so the package test runs offline wherever `npm ci` has run once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
}

/** Node's lookup of `name` from the package at `from` (a lock path): nearest node_modules up. */
function resolveIn(entries: Record<string, LockEntry>, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (entries[candidate]) return candidate;
    if (dir === '') return null;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

/**
 * The lock file of a project named `project` whose only dependency is `tarball` (a file beside
 * the lock), with the packages the repository's lock resolves for the tarball's dependencies,
 * optional ones included (marked optional, so `--omit=optional` can leave them out).
 */
export function consumerLock(repoLockPath: string, manifest: Manifest, tarball: string, project: string): object {
  const lock = JSON.parse(readFileSync(repoLockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  const entries = lock.packages;
  const wanted = new Set<string>();
  const queue = Object.keys(manifest.dependencies ?? {}).map((name) => ({ from: '', name }));
  while (queue.length > 0) {
    const { from, name } = queue.pop()!;
    const path = resolveIn(entries, from, name);
    if (path === null) {
      if (from === '') throw new Error(`consumerLock: ${name} (a dependency of ${manifest.name}) is not in ${repoLockPath}`);
      continue; // an optional dependency for another platform, absent from the lock
    }
    if (wanted.has(path)) continue;
    wanted.add(path);
    const entry = entries[path];
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push({ from: path, name: dep });
  }
  const spec = `file:${basename(tarball)}`;
  const packages: Record<string, unknown> = {
    '': { name: project, dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const path of [...wanted].sort()) {
    // in the repository, a package both a devDependency and an optional one needs is devOptional
    const { dev: _dev, devOptional, ...entry } = entries[path];
    packages[path] = devOptional ? { ...entry, optional: true } : entry;
  }
  return { name: project, lockfileVersion: 3, requires: true, packages };
}
