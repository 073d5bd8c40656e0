import type { ChannelId, SessionId } from '../../domain/shared/ids.js';
import type { ConnectionSessions } from '../ports/connection-sessions.port.js';

export interface ConnectionPresenceDeps {
  readonly sessions: ConnectionSessions;
  readonly endViewerSession: (input: { readonly channelId: ChannelId; readonly sessionId: SessionId }) => Promise<void>;
}

const BOUND_CACHE_LIMIT = 50_000;

/**
 * Ties WebSocket connections to the viewer sessions they beat for. A beat binds its session
 * to the connection only when that changes (a per-instance cache keeps it to about one write
 * per connection per instance, not one per beat); the connection's close ends the session.
 */
export const makeConnectionPresence = (deps: ConnectionPresenceDeps) => {
  const bound = new Map<string, string>();
  return {
    async beatOn(connectionId: string, channelId: string, sessionId: string): Promise<void> {
      const key = `${channelId}\u0000${sessionId}`;
      if (bound.get(connectionId) === key) return;
      await deps.sessions.bind(connectionId, { channelId, sessionId });
      bound.delete(connectionId);
      bound.set(connectionId, key);
      if (bound.size > BOUND_CACHE_LIMIT) bound.delete(bound.keys().next().value as string);
    },
    async closed(connectionId: string): Promise<boolean> {
      bound.delete(connectionId);
      const binding = await deps.sessions.release(connectionId);
      if (!binding) return false;
      await deps.endViewerSession({
        channelId: binding.channelId as ChannelId,
        sessionId: binding.sessionId as SessionId,
      });
      return true;
    },
  };
};
export type ConnectionPresence = ReturnType<typeof makeConnectionPresence>;
