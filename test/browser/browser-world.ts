import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../src/entrypoints/local/runtime.js';
import { launchChromium, type RunningChromium } from '../support/chromium.js';

/** Screenshots land here (gitignored) so a human can look at what the tests saw. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts', import.meta.url));

/** Bound for any single wait on the page: generous (a 2-core machine running other suites), never a speed claim. */
const WAIT_MS = 15_000;

export interface BrowserWorld {
  readonly runtime: LocalRuntime;
  readonly chromium: RunningChromium;
  /** Calls the runtime's HTTP API as user `as` (a token from the development issuer); a non-2xx answer throws with the body. */
  api<T = unknown>(method: string, path: string, body: unknown, as: string): Promise<T>;
  /** A new browser "user" (own context: own sessionStorage, own socket) on `path`, named `userId` (1280×860 unless told). */
  open(
    path: string,
    userId: string,
    options?: { viewport?: { width: number; height: number }; initScript?: { path: string } },
  ): Promise<Page>;
  /**
   * Stops the runtime and starts a new one on the same port, as a developer restarting
   * `npm start` does: open pages keep their tabs, the new process has a new token issuer and
   * (in memory) no data.
   */
  restart(): Promise<void>;
  screenshot(page: Page, name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The local runtime (demo off, free port) and headless Chromium. Pages find the API on their own
 * origin, exactly as they do under `npm start`. `options` go to the runtime as `npm start` flags
 * would (e.g. `{ broadcaster: 'appsync-events' }`).
 */
export const startBrowserWorld = async (options: LocalRuntimeOptions = {}): Promise<BrowserWorld> => {
  const settings: LocalRuntimeOptions = { ...options, port: 0, progressIntervalMs: 0, logLevel: 'ERROR' };
  let runtime = await startLocalRuntime(settings);
  let chromium: RunningChromium;
  try {
    chromium = await launchChromium();
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const tokens = new Map<string, string>();
  // The same route the pages trade a name for a token on (config.js tokenUrl).
  const tokenFor = async (userId: string): Promise<string> => {
    const known = tokens.get(userId);
    if (known) return known;
    const response = await fetch(`${runtime.url}/api/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    if (response.status !== 201)
      throw new Error(`POST /api/dev/tokens answered ${response.status}: ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    tokens.set(userId, token);
    return token;
  };
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    get runtime() {
      return runtime;
    },
    chromium,
    async api<T>(method: string, path: string, body: unknown, as: string): Promise<T> {
      const response = await fetch(`${runtime.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokenFor(as)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async open(path: string, userId: string, options = {}): Promise<Page> {
      const context = await chromium.browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 } });
      contexts.push(context);
      // The page keeps the chosen name per tab in sessionStorage (web/shared/identity.ts).
      await context.addInitScript((name) => sessionStorage.setItem('stampede.userId', name), userId);
      if (options.initScript) await context.addInitScript(options.initScript);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      (page as Page & { errors: string[] }).errors = errors;
      await page.goto(`${runtime.url}${path}`);
      return page;
    },
    async screenshot(page: Page, name: string): Promise<string> {
      const file = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async restart() {
      const port = runtime.port;
      await runtime.stop();
      tokens.clear(); // signed by the stopped process's issuer
      runtime = await startLocalRuntime({ ...settings, port });
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await chromium.close();
      await runtime.stop();
    },
  };
};

/** Uncaught errors the page threw so far (a page that throws is broken even if it looks fine). */
export const pageErrors = (page: Page): readonly string[] => (page as Page & { errors?: string[] }).errors ?? [];

/** Waits until the locator's text equals `expected` (or matches it); the failure names what was there. */
export const waitForText = async (locator: Locator, expected: string | RegExp): Promise<void> => {
  const deadline = Date.now() + WAIT_MS;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '').trim() : null;
    if (last !== null && (typeof expected === 'string' ? last === expected : expected.test(last))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `expected ${String(locator)} to read ${String(expected)} within ${WAIT_MS} ms; it read ${JSON.stringify(last)}`,
  );
};
