import type { ChannelFeedEvent } from '../domain/live-feed/feed-item.js';

/** A stream with items waiting for earlier versions: `[from, to]` is what is missing. */
export interface StreamGap {
  readonly streamId: string;
  /** The last version applied; recovery asks for events after it. */
  readonly after: number;
  readonly missingTo: number;
}

/** An item that applied, and the first version it newly covers (it may overlap the previous one). */
export interface AppliedItem {
  readonly item: ChannelFeedEvent;
  readonly from: number;
}

/**
 * Puts each stream's feed events in order and lets each version through once (G3):
 *  - an item at or below the stream's last applied version is a duplicate and is dropped;
 *  - an item whose first version (`fromVersion`, or `version`) is at most last + 1 applies;
 *    a coalesced item that overlaps what was applied applies too — it carries the newest
 *    state of its run, so applying it equals applying the versions it still adds;
 *  - anything later is buffered until the versions before it arrive (or are recovered).
 * Pure and synchronous: the viewer client adds the timing and the HTTP recovery around it.
 */
export class StreamSequencer {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, Map<number, ChannelFeedEvent>>();

  constructor(initial: Readonly<Record<string, number>> = {}) {
    this.seed(initial);
  }

  /** Marks versions as already applied (a snapshot); buffered items they cover are dropped. */
  seed(versions: Readonly<Record<string, number>>): void {
    for (const [streamId, version] of Object.entries(versions)) {
      if (version > (this.last.get(streamId) ?? 0)) this.last.set(streamId, version);
    }
  }

  lastVersion(streamId: string): number {
    return this.last.get(streamId) ?? 0;
  }

  versions(): Record<string, number> {
    return Object.fromEntries(this.last);
  }

  /** Offers one item; returns the items that now apply, in order (possibly none). */
  offer(item: ChannelFeedEvent): AppliedItem[] {
    const { streamId } = item;
    if (item.version <= this.lastVersion(streamId)) return [];
    const from = item.fromVersion ?? item.version;
    if (from > this.lastVersion(streamId) + 1) {
      const waiting = this.pending.get(streamId) ?? new Map<number, ChannelFeedEvent>();
      const held = waiting.get(from);
      if (!held || held.version < item.version) waiting.set(from, item);
      this.pending.set(streamId, waiting);
      return [];
    }
    const applied: AppliedItem[] = [{ item, from: this.lastVersion(streamId) + 1 }];
    this.last.set(streamId, item.version);
    this.drain(streamId, applied);
    return applied;
  }

  /** Streams that hold items beyond a missing version. */
  gaps(): StreamGap[] {
    const gaps: StreamGap[] = [];
    for (const [streamId, waiting] of this.pending) {
      const after = this.lastVersion(streamId);
      let earliest = Number.POSITIVE_INFINITY;
      for (const [from, item] of waiting) {
        if (item.version <= after) waiting.delete(from);
        else earliest = Math.min(earliest, from);
      }
      if (waiting.size === 0) this.pending.delete(streamId);
      else gaps.push({ streamId, after, missingTo: earliest - 1 });
    }
    return gaps;
  }

  /** Items buffered across all streams. */
  bufferedCount(): number {
    let n = 0;
    for (const waiting of this.pending.values()) n += waiting.size;
    return n;
  }

  private drain(streamId: string, applied: AppliedItem[]): void {
    const waiting = this.pending.get(streamId);
    if (!waiting) return;
    for (;;) {
      const last = this.lastVersion(streamId);
      let next: ChannelFeedEvent | undefined;
      for (const [from, item] of waiting) {
        if (item.version <= last) waiting.delete(from);
        else if (from <= last + 1 && (!next || item.version > next.version)) next = item;
      }
      if (!next) break;
      waiting.delete(next.fromVersion ?? next.version);
      applied.push({ item: next, from: last + 1 });
      this.last.set(streamId, next.version);
    }
    if (waiting.size === 0) this.pending.delete(streamId);
  }
}
