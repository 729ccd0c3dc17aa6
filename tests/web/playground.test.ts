// The browser playground (examples/web) in Debian's chromium, headless, with software WebGL2:
// 300 steps on nested circles with DEU, then with PAU, through the page's window.playground hook;
// the test accuracy, that the boundary and activation canvases are drawn, that gpu.js really ran
// in mode webgl2, and no console errors or warnings; then the layout at 400 px and the controls'
// labels and keyboard reach. Screenshots go to test-output/web/ (TAPEGRAD_TEST_OUTPUT moves it);
// TAPEGRAD_UPDATE_SCREENSHOT=1 also rewrites examples/web/screenshot.png (1280×800, after DEU).
// Without chromium or playwright-core the test says skipped and why.
import { mkdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { launchChromium, type Page, whyNoChromium } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = process.env.TAPEGRAD_TEST_OUTPUT ? join(process.env.TAPEGRAD_TEST_OUTPUT, 'web') : join(root, 'test-output', 'web');
const STEPS = 300;

interface State {
  step: number;
  loss: number;
  testAccuracy: number | null;
  mode: string;
  fellBack: boolean;
  kernelClasses: Record<string, number>;
  stepsPerSecond: number;
  ink: Record<string, number>;
}

// The page's trainer without a browser (CPU backend): the safetensors export round-trips and a
// session frees everything it made.
const trainer = suite('playground trainer (cpu)');

trainer('export decodes to the model\'s state dict; dispose frees every tensor', async () => {
  const tg = await import('../../index.js');
  const { Session, DEFAULT_CONFIG } = await import('../../examples/web/trainer.js');
  const before = tg.memory('cpu').tensors;
  for (const activation of ['deu', 'pau', 'maxout'] as const) {
    const s = new Session({ ...DEFAULT_CONFIG, activation, width: 4, depth: 2 });
    s.train(3);
    s.evaluate();
    s.field(8);
    const curves = s.activationCurves(Session.curveInputs(11));
    assert.is(curves.length, activation === 'maxout' ? 0 : 2);
    if (activation === 'deu') assert.is(curves[0].curves.length, 4, 'DEU: one curve per neuron');
    if (activation === 'pau') assert.is(curves[0].curves.length, 1, 'PAU: one curve per layer');
    const { tensors, metadata } = tg.nn.decodeSafetensors(s.exportSafetensors());
    const names = s.model.namedParameters().map(([n]) => n).sort();
    assert.equal(Object.keys(tensors).sort(), names);
    assert.is(metadata.activation, activation);
    assert.is(metadata.step, '3');
    for (const t of Object.values(tensors)) t.dispose();
    s.dispose();
  }
  assert.is(tg.memory('cpu').tensors, before, 'live tensors after dispose');
});

trainer.run();

const test = suite<{ page: Page; messages: string[]; close: () => Promise<void> }>('playground');
const skip = whyNoChromium();

if (skip !== null) {
  console.log(`skipped: browser playground: ${skip}`);
  test.skip(`playground in chromium (skipped: ${skip})`, () => {});
} else {
  test.before(async (ctx) => {
    await mkdir(OUT, { recursive: true });
    const { servePlayground } = await import('../../examples/web/serve.js');
    const { url, server, dir } = await servePlayground();
    const browser = await launchChromium({ width: 1280, height: 800 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    ctx.messages = [];
    page.on('pageerror', (e) => ctx.messages.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') ctx.messages.push(`console.${m.type()}: ${m.text()}`);
    });
    ctx.page = page;
    ctx.close = async () => {
      await browser.close();
      (server as Server).close();
      await rm(dir, { recursive: true, force: true });
    };
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { playground?: unknown }).playground !== undefined, null, { timeout: 60_000 });
  });

  test.after(async (ctx) => {
    await ctx.close?.();
  });

  for (const activation of ['deu', 'pau'] as const) {
    test(`${activation.toUpperCase()} on nested circles: ${STEPS} steps in webgl2, ≥ 95% test accuracy, plots drawn`, async ({ page, messages }) => {
      await page.evaluate((a: string) => (globalThis as any).playground.configure({ task: 'circles', activation: a, width: 8, depth: 1, optimizer: 'sgd', lr: 0.1, seed: 0 }), activation);
      const started = Date.now();
      const s = await page.evaluate((n: number) => (globalThis as any).playground.train(n) as Promise<State>, STEPS);
      const seconds = (Date.now() - started) / 1000;
      console.log(`  ${activation}: ${STEPS} steps in ${seconds.toFixed(1)} s (steady ${s.stepsPerSecond.toFixed(1)} steps/s), loss ${s.loss.toPrecision(3)}, test accuracy ${((s.testAccuracy ?? 0) * 100).toFixed(1)}%`);
      await page.screenshot({ path: join(OUT, `circles-${activation}.png`) });
      if (activation === 'deu' && process.env.TAPEGRAD_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: join(root, 'examples', 'web', 'screenshot.png') });
      assert.is(s.step, STEPS);
      assert.is(s.mode, 'webgl2', `gpu.js ran in mode ${s.mode}`);
      assert.is(s.fellBack, false, 'no kernel fell back');
      assert.equal(Object.keys(s.kernelClasses), ['WebGL2Kernel']);
      assert.ok((s.testAccuracy ?? 0) >= 0.95, `test accuracy ${s.testAccuracy} < 0.95`);
      const page2 = await page.evaluate(() => (document.getElementById('backend')?.textContent ?? ''));
      assert.match(page2, 'gpu.js mode: webgl2');
      assert.ok(s.ink.field > 0.1, `the boundary canvas is (nearly) blank: ${s.ink.field}`);
      assert.ok(s.ink.loss > 0.005, `the loss canvas is blank: ${s.ink.loss}`);
      const acts = Object.entries(s.ink).filter(([id]) => id.startsWith('activation-'));
      assert.is(acts.length, 1, 'one activation plot per hidden layer');
      for (const [id, ink] of acts) assert.ok(ink > 0.01, `${id} is blank: ${ink}`);
      assert.equal(messages, [], 'console errors or warnings');
    });
  }

  test('at 1280×800 and 400 px wide: no horizontal overflow; labelled, keyboard-reachable controls', async ({ page, messages }) => {
    await page.screenshot({ path: join(OUT, 'playground-1280x800.png') });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 1280, `page is ${wide} px wide at 1280`);

    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, button')].filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        return el.tagName === 'BUTTON' ? !(el.textContent ?? '').trim() : !labels || labels.length === 0;
      }).map((el) => el.id));
    assert.equal(unlabelled, [], 'controls without a label');

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    for (const id of ['task', 'activation', 'width', 'depth', 'optimizer', 'lr', 'seed', 'train', 'reset', 'export']) {
      assert.ok(reached.includes(id), `Tab does not reach #${id} (reached: ${reached.join(', ')})`);
    }
    // Enter on the focused Train button starts training; Pause (now enabled) stops it
    await page.evaluate(() => document.getElementById('train')?.focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.getElementById('pause') as HTMLButtonElement).disabled === false, null, { timeout: 10_000 });
    await page.evaluate(() => document.getElementById('pause')?.focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.getElementById('train') as HTMLButtonElement).disabled === false, null, { timeout: 30_000 });

    await page.setViewportSize({ width: 400, height: 800 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const narrow = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: join(OUT, 'playground-400px.png'), fullPage: true });
    assert.ok(narrow <= 400, `page is ${narrow} px wide at 400 (horizontal overflow)`);
    assert.equal(messages, [], 'console errors or warnings');
  });
}

test.run();
