// Headless Debian chromium for the browser tests, through playwright-core, with software WebGL2
// (SwiftShader): the flags of tests/gpu/browser.test.ts, in one place so that every browser test
// can share them. playwright-core is typed locally (the suite must typecheck without it).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.TAPEGRAD_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

export interface ConsoleMessage { type(): string; text(): string }
export interface Page {
  on(event: 'pageerror', listener: (e: Error) => void): void;
  on(event: 'console', listener: (m: ConsoleMessage) => void): void;
  goto(url: string): Promise<unknown>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  waitForFunction(fn: () => boolean, arg: null, options: { timeout: number }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R, arg?: A): Promise<R>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  keyboard: { press(key: string): Promise<void> };
  close(): Promise<void>;
}
export interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: {
    launchPersistentContext(dir: string, options: { executablePath: string; headless: boolean; args: string[]; viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  };
}

/** Why the browser tests cannot run here, or null. Synchronous: uvu registers tests so. */
export function whyNoChromium(): string | null {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (a devDependency: npm ci)';
  }
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  return null;
}

/** Chromium with a fresh profile; close() also removes the profile. */
export async function launchChromium(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const name = 'playwright-core'; // a variable: TypeScript must not require the package
  const { chromium } = (await import(name)) as Playwright;
  const profile = await mkdtemp(join(tmpdir(), 'tapegrad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in the context's page and waits (up to a minute) until `ready` holds there; `errors`
 * collects the page's uncaught errors from the start.
 */
export async function openPage(context: BrowserContext, url: string, ready: () => boolean): Promise<{ page: Page; errors: string[] }> {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e: Error) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 60_000 });
  return { page, errors };
}
