import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import type { Container, ContainerModule } from 'inversify';
import { seededRandom } from '../../adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionGateway } from '../../adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionQuota } from '../../adapters/in-memory/connection-quota-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryEventStore } from '../../adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemorySnapshotStore } from '../../adapters/in-memory/snapshot-store-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryQueue, type InMemoryQueueOptions } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import type { BatchHandler } from '../../adapters/local/batch-handler.js';
import { QueueEventSource, type QueueEventSourceOptions } from '../../adapters/local/queue-event-source.js';
import type { ShardedLog } from '../../adapters/local/sharded-log.js';
import {
  StreamEventSource,
  type StreamEventSourceOptions,
  type StreamRecordFormat,
} from '../../adapters/local/stream-event-source.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { ABUSE_TOKENS, abuseModule, bucket } from '../composition/abuse.module.js';
import { composeRoot } from '../composition/kernel.module.js';
import { liveModule, queueViewerDelivery } from '../composition/live.module.js';
import { bindingsModule, setting, TOKENS, type Binding, type Get, type Token } from '../composition/tokens.js';
import type { LocalConfig } from './local-config.js';
import type { LocalRuntimeContext } from './local-extensions.js';

/** The in-memory twins behind the ports, for the local runtime's event-source emulation and for tests. */
export const LOCAL_TOKENS = {
  Config: Symbol.for('stampede.local.Config') as Token<LocalConfig>,
  Random: Symbol.for('stampede.local.Random') as Token<() => number>,
  InMemoryEventStore: Symbol.for('stampede.local.InMemoryEventStore') as Token<InMemoryEventStore>,
  FeedStream: Symbol.for('stampede.local.FeedStream') as Token<InMemoryFeedStream>,
  BroadcastQueue: Symbol.for('stampede.local.BroadcastQueue') as Token<InMemoryQueue<BroadcastMessage>>,
  ConnectionRegistry: Symbol.for('stampede.local.ConnectionRegistry') as Token<InMemoryConnectionRegistry>,
  /** Where frames for viewers end: the runtime's WebSocket server (tests: a recording gateway). */
  Sockets: Symbol.for('stampede.local.Sockets') as Token<ConnectionGateway>,
} as const;

/** A twin bound under its own token (the runtime drives it) and as the port it implements. */
export const twin =
  <P, T extends P>(local: Token<T>, port: Token<P>, make: (get: Get) => T): Binding =>
  (bind) => {
    bind(local, make);
    bind(port, (get) => get(local));
  };

/** The live-commerce ports on their in-memory twins, sized by the runtime's settings; frames go to `LOCAL_TOKENS.Sockets`. */
export const memoryLivePorts: ContainerModule = bindingsModule(
  twin(LOCAL_TOKENS.InMemoryEventStore, TOKENS.EventStore, () => new InMemoryEventStore()),
  (bind) => bind(TOKENS.SnapshotStore, () => new InMemorySnapshotStore()),
  twin(
    LOCAL_TOKENS.FeedStream,
    TOKENS.FeedPublisher,
    (get) => new InMemoryFeedStream({ shardCount: get(LOCAL_TOKENS.Config).feedShards, sleeper: get(TOKENS.Sleeper) }),
  ),
  twin(LOCAL_TOKENS.BroadcastQueue, TOKENS.BroadcastQueue, (get) =>
    localQueue<BroadcastMessage>(get, 'broadcast', {
      visibilityTimeoutMs: get(LOCAL_TOKENS.Config).broadcastVisibilityTimeoutMs,
    }),
  ),
  // The in-memory queue carries any body whole (it refuses, never offloads, one over the SQS limit).
  (bind) => bind(TOKENS.BroadcastBodyReader, () => (body) => Promise.resolve(body)),
  twin(
    LOCAL_TOKENS.ConnectionRegistry,
    TOKENS.ConnectionRegistry,
    (get) => new InMemoryConnectionRegistry({ shardSize: get(LOCAL_TOKENS.Config).shardSize }),
  ),
  (bind) => bind(TOKENS.ConnectionGateway, (get) => get(LOCAL_TOKENS.Sockets)),
);

/**
 * An SQS twin as the runtime's queues are: a DLQ after `maxReceiveCount` receives and, on a
 * standard queue, the chaos settings (at-least-once duplicates, random order).
 */
export const localQueue = <T>(get: Get, name: string, options: InMemoryQueueOptions<T> = {}): InMemoryQueue<T> => {
  const config = get(LOCAL_TOKENS.Config);
  return new InMemoryQueue<T>({
    name,
    maxReceiveCount: config.maxReceiveCount,
    deadLetterQueue: new InMemoryQueue<T>({ name: `${name}-dlq`, fifo: options.fifo ?? false }),
    duplicateRate: config.duplicateRate,
    reorder: config.reorder,
    random: get(LOCAL_TOKENS.Random),
    ...options,
  });
};

/**
 * Lambda's SQS mapping over a queue twin: batches of 10, two at a time, the runtime's crash dice;
 * failed items come back after the visibility timeout.
 */
export const localQueueSource = <T>(
  { container, config, logger }: Pick<LocalRuntimeContext, 'container' | 'config' | 'logger'>,
  name: string,
  queue: InMemoryQueue<T>,
  handler: BatchHandler<SQSEvent>,
  options: Partial<QueueEventSourceOptions> = {},
): QueueEventSource<T> =>
  new QueueEventSource(queue, handler, {
    name,
    batchSize: 10,
    concurrency: 2,
    crashRate: config.crashRate,
    random: container.get(LOCAL_TOKENS.Random),
    onFailure: (info) =>
      logger.debug(`${name} batch items failed; they come back after the visibility timeout`, {
        messages: info.messageIds.length,
      }),
    ...options,
  });

/** What a stream mapping logs when it gives records up after its retries (Lambda's on-failure destination). */
export const discardLogger = (logger: Logger, source: string) => (records: readonly unknown[], reason: string) =>
  logger.error('stream records sent to the on-failure destination', { source, records: records.length, reason });

/**
 * Lambda's stream mapping over a local log (a stream twin, or a mirror of an emulator's stream)
 * with the runtime's chaos dice (duplicated batches, crashes mid-batch); records given up after
 * the retries are logged.
 */
export const localStreamSource = <R, E>(
  { container, config, logger }: Pick<LocalRuntimeContext, 'container' | 'config' | 'logger'>,
  log: ShardedLog<R>,
  format: StreamRecordFormat<R, E>,
  handler: BatchHandler<E>,
  options: StreamEventSourceOptions<R>,
): StreamEventSource<R, E> =>
  new StreamEventSource(log, format, handler, {
    duplicateRate: config.duplicateRate,
    crashRate: config.crashRate,
    random: container.get(LOCAL_TOKENS.Random),
    onDiscard: discardLogger(logger, options.name),
    ...options,
  });

/** The per-user budgets and the connection quota in this process's memory (on either backend). */
const memoryAbusePorts: Binding = (bind) => {
  bind(ABUSE_TOKENS.ChatUserLimiter, (get) =>
    bucket(get, get(ABUSE_TOKENS.Limits).chatUserBurst, get(ABUSE_TOKENS.Limits).chatUserPerSecond),
  );
  bind(ABUSE_TOKENS.LikeUserLimiter, (get) =>
    bucket(get, get(ABUSE_TOKENS.Limits).likeUserBurst, get(ABUSE_TOKENS.Limits).likeUserPerSecond),
  );
  bind(ABUSE_TOKENS.BidUserLimiter, (get) =>
    bucket(get, get(ABUSE_TOKENS.Limits).bidBurst, get(ABUSE_TOKENS.Limits).bidPerSecond),
  );
  bind(ABUSE_TOKENS.ConnectionQuota, () => new InMemoryConnectionQuota());
};

/**
 * The local root: kernel, the live and abuse features over the runtime's settings (the chaos
 * dice, the abuse limits and their in-memory budgets, the message size), then `modules` — each
 * feature's module and its ports on one technology (memory or emulators).
 */
export const localRoot = (
  config: LocalConfig,
  logger: Logger,
  modules: readonly ContainerModule[],
  startedAt?: number,
): Container =>
  composeRoot(
    logger,
    liveModule(startedAt),
    abuseModule,
    bindingsModule(
      setting(LOCAL_TOKENS.Config, config),
      setting(LOCAL_TOKENS.Random, config.seed > 0 ? seededRandom(config.seed) : Math.random),
      setting(ABUSE_TOKENS.Limits, config),
      setting(TOKENS.LiveSettings, { maxMessageBytes: config.maxMessageBytes }),
      // The local runtime serves pages to any origin of the developer's machine.
      setting(TOKENS.AllowedOrigins, ['*']),
      // The per-connection path; `--broadcaster appsync-events` rebinds it to the publisher.
      queueViewerDelivery,
      memoryAbusePorts,
    ),
    ...modules,
  );

export interface LocalContainerOptions {
  readonly config: LocalConfig;
  /** Where frames go; by default a recording gateway that, like API Gateway, answers Gone for connections not opened with its `connect`. */
  readonly gateway?: ConnectionGateway;
  /** Other features' modules. */
  readonly modules?: readonly ContainerModule[];
  readonly startedAt?: number;
}

/** The local root on in-memory twins, without the runtime's servers and event sources (tests). */
export const createLocalContainer = (options: LocalContainerOptions): Container =>
  localRoot(
    options.config,
    new Logger({ serviceName: 'stampede', logLevel: options.config.logLevel }),
    [
      memoryLivePorts,
      bindingsModule(setting(LOCAL_TOKENS.Sockets, options.gateway ?? new InMemoryConnectionGateway())),
      ...(options.modules ?? []),
    ],
    options.startedAt,
  );
