import { Logger } from '@aws-lambda-powertools/logger';
import type { Container, ContainerModule } from 'inversify';
import { seededRandom } from '../../adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionGateway } from '../../adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionQuota } from '../../adapters/in-memory/connection-quota-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryEventStore } from '../../adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemorySnapshotStore } from '../../adapters/in-memory/snapshot-store-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { InMemoryTokenBucket } from '../../adapters/in-memory/rate-limiter-adapter-in-memory.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { ABUSE_TOKENS, abuseModule } from '../composition/abuse.module.js';
import { composeRoot } from '../composition/kernel.module.js';
import { liveModule, queueViewerDelivery } from '../composition/live.module.js';
import { bindingsModule, setting, TOKENS, type Binding, type Get, type Token } from '../composition/tokens.js';
import type { LocalConfig } from './local-config.js';

/** The in-memory twins behind the ports, for the local runtime's event-source emulation and for tests. */
export const LOCAL_TOKENS = {
  Config: Symbol.for('stampede.local.Config') as Token<LocalConfig>,
  Random: Symbol.for('stampede.local.Random') as Token<() => number>,
  InMemoryEventStore: Symbol.for('stampede.local.InMemoryEventStore') as Token<InMemoryEventStore>,
  FeedStream: Symbol.for('stampede.local.FeedStream') as Token<InMemoryFeedStream>,
  BroadcastQueue: Symbol.for('stampede.local.BroadcastQueue') as Token<InMemoryQueue<BroadcastMessage>>,
  ConnectionRegistry: Symbol.for('stampede.local.ConnectionRegistry') as Token<InMemoryConnectionRegistry>,
} as const;

/** A twin bound under its own token (the runtime drives it) and as the port it implements. */
const twin =
  <P, T extends P>(local: Token<T>, port: Token<P>, make: (get: Get) => T): Binding =>
  (bind) => {
    bind(local, make);
    bind(port, (get) => get(local));
  };

/**
 * The live-commerce and abuse ports on their in-memory twins. Frames go to `gateway` (the local
 * WebSocket server); without one, a recording gateway that, like API Gateway, answers Gone for
 * connections not opened with its `connect`.
 */
export const memoryLivePorts = (config: LocalConfig, gateway?: ConnectionGateway): ContainerModule =>
  bindingsModule(
    twin(LOCAL_TOKENS.InMemoryEventStore, TOKENS.EventStore, () => new InMemoryEventStore()),
    (bind) => bind(TOKENS.SnapshotStore, () => new InMemorySnapshotStore()),
    twin(
      LOCAL_TOKENS.FeedStream,
      TOKENS.FeedPublisher,
      (get) => new InMemoryFeedStream({ shardCount: config.feedShards, sleeper: get(TOKENS.Sleeper) }),
    ),
    twin(
      LOCAL_TOKENS.BroadcastQueue,
      TOKENS.BroadcastQueue,
      (get) =>
        new InMemoryQueue<BroadcastMessage>({
          name: 'broadcast',
          visibilityTimeoutMs: config.broadcastVisibilityTimeoutMs,
          maxReceiveCount: config.maxReceiveCount,
          deadLetterQueue: new InMemoryQueue<BroadcastMessage>({ name: 'broadcast-dlq' }),
          duplicateRate: config.duplicateRate,
          reorder: config.reorder,
          random: get(LOCAL_TOKENS.Random),
        }),
    ),
    // The in-memory queue carries any body whole (it refuses, never offloads, one over the SQS limit).
    (bind) => bind(TOKENS.BroadcastBodyReader, () => (body) => Promise.resolve(body)),
    twin(
      LOCAL_TOKENS.ConnectionRegistry,
      TOKENS.ConnectionRegistry,
      () => new InMemoryConnectionRegistry({ shardSize: config.shardSize }),
    ),
    (bind) => bind(TOKENS.ConnectionGateway, () => gateway ?? new InMemoryConnectionGateway()),
    memoryAbusePorts,
  );

/** The per-user budgets and the connection quota in this process's memory. */
export const memoryAbusePorts: Binding = (bind) => {
  const bucket = (get: Get, capacity: number, refillPerSecond: number) =>
    new InMemoryTokenBucket({ capacity, refillPerSecond, clock: get(TOKENS.Clock) });
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
 * dice, the abuse limits, the message size), then `modules` — one technology's ports (memory or
 * emulators) and the other features.
 */
export const localRoot = (config: LocalConfig, modules: readonly ContainerModule[], startedAt?: number): Container =>
  composeRoot(
    new Logger({ serviceName: 'stampede', logLevel: config.logLevel }),
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
    ),
    ...modules,
  );

export interface LocalContainerOptions {
  readonly config: LocalConfig;
  /** Where frames go (see `memoryLivePorts`). */
  readonly gateway?: ConnectionGateway;
  /** Other features' modules. */
  readonly modules?: readonly ContainerModule[];
  readonly startedAt?: number;
}

/** The local root on in-memory twins (the memory backend, tests). */
export const createLocalContainer = (options: LocalContainerOptions): Container =>
  localRoot(
    options.config,
    [memoryLivePorts(options.config, options.gateway), ...(options.modules ?? [])],
    options.startedAt,
  );
