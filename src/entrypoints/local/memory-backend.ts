import type { Logger } from '@aws-lambda-powertools/logger';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { EventStoreChangeStream } from '../../adapters/local/event-store-change-stream.js';
import { QueueEventSource } from '../../adapters/local/queue-event-source.js';
import { StreamEventSource } from '../../adapters/local/stream-event-source.js';
import { InjectedCrashError } from '../../adapters/local/batch-handler.js';
import { LOCAL_TOKENS, memoryLivePorts } from './local.container.js';
import { TOKENS } from '../composition/tokens.js';
import type { LocalBackend, RunningEventSource } from './local-extensions.js';

const failureLogger =
  (logger: Logger, source: string) =>
  (info: { error?: unknown; headIdentifier?: string; messageIds?: readonly string[]; attempt?: number }): void => {
    if (info.error instanceof InjectedCrashError) {
      logger.debug('injected crash', { source, message: info.error.message });
      return;
    }
    logger.warn('batch failed; it will be retried', {
      source,
      ...(info.headIdentifier ? { resumeAt: info.headIdentifier, attempt: info.attempt } : {}),
      ...(info.messageIds ? { messages: info.messageIds.length } : {}),
      ...(info.error ? { error: info.error } : {}),
    });
  };

/**
 * The in-process backend: every port is its in-memory twin and
 * the three live-commerce event source mappings are emulated:
 *   event store appends → DynamoDB Streams records → `relay`
 *   live feed (Kinesis twin) → `fanout`
 *   broadcast queue (SQS twin, with its DLQ) → `broadcast`
 */
export const memoryBackend: LocalBackend = async (config) => {
  let changes: EventStoreChangeStream | undefined;
  return {
    description: 'in-memory twins with event-source emulation',
    ports: (sockets) => [memoryLivePorts(config, sockets)],
    eventSources({ container, config, logger }): RunningEventSource[] {
      const random = container.get(LOCAL_TOKENS.Random);
      const chaos = { duplicateRate: config.duplicateRate, crashRate: config.crashRate, random };
      changes = new EventStoreChangeStream(container.get(LOCAL_TOKENS.InMemoryEventStore), {
        shardCount: config.changeStreamShards,
      });
      const feed = container.get(LOCAL_TOKENS.FeedStream);
      const relay = new StreamEventSource(changes, changes.format(), container.get(TOKENS.RelayHandler), {
        name: 'relay',
        batchSize: config.relayBatchSize,
        maximumBatchingWindowMs: config.relayWindowMs,
        maximumRetryAttempts: config.relayMaxRetries,
        ...chaos,
        onFailure: failureLogger(logger, 'relay'),
        onDiscard: (records, reason) =>
          logger.error('stream records sent to the on-failure destination', {
            source: 'relay',
            records: records.length,
            reason,
          }),
      });
      const fanout = new StreamEventSource(feed, kinesisRecordFormat(feed.arn), container.get(TOKENS.FanoutHandler), {
        name: 'fanout',
        batchSize: config.fanoutBatchSize,
        maximumBatchingWindowMs: config.fanoutWindowMs,
        maximumRetryAttempts: config.fanoutMaxRetries,
        ...chaos,
        onFailure: failureLogger(logger, 'fanout'),
        onDiscard: (records, reason) =>
          logger.error('stream records sent to the on-failure destination', {
            source: 'fanout',
            records: records.length,
            reason,
          }),
      });
      const broadcast = new QueueEventSource(
        container.get(LOCAL_TOKENS.BroadcastQueue),
        container.get(TOKENS.BroadcastHandler),
        {
          name: 'broadcast',
          batchSize: config.broadcastBatchSize,
          maximumBatchingWindowMs: config.broadcastWindowMs,
          visibilityTimeoutMs: config.broadcastVisibilityTimeoutMs,
          concurrency: config.broadcastConcurrency,
          crashRate: config.crashRate,
          random,
          onFailure: failureLogger(logger, 'broadcast'),
        },
      );
      return [relay, fanout, broadcast];
    },
    // The change stream listens to the store: stop listening once the sources have stopped.
    stop: async () => changes?.close(),
  };
};
