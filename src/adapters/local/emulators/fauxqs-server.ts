import { EmulatorUnavailableError, type RunningEmulator } from './dynamodb-local.js';

/**
 * fauxqs, in process: SQS (FIFO, DLQ redrive, delay, long polling, visibility) and S3 on one
 * free loopback port. It needs Node ≥ 22.5 (node:sqlite); npm scripts run the project's Node 22.
 * S3 clients need `forcePathStyle: true` against it.
 *
 * Built with `buildApp` and listened on 127.0.0.1 ourselves: `startFauxqs` binds 0.0.0.0. With
 * no `host` option, queue URLs carry the request's host (http://127.0.0.1:<port>/000000000000/q),
 * which resolves as is.
 */
export const startFauxqs = async (): Promise<RunningEmulator> => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    throw new EmulatorUnavailableError(
      `fauxqs (SQS/S3 emulator) needs Node ≥ 22.5, this is ${process.version}: run through npm scripts or npx, which use the project's node_modules/.bin/node`,
    );
  }
  const started = Date.now();
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { endpoint: address, startMs: Date.now() - started, stop: () => app.close() };
};
