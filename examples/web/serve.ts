// `npm run demo`: builds the playground (build.ts) and serves it on 127.0.0.1, offline.
//   npm run demo                   (a free port; prints the URL; Ctrl-C stops it)
//   npm run demo -- --port 8080
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

// Cross-origin isolation (COOP + COEP): the page gets SharedArrayBuffer, so when it falls back to
// the CPU backend the float32 kernels load the `shared` WebAssembly variant and keep tensors in its
// memory (every kernel in WebAssembly) rather than the `plain` one (only matmul, by copies; see
// tests/web/cpu_backend.test.ts). The page loads nothing from another origin, so require-corp
// blocks nothing; every response carries the headers, the 404s included.
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Builds the page and serves its folder (cross-origin isolated); port 0 picks a free one. */
export async function servePlayground(port = 0): Promise<{ url: string; server: Server; dir: string }> {
  const dir = await buildPlayground();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = normalize(join(dir, path === '/' ? 'index.html' : decodeURIComponent(path)));
    if (!file.startsWith(dir + sep) || !TYPES[extname(file)]) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[extname(file)], 'Cache-Control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { url: `http://127.0.0.1:${actual}/`, server, dir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 0);
  servePlayground(port).then(
    ({ url, dir, server }) => {
      console.log(`tapegrad playground: ${url}   (Ctrl-C stops it)`);
      const stop = () => {
        server.close();
        rmSync(dir, { recursive: true, force: true }); // the build folder
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (e) => {
      console.error(`tapegrad playground: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
