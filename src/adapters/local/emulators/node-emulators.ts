import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EmulatorUnavailableError, type RunningEmulator } from './dynamodb-local.js';
import { orphanGuard } from './orphan-guard.js';

export interface NodeEmulatorsOptions {
  /** kinesalite's LevelDB directory; in memory without it. */
  readonly kinesisPath?: string;
  /** fauxqs's SQLite directory; in memory without it. */
  readonly fauxqsDataDir?: string;
}

export type NodeEmulatorsMessage =
  | { type: 'ready'; kinesis: string; fauxqs: string; startMs: { kinesis: number; fauxqs: number } }
  | { type: 'failed'; message: string; unavailable: boolean }
  | { type: 'stop' };

export interface RunningNodeEmulators {
  readonly kinesis: RunningEmulator;
  readonly fauxqs: RunningEmulator;
  readonly pid: number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./node-emulators.child.ts', import.meta.url));

/**
 * Starts kinesalite and fauxqs in one child Node process (node-emulators.child.ts, run through
 * tsx as `npm start` runs the runtime). The child is killed by the kernel when this process dies
 * (`orphanGuard`) and also exits by itself when its IPC channel to us closes; both listen on
 * 127.0.0.1 only. `stop` asks it to close its servers, then kills it after 5 s.
 */
export const startNodeEmulators = async (
  options: NodeEmulatorsOptions = {},
  onWarning?: (message: string) => void,
): Promise<RunningNodeEmulators> => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const [command, args] = orphanGuard(onWarning).wrap(process.execPath, [
    '--import',
    tsx,
    // fauxqs uses node:sqlite, which warns that it is experimental on every start.
    '--disable-warning=ExperimentalWarning',
    CHILD,
    JSON.stringify(options),
  ]);
  // Its own process group, as the JVM: a Ctrl-C must reach the runtime only, which stops us in order.
  // Its output (an emulator's own errors) goes where the runtime's goes.
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    process.off('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies NodeEmulatorsMessage);
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<Extract<NodeEmulatorsMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: NodeEmulatorsMessage) => {
      if (message.type === 'ready') resolve(message);
      if (message.type === 'failed') {
        reject(message.unavailable ? new EmulatorUnavailableError(message.message) : new Error(message.message));
      }
    });
    child.once('error', (error) =>
      reject(new EmulatorUnavailableError(`could not start kinesalite and fauxqs: ${error.message}`)),
    );
    void exited.then(() =>
      reject(
        new Error(
          `the kinesalite/fauxqs process exited (code ${child.exitCode}) before it was ready; its output is above`,
        ),
      ),
    );
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  void exited.then(() => {
    if (!stopping) {
      (onWarning ?? console.warn)(
        `the kinesalite/fauxqs process (PID ${child.pid}) exited on its own (code ${child.exitCode}, signal ${child.signalCode}): Kinesis, SQS and S3 calls fail from now on`,
      );
    }
  });
  // Unreferenced: the child must not keep the runtime alive, and the runtime stops it explicitly.
  child.unref();
  child.channel?.unref();
  const pid = child.pid ?? 0;
  const noop = async () => undefined;
  return {
    pid,
    kinesis: { endpoint: ready.kinesis, startMs: ready.startMs.kinesis, pid, stop: noop },
    fauxqs: { endpoint: ready.fauxqs, startMs: ready.startMs.fauxqs, pid, stop: noop },
    stop,
  };
};
