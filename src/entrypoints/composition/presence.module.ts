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
import { TOKENS, bindingsModule, tokenIn, commandPorts } from './tokens.js';

const token = tokenIn('presence');

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
export const presenceModule = bindingsModule((bind) => {
  bind(PRESENCE_TOKENS.Tracker, (get) => {
    const settings = get(PRESENCE_TOKENS.Settings);
    const channels = new CommandHandler(
      withViewerCountRateLimit(channelDecider, settings.minPublishIntervalMs),
      channelCodec,
      commandPorts(get),
    );
    return new PresenceTracker({
      store: get(PRESENCE_TOKENS.PresenceStore),
      publisher: new ViewerCountPublisher(channels, settings.minPublishIntervalMs),
      channels,
      followUps: get(PRESENCE_TOKENS.HeartbeatQueue),
      clock: get(TOKENS.Clock),
      settings,
    });
  });
  bind(PRESENCE_TOKENS.AcceptHeartbeat, (get) =>
    makeAcceptHeartbeat({
      queue: get(PRESENCE_TOKENS.HeartbeatQueue),
      clock: get(TOKENS.Clock),
      gate: get.optional(ABUSE_TOKENS.ActionGate),
    }),
  );
  bind(PRESENCE_TOKENS.ConnectionPresence, (get) =>
    makeConnectionPresence({
      sessions: get(PRESENCE_TOKENS.ConnectionSessions),
      endViewerSession: makeEndViewerSession({
        queue: get(PRESENCE_TOKENS.HeartbeatQueue),
        clock: get(TOKENS.Clock),
      }),
    }),
  );
  bind(PRESENCE_TOKENS.Handler, (get) =>
    makePresenceHandler({ tracker: get(PRESENCE_TOKENS.Tracker), logger: get(TOKENS.Logger) }),
  );
  bind(TOKENS.HttpRoutes, (get) =>
    makePresenceRoutes({
      acceptHeartbeat: get(PRESENCE_TOKENS.AcceptHeartbeat),
      onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error in a presence route', { error }),
    }),
  );
  bind(TOKENS.WsActions, (get) =>
    presenceWsActions({
      acceptHeartbeat: get(PRESENCE_TOKENS.AcceptHeartbeat),
      connections: get(PRESENCE_TOKENS.ConnectionPresence),
    }),
  );
  bind(TOKENS.DisconnectHooks, (get) => presenceDisconnectHook(get(PRESENCE_TOKENS.ConnectionPresence)));
});
