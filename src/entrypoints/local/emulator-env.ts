import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AwsClients, AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../adapters/kinesis/stream-provisioning.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { DynamoDbStreamMirror } from '../../adapters/local/pollers/dynamodb-stream-mirror.js';
import { KinesisStreamMirror } from '../../adapters/local/pollers/kinesis-stream-mirror.js';
import { mirrored } from '../../adapters/local/pollers/mirrored-event-source.js';
import type { ShardCheckpoints } from '../../adapters/local/pollers/shard-checkpoints.js';
import { SqsEventSource } from '../../adapters/local/pollers/sqs-event-source.js';
import { StreamEventSource, type StreamRecordFormat } from '../../adapters/local/stream-event-source.js';
import { ensureQueue } from '../../adapters/sqs/queue-provisioning.js';
import { discardLogger } from './local.container.js';
import type { LocalConfig } from './local-config.js';
import type { EmulatorEnv } from './local-extensions.js';

/** A stream's ARN as the pollers put it in each record's `eventSourceARN` (the emulators' account is 000000000000). */
export const emulatorStreamArn = (region: string, stream: string): string =>
  `arn:aws:kinesis:${region}:000000000000:stream/${stream}`;

/**
 * How long the emulator backend's stream pollers wait at most between polls of a quiet shard
 * (50 ms after a record, doubling while empty). Lambda polls a stream shard about 4 times a
 * second; polling every 50 ms without back-off took a third of a core on an idle runtime,
 * taken from the requests it serves.
 */
export const EMULATOR_MAX_IDLE_POLL_MS = 250;

const dynamoDbFormat: StreamRecordFormat<DynamoDBRecord, DynamoDBStreamEvent> = {
  identifierOf: (record) => record.dynamodb?.SequenceNumber ?? '',
  toEvent: (records) => ({ Records: [...records] }),
};

export interface EmulatorEnvOptions {
  readonly aws: AwsClientSettings;
  readonly clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams' | 'sqs' | 'kinesis'>;
  readonly names: EmulatorEnv['names'];
  readonly config: LocalConfig;
  /** With a data dir: where a stream consumer (by name) saves its position; none without one (read from the oldest record). */
  readonly checkpoints?: (consumer: string) => ShardCheckpoints;
}

/**
 * What `createEmulatorBackend` hands each feature: its resources made as the CDK stack declares
 * them, and Lambda's event source mappings stood in for by pollers — SQS long polls (1 s, so
 * `npm start` stops promptly), and for streams a mirror (GetRecords → a local log, from its
 * checkpoint with a data dir) with the local stream event source over it.
 */
export const emulatorEnv = (options: EmulatorEnvOptions): EmulatorEnv => {
  const { aws, clients, config } = options;
  // 50 ms after a record, backing off to EMULATOR_MAX_IDLE_POLL_MS; errors retried and logged.
  const mirrorSettings = (logger: Logger, name: string) => ({
    idlePollMs: 50,
    maxIdlePollMs: EMULATOR_MAX_IDLE_POLL_MS,
    onError: (error: unknown) => logger.warn('poller error; retrying', { source: name, error }),
    onWarning: (message: string) => logger.warn(message),
    ...(options.checkpoints ? { checkpoints: options.checkpoints(name) } : {}),
  });
  return {
    aws,
    clients,
    names: options.names,
    config,
    table: (name, definition) => ensureTable(clients.dynamodb, name, definition),
    stream: (name, shards) => ensureStream(clients.kinesis, name, shards),
    queue: async ({ name, dlq, visibilityTimeoutSeconds }) => {
      const deadLetter = dlq === undefined ? undefined : await ensureQueue(clients.sqs, { name: dlq });
      return ensureQueue(clients.sqs, {
        name,
        ...(visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds }),
        ...(deadLetter ? { deadLetter: { arn: deadLetter.arn, maxReceiveCount: config.maxReceiveCount } } : {}),
      });
    },
    queueSource: ({ logger }, name, url, handler, mapping = {}) =>
      new SqsEventSource(clients.sqs, url, handler, {
        name,
        batchSize: 10,
        concurrency: 2,
        waitTimeSeconds: 1,
        region: aws.region,
        onFailure: ({ messageIds }) =>
          logger.debug(`${name} batch items failed; SQS redelivers them after the visibility timeout`, {
            messages: messageIds.length,
          }),
        ...mapping,
      }),
    kinesisSource: ({ logger }, name, stream, handler, mapping = {}) => {
      const settings = mirrorSettings(logger, name);
      const mirror = new KinesisStreamMirror(clients.kinesis, stream, settings);
      const format = kinesisRecordFormat(emulatorStreamArn(aws.region, stream), aws.region);
      const source = () =>
        new StreamEventSource(mirror.log, format, handler, {
          name,
          ...mapping,
          onDiscard: discardLogger(logger, name),
        });
      return mirrored(name, mirror, source, settings.onError);
    },
    dynamoDbStreamSource: ({ logger }, name, streamArn, handler, mapping = {}) => {
      const settings = { ...mirrorSettings(logger, name), describeEveryMs: 1_000 };
      const mirror = new DynamoDbStreamMirror(clients.dynamodbStreams, streamArn, settings);
      const source = () =>
        new StreamEventSource(mirror.log, dynamoDbFormat, handler, {
          name,
          ...mapping,
          onDiscard: discardLogger(logger, name),
        });
      return mirrored(name, mirror, source, settings.onError);
    },
  };
};
