// Node's built-in modules, fetched when a function needs them rather than imported at the top:
// index.ts re-exports data/, and a static `import 'node:fs'` would stop the package from
// bundling for browsers, where file loaders cannot work anyway (fetch the bytes and call parseIdx).
import { fail } from '../core/errors.js';

type Builtins = {
  'node:fs': typeof import('node:fs');
  'node:path': typeof import('node:path');
  'node:zlib': typeof import('node:zlib');
  'node:module': typeof import('node:module');
};

export function nodeModule<K extends keyof Builtins>(fn: string, name: K): Builtins[K] {
  const get = globalThis.process?.getBuiltinModule as ((id: string) => unknown) | undefined;
  if (typeof get !== 'function') {
    fail(fn, `needs Node.js ≥ 20.16 (for ${name}); in a browser, fetch the files and pass their bytes to parseIdx`);
  }
  return get(name) as Builtins[K];
}
