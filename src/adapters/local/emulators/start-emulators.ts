import { join } from 'node:path';
import { startDynamoDbLocal, type RunningEmulator } from './dynamodb-local.js';
import { startNodeEmulators, type RunningNodeEmulators } from './node-emulators.js';

export interface EmulatorEndpoints {
  readonly dynamodb: string;
  readonly kinesis: string;
  /** SQS and S3 share fauxqs. */
  readonly sqs: string;
  readonly s3: string;
}

export interface RunningEmulators {
  readonly endpoints: EmulatorEndpoints;
  /** Start time of each emulator, ms. */
  readonly startMs: Readonly<Record<'dynamodb' | 'kinesis' | 'fauxqs', number>>;
  /** The emulators' processes: the DynamoDB Local JVM, and the Node process running kinesalite and fauxqs. */
  readonly pids: Readonly<{ dynamodb: number; node: number }>;
  /** Stops every emulator this call started, each by its own handle. */
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  /** Where DynamoDB Local's jar and the loopback launcher are cached. */
  readonly cacheDir: string;
  /**
   * Persist every emulator's state under this directory (`dynamodb/`, `kinesis/`, `sqs/`): a
   * restart on the same directory finds the tables, streams, queues and their contents again.
   * In memory without it.
   */
  readonly dataDir?: string;
  readonly onWarning?: (message: string) => void;
}

/**
 * Starts DynamoDB Local (a JVM) and kinesalite + fauxqs (one Node child process) side by side,
 * each on free ports of 127.0.0.1 only, each killed by the kernel if this process dies. If one
 * fails the others are stopped and the error (which says what to install) propagates: a missing
 * emulator fails the run, it is never skipped.
 */
export const startEmulators = async (options: StartEmulatorsOptions): Promise<RunningEmulators> => {
  const { dataDir } = options;
  const results = await Promise.allSettled([
    startDynamoDbLocal({
      cacheDir: options.cacheDir,
      ...(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    }),
    startNodeEmulators(
      dataDir ? { kinesisPath: join(dataDir, 'kinesis'), fauxqsDataDir: join(dataDir, 'sqs') } : {},
      options.onWarning,
    ),
  ]);
  const [ddbResult, nodeResult] = results;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.allSettled([
      ddbResult.status === 'fulfilled' ? ddbResult.value.stop() : undefined,
      nodeResult.status === 'fulfilled' ? nodeResult.value.stop() : undefined,
    ]);
    throw failure.reason;
  }
  const dynamodb = (ddbResult as PromiseFulfilledResult<RunningEmulator>).value;
  const node = (nodeResult as PromiseFulfilledResult<RunningNodeEmulators>).value;
  return {
    endpoints: {
      dynamodb: dynamodb.endpoint,
      kinesis: node.kinesis.endpoint,
      sqs: node.fauxqs.endpoint,
      s3: node.fauxqs.endpoint,
    },
    startMs: { dynamodb: dynamodb.startMs, kinesis: node.kinesis.startMs, fauxqs: node.fauxqs.startMs },
    pids: { dynamodb: dynamodb.pid ?? 0, node: node.pid },
    stop: async () => {
      const stopped = await Promise.allSettled([dynamodb.stop(), node.stop()]);
      const error = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) throw error.reason;
    },
  };
};
