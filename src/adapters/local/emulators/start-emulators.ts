import { startDynamoDbLocal, type RunningEmulator } from './dynamodb-local.js';
import { startFauxqs } from './fauxqs-server.js';
import { startKinesalite } from './kinesalite-server.js';

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
  /** Stops every emulator this call started, each by its own handle. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local, kinesalite and fauxqs side by side on free loopback ports. If one fails
 * the others are stopped and the error (which says what to install) propagates: a missing
 * emulator fails the run, it is never skipped.
 */
export const startEmulators = async (options: { cacheDir: string }): Promise<RunningEmulators> => {
  const results = await Promise.allSettled([
    startDynamoDbLocal({ cacheDir: options.cacheDir }),
    startKinesalite(),
    startFauxqs(),
  ]);
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.allSettled(running.map((e) => e.stop()));
    throw failure.reason;
  }
  const [dynamodb, kinesis, fauxqs] = running as [RunningEmulator, RunningEmulator, RunningEmulator];
  return {
    endpoints: { dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint, sqs: fauxqs.endpoint, s3: fauxqs.endpoint },
    startMs: { dynamodb: dynamodb.startMs, kinesis: kinesis.startMs, fauxqs: fauxqs.startMs },
    stop: async () => {
      const stopped = await Promise.allSettled([dynamodb.stop(), kinesis.stop(), fauxqs.stop()]);
      const error = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (error) throw error.reason;
    },
  };
};
