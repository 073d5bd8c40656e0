import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * Runs exactly what `npm start` runs (`node --import tsx src/entrypoints/local/main.ts`), minus
 * npm's `prestart` dependency check, which could reinstall node_modules under other running tests.
 * One process, no wrapper: the signal reaches the runtime's own handler.
 */
const start = (args: string[]): ChildProcessWithoutNullStreams =>
  spawn(process.execPath, ['--import', 'tsx', 'src/entrypoints/local/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, STAMPEDE_LOG_LEVEL: 'ERROR' },
  });

const output = (child: ChildProcessWithoutNullStreams) => {
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
};

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  // Only the process this test started, by its own handle.
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start', () => {
  it('serves HTTP and WebSocket on a free loopback port, prints where, and stops on SIGTERM', async () => {
    child = start(['--port', '0', '--progress-interval-ms', '0']);
    const text = output(child);
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (!url) {
      url = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/health/.exec(text())?.[1];
      if (Date.now() > deadline) throw new Error(`no banner:\n${text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const wsUrl = /WebSocket\s+(ws:\/\/\S+)/.exec(text())?.[1] as string;
    expect(wsUrl).toBe(`${url.replace('http', 'ws')}/ws`);

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${url}/api/nope`)).status).toBe(404);

    const socket = new WebSocket(wsUrl);
    const joined = await new Promise<Record<string, unknown>>((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ action: 'join', channelId: 'smoke' })));
      socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
      socket.once('error', reject);
    });
    expect(joined).toMatchObject({ type: 'joined', channelId: 'smoke', shardNo: 0 });
    const closed = new Promise((r) => socket.once('close', r));

    const exit = exited(child);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await closed; // the server closed the viewer's connection on its way out
    expect(text()).toMatch(/SIGTERM: stopping/);
    // The memory backend says, at start and on the way out, that its state ends with the process.
    const warnings = text().match(/State\s+lives only in this process.*--backend emulators --data-dir DIR/g) ?? [];
    expect(warnings).toHaveLength(2);
  });

  it('refuses --data-dir on the memory backend in one line', async () => {
    child = start(['--port', '0', '--data-dir', '/tmp/stampede-never-created']);
    const text = output(child);
    expect(await exited(child)).toBe(2);
    expect(text()).toMatch(/--data-dir \/ STAMPEDE_DATA_DIR: .*use --backend emulators/);
  });

  it('refuses a bad setting, naming the flag and the variable', async () => {
    child = start(['--port', '0', '--shard-size', 'lots']);
    const text = output(child);
    expect(await exited(child)).toBe(2);
    expect(text()).toMatch(/--shard-size \/ STAMPEDE_SHARD_SIZE/);
  });
});
