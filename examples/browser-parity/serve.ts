// Builds the page's bundle with esbuild and serves the page on 127.0.0.1 (a free port), with the
// COOP/COEP headers that make it cross-origin isolated. Run it by hand to open the page:
//   npx tsx examples/browser-parity/serve.ts      (prints the URL; Ctrl-C stops it)
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** A page's script as one ES module (by default this page's: tapegrad, gpu.js's browser build, the parity cases). */
export async function bundle(entry = join(here, 'page.ts')): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // Node-only code paths are guarded at run time; these modules are never reached in a page
    external: ['node:*', 'gl'],
  });
  return result.outputFiles[0].text;
}

/** Serves a page (by default this one) on 127.0.0.1 at a free port: `html` at /, `entry`'s bundle at /bundle.js. */
export async function serve(entry?: string, page?: string): Promise<{ url: string; server: Server }> {
  const script = await bundle(entry);
  const html = page ?? (await readFile(join(here, 'index.html'), 'utf8'));
  const server = createServer((req, res) => {
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    else if (req.url === '/bundle.js') res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(404, headers).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void serve().then(({ url }) => console.log(`tapegrad browser parity page: ${url}`));
}
