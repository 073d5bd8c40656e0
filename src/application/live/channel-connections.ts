import type { Clock } from '../ports/clock.port.js';
import type { ConnectionInfo, ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { RateLimiter } from '../ports/rate-limiter.port.js';

export interface ChannelConnectionsDeps {
  readonly registry: ConnectionRegistry;
  readonly clock: Clock;
  /** Per-connection limiters whose buckets are released when the connection leaves. */
  readonly limiters?: readonly RateLimiter[];
}

/**
 * Which channel a WebSocket connection watches. Joining places it in a shard of at most N
 * connections (the registry decides); joining another channel moves it; leaving (disconnect)
 * removes it. The channel need not exist yet: a viewer may wait in a scheduled channel's room.
 */
export const makeChannelConnections = (deps: ChannelConnectionsDeps) => ({
  join: (connectionId: string, channelId: string, userId: string | null): Promise<ConnectionInfo> =>
    deps.registry.join(connectionId, channelId, userId, deps.clock.now()),
  async leave(connectionId: string): Promise<void> {
    await deps.registry.remove(connectionId);
    await Promise.all((deps.limiters ?? []).map((l) => l.release(connectionId)));
  },
  current: (connectionId: string): Promise<ConnectionInfo | null> => deps.registry.get(connectionId),
});
export type ChannelConnections = ReturnType<typeof makeChannelConnections>;
