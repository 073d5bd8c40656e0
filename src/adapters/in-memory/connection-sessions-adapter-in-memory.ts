import type { ConnectionSessions, SessionBinding } from '../../application/ports/connection-sessions.port.js';

/**
 * The in-memory twin of the connection → session binding. `$disconnect` is best effort in
 * API Gateway, so a binding may never be released: the map is bounded and forgets the oldest
 * connection first (its session then simply expires by TTL).
 */
export class InMemoryConnectionSessions implements ConnectionSessions {
  private readonly bindings = new Map<string, SessionBinding>();

  constructor(private readonly limit = 100_000) {}

  async bind(connectionId: string, binding: SessionBinding): Promise<void> {
    this.bindings.delete(connectionId);
    this.bindings.set(connectionId, { channelId: binding.channelId, sessionId: binding.sessionId });
    if (this.bindings.size > this.limit) this.bindings.delete(this.bindings.keys().next().value as string);
  }

  async release(connectionId: string): Promise<SessionBinding | null> {
    const binding = this.bindings.get(connectionId) ?? null;
    this.bindings.delete(connectionId);
    return binding;
  }
}
