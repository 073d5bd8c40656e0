import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface LoadResult {
  readonly ok: boolean;
  /** What went wrong (stderr of the child, trimmed), empty when ok. */
  readonly detail: string;
}

/**
 * Imports a bundle in a fresh `node` process (no tsx, no loaders: what Lambda does) with
 * exactly `env`, and checks it exports a `handler` function. Module init runs — config,
 * container, SDK clients — so a bundle that only fails at import time is caught here.
 * The child exits on its own once the check is done (a Redis client would otherwise keep it
 * alive); a child that hangs is killed through its own handle after `timeoutMs`.
 */
export const checkBundleLoads = (
  file: string,
  env: Readonly<Record<string, string>>,
  opts: { readonly timeoutMs?: number; readonly lazyFiles?: readonly string[] } = {},
): Promise<LoadResult> =>
  new Promise((resolve) => {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const script = [
      `const mod = await import(${JSON.stringify(pathToFileURL(file).href)});`,
      `if (typeof mod.handler !== 'function') { console.error('the bundle does not export a handler function'); process.exit(3); }`,
      // The chunks the bundle loads on first use (dynamic import) must load too, not only at that first use.
      ...(opts.lazyFiles ?? []).map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});`),
      `process.exit(0);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      // Only PATH from the parent: the check must not pass thanks to the developer's own AWS_* settings.
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n(timed out after ${timeoutMs} ms)`;
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, detail: code === 0 ? '' : readableError(stderr) || `exit code ${String(code)}` });
    });
  });

/**
 * Node prints the offending source line before an uncaught error — in a minified bundle, one
 * line of many kilobytes and a caret under it. Keep what a person reads: from the error line on.
 */
const readableError = (stderr: string): string => {
  const lines = stderr.split('\n').filter((l) => l.length <= 400 && !/^\s*\^\s*$/.test(l));
  const start = lines.findIndex((l) => /^\w*(Error|Exception)\b/.test(l));
  return (start >= 0 ? lines.slice(start) : lines).join('\n').trim();
};

/** Runs `task` over `items` with at most `limit` at a time (the machines have 2 cores). */
export const mapLimited = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
