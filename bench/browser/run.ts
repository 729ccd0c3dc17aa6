// Drives bench/browser/page.ts in Debian's chromium, headless, with software WebGL2 (SwiftShader):
// bundles the page with esbuild, serves it on 127.0.0.1, runs globalThis.tapegradBench and
// returns its rows. Throws with the reason when chromium or playwright-core is missing.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../../examples/browser-parity/serve.js';
import { launchChromium, whyNoChromium } from '../../tests/web/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface BrowserBenchResult {
  rows: { workload: string; ours: number; theirs: number; runs: number }[];
  notes: string[];
}

const HTML = '<!doctype html><meta charset="utf-8"><title>tapegrad gpu bench</title><script type="module" src="/bundle.js"></script>';

export async function runBrowserBench({ quick = false } = {}): Promise<BrowserBenchResult> {
  const why = whyNoChromium();
  if (why !== null) throw new Error(why);
  const script = await bundle(join(here, 'page.ts'));
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end(HTML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const browser = await launchChromium();
  const { context } = browser;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { tapegradBenchReady?: boolean }).tapegradBenchReady === true, null, { timeout: 60_000 });
    const result = (await page.evaluate((q: boolean) => (globalThis as any).tapegradBench(q), quick)) as BrowserBenchResult & { info: { mode: string } };
    if (result.info.mode !== 'webgl2') throw new Error(`gpu.js ran mode ${result.info.mode}, not webgl2`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { rows: result.rows, notes: result.notes };
  } finally {
    await browser.close();
    server.close();
  }
}
