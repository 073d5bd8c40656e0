import { EmulatorUnavailableError, type RunningEmulator } from './dynamodb-local.js';

/**
 * fauxqs: SQS (FIFO, DLQ redrive, delay, long polling, visibility) and S3 on one free loopback
 * port. It needs Node ≥ 22.5 (node:sqlite); npm scripts run the project's Node 22. S3 clients
 * need `forcePathStyle: true` against it.
 *
 * In memory, it is built with `buildApp` and listened on 127.0.0.1 by us. With `dataDir` (its
 * SQLite persistence: queues, messages, buckets and objects survive a restart) only fauxqs's
 * own `startFauxqs` wires the persistence, and it listens on 0.0.0.0: that is done only in the
 * emulator child process, which rewrites every listen to 127.0.0.1 (`listenOnLoopbackOnly`), and
 * the address is checked here. With no `host` option, queue URLs carry 127.0.0.1:<port>.
 */
export const startFauxqs = async (options: { dataDir?: string } = {}): Promise<RunningEmulator> => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    throw new EmulatorUnavailableError(
      `fauxqs (SQS/S3 emulator) needs Node ≥ 22.5, this is ${process.version}: run through npm scripts or npx, which use the project's node_modules/.bin/node`,
    );
  }
  const started = Date.now();
  const fauxqs = await import('fauxqs');
  if (options.dataDir) {
    const server = await fauxqs.startFauxqs({ port: 0, logger: false, dataDir: options.dataDir });
    const endpoint = `http://127.0.0.1:${server.port}`;
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(server.address)) {
      await server.stop();
      throw new Error(`fauxqs listened on ${server.address}, not on 127.0.0.1 only`);
    }
    return { endpoint, startMs: Date.now() - started, stop: () => server.stop() };
  }
  const app = fauxqs.buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { endpoint: address, startMs: Date.now() - started, stop: () => app.close() };
};
