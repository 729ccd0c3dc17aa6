// Builds the playground into a folder: main.ts bundled by esbuild (tapegrad and gpu.js's
// browser build in one ES module, nothing fetched from a CDN), with index.html and style.css.
//   npx tsx examples/web/build.ts [outDir]      (default: a fresh folder under the OS temp dir)
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds into `outDir` (or a new temp folder) and returns the folder. */
export async function buildPlayground(outDir?: string): Promise<string> {
  const dir = outDir ? resolve(outDir) : await mkdtemp(join(tmpdir(), 'tapegrad-playground-'));
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: [join(here, 'main.ts')],
    outfile: join(dir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    // as examples/browser-parity: Node-only code paths are guarded at run time and never reached
    external: ['node:*', 'gl'],
  });
  await Promise.all(['index.html', 'style.css'].map((f) => copyFile(join(here, f), join(dir, f))));
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  void buildPlayground(process.argv[2]).then((dir) => console.log(`tapegrad playground built in ${dir}`));
}
