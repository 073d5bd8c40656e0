import { WebSocket } from 'ws';
import { startLocalRuntime, type LocalRuntime } from '../../src/entrypoints/local/runtime.js';

/** The whole local runtime on a free loopback port, quiet, stopped by its own handle. */
export const startQuietRuntime = (): Promise<LocalRuntime> => startLocalRuntime({ port: 0, host: '127.0.0.1', progressIntervalMs: 0, logLevel: 'SILENT' });

export const api = async (runtime: LocalRuntime, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
};

/** Polls `probe` until it returns a value `accept` likes (or gives up after `timeoutMs`, returning the last value). */
export const eventually = async <T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A WebSocket client that collects the frames it receives. */
export const connect = async (runtime: LocalRuntime) => {
  const socket = new WebSocket(runtime.wsUrl);
  const frames: Record<string, any>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, any>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    frames,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : (socket.once('close', () => resolve()), socket.close()))),
  };
};
