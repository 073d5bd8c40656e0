import 'reflect-metadata';
import { Logger } from '@aws-lambda-powertools/logger';
import { Container, ContainerModule } from 'inversify';
import { InMemoryTokenBucket } from '../../adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { InMemoryConnectionGateway } from '../../adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryEventStore } from '../../adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { seededRandom } from '../../adapters/in-memory/clock-adapter-in-memory.js';
import { decodeEventStreamRecord } from '../../adapters/dynamodb/stream-record-decoder.js';
import { realSleeper, systemClock, uuidIds } from '../../adapters/system/system-clock.js';
import { CommandHandler } from '../../application/command-handler.js';
import { makeBroadcast } from '../../application/live/broadcast-feed.js';
import { makeChannelCommands } from '../../application/live/channel-commands.js';
import { makeChannelConnections } from '../../application/live/channel-connections.js';
import { makeChannelSnapshot } from '../../application/live/channel-snapshot.js';
import { makeFanOut } from '../../application/live/fan-out-feed.js';
import { makeRelayFeed } from '../../application/live/relay-feed.js';
import { makeStreamRecovery } from '../../application/live/stream-recovery.js';
import { makeViewerSignals } from '../../application/live/viewer-signals.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { channelCodec, channelDecider } from '../../domain/channel/index.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { makeBroadcastHandler } from '../handlers/broadcast.js';
import { makeFanoutHandler } from '../handlers/fanout.js';
import { liveWsActions } from '../handlers/live.ws-actions.js';
import { makeRelayHandler } from '../handlers/relay.js';
import { WsActionRegistry } from '../handlers/ws-actions.js';
import { makeWsConnectHandler } from '../handlers/ws-connect.js';
import { makeWsDisconnectHandler } from '../handlers/ws-disconnect.js';
import { makeWsMessageHandler } from '../handlers/ws-message.js';
import { makeLiveRoutes } from '../http/live.routes.js';
import { HttpRouter } from '../http/router.js';
import { makeSystemRoutes } from '../http/system.routes.js';
import type { LocalConfig } from '../local/local-config.js';
import { ABUSE_TOKENS, abuseModule } from './abuse.module.js';
import { TOKENS, type Token } from './tokens.js';

/** The in-memory twins behind the ports, for the local runtime's event-source emulation and for tests. */
export const LOCAL_TOKENS = {
  Config: Symbol.for('stampede.local.Config') as Token<LocalConfig>,
  WatchLimiter: Symbol.for('stampede.local.WatchLimiter') as Token<RateLimiter>,
  Random: Symbol.for('stampede.local.Random') as Token<() => number>,
  InMemoryEventStore: Symbol.for('stampede.local.InMemoryEventStore') as Token<InMemoryEventStore>,
  FeedStream: Symbol.for('stampede.local.FeedStream') as Token<InMemoryFeedStream>,
  BroadcastQueue: Symbol.for('stampede.local.BroadcastQueue') as Token<InMemoryQueue<BroadcastMessage>>,
  ConnectionRegistry: Symbol.for('stampede.local.ConnectionRegistry') as Token<InMemoryConnectionRegistry>,
} as const;

export interface LocalContainerOptions {
  readonly config: LocalConfig;
  /**
   * Where frames go: the local WebSocket server. When absent, a recording in-memory gateway
   * that, like API Gateway, answers Gone for connections not opened with its `connect` (pass
   * one with `acceptUnknownIds` where a test sends frames without modelling `$connect`).
   */
  readonly gateway?: ConnectionGateway;
  /** Feature modules and overrides (e.g. another backend's adapters), loaded after the defaults. */
  readonly modules?: readonly ContainerModule[];
  readonly startedAt?: number;
  /**
   * Origins the HTTP router answers with CORS headers. Default `*`: the local runtime serves
   * pages from anywhere on the developer's machine. A deployed function passes its
   * ALLOWED_ORIGINS (never a wildcard).
   */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The local composition root: every port bound to its in-memory twin, the live-commerce use
 * cases and the Lambda handlers built from them. Bindings are singletons and built on first
 * use; features add theirs through `modules` (multi-bound HttpRoutes / WsActions / hooks
 * included), without editing this file's lists.
 */
export const createLocalContainer = (options: LocalContainerOptions): Container => {
  const { config } = options;
  const container = new Container({ defaultScope: 'Singleton' });
  const bind = <T>(t: Token<T>, factory: (get: <U>(t: Token<U>) => U) => T): void => {
    container.bind<T>(t).toDynamicValue((ctx) => factory((u) => ctx.get(u)));
  };

  bind(LOCAL_TOKENS.Config, () => config);
  bind(LOCAL_TOKENS.Random, () => (config.seed > 0 ? seededRandom(config.seed) : Math.random));
  bind(TOKENS.Logger, () => new Logger({ serviceName: 'stampede', logLevel: config.logLevel }));
  bind(TOKENS.Clock, () => systemClock);
  bind(TOKENS.Ids, () => uuidIds);
  bind(TOKENS.Sleeper, () => realSleeper);

  bind(LOCAL_TOKENS.InMemoryEventStore, () => new InMemoryEventStore());
  bind(TOKENS.EventStore, (get) => get(LOCAL_TOKENS.InMemoryEventStore));
  bind(LOCAL_TOKENS.FeedStream, (get) => new InMemoryFeedStream({ shardCount: config.feedShards, sleeper: get(TOKENS.Sleeper) }));
  bind(TOKENS.FeedPublisher, (get) => get(LOCAL_TOKENS.FeedStream));
  bind(LOCAL_TOKENS.BroadcastQueue, (get) => {
    const random = get(LOCAL_TOKENS.Random);
    const deadLetterQueue = new InMemoryQueue<BroadcastMessage>({ name: 'broadcast-dlq' });
    return new InMemoryQueue<BroadcastMessage>({
      name: 'broadcast',
      visibilityTimeoutMs: config.broadcastVisibilityTimeoutMs,
      maxReceiveCount: config.maxReceiveCount,
      deadLetterQueue,
      duplicateRate: config.duplicateRate,
      reorder: config.reorder,
      random,
    });
  });
  bind(TOKENS.BroadcastQueue, (get) => get(LOCAL_TOKENS.BroadcastQueue));
  // The in-memory queue carries any body whole (it refuses, never offloads, one over the SQS limit).
  bind(TOKENS.BroadcastBodyReader, () => (body) => Promise.resolve(body));
  bind(LOCAL_TOKENS.ConnectionRegistry, () => new InMemoryConnectionRegistry({ shardSize: config.shardSize }));
  bind(TOKENS.ConnectionRegistry, (get) => get(LOCAL_TOKENS.ConnectionRegistry));
  bind(TOKENS.ConnectionGateway, () => options.gateway ?? new InMemoryConnectionGateway());
  bind(TOKENS.ChatLimiter, (get) => new InMemoryTokenBucket({ capacity: config.chatBurst, refillPerSecond: config.chatPerSecond, clock: get(TOKENS.Clock) }));
  bind(TOKENS.LikeLimiter, (get) => new InMemoryTokenBucket({ capacity: config.likeBurst, refillPerSecond: config.likePerSecond, clock: get(TOKENS.Clock) }));
  // Watch history per connection: a few joins at once, then one every 10 s (more joins still work, unrecorded).
  bind(LOCAL_TOKENS.WatchLimiter, (get) => new InMemoryTokenBucket({ capacity: 5, refillPerSecond: 0.1, clock: get(TOKENS.Clock) }));

  bind(TOKENS.ChannelCommandHandler, (get) =>
    new CommandHandler(channelDecider, channelCodec, { store: get(TOKENS.EventStore), clock: get(TOKENS.Clock), ids: get(TOKENS.Ids), sleeper: get(TOKENS.Sleeper) }),
  );
  bind(TOKENS.ChannelUseCases, (get) => makeChannelCommands({ channels: get(TOKENS.ChannelCommandHandler), clock: get(TOKENS.Clock), ids: get(TOKENS.Ids) }));
  bind(TOKENS.RelayFeed, (get) => makeRelayFeed({ publisher: get(TOKENS.FeedPublisher) }));
  bind(TOKENS.FanOut, (get) =>
    makeFanOut({ queue: get(TOKENS.BroadcastQueue), registry: get(TOKENS.ConnectionRegistry), maxMessageBytes: config.maxMessageBytes }),
  );
  bind(TOKENS.Broadcast, (get) =>
    makeBroadcast({ registry: get(TOKENS.ConnectionRegistry), gateway: get(TOKENS.ConnectionGateway), retryQueue: get(TOKENS.BroadcastQueue) }),
  );
  bind(TOKENS.ChannelConnections, (get) =>
    makeChannelConnections({ registry: get(TOKENS.ConnectionRegistry), clock: get(TOKENS.Clock), limiters: [get(TOKENS.ChatLimiter), get(TOKENS.LikeLimiter), get(LOCAL_TOKENS.WatchLimiter)] }),
  );
  bind(TOKENS.ViewerSignals, (get) =>
    makeViewerSignals({
      registry: get(TOKENS.ConnectionRegistry),
      publisher: get(TOKENS.FeedPublisher),
      clock: get(TOKENS.Clock),
      ids: get(TOKENS.Ids),
      chatLimiter: get(TOKENS.ChatLimiter),
      likeLimiter: get(TOKENS.LikeLimiter),
      chatUserLimiter: get(ABUSE_TOKENS.ChatUserLimiter),
      likeUserLimiter: get(ABUSE_TOKENS.LikeUserLimiter),
      watchLimiter: get(LOCAL_TOKENS.WatchLimiter),
    }),
  );
  bind(TOKENS.ChannelSnapshot, (get) => makeChannelSnapshot({ store: get(TOKENS.EventStore) }));
  bind(TOKENS.StreamRecovery, (get) => makeStreamRecovery({ store: get(TOKENS.EventStore) }));

  // Edges: features contribute routes, actions and hooks; the registries collect all of them.
  const onUnexpected = (get: <U>(t: Token<U>) => U) => (error: unknown) => get(TOKENS.Logger).error('unexpected error in a route', { error });
  bind(TOKENS.HttpRoutes, (get) =>
    makeLiveRoutes({
      channels: get(TOKENS.ChannelUseCases),
      snapshot: get(TOKENS.ChannelSnapshot),
      recover: get(TOKENS.StreamRecovery),
      onUnexpected: onUnexpected(get),
    }),
  );
  bind(TOKENS.HttpRoutes, (get) => makeSystemRoutes({ service: 'stampede', startedAt: options.startedAt ?? Date.now(), now: () => get(TOKENS.Clock).now() }));
  bind(TOKENS.WsActions, (get) => liveWsActions({ connections: get(TOKENS.ChannelConnections), signals: get(TOKENS.ViewerSignals) }));
  container.bind(TOKENS.HttpRouter).toDynamicValue((ctx) => {
    const router = new HttpRouter({ logger: ctx.get(TOKENS.Logger), cors: { allowedOrigins: options.allowedOrigins ?? ['*'] } });
    for (const routes of ctx.getAll(TOKENS.HttpRoutes, { optional: true })) router.add(routes);
    return router;
  });
  container.bind(TOKENS.WsActionRegistry).toDynamicValue((ctx) => {
    const registry = new WsActionRegistry();
    for (const actions of ctx.getAll(TOKENS.WsActions, { optional: true })) registry.register(...actions);
    return registry;
  });

  bind(TOKENS.RelayHandler, (get) => makeRelayHandler({ relay: get(TOKENS.RelayFeed), decodeRecord: decodeEventStreamRecord, logger: get(TOKENS.Logger) }));
  bind(TOKENS.FanoutHandler, (get) => makeFanoutHandler({ fanOut: get(TOKENS.FanOut), logger: get(TOKENS.Logger) }));
  bind(TOKENS.BroadcastHandler, (get) => makeBroadcastHandler({ broadcast: get(TOKENS.Broadcast), logger: get(TOKENS.Logger), readBody: get(TOKENS.BroadcastBodyReader) }));
  container.bind(TOKENS.WsConnectHandler).toDynamicValue((ctx) =>
    makeWsConnectHandler({ hooks: ctx.getAll(TOKENS.ConnectHooks, { optional: true }), logger: ctx.get(TOKENS.Logger) }),
  );
  container.bind(TOKENS.WsDisconnectHandler).toDynamicValue((ctx) => {
    const connections = ctx.get(TOKENS.ChannelConnections);
    return makeWsDisconnectHandler({
      leave: (id) => connections.leave(id),
      hooks: ctx.getAll(TOKENS.DisconnectHooks, { optional: true }),
      logger: ctx.get(TOKENS.Logger),
    });
  });
  bind(TOKENS.WsMessageHandler, (get) =>
    makeWsMessageHandler({ actions: get(TOKENS.WsActionRegistry), gateway: get(TOKENS.ConnectionGateway), logger: get(TOKENS.Logger) }),
  );
  bind(TOKENS.HttpApiHandler, (get) => get(TOKENS.HttpRouter).handle);

  // Per-user budgets, bid/heartbeat budgets and the per-user connection limit (ABUSE_TOKENS).
  container.load(abuseModule(config));
  if (options.modules && options.modules.length > 0) container.load(...options.modules);
  return container;
};


