import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import kinesalite from 'kinesalite';
import type { RunningEmulator } from './dynamodb-local.js';

/**
 * kinesalite: a Kinesis API server on a free loopback port, in memory, or with `path` in a
 * LevelDB directory there (streams and records survive a restart). Streams
 * become ACTIVE at once (`createStreamMs: 0`) so tests do not wait on state transitions.
 * Clients need `requestHandler: new NodeHttpHandler()` (the default HTTP/2 handler fails with it).
 */
export const startKinesalite = async (
  options: { shardLimit?: number; path?: string } = {},
): Promise<RunningEmulator> => {
  const started = Date.now();
  // LevelDB creates its files, not the directory.
  if (options.path) await mkdir(options.path, { recursive: true });
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    // kinesalite's own default is 50 shards per account; the emulator test files share one
    // kinesalite and create their streams side by side (each with a unique name), past 50.
    shardLimit: options.shardLimit ?? 1_000,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    startMs: Date.now() - started,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
