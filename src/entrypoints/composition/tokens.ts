import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { ContainerModule, type ResolutionContext, type ServiceIdentifier } from 'inversify';
import type { ChannelConnections } from '../../application/live/channel-connections.js';
import type { ChannelCommands, ChannelUseCases } from '../../application/live/channel-commands.js';
import type { GetChannelSnapshot } from '../../application/live/channel-snapshot.js';
import type { Broadcast } from '../../application/live/broadcast-feed.js';
import type { FanOut } from '../../application/live/fan-out-feed.js';
import type { RelayFeed } from '../../application/live/relay-feed.js';
import type { RecoverStream } from '../../application/live/stream-recovery.js';
import type { ViewerSignals } from '../../application/live/viewer-signals.js';
import type { Clock } from '../../application/ports/clock.port.js';
import type { GrantBeacon } from '../../application/presence-stream/beacon-grant.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import type { ConnectionRegistry } from '../../application/ports/connection-registry.port.js';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { SnapshotStore } from '../../application/ports/snapshot-store.port.js';
import type { FeedPublisher } from '../../application/ports/feed-publisher.port.js';
import type { IdGenerator } from '../../application/ports/id-generator.port.js';
import type { MessageQueue } from '../../application/ports/message-queue.port.js';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { ViewerDelivery } from '../../application/ports/viewer-delivery.port.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import type { BroadcastHandler, QueueBodyReader } from '../handlers/broadcast.js';
import type { FanoutHandler } from '../handlers/fanout.js';
import type { RelayHandler } from '../handlers/relay.js';
import type { WsAction, WsActionRegistry } from '../handlers/ws-actions.js';
import type { ConnectHook } from '../handlers/ws-connect.js';
import type { DisconnectHook } from '../handlers/ws-disconnect.js';
import type { WsMessageHandler } from '../handlers/ws-message.js';
import type { ApiRoutes } from '../http/api-route.js';
import type { HttpRouter } from '../http/router.js';

/**
 * A typed service identifier: `container.get(TOKENS.Clock)` is a `Clock` without a cast.
 * Tokens are explicit (no decorator metadata: esbuild emits none), one per role.
 */
export type Token<T> = ServiceIdentifier<T> & symbol;
/** A feature's token maker: `tokenIn('booking')<CounterStore>('CounterStore')` is `stampede.booking.CounterStore`. */
export const tokenIn =
  (feature?: string) =>
  <T>(name: string): Token<T> =>
    Symbol.for(feature === undefined ? `stampede.${name}` : `stampede.${feature}.${name}`) as Token<T>;
const token = tokenIn();

/** Resolves a token; `all` the multi-bound ones (none: []), `optional` an unbound one as undefined. */
export type Get = (<U>(token: Token<U>) => U) & {
  readonly all: <U>(token: Token<U>) => U[];
  readonly optional: <U>(token: Token<U>) => U | undefined;
};
/** Binds one port or setting to a factory; the root lists the bindings its function needs. */
export type Binding = (bind: <T>(token: Token<T>, factory: (get: Get) => T) => void) => void;

const resolverOf = (ctx: ResolutionContext): Get =>
  Object.assign(<U>(t: Token<U>): U => ctx.get(t), {
    all: <U>(t: Token<U>): U[] => ctx.getAll(t, { optional: true }),
    optional: <U>(t: Token<U>): U | undefined => ctx.get(t, { optional: true }),
  });

/** A container module of `bindings`, each a singleton built on first use. */
export const bindingsModule = (...bindings: readonly Binding[]): ContainerModule =>
  new ContainerModule(({ bind }) => {
    for (const binding of bindings)
      binding(
        (t, factory) =>
          void bind(t)
            .toDynamicValue((ctx) => factory(resolverOf(ctx)))
            .inSingletonScope(),
      );
  });

/** What every command handler is built on: the event store, the clock, ids and the retry sleeper. */
export const commandPorts = (get: Get) => ({
  store: get(TOKENS.EventStore),
  clock: get(TOKENS.Clock),
  ids: get(TOKENS.Ids),
  sleeper: get(TOKENS.Sleeper),
});

/** A setting (validated by the root) bound as a constant. */
export const setting =
  <T>(t: Token<T>, value: T): Binding =>
  (bind) =>
    bind(t, () => value);

/** Settings of the live-commerce use cases. */
export interface LiveSettings {
  /** Largest broadcast message body fan-out builds (SQS allows 256 KiB; frames are split below it). */
  readonly maxMessageBytes: number;
}

type WsRouteHandler = (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResultV2>;

/**
 * Every binding of the composition roots. Features add their own entries here; the
 * multi-bound ones (`HttpRoutes`, `WsActions`, `ConnectHooks`, `DisconnectHooks`) take one
 * binding per feature, so a feature registers routes without touching anyone's list.
 */
export const TOKENS = {
  // kernel
  Logger: token<Logger>('Logger'),
  Clock: token<Clock>('Clock'),
  Ids: token<IdGenerator>('Ids'),
  Sleeper: token<Sleeper>('Sleeper'),
  EventStore: token<EventStore>('EventStore'),
  /** State snapshots of long streams (optional: unbound, command handlers replay whole streams). */
  SnapshotStore: token<SnapshotStore>('SnapshotStore'),
  FeedPublisher: token<FeedPublisher>('FeedPublisher'),
  BroadcastQueue: token<MessageQueue<BroadcastMessage>>('BroadcastQueue'),
  /** Reads a broadcast message's body back from the blob store when the queue offloaded it. */
  BroadcastBodyReader: token<QueueBodyReader>('BroadcastBodyReader'),
  ConnectionRegistry: token<ConnectionRegistry>('ConnectionRegistry'),
  ConnectionGateway: token<ConnectionGateway>('ConnectionGateway'),
  /** The fan-out's output: the broadcast queue (apigateway) or an AppSync Events publisher (appsync-events). */
  ViewerDelivery: token<ViewerDelivery>('ViewerDelivery'),
  /** Origins the HTTP router answers with CORS headers (unbound: none; never a wildcard in AWS). */
  AllowedOrigins: token<readonly string[]>('AllowedOrigins'),
  ChatLimiter: token<RateLimiter>('ChatLimiter'),
  LikeLimiter: token<RateLimiter>('LikeLimiter'),
  // live commerce use cases
  ChannelCommandHandler: token<ChannelCommands>('ChannelCommandHandler'),
  ChannelUseCases: token<ChannelUseCases>('ChannelUseCases'),
  RelayFeed: token<RelayFeed>('RelayFeed'),
  FanOut: token<FanOut>('FanOut'),
  Broadcast: token<Broadcast>('Broadcast'),
  ChannelConnections: token<ChannelConnections>('ChannelConnections'),
  ViewerSignals: token<ViewerSignals>('ViewerSignals'),
  ChannelSnapshot: token<GetChannelSnapshot>('ChannelSnapshot'),
  StreamRecovery: token<RecoverStream>('StreamRecovery'),
  LiveSettings: token<LiveSettings>('LiveSettings'),
  /** Beacon grants for the join answers (bound only with the beacon presence path: presence-beacon.module.ts). */
  GrantBeacon: token<GrantBeacon>('GrantBeacon'),
  // edges (multi-bound: one binding per feature)
  HttpRoutes: token<ApiRoutes>('HttpRoutes'),
  WsActions: token<readonly WsAction[]>('WsActions'),
  ConnectHooks: token<ConnectHook>('ConnectHooks'),
  DisconnectHooks: token<DisconnectHook>('DisconnectHooks'),
  HttpRouter: token<HttpRouter>('HttpRouter'),
  WsActionRegistry: token<WsActionRegistry>('WsActionRegistry'),
  // Lambda handlers (the fixed list in docs/ARCHITECTURE.md)
  RelayHandler: token<RelayHandler>('RelayHandler'),
  FanoutHandler: token<FanoutHandler>('FanoutHandler'),
  BroadcastHandler: token<BroadcastHandler>('BroadcastHandler'),
  WsConnectHandler: token<WsRouteHandler>('WsConnectHandler'),
  WsDisconnectHandler: token<WsRouteHandler>('WsDisconnectHandler'),
  WsMessageHandler: token<WsMessageHandler>('WsMessageHandler'),
  HttpApiHandler: token<HttpRouter['handle']>('HttpApiHandler'),
} as const;
