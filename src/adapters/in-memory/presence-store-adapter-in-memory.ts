import type { PresenceBeat, PresenceStore } from '../../application/ports/presence-store.port.js';
import { isNewerHeartbeat } from '../../domain/viewer-session/index.js';

interface SessionItem {
  readonly userId: string | null;
  readonly sequence: number;
  readonly at: number;
  readonly expiresAt: number;
  /** Ended by `end()`: kept as a tombstone so a late beat with an older sequence cannot revive it. */
  readonly ended: boolean;
}

export interface InMemoryPresenceStoreOptions {
  /**
   * How long an expired or ended item is kept before it is dropped from memory — the twin of
   * the DynamoDB item's TTL attribute. It must outlive any queue delay, or a very late beat
   * with an old sequence would be accepted again. Default one hour.
   */
  readonly retentionMs?: number;
  /** Stamps tombstones created by `end()` for a session never seen (the port's `end` has no time). */
  readonly now?: () => number;
}

/**
 * The in-memory twin of the DynamoDB "current viewers" table: partition = channel,
 * sort = session, one item per session. `record` is a conditional write (accepted only if the
 * stored sequence is lower, like `attribute_not_exists(sequence) OR sequence < :seq`);
 * `count` filters on `expiresAt >= now` because TTL deletion lags.
 */
export class InMemoryPresenceStore implements PresenceStore {
  private readonly channels = new Map<string, Map<string, SessionItem>>();
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(options: InMemoryPresenceStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? 3_600_000;
    this.now = options.now ?? (() => 0);
  }

  async record(beat: PresenceBeat): Promise<boolean> {
    const sessions = this.sessionsOf(beat.channelId);
    const stored = sessions.get(beat.sessionId);
    if (stored && !isNewerHeartbeat(stored.sequence, beat.sequence)) return false;
    sessions.set(beat.sessionId, {
      userId: beat.userId,
      sequence: beat.sequence,
      at: beat.at,
      expiresAt: beat.expiresAt,
      ended: false,
    });
    return true;
  }

  async end(channelId: string, sessionId: string, sequence: number): Promise<void> {
    const sessions = this.sessionsOf(channelId);
    const stored = sessions.get(sessionId);
    // An end older than the stored beat (the player came back with newer beats) changes nothing.
    if (stored && isNewerHeartbeat(sequence, stored.sequence)) return;
    const at = stored?.at ?? this.now();
    sessions.set(sessionId, {
      userId: stored?.userId ?? null,
      sequence,
      at,
      expiresAt: stored?.expiresAt ?? at,
      ended: true,
    });
  }

  async count(channelId: string, now: number): Promise<number> {
    const sessions = this.channels.get(channelId);
    if (!sessions) return 0;
    let live = 0;
    for (const [sessionId, item] of sessions) {
      if (!item.ended && item.expiresAt >= now) live++;
      else if (item.expiresAt + this.retentionMs < now) sessions.delete(sessionId);
    }
    if (sessions.size === 0) this.channels.delete(channelId);
    return live;
  }

  /** Channels holding at least one item, for the local runtime's recount tick and tests. */
  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  private sessionsOf(channelId: string): Map<string, SessionItem> {
    let sessions = this.channels.get(channelId);
    if (!sessions) {
      sessions = new Map();
      this.channels.set(channelId, sessions);
    }
    return sessions;
  }
}
