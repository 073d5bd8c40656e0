import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: the distribution's package, driven by playwright-core.
 * Never a browser download (the machines have no route to the browser CDNs): if the binary is
 * missing it is installed with apt-get when we can (root + apt-get), otherwise the suite FAILS
 * with the command to run. A browser test that skips would hide a missing page.
 */
export const CHROMIUM_PATH = process.env['STAMPEDE_CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

/** Chromium could not be found or installed; the message says what to run. */
export class ChromiumUnavailableError extends Error {
  override readonly name = 'ChromiumUnavailableError';
}

const run = (command: string, args: readonly string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    console.log(`[chromium] running: ${command} ${args.join(' ')}`);
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with code ${code}`)),
    );
  });

const hasAptGet = (): boolean => ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p));
const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

let installing: Promise<string> | null = null;

export interface EnsureChromiumOptions {
  /** Where the binary must be (default CHROMIUM_PATH). */
  readonly path?: string;
  /** Whether installing is allowed (default: running as root with apt-get present). */
  readonly canInstall?: boolean;
}

const ensureAt = async (path: string, canInstall: boolean): Promise<string> => {
  if (existsSync(path)) return path;
  if (!canInstall) {
    throw new ChromiumUnavailableError(
      `Chromium is not installed at ${path} and this process cannot install it (needs root and apt-get). ` +
        `Run as root: ${CHROMIUM_INSTALL_COMMAND}  (or point STAMPEDE_CHROMIUM_PATH at a Chromium binary)`,
    );
  }
  console.log(`[chromium] ${path} is missing; installing the distribution's chromium package (a minute or two, once)`);
  try {
    await run('apt-get', ['update']);
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  } catch (error) {
    throw new ChromiumUnavailableError(
      `installing Chromium failed: ${(error as Error).message}. Run as root: ${CHROMIUM_INSTALL_COMMAND}`,
      { cause: error },
    );
  }
  if (!existsSync(path)) {
    throw new ChromiumUnavailableError(
      `apt-get installed chromium but ${path} still does not exist. Run as root: ${CHROMIUM_INSTALL_COMMAND}`,
    );
  }
  console.log(`[chromium] installed ${path}`);
  return path;
};

/** The path of a Chromium binary, installing the `chromium` package first if it is missing. */
export const ensureChromium = (options: EnsureChromiumOptions = {}): Promise<string> => {
  const path = options.path ?? CHROMIUM_PATH;
  const canInstall = options.canInstall ?? (isRoot() && hasAptGet());
  if (options.path !== undefined || options.canInstall !== undefined) return ensureAt(path, canInstall);
  // One install per process, whatever the number of suites asking at once.
  installing ??= ensureAt(path, canInstall);
  // A failed attempt may be retried by a later caller (e.g. after the operator installed it).
  installing.catch(() => (installing = null));
  return installing;
};

export interface RunningChromium {
  readonly browser: Browser;
  /** Closes the browser (Playwright removes its throw-away profile). */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. The flags keep it off the network except for the pages under test
 * (no component updates, sync, background fetches or QUIC probes) and let it run as root in a
 * container (no sandbox, no GPU). The profile is fresh on every launch: `chromium.launch`
 * creates a temporary --user-data-dir itself and refuses one in `args` (a persistent context
 * would be the only way to pass ours, and it cannot give each simulated viewer its own
 * isolated context).
 */
export const launchChromium = async (): Promise<RunningChromium> => {
  const executablePath = await ensureChromium();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new ChromiumUnavailableError(
      `Chromium at ${executablePath} did not start: ${(error as Error).message}. If the package is broken, reinstall it as root: ${CHROMIUM_INSTALL_COMMAND}`,
      {
        cause: error,
      },
    );
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
};
