import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES } from '../../../src/domain/live-feed/close-codes.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { sendThenReset, rawStatus, upgradeRequest } from '../../support/raw-http.js';

interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** The runtime's structured log lines written to stdout while `run` runs. */
const captureLogs = async (run: () => Promise<void>): Promise<LogLine[]> => {
  const lines: LogLine[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const text of String(chunk).split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        // Not one of ours.
      }
    }
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
};

/** Opens a socket and waits for the handshake's outcome: open, or the HTTP status it was refused with. */
const handshake = (url: string): Promise<{ socket: WebSocket; status: number | null }> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve({ socket, status: null }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ socket, status: response.statusCode ?? 0 });
      response.resume();
    });
    socket.once('error', () => resolve({ socket, status: -1 }));
  });

describe('WebSocket input edges of the local runtime', () => {
  let runtime: LocalRuntime;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, extensions: [], progressIntervalMs: 0, logLevel: 'INFO' });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.terminate();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers an upgrade to a target no URL can hold (`//`) with 404, and keeps serving (it used to throw)', async () => {
    expect(await rawStatus(runtime.port, upgradeRequest('//'))).toBe(404);
    expect(await rawStatus(runtime.port, upgradeRequest('//[/ws'))).toBe(404);
    const { socket, status } = await handshake(`ws://127.0.0.1:${runtime.port}/ws`);
    sockets.push(socket);
    expect(status).toBe(null);
  });

  it('keeps serving while clients reset their connections in the middle of the handshake (it used to crash)', async () => {
    const { token } = await runtime.devTokens.issue('resetter');
    await sendThenReset(runtime.port, upgradeRequest(`/ws?token=${token}`));
    const { socket, status } = await handshake(runtime.wsUrl);
    sockets.push(socket);
    expect(status).toBe(null);
  });

  it('answers a message over 128 KiB with a PAYLOAD_TOO_LARGE error frame, then closes with 1009', async () => {
    const { socket } = await handshake(runtime.wsUrl);
    sockets.push(socket);
    const frames: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const logs = await captureLogs(async () => {
      socket.send(JSON.stringify({ action: 'chat', text: 'x'.repeat(129 * 1024) }));
      expect(await closed).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
    });
    expect(frames).toEqual([expect.objectContaining({ type: 'error', code: 'PAYLOAD_TOO_LARGE', field: 'frame' })]);
    // The client's fault, not ours: nothing at ERROR.
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([]);
  });

  it('keeps a connection open after a frame under 128 KiB but over the 32 KiB frame limit: an error frame only', async () => {
    const { socket } = await handshake(runtime.wsUrl);
    sockets.push(socket);
    const answer = new Promise<Record<string, unknown>>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
    );
    socket.send(JSON.stringify({ action: 'chat', text: 'x'.repeat(40 * 1024) }));
    expect(await answer).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    socket.send(JSON.stringify({ action: 'join', channelId: 'still-open' }));
    const next = await new Promise<Record<string, unknown>>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
    );
    expect(next).toMatchObject({ type: 'joined', channelId: 'still-open' });
  });

  it('logs refused handshakes (malformed, forged, expired tokens) at INFO without a stack trace, never at ERROR', async () => {
    const { token } = await runtime.devTokens.issue('alice');
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const { token: expired } = await runtime.devTokens.issue('alice', {
      now: Date.now() - 2 * 3_600_000,
      ttlSeconds: 60,
    });
    const bad = ['not-a-jwt', forged, expired];
    const statuses: Array<number | null> = [];
    const logs = await captureLogs(async () => {
      for (const value of bad) {
        const { socket, status } = await handshake(`${runtime.wsUrl}?token=${encodeURIComponent(value)}`);
        sockets.push(socket);
        statuses.push(status);
      }
    });
    expect(statuses).toEqual(bad.map(() => 401));
    const refusals = logs.filter((l) => l.message === 'WebSocket client refused');
    expect(refusals).toHaveLength(bad.length);
    for (const line of refusals) {
      expect(line.level).toBe('INFO');
      expect(JSON.stringify(line)).not.toMatch(/stack|\n\s+at /);
    }
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([]);
  });
});
