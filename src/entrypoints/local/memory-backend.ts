import type { Logger } from '@aws-lambda-powertools/logger';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { EventStoreChangeStream } from '../../adapters/local/event-store-change-stream.js';
import { InjectedCrashError } from '../../adapters/local/batch-handler.js';
import { LOCAL_TOKENS, localQueueSource, localStreamSource, memoryLivePorts } from './local.container.js';
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
    partsOf: async (feature) => feature.memory,
    eventSources(context): RunningEventSource[] {
      const { container, config, logger } = context;
      changes = new EventStoreChangeStream(container.get(LOCAL_TOKENS.InMemoryEventStore), {
        shardCount: config.changeStreamShards,
      });
      const feed = container.get(LOCAL_TOKENS.FeedStream);
      const relay = localStreamSource(context, changes, changes.format(), container.get(TOKENS.RelayHandler), {
        name: 'relay',
        batchSize: config.relayBatchSize,
        maximumBatchingWindowMs: config.relayWindowMs,
        maximumRetryAttempts: config.relayMaxRetries,
        onFailure: failureLogger(logger, 'relay'),
      });
      const fanout = localStreamSource(
        context,
        feed,
        kinesisRecordFormat(feed.arn),
        container.get(TOKENS.FanoutHandler),
        {
          name: 'fanout',
          batchSize: config.fanoutBatchSize,
          maximumBatchingWindowMs: config.fanoutWindowMs,
          maximumRetryAttempts: config.fanoutMaxRetries,
          onFailure: failureLogger(logger, 'fanout'),
        },
      );
      const broadcast = localQueueSource(
        context,
        'broadcast',
        container.get(LOCAL_TOKENS.BroadcastQueue),
        container.get(TOKENS.BroadcastHandler),
        {
          batchSize: config.broadcastBatchSize,
          maximumBatchingWindowMs: config.broadcastWindowMs,
          visibilityTimeoutMs: config.broadcastVisibilityTimeoutMs,
          concurrency: config.broadcastConcurrency,
          onFailure: failureLogger(logger, 'broadcast'),
        },
      );
      return [relay, fanout, broadcast];
    },
    // The change stream listens to the store: stop listening once the sources have stopped.
    stop: async () => changes?.close(),
  };
};
