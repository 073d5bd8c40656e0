import { z } from 'zod';
import type { HeartbeatInput } from '../../application/presence/accept-heartbeat.js';
import type { ConnectionPresence } from '../../application/presence/connection-presence.js';
import { ChannelId, SessionId, type UserId } from '../../domain/shared/ids.js';
import { defineWsAction, type WsAction } from '../handlers/ws-actions.js';
import type { DisconnectHook } from '../handlers/ws-disconnect.js';
import { Sequence } from '../http/presence.routes.js';

export const HeartbeatFrame = z.object({
  action: z.literal('heartbeat'),
  channelId: ChannelId,
  sessionId: SessionId,
  sequence: Sequence,
});

export interface PresenceWsDeps {
  readonly acceptHeartbeat: (input: HeartbeatInput) => Promise<{ readonly at: number }>;
  readonly connections: ConnectionPresence;
}

/**
 * `{action:'heartbeat', channelId, sessionId, sequence}` every 5 s. Not acknowledged: an ack
 * would be one PostToConnection per viewer per 5 s against the account's API Gateway quota;
 * only a bad frame is answered (with an error frame).
 */
export const presenceWsActions = (deps: PresenceWsDeps): WsAction[] => [
  defineWsAction({
    action: 'heartbeat',
    schema: HeartbeatFrame,
    async handle(frame, ctx) {
      // Queue (budget checked inside) before binding, so a refused beat changes nothing. Should the
      // bind then fail, the session simply expires after the TTL, as with a lost $disconnect.
      await deps.acceptHeartbeat({
        channelId: frame.channelId,
        sessionId: frame.sessionId,
        userId: ctx.userId as UserId | null,
        sequence: frame.sequence,
        connectionId: ctx.connectionId,
      });
      await deps.connections.beatOn(ctx.connectionId, frame.channelId, frame.sessionId);
    },
  }),
];

/** `$disconnect` ends the session the connection carried: it stops counting now, not after the TTL. */
export const presenceDisconnectHook =
  (connections: ConnectionPresence): DisconnectHook =>
  async (connectionId) => {
    await connections.closed(connectionId);
  };
