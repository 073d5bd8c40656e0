/** The viewer session a WebSocket connection's heartbeats belong to. */
export interface SessionBinding {
  readonly channelId: string;
  readonly sessionId: string;
}

/**
 * Which viewer session each WebSocket connection carries, so `$disconnect` can end that
 * session at once instead of waiting out the TTL (DynamoDB: attributes on the connection's
 * item, expiring with it; a connection lives at most 2 hours in API Gateway).
 */
export interface ConnectionSessions {
  /** Remembers the session a connection carries, replacing an earlier one. */
  bind(connectionId: string, binding: SessionBinding): Promise<void>;
  /** Forgets the connection and returns the session it carried, or null. */
  release(connectionId: string): Promise<SessionBinding | null>;
}
