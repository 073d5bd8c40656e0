import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { StreamRecord } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { DynamoDbStreamMirror } from '../../adapters/local/pollers/dynamodb-stream-mirror.js';
import { KinesisStreamMirror } from '../../adapters/local/pollers/kinesis-stream-mirror.js';
import type { AwsClients, AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import type { BatchHandler } from '../../adapters/local/batch-handler.js';
import { SqsEventSource } from '../../adapters/local/pollers/sqs-event-source.js';
import { ensureQueue } from '../../adapters/sqs/queue-provisioning.js';
import type { ShardCheckpoints } from '../../adapters/local/pollers/shard-checkpoints.js';
import {
  StreamEventSource,
  type StreamEventSourceOptions,
  type StreamRecordFormat,
} from '../../adapters/local/stream-event-source.js';
import { discardLogger } from './local.container.js';
import type { LocalConfig } from './local-config.js';
import type { LocalRuntimeExtension, RunningEventSource } from './local-extensions.js';

/** What an emulator-mode feature is given by `createEmulatorBackend`: clients, settings, names. */
export interface EmulatorFeatureOptions<Names> {
  readonly aws: AwsClientSettings;
  readonly clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams' | 'sqs' | 'kinesis'>;
  readonly names: Names;
  readonly config: LocalConfig;
  /** With a data dir: where a stream consumer (by name) saves its position; none without one (read from the oldest record). */
  readonly checkpoints?: (consumer: string) => ShardCheckpoints;
}

/** A feature built for the emulator backend: the runtime extension, a line for the banner, and what to close on stop. */
export interface EmulatorFeature {
  readonly feature: LocalRuntimeExtension;
  readonly description: string;
  /** Closes what the feature opened outside the runtime's container (e.g. a Redis client); the backend calls it on stop. */
  readonly stop?: () => Promise<void>;
}

/** A stream's ARN as the pollers put it in each record's `eventSourceARN` (the emulators' account is 000000000000). */
export const emulatorStreamArn = (region: string, stream: string): string =>
  `arn:aws:kinesis:${region}:000000000000:stream/${stream}`;

/** The logger handed to a feature's AWS modules, at the runtime's log level. */
export const emulatorLogger = (config: LocalConfig): Logger =>
  new Logger({ serviceName: 'stampede', logLevel: config.logLevel });

/**
 * A work queue with its DLQ on fauxqs, as the CDK stack declares it: a message that keeps
 * failing moves to the DLQ after the runtime's `maxReceiveCount` receives.
 */
export const ensureQueueWithDlq = async (
  options: EmulatorFeatureOptions<unknown>,
  spec: { readonly name: string; readonly dlqName: string; readonly visibilityTimeoutSeconds: number },
): Promise<{ readonly url: string; readonly arn: string }> => {
  const dlq = await ensureQueue(options.clients.sqs, { name: spec.dlqName });
  return ensureQueue(options.clients.sqs, {
    name: spec.name,
    visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
    deadLetter: { arn: dlq.arn, maxReceiveCount: options.config.maxReceiveCount },
  });
};

/**
 * Lambda's event source mapping for a feature's queue: batches of up to 10, two pollers, 1 s long
 * polls (short, so `npm start` stops promptly); failed items are left for SQS to redeliver.
 */
export const queueEventSource = (
  options: EmulatorFeatureOptions<unknown>,
  name: string,
  queueUrl: string,
  handler: BatchHandler<SQSEvent>,
  logger: Logger,
): SqsEventSource =>
  new SqsEventSource(options.clients.sqs, queueUrl, handler, {
    name,
    batchSize: 10,
    concurrency: 2,
    waitTimeSeconds: 1,
    region: options.aws.region,
    onFailure: ({ messageIds }) =>
      logger.debug(`${name} batch items failed; SQS redelivers them after the visibility timeout`, {
        messages: messageIds.length,
      }),
  });

/** One event source mapping made of a mirror (real stream → local log) and the local stream event source over it. */
export const mirrored = <R, E>(
  name: string,
  mirror: {
    start(): void | Promise<void>;
    stop(): Promise<void>;
    caughtUp(): boolean;
    handled?(shard: number, records: readonly R[]): void;
  },
  source: () => StreamEventSource<R, E>,
  onError: (error: unknown) => void,
): RunningEventSource => {
  let inner: StreamEventSource<R, E> | undefined;
  let stopped = false;
  let started: Promise<void> = Promise.resolve();
  return {
    name,
    start: () => {
      // The mirror must know its shards before the event source over it starts. Listing them
      // can fail (an emulator still starting): retry with back-off until it works or we stop.
      started = (async () => {
        for (let attempt = 0; !stopped; attempt++) {
          try {
            await mirror.start();
            break;
          } catch (error) {
            onError(error);
            const until = Date.now() + Math.min(5_000, 200 * 2 ** attempt);
            while (!stopped && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
          }
        }
        if (stopped) return;
        inner = source();
        // The mirror saves its position (with a data dir) once the handler is done with records.
        const handled = mirror.handled?.bind(mirror);
        if (handled) inner.onHandled(handled);
        inner.start();
      })();
    },
    stop: async () => {
      stopped = true;
      await started;
      await inner?.stop();
      await mirror.stop();
    },
    stats: () =>
      inner?.stats() ?? {
        invocations: 0,
        records: 0,
        failedInvocations: 0,
        injectedCrashes: 0,
        injectedDuplicates: 0,
        discarded: 0,
        backlog: 0,
      },
    isIdle: () => inner !== undefined && mirror.caughtUp() && inner.isIdle(),
  };
};

/**
 * How long the emulator backend's stream pollers wait at most between polls of a quiet shard
 * (50 ms after a record, doubling while empty). Lambda polls a stream shard about 4 times a
 * second; polling every 50 ms without back-off took a third of a core on an idle runtime,
 * taken from the requests it serves.
 */
export const EMULATOR_MAX_IDLE_POLL_MS = 250;

/** A mapping's settings, as the deployed function's event source mapping has them. */
type Mapping<R> = Omit<StreamEventSourceOptions<R>, 'name' | 'onDiscard'>;

/** A mirror's settings: 50 ms after a record, backing off to EMULATOR_MAX_IDLE_POLL_MS; errors retried and logged. */
const mirrorSettings = (options: EmulatorFeatureOptions<unknown>, logger: Logger, name: string) => ({
  idlePollMs: 50,
  maxIdlePollMs: EMULATOR_MAX_IDLE_POLL_MS,
  onError: (error: unknown) => logger.warn('poller error; retrying', { source: name, error }),
  onWarning: (message: string) => logger.warn(message),
  ...(options.checkpoints ? { checkpoints: options.checkpoints(name) } : {}),
});

/**
 * Lambda's event source mapping `name` on a kinesalite stream: a mirror (GetRecords → a local
 * log, from its checkpoint with a data dir) and the stream event source over it.
 */
export const kinesisMapping = (
  options: EmulatorFeatureOptions<unknown>,
  logger: Logger,
  name: string,
  streamName: string,
  handler: BatchHandler<KinesisStreamEvent>,
  mapping: Mapping<StreamRecord> = {},
): RunningEventSource => {
  const settings = mirrorSettings(options, logger, name);
  const mirror = new KinesisStreamMirror(options.clients.kinesis, streamName, settings);
  const format = kinesisRecordFormat(emulatorStreamArn(options.aws.region, streamName), options.aws.region);
  const source = () =>
    new StreamEventSource(mirror.log, format, handler, { name, ...mapping, onDiscard: discardLogger(logger, name) });
  return mirrored(name, mirror, source, settings.onError);
};

const dynamoDbFormat: StreamRecordFormat<DynamoDBRecord, DynamoDBStreamEvent> = {
  identifierOf: (record) => record.dynamodb?.SequenceNumber ?? '',
  toEvent: (records) => ({ Records: [...records] }),
};

/** Lambda's event source mapping `name` on a DynamoDB Local table stream, as `kinesisMapping`. */
export const dynamoDbStreamMapping = (
  options: EmulatorFeatureOptions<unknown>,
  logger: Logger,
  name: string,
  streamArn: string,
  handler: BatchHandler<DynamoDBStreamEvent>,
  mapping: Mapping<DynamoDBRecord> = {},
): RunningEventSource => {
  const settings = { ...mirrorSettings(options, logger, name), describeEveryMs: 1_000 };
  const mirror = new DynamoDbStreamMirror(options.clients.dynamodbStreams, streamArn, settings);
  const source = () =>
    new StreamEventSource(mirror.log, dynamoDbFormat, handler, {
      name,
      ...mapping,
      onDiscard: discardLogger(logger, name),
    });
  return mirrored(name, mirror, source, settings.onError);
};
