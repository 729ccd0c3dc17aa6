// Drives bench/browser/page.ts in Debian's chromium, headless, with software WebGL2 (SwiftShader):
// bundles and serves the page on 127.0.0.1 (examples/browser-parity/serve.ts), runs globalThis.tapegradBench and
// returns its rows. Throws with the reason when chromium or playwright-core is missing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../examples/browser-parity/serve.js';
import { launchChromium, openPage, whyNoChromium } from '../../tests/web/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface BrowserBenchResult {
  rows: { workload: string; ours: number; theirs: number; runs: number }[];
  notes: string[];
}

const HTML = '<!doctype html><meta charset="utf-8"><title>tapegrad gpu bench</title><script type="module" src="/bundle.js"></script>';

export async function runBrowserBench({ quick = false } = {}): Promise<BrowserBenchResult> {
  const why = whyNoChromium();
  if (why !== null) throw new Error(why);
  const { url, server } = await serve(join(here, 'page.ts'), HTML);
  const browser = await launchChromium();
  try {
    const { page, errors } = await openPage(browser.context, url, () => (globalThis as { tapegradBenchReady?: boolean }).tapegradBenchReady === true);
    const result = (await page.evaluate((q: boolean) => (globalThis as any).tapegradBench(q), quick)) as BrowserBenchResult & { info: { mode: string } };
    if (result.info.mode !== 'webgl2') throw new Error(`gpu.js ran mode ${result.info.mode}, not webgl2`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { rows: result.rows, notes: result.notes };
  } finally {
    await browser.close();
    server.close();
  }
}
