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
import fc from 'fast-check';
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
  activationRanges: { range: [number, number]; offScale: number }[];
  warning: string | null;
}

// The page's trainer without a browser (CPU backend): the safetensors export round-trips and a
// session frees everything it made.
const trainer = suite('playground trainer (cpu)');

trainer('export decodes to the model\'s state dict; dispose frees every tensor', async () => {
  const tg = await import('../../index.js');
  const { Session, DEFAULT_CONFIG } = await import('../../examples/web/trainer.js');
  const before = tg.memory('cpu').tensors;
  for (const activation of ['deu', 'pau', 'maxout', 'prelu', 'apl', 'srelu', 'bspline', 'swish'] as const) {
    const s = new Session({ ...DEFAULT_CONFIG, activation, width: 4, depth: 2 });
    s.train(3);
    s.evaluate();
    s.field(8);
    const curves = s.activationCurves(Session.curveInputs(11));
    assert.is(curves.length, activation === 'maxout' ? 0 : 2);
    if (activation === 'deu') assert.is(curves[0].curves.length, 4, 'DEU: one curve per neuron');
    if (activation === 'pau' || activation === 'swish') assert.is(curves[0].curves.length, 1, `${activation}: one curve per layer`);
    if (activation === 'prelu' || activation === 'apl' || activation === 'srelu' || activation === 'bspline') assert.is(curves[0].curves.length, 4, `${activation}: one curve per neuron`);
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

trainer('loss axis: log ticks with short plain labels, 2 to 6 of them, inside the range', async () => {
  const { logTicks, lossLabel, stepTicks } = await import('../../examples/web/plots.js');
  fc.assert(fc.property(fc.double({ min: -8, max: 5, noNaN: true }), fc.double({ min: 0.4, max: 12, noNaN: true }), (lo, span) => {
    const ticks = logTicks(lo, lo + span);
    assert.ok(ticks.length >= 2 && ticks.length <= 6, `${ticks.length} ticks on [${lo}, ${lo + span}]`);
    for (const t of ticks) assert.ok(Math.log10(t) >= lo - 1e-9 && Math.log10(t) <= lo + span + 1e-9, `${t} outside`);
    for (const label of ticks.map(lossLabel)) assert.ok(label.length <= 5 && !label.includes('+'), `label ${label}`);
  }), { numRuns: 300, seed: 1 });
  assert.equal(logTicks(-4.2, 2.7).map(lossLabel), ['1e-4', '0.01', '1', '100']);
  assert.equal(logTicks(-1.3, 0.2).map(lossLabel), ['0.1', '0.2', '0.5', '1']);
  assert.equal(stepTicks(300), [0, 100, 200, 300]);
  assert.equal(stepTicks(7), [0, 2, 4, 6]);
});

trainer('activation panel range follows the curves; one exploding neuron does not set it', async () => {
  const { activationRange } = await import('../../examples/web/plots.js');
  const t = Array.from({ length: 61 }, (_, i) => -3 + i / 10);
  const tame = [0.5, 1, 1.5, 0.2, 0.8, 1.2, 0.7].map((s) => Float32Array.from(t, (v) => Math.max(v, 0) * s));
  const wild = Float32Array.from(t, (v) => Math.exp(2.3 * v));
  const calm = activationRange(tame);
  assert.equal(calm.offScale, 0);
  assert.ok(calm.range[0] <= 0 && calm.range[0] > -0.5 && calm.range[1] >= 4.5 && calm.range[1] < 5.5, `range ${calm.range}`);
  const { range, offScale } = activationRange([...tame, wild]);
  assert.equal(offScale, 1);
  assert.equal(range, calm.range);
  // a single curve, however large, is the data: its range is followed
  const alone = activationRange([wild]);
  assert.ok(alone.range[1] > 900 && alone.offScale === 0, `${alone.range}`);
});

trainer('the learning-rate guard: spikes and divergence are found, recovery noticed, noise ignored', async () => {
  const { findLossAlarm, describeAlarm } = await import('../../examples/web/loss_watch.js');
  const steps = [10, 20, 30, 40, 50, 60];
  assert.is(findLossAlarm(steps, [0.7, 0.5, 0.6, 0.3, 0.35, 0.2]), null, 'ordinary noise');
  assert.is(findLossAlarm(steps, [0.7, 1e-4, 2e-3, 1e-4, 5e-5, 1e-5]), null, 'tiny in absolute terms');
  const spike = findLossAlarm(steps, [0.7, 0.4, 480, 30, 0.5, 0.3])!;
  assert.equal(spike, { kind: 'spike', step: 30, best: 0.4, loss: 480, recoveredAt: 60, spikes: 1 });
  assert.match(describeAlarm(spike, 0.1), /^Loss spike at step 30: 0.4 → 480. It recovered by step 60; if spikes come back, try a learning rate of 0.033 instead of 0.1.$/);
  const again = findLossAlarm([...steps, 70, 80, 90], [0.7, 0.4, 480, 30, 0.5, 0.3, 9, 0.2, 0.1])!;
  assert.equal(again, { kind: 'spike', step: 70, best: 0.3, loss: 9, recoveredAt: 80, spikes: 2 }, 'a later jump is a new spike');
  assert.match(describeAlarm(again, 0.1), /^2 loss spikes; the latest at step 70: 0.3 → 9. The learning rate 0.1 is likely too high: try 0.033.$/);
  const lasting = findLossAlarm(steps, [0.7, 0.4, 480, 30, 5, 3])!;
  assert.is(lasting.recoveredAt, null);
  assert.match(describeAlarm(lasting, 0.1), /The learning rate 0.1 may be too high; if training does not recover, try 0.033/);
  const nan = findLossAlarm(steps, [0.7, 0.4, NaN])!;
  assert.is(nan.kind, 'diverged');
  assert.match(describeAlarm(nan, 3), /The loss became NaN at step 30, so training stopped. The learning rate 3 is too high/);
  // a real run: plain ReLU with SGD at lr 30 spikes
  const { Session, DEFAULT_CONFIG } = await import('../../examples/web/trainer.js');
  const s = new Session({ ...DEFAULT_CONFIG, activation: 'relu', lr: 30 });
  const history = { steps: [] as number[], losses: [] as number[] };
  for (let i = 0; i < 30; i++) {
    history.losses.push(s.train(2));
    history.steps.push(s.step);
  }
  s.dispose();
  assert.ok(findLossAlarm(history.steps, history.losses) !== null, `no alarm for ${history.losses.map((l) => l.toPrecision(2))}`);
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

  // softclip: tutorial 2's SoftClip, a student's customOp plugged in through examples/web/your_activations.ts
  for (const activation of ['prelu', 'apl', 'srelu', 'bspline', 'swish', 'softclip'] as const) {
    test(`${activation} trains in webgl2 (60 steps, no fallback), one activation curve per ${activation === 'swish' ? 'layer' : 'neuron'}`, async ({ page, messages }) => {
      await page.evaluate((a: string) => (globalThis as any).playground.configure({ task: 'circles', activation: a, width: 6, depth: 2, optimizer: 'adam', lr: 0.02, seed: 0 }), activation);
      const s = await page.evaluate(() => (globalThis as any).playground.train(60) as Promise<State>);
      await page.screenshot({ path: join(OUT, `circles-${activation}.png`) });
      assert.is(s.mode, 'webgl2');
      assert.is(s.fellBack, false, 'no kernel fell back');
      assert.ok(Number.isFinite(s.loss) && s.loss < 0.7, `loss ${s.loss}`);
      assert.is(s.activationRanges.length, 2, 'one panel per hidden layer');
      for (const [id, ink] of Object.entries(s.ink).filter(([k]) => k.startsWith('activation-'))) assert.ok(ink > 0.01, `${id} is blank: ${ink}`);
      assert.equal(messages, [], 'console errors or warnings');
    });
  }

  test('a loss spike shows the learning-rate warning; NaN stops training', async ({ page, messages }) => {
    await page.evaluate(() => (globalThis as any).playground.configure({ task: 'circles', activation: 'relu', width: 8, depth: 1, optimizer: 'sgd', lr: 30, seed: 0 }));
    const s = await page.evaluate(() => (globalThis as any).playground.train(120) as Promise<State>);
    await page.screenshot({ path: join(OUT, 'loss-spike-warning.png') });
    assert.match(s.warning ?? '', /(Loss spike|\d+ loss spikes; the latest) at step \d+: .*try (a learning rate of )?10\b/);
    assert.is(await page.evaluate(() => (document.getElementById('loss-warning') as HTMLElement).hidden), false, 'the warning is visible');
    const reset = await page.evaluate(() => (globalThis as any).playground.configure({ lr: 0.1 }) as State);
    assert.is(reset.warning, null, 'a new model clears it');
    assert.equal(messages, [], 'console errors or warnings');
  });

  test('dropdowns show their longest option in full, at 1280 px and at 400 px', async ({ page }) => {
    const cut = () => page.evaluate(() => {
      const ctx = document.createElement('canvas').getContext('2d')!;
      return [...document.querySelectorAll('select')].flatMap((select) => {
        const style = getComputedStyle(select);
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        // the text box: the width minus padding, border and the arrow (about 20 px in chromium)
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        return [...select.options].filter((o) => ctx.measureText(o.text).width > room).map((o) => `#${select.id}: "${o.text}" needs ${Math.ceil(ctx.measureText(o.text).width)} px, has ${Math.floor(room)}`);
      });
    });
    assert.equal(await cut(), [], 'truncated options at 1280 px');
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      assert.equal(await cut(), [], 'truncated options at 400 px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

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
