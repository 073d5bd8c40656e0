import { expiresAt, hasExpired, isNewerHeartbeat } from '../../domain/viewer-session/index.js';
import type {
  BucketWrite,
  SessionEntry,
  StoredSubPartition,
  SubPartitionCount,
} from '../ports/presence-bucket-store.port.js';
import { bucketOf, type PresenceLayout } from './sub-partitions.js';

interface Session {
  sequence: number;
  at: number;
}

/**
 * One sub-partition's sessions in memory: the ViewerSession rules applied per session (a beat
 * is kept only if its sequence is newer; liveness never moves backwards), plus what changed
 * since the last save, per bucket.
 */
export class SubPartitionState {
  private readonly sessions = new Map<string, Session>();
  private readonly revisions = new Map<number, number>();
  private readonly dirty = new Set<number>();
  private countRevision = 0;

  constructor(
    private readonly layout: PresenceLayout,
    private readonly ttlMs: number,
  ) {}

  static from(stored: StoredSubPartition, layout: PresenceLayout, ttlMs: number): SubPartitionState {
    const state = new SubPartitionState(layout, ttlMs);
    for (const bucket of stored.buckets) {
      state.revisions.set(bucket.bucket, bucket.revision);
      for (const s of bucket.sessions) state.sessions.set(s.sessionId, { sequence: s.sequence, at: s.at });
    }
    state.countRevision = stored.countRevision;
    return state;
  }

  /** Applies a beat; returns whether it changed anything (a duplicate or an older beat does not). */
  apply(beat: SessionEntry & { readonly end?: boolean }): boolean {
    const current = this.sessions.get(beat.sessionId);
    if (beat.end === true) {
      // The end beacon: the session stops counting at the end's edge time, unless a newer beat
      // already passed it. Kept (expired) like any session, so a late older beat changes nothing.
      if (current && beat.sequence < current.sequence) return false;
      const endedAt = Math.min(current?.at ?? Number.MAX_SAFE_INTEGER, beat.at - this.ttlMs);
      if (current && current.at === endedAt && current.sequence >= beat.sequence) return false;
      this.sessions.set(beat.sessionId, { sequence: Math.max(beat.sequence, current?.sequence ?? 0), at: endedAt });
      this.dirty.add(bucketOf(beat.sessionId, this.layout));
      return true;
    }
    if (current && !isNewerHeartbeat(current.sequence, beat.sequence)) return false;
    // The sequence orders beats; `at` comes from whichever edge received the beat, so never move liveness backwards.
    this.sessions.set(beat.sessionId, { sequence: beat.sequence, at: Math.max(current?.at ?? 0, beat.at) });
    this.dirty.add(bucketOf(beat.sessionId, this.layout));
    return true;
  }

  /**
   * Forgets sessions expired for a whole extra TTL. Keeping them that long keeps the
   * newer-sequence rule for late beats: a beat older than a forgotten one carries an edge time
   * at least a TTL old, so it could not count anyway.
   */
  prune(now: number): void {
    for (const [sessionId, s] of this.sessions) {
      if (hasExpired(s.at, now, 2 * this.ttlMs)) {
        this.sessions.delete(sessionId);
        this.dirty.add(bucketOf(sessionId, this.layout));
      }
    }
  }

  count(now: number): number {
    let live = 0;
    for (const s of this.sessions.values()) if (!hasExpired(s.at, now, this.ttlMs)) live++;
    return live;
  }

  /** The count item at `now`, with the expiries due within `horizonMs` so readers check expiry themselves. */
  countItem(now: number, horizonMs: number): SubPartitionCount {
    const exactUntil = now + horizonMs;
    const expiring = new Map<number, number>();
    for (const s of this.sessions.values()) {
      const end = expiresAt(s.at, this.ttlMs);
      if (end > now && end <= exactUntil) expiring.set(end, (expiring.get(end) ?? 0) + 1);
    }
    return { count: this.count(now), asOf: now, expiring: [...expiring].sort(([a], [b]) => a - b), exactUntil };
  }

  /** The buckets changed since the last save, each with the revision it was read at. */
  changes(): BucketWrite[] {
    const perBucket = new Map<number, SessionEntry[]>([...this.dirty].map((b) => [b, []]));
    for (const [sessionId, s] of this.sessions)
      perBucket.get(bucketOf(sessionId, this.layout))?.push({ sessionId, sequence: s.sequence, at: s.at });
    return [...perBucket].map(([bucket, sessions]) => ({
      bucket,
      expectedRevision: this.revisions.get(bucket) ?? 0,
      sessions,
    }));
  }

  get expectedCountRevision(): number {
    return this.countRevision;
  }

  /** After a successful save: the written revisions are now the ones to expect. */
  saved(writes: readonly BucketWrite[]): void {
    for (const w of writes) this.revisions.set(w.bucket, w.expectedRevision + 1);
    this.countRevision++;
    this.dirty.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}
