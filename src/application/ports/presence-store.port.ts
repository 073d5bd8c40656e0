/** One accepted heartbeat of a playback session (the seed's "current" table item). */
export interface PresenceBeat {
  readonly channelId: string;
  readonly sessionId: string;
  readonly userId: string | null;
  /** The player's own counter; a beat is stored only if it is higher than the stored one. */
  readonly sequence: number;
  readonly at: number;
  /** Epoch ms after which the session no longer counts (at + TTL). */
  readonly expiresAt: number;
}

/**
 * Current viewers per channel: one item per session (partition = channel, sort = session)
 * with a TTL. Counting filters on `expiresAt`, because TTL deletion can lag by hours.
 */
export interface PresenceStore {
  /** Stores the beat if its sequence is newer than the session's; returns whether it did. */
  record(beat: PresenceBeat): Promise<boolean>;
  /** Ends a session at once (viewer left); later beats with a sequence ≤ `sequence` are ignored. */
  end(channelId: string, sessionId: string, sequence: number): Promise<void>;
  /** Sessions of the channel with `expiresAt >= now`. */
  count(channelId: string, now: number): Promise<number>;
}
