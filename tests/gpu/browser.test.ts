// The gpu backend in a real browser: Debian's chromium, headless, driven through playwright-core,
// with software WebGL2 (SwiftShader). The page (examples/browser-parity) runs every kernel's
// parity case in gpu.js mode 'webgl2' against the CPU backend in the same page, 20 training steps
// of a small MLP, and a lost WebGL context. Without chromium or playwright-core the test says
// skipped and why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launchChromium, openPage, whyNoChromium } from '../web/chromium.js';

const RUNS = Number(process.env.TAPEGRAD_BROWSER_PARITY_RUNS ?? 3);
const skip = whyNoChromium();

if (skip !== null) {
  console.log(`skipped: browser tests: ${skip}`);
  test.skip(`gpu backend in chromium, mode webgl2 (skipped: ${skip})`, () => {});
} else {
  test('gpu backend in chromium, mode webgl2: parity of every kernel, 20 MLP steps, a lost context', async () => {
    const { serve } = await import('../../examples/browser-parity/serve.js');
    const { url, server } = await serve();
    const browser = await launchChromium();
    try {
      const { page, errors } = await openPage(browser.context, url, () => (globalThis as { tapegradReady?: boolean }).tapegradReady === true);
      const modes = await page.evaluate(() => (globalThis as any).tapegradModes() as Record<string, string | null>);
      assert.is(modes.webgl2, null, `webgl2 is not available in chromium: ${modes.webgl2}`);

      const parity = await page.evaluate((runs: number) => (globalThis as any).tapegradParity('webgl2', runs), RUNS);
      const failed = Object.entries(parity.results as Record<string, string>).filter(([, r]) => r !== 'ok');
      assert.equal(failed, [], `kernels that disagree with the CPU in chromium:\n${failed.map(([k, r]) => `${k}: ${r}`).join('\n')}`);
      // webgl2 really ran: the WebGL2 kernel class, on the device, no fallback
      assert.is(parity.info.mode, 'webgl2');
      assert.equal(Object.keys(parity.info.kernelClasses), ['WebGL2Kernel']);
      assert.is(parity.info.onDevice, true);
      assert.equal(parity.info.fallbacks, []);
      assert.match(String(parity.info.glVersion), 'WebGL 2');
      // the texel-aligned products ran the GLSL ES 3.00 texel matmul (core/gpu/matmul_texels.ts)
      assert.ok((parity.info.kernelRuns.mm4 ?? 0) >= RUNS, `texel matmul runs: ${JSON.stringify(parity.info.kernelRuns)}`);

      const train = await page.evaluate(() => (globalThis as any).tapegradTrain('webgl2', 20));
      assert.equal(Object.keys(train.info.kernelClasses), ['WebGL2Kernel']);
      assert.is(train.steadyCompiles, 0, 'a steady-state step compiled a kernel');
      assert.is(train.steadyReads, 0, 'a steady-state step read data back (the loss is read after it)');
      const settled = train.memory.slice(2);
      for (const m of settled) assert.equal(m, settled[0], 'live tensors and bytes stay flat');
      assert.ok(train.losses[19] < train.losses[0], `loss should fall: ${train.losses[0]} → ${train.losses[19]}`);

      const lost = await page.evaluate(() => (globalThis as any).tapegradLoseContext('webgl2'));
      assert.match(lost, /context of mode 'webgl2' was lost/);
      assert.equal(errors, []);
    } finally {
      await browser.close();
      server.close();
    }
  });
}

test.run();
