import { ContainerModule } from 'inversify';
import { decodeEventStreamRecord } from '../../adapters/dynamodb/stream-record-decoder.js';
import { CommandHandler } from '../../application/command-handler.js';
import { makeBroadcast } from '../../application/live/broadcast-feed.js';
import { makeChannelCommands } from '../../application/live/channel-commands.js';
import { makeChannelConnections } from '../../application/live/channel-connections.js';
import { makeChannelSnapshot } from '../../application/live/channel-snapshot.js';
import { makeFanOut } from '../../application/live/fan-out-feed.js';
import { makeQueueViewerDelivery } from '../../application/live/queue-viewer-delivery.js';
import { makeRelayFeed } from '../../application/live/relay-feed.js';
import { makeStreamRecovery } from '../../application/live/stream-recovery.js';
import { makeUserSignals, makeViewerSignals } from '../../application/live/viewer-signals.js';
import { channelCodec, channelDecider } from '../../domain/channel/index.js';
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
import { ABUSE_TOKENS } from './abuse.module.js';
import { TOKENS, type Binding, bindingsModule, commandPorts } from './tokens.js';

/**
 * Live commerce: the channel use cases, relay → fan-out → broadcast, the WebSocket routes, the
 * HTTP router and the WebSocket action registry (which collect every feature's multi-bound
 * routes, actions and hooks), bound to port tokens only. `startedAt` is what `GET /health` reports.
 */
export const liveModule = (startedAt: number = Date.now()): ContainerModule =>
  bindingsModule((bind) => {
    bind(TOKENS.ChannelCommandHandler, (get) => new CommandHandler(channelDecider, channelCodec, commandPorts(get)));
    bind(TOKENS.ChannelUseCases, (get) =>
      makeChannelCommands({
        channels: get(TOKENS.ChannelCommandHandler),
        clock: get(TOKENS.Clock),
        ids: get(TOKENS.Ids),
      }),
    );
    bind(TOKENS.RelayFeed, (get) => makeRelayFeed({ publisher: get(TOKENS.FeedPublisher) }));
    bind(TOKENS.FanOut, (get) => makeFanOut({ delivery: get(TOKENS.ViewerDelivery) }));
    bind(TOKENS.Broadcast, (get) =>
      makeBroadcast({
        registry: get(TOKENS.ConnectionRegistry),
        gateway: get(TOKENS.ConnectionGateway),
        retryQueue: get(TOKENS.BroadcastQueue),
      }),
    );
    bind(TOKENS.ChannelConnections, (get) =>
      makeChannelConnections({
        registry: get(TOKENS.ConnectionRegistry),
        clock: get(TOKENS.Clock),
        limiters: [get(TOKENS.ChatLimiter), get(TOKENS.LikeLimiter), get(ABUSE_TOKENS.WatchLimiter)],
      }),
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
        watchLimiter: get(ABUSE_TOKENS.WatchLimiter),
      }),
    );
    bind(TOKENS.ChannelSnapshot, (get) => makeChannelSnapshot({ store: get(TOKENS.EventStore) }));
    bind(TOKENS.StreamRecovery, (get) => makeStreamRecovery({ store: get(TOKENS.EventStore) }));

    // Edges: features contribute routes, actions and hooks; the registries collect all of them.
    bind(TOKENS.HttpRoutes, (get) =>
      makeLiveRoutes({
        channels: get(TOKENS.ChannelUseCases),
        snapshot: get(TOKENS.ChannelSnapshot),
        recover: get(TOKENS.StreamRecovery),
        userSignals: makeUserSignals({
          publisher: get(TOKENS.FeedPublisher),
          clock: get(TOKENS.Clock),
          ids: get(TOKENS.Ids),
          chatUserLimiter: get(ABUSE_TOKENS.ChatUserLimiter),
          likeUserLimiter: get(ABUSE_TOKENS.LikeUserLimiter),
          channelExists: async (channelId) => (await get(TOKENS.ChannelSnapshot)(channelId)) !== null,
        }),
        onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error in a route', { error }),
      }),
    );
    bind(TOKENS.HttpRoutes, (get) =>
      makeSystemRoutes({ service: 'stampede', startedAt, now: () => get(TOKENS.Clock).now() }),
    );
    bind(TOKENS.WsActions, (get) => {
      const grantBeacon = get.optional(TOKENS.GrantBeacon);
      return liveWsActions({
        connections: get(TOKENS.ChannelConnections),
        signals: get(TOKENS.ViewerSignals),
        ...(grantBeacon === undefined ? {} : { grantBeacon }),
      });
    });
    bind(TOKENS.HttpRouter, (get) => {
      const router = new HttpRouter({
        logger: get(TOKENS.Logger),
        cors: { allowedOrigins: get.optional(TOKENS.AllowedOrigins) ?? [] },
      });
      for (const routes of get.all(TOKENS.HttpRoutes)) router.add(routes);
      return router;
    });
    bind(TOKENS.WsActionRegistry, (get) => {
      const registry = new WsActionRegistry();
      for (const actions of get.all(TOKENS.WsActions)) registry.register(...actions);
      return registry;
    });

    bind(TOKENS.RelayHandler, (get) =>
      makeRelayHandler({
        relay: get(TOKENS.RelayFeed),
        decodeRecord: decodeEventStreamRecord,
        logger: get(TOKENS.Logger),
      }),
    );
    bind(TOKENS.FanoutHandler, (get) => makeFanoutHandler({ fanOut: get(TOKENS.FanOut), logger: get(TOKENS.Logger) }));
    bind(TOKENS.BroadcastHandler, (get) =>
      makeBroadcastHandler({
        broadcast: get(TOKENS.Broadcast),
        logger: get(TOKENS.Logger),
        readBody: get(TOKENS.BroadcastBodyReader),
      }),
    );
    bind(TOKENS.WsConnectHandler, (get) =>
      makeWsConnectHandler({ hooks: get.all(TOKENS.ConnectHooks), logger: get(TOKENS.Logger) }),
    );
    bind(TOKENS.WsDisconnectHandler, (get) => {
      const connections = get(TOKENS.ChannelConnections);
      return makeWsDisconnectHandler({
        leave: (id) => connections.leave(id),
        hooks: get.all(TOKENS.DisconnectHooks),
        logger: get(TOKENS.Logger),
      });
    });
    bind(TOKENS.WsMessageHandler, (get) =>
      makeWsMessageHandler({
        actions: get(TOKENS.WsActionRegistry),
        gateway: get(TOKENS.ConnectionGateway),
        logger: get(TOKENS.Logger),
      }),
    );
    bind(TOKENS.HttpApiHandler, (get) => get(TOKENS.HttpRouter).handle);
  });

/**
 * The fan-out's output on the per-connection path (the `apigateway` broadcaster): one broadcast
 * message per channel shard on the broadcast queue. The `appsync-events` broadcaster binds
 * `ViewerDelivery` to its publisher instead (appsync.aws.module.ts).
 */
export const queueViewerDelivery: Binding = (bind) =>
  bind(TOKENS.ViewerDelivery, (get) =>
    makeQueueViewerDelivery({
      queue: get(TOKENS.BroadcastQueue),
      registry: get(TOKENS.ConnectionRegistry),
      maxMessageBytes: get(TOKENS.LiveSettings).maxMessageBytes,
    }),
  );
