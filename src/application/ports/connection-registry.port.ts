/** A viewer's WebSocket connection and where it sits in the fan-out. */
export interface ConnectionInfo {
  readonly connectionId: string;
  readonly channelId: string;
  readonly shardNo: number;
  /** The authenticated user, or null for an anonymous viewer. */
  readonly userId: string | null;
  readonly joinedAt: number;
}

/**
 * Which connections watch which channel, split into shards of at most N connections so that
 * one broadcast message (one Lambda invocation) posts to a bounded number of viewers.
 */
export interface ConnectionRegistry {
  /** Places a connection in a channel shard with room (joining again moves it); returns its entry. */
  join(connectionId: string, channelId: string, userId: string | null, at: number): Promise<ConnectionInfo>;
  /** Removes a connection (disconnect or 410 Gone); unknown ids are ignored. */
  remove(connectionId: string): Promise<void>;
  /** The connection's entry, or null. */
  get(connectionId: string): Promise<ConnectionInfo | null>;
  /** Connection ids in one shard of a channel. */
  connectionsIn(channelId: string, shardNo: number): Promise<readonly string[]>;
  /** How many shards the channel uses now (0 when nobody watches). */
  shardCount(channelId: string): Promise<number>;
}
