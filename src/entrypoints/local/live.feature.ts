import type { Logger } from '@aws-lambda-powertools/logger';
import { InjectedCrashError } from '../../adapters/local/batch-handler.js';
import { EventStoreChangeStream } from '../../adapters/local/event-store-change-stream.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { LOCAL_TOKENS, localQueueSource, localStreamSource, memoryLivePorts } from './local.container.js';

/** How the in-memory mappings report a failed batch: an injected crash quietly, anything else as a warning. */
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
 * Live commerce in `npm start`, the feature every other one writes through: the event store and
 * snapshots, the connection registry, and the three mappings of the live pipeline —
 *   event store appends → change stream → `relay` → feed → `fanout` → broadcast queue → `broadcast`.
 * Its use cases, handlers and routes are the local root's (liveModule, as in every Lambda); frames
 * reach the runtime's WebSocket server (`LOCAL_TOKENS.Sockets`). The runtime always wires it first.
 */
export const liveFeature: LocalRuntimeExtension = {
  name: 'live',
  memory: {
    ports: [memoryLivePorts],
    sources(context) {
      const { container, config, logger } = context;
      const changes = new EventStoreChangeStream(container.get(LOCAL_TOKENS.InMemoryEventStore), {
        shardCount: config.changeStreamShards,
      });
      // The change stream listens to the store: it stops listening once the sources have stopped.
      context.onStop(() => changes.close());
      const feed = container.get(LOCAL_TOKENS.FeedStream);
      return [
        localStreamSource(context, changes, changes.format(), container.get(TOKENS.RelayHandler), {
          name: 'relay',
          batchSize: config.relayBatchSize,
          maximumBatchingWindowMs: config.relayWindowMs,
          maximumRetryAttempts: config.relayMaxRetries,
          onFailure: failureLogger(logger, 'relay'),
        }),
        localStreamSource(context, feed, kinesisRecordFormat(feed.arn), container.get(TOKENS.FanoutHandler), {
          name: 'fanout',
          batchSize: config.fanoutBatchSize,
          maximumBatchingWindowMs: config.fanoutWindowMs,
          maximumRetryAttempts: config.fanoutMaxRetries,
          onFailure: failureLogger(logger, 'fanout'),
        }),
        localQueueSource(
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
        ),
      ];
    },
  },
  /*
   * On the emulators, the deployed functions' ports (live.aws.module.ts): events, snapshots and
   * connections tables and the events table's stream on DynamoDB Local, the feed on kinesalite,
   * the broadcast queue with its DLQ on fauxqs; frames leave through the Management API adapter
   * to a local `@connections` server that writes to the runtime's WebSocket server.
   */
  async emulators(env) {
    const { names: r, aws, config } = env;
    const [onAws, tables, { GatewayTarget, startConnectionsApiServer }] = await Promise.all([
      import('../composition/live.aws.module.js'),
      import('../../adapters/dynamodb/table-definitions.js'),
      import('../../adapters/local/connections-api-server.js'),
    ]);
    const [{ streamArn }] = await Promise.all([
      env.table(r.eventsTable, tables.eventsTable),
      env.table(r.connectionsTable, tables.connectionsTable),
      env.table(r.snapshotsTable, tables.snapshotsTable),
      env.stream(r.feedStream, config.feedShards),
    ]);
    if (!streamArn) throw new Error(`table ${r.eventsTable} has no stream`);
    const broadcast = await env.queue({
      name: r.broadcastQueue,
      dlq: r.broadcastDlq,
      visibilityTimeoutSeconds: Math.max(1, Math.round(config.broadcastVisibilityTimeoutMs / 1000)),
    });
    const target = new GatewayTarget();
    const connectionsApi = await startConnectionsApiServer(target);
    return {
      ports: [
        bindingsModule(
          onAws.eventStoreOnDynamoDb(aws, r.eventsTable),
          onAws.snapshotStoreOnDynamoDb(aws, r.snapshotsTable),
          onAws.connectionRegistryOnDynamoDb(aws, r.connectionsTable, config.shardSize),
          onAws.feedOnKinesis(aws, r.feedStream),
          onAws.broadcastQueueOnSqs(aws, broadcast.url, { bucket: r.bucket, keyPrefix: 'offload/' }),
          onAws.connectionGatewayOnApiGateway(aws, connectionsApi.endpoint),
        ),
      ],
      sources(context) {
        const { container, config: c, logger } = context;
        // The @connections server writes to the WebSocket server the runtime made for this start.
        target.sockets = container.get(LOCAL_TOKENS.Sockets);
        return [
          env.dynamoDbStreamSource(context, 'relay', streamArn, container.get(TOKENS.RelayHandler), {
            batchSize: c.relayBatchSize,
            maximumBatchingWindowMs: c.relayWindowMs,
            maximumRetryAttempts: c.relayMaxRetries,
          }),
          env.kinesisSource(context, 'fanout', r.feedStream, container.get(TOKENS.FanoutHandler), {
            batchSize: c.fanoutBatchSize,
            maximumBatchingWindowMs: c.fanoutWindowMs,
            maximumRetryAttempts: c.fanoutMaxRetries,
          }),
          env.queueSource(context, 'broadcast', broadcast.url, container.get(TOKENS.BroadcastHandler), {
            batchSize: Math.min(10, c.broadcastBatchSize),
            concurrency: c.broadcastConcurrency,
            onFailure: ({ messageIds, error }) =>
              logger.warn('broadcast batch failed; SQS redelivers after the visibility timeout', {
                messages: messageIds.length,
                error,
              }),
          }),
        ];
      },
      description: `@connections ${connectionsApi.endpoint}; broadcast queue ${broadcast.url} (DLQ ${r.broadcastDlq})`,
      stop: () => connectionsApi.stop(),
    };
  },
};
