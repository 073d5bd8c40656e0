import { ContainerModule } from 'inversify';
import { CommandHandler } from '../../application/command-handler.js';
import type { ConnectionSessions } from '../../application/ports/connection-sessions.port.js';
import type { MessageQueue } from '../../application/ports/message-queue.port.js';
import type { PresenceStore } from '../../application/ports/presence-store.port.js';
import {
  makeAcceptHeartbeat,
  makeEndViewerSession,
  type HeartbeatInput,
} from '../../application/presence/accept-heartbeat.js';
import { makeConnectionPresence, type ConnectionPresence } from '../../application/presence/connection-presence.js';
import type { PresenceMessage } from '../../application/presence/presence-message.js';
import type { PresenceSettings } from '../../application/presence/presence-settings.js';
import { PresenceTracker } from '../../application/presence/presence-tracker.js';
import { withViewerCountRateLimit } from '../../application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../application/presence/viewer-count-publisher.js';
import { channelCodec, channelDecider } from '../../domain/channel/index.js';
import { makePresenceHandler } from '../handlers/presence.js';
import { makePresenceRoutes } from '../http/presence.routes.js';
import { presenceDisconnectHook, presenceWsActions } from '../ws/presence.ws-actions.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import { TOKENS, type Token } from './tokens.js';

const token = <T>(name: string): Token<T> => Symbol.for(`stampede.presence.${name}`) as Token<T>;

/** F5 bindings. The ports (first group) come from the backend: in-memory twins locally, DynamoDB/SQS in AWS. */
export const PRESENCE_TOKENS = {
  Settings: token<PresenceSettings>('Settings'),
  PresenceStore: token<PresenceStore>('PresenceStore'),
  HeartbeatQueue: token<MessageQueue<PresenceMessage>>('HeartbeatQueue'),
  ConnectionSessions: token<ConnectionSessions>('ConnectionSessions'),
  Tracker: token<PresenceTracker>('Tracker'),
  AcceptHeartbeat: token<(input: HeartbeatInput) => Promise<{ readonly at: number }>>('AcceptHeartbeat'),
  ConnectionPresence: token<ConnectionPresence>('ConnectionPresence'),
  Handler: token<ReturnType<typeof makePresenceHandler>>('Handler'),
} as const;

/**
 * Use cases, the `presence` handler, the heartbeat route and frame and the disconnect hook,
 * over whatever ports the container binds. The tracker publishes through its own channel
 * command handler, whose decider carries the viewer-count rate limit.
 */
export const presenceModule = new ContainerModule(({ bind }) => {
  const kernel = (get: <U>(t: Token<U>) => U) => ({
    store: get(TOKENS.EventStore),
    clock: get(TOKENS.Clock),
    ids: get(TOKENS.Ids),
    sleeper: get(TOKENS.Sleeper),
  });
  bind(PRESENCE_TOKENS.Tracker)
    .toDynamicValue((ctx) => {
      const get = <U>(t: Token<U>) => ctx.get(t);
      const settings = get(PRESENCE_TOKENS.Settings);
      const channels = new CommandHandler(
        withViewerCountRateLimit(channelDecider, settings.minPublishIntervalMs),
        channelCodec,
        kernel(get),
      );
      return new PresenceTracker({
        store: get(PRESENCE_TOKENS.PresenceStore),
        publisher: new ViewerCountPublisher(channels, settings.minPublishIntervalMs),
        channels,
        followUps: get(PRESENCE_TOKENS.HeartbeatQueue),
        clock: get(TOKENS.Clock),
        settings,
      });
    })
    .inSingletonScope();
  bind(PRESENCE_TOKENS.AcceptHeartbeat)
    .toDynamicValue((ctx) =>
      makeAcceptHeartbeat({
        queue: ctx.get(PRESENCE_TOKENS.HeartbeatQueue),
        clock: ctx.get(TOKENS.Clock),
        gate: ctx.get(ABUSE_TOKENS.ActionGate, { optional: true }),
      }),
    )
    .inSingletonScope();
  bind(PRESENCE_TOKENS.ConnectionPresence)
    .toDynamicValue((ctx) =>
      makeConnectionPresence({
        sessions: ctx.get(PRESENCE_TOKENS.ConnectionSessions),
        endViewerSession: makeEndViewerSession({
          queue: ctx.get(PRESENCE_TOKENS.HeartbeatQueue),
          clock: ctx.get(TOKENS.Clock),
        }),
      }),
    )
    .inSingletonScope();
  bind(PRESENCE_TOKENS.Handler)
    .toDynamicValue((ctx) =>
      makePresenceHandler({ tracker: ctx.get(PRESENCE_TOKENS.Tracker), logger: ctx.get(TOKENS.Logger) }),
    )
    .inSingletonScope();
  bind(TOKENS.HttpRoutes)
    .toDynamicValue((ctx) =>
      makePresenceRoutes({
        acceptHeartbeat: ctx.get(PRESENCE_TOKENS.AcceptHeartbeat),
        onUnexpected: (error) => ctx.get(TOKENS.Logger).error('unexpected error in a presence route', { error }),
      }),
    )
    .inSingletonScope();
  bind(TOKENS.WsActions)
    .toDynamicValue((ctx) =>
      presenceWsActions({
        acceptHeartbeat: ctx.get(PRESENCE_TOKENS.AcceptHeartbeat),
        connections: ctx.get(PRESENCE_TOKENS.ConnectionPresence),
      }),
    )
    .inSingletonScope();
  bind(TOKENS.DisconnectHooks)
    .toDynamicValue((ctx) => presenceDisconnectHook(ctx.get(PRESENCE_TOKENS.ConnectionPresence)))
    .inSingletonScope();
});
