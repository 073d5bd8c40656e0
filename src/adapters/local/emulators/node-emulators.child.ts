/**
 * The child process that runs kinesalite and fauxqs for `startNodeEmulators`: both listen on
 * 127.0.0.1 (free ports), report their endpoints to the parent over IPC, and stop when the
 * parent asks or when the IPC channel closes (the parent is gone, even by SIGKILL). Running
 * them here keeps their request handling off the runtime's event loop.
 */
import type { RunningEmulator } from './dynamodb-local.js';
import { startFauxqs } from './fauxqs-server.js';
import { startKinesalite } from './kinesalite-server.js';
import { listenOnLoopbackOnly } from './loopback-listen.js';
import type { NodeEmulatorsMessage, NodeEmulatorsOptions } from './node-emulators.js';

listenOnLoopbackOnly();

const send = (message: NodeEmulatorsMessage): void => {
  process.send?.(message);
};

const options = JSON.parse(process.argv[2] ?? '{}') as NodeEmulatorsOptions;
const running: RunningEmulator[] = [];
let stopping = false;
const stop = async (code: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    await Promise.allSettled(running.map((e) => e.stop()));
  }
  process.exit(code);
};
// The parent is gone (the channel closes with its process): nothing may keep listening.
process.on('disconnect', () => void stop(0));
process.on('message', (message: NodeEmulatorsMessage) => {
  if (message.type === 'stop') void stop(0);
});
process.on('SIGTERM', () => void stop(0));

try {
  const [kinesis, fauxqs] = await Promise.all([
    startKinesalite({ ...(options.kinesisPath ? { path: options.kinesisPath } : {}) }),
    startFauxqs({ ...(options.fauxqsDataDir ? { dataDir: options.fauxqsDataDir } : {}) }),
  ]);
  running.push(kinesis, fauxqs);
  send({
    type: 'ready',
    kinesis: kinesis.endpoint,
    fauxqs: fauxqs.endpoint,
    startMs: { kinesis: kinesis.startMs, fauxqs: fauxqs.startMs },
  });
} catch (error) {
  send({
    type: 'failed',
    message: (error as Error).message,
    unavailable: (error as Error).name === 'EmulatorUnavailableError',
  });
  await stop(1);
}
