import type { Clock } from '../ports/clock.port.js';
import { countAt, type PresenceBucketStore } from '../ports/presence-bucket-store.port.js';
import type { PresenceStream } from '../ports/presence-stream.port.js';
import type { PublishOutcome, ViewerCountPublisher } from '../presence/viewer-count-publisher.js';
import type { PresenceStreamRecord, TickRecord } from './beat-record.js';
import { SubPartitionState } from './sub-partition-state.js';
import { partitionKeyOf, partitionsOf, type PresenceLayout } from './sub-partitions.js';

export interface PresenceAggregatorSettings {
  readonly ttlMs: number;
  readonly layout: PresenceLayout;
  /**
   * How far ahead a count item lists its expiries: readers are exact until the writer is this
   * late. Sub-partitions flush about once a batching window (beats or ticks), so a few seconds.
   */
  readonly horizonMs: number;
  /** Attempts of a sub-partition's save before the batch fails (and the stream retries it). */
  readonly saveAttempts: number;
}

export const defaultAggregatorSettings = (ttlMs: number, layout: PresenceLayout): PresenceAggregatorSettings => ({
  ttlMs,
  layout,
  horizonMs: 5_000,
  saveAttempts: 3,
});

export interface PresenceAggregatorDeps {
  readonly buckets: PresenceBucketStore;
  readonly publisher: ViewerCountPublisher;
  /** The presence stream itself: ticks go back onto it. */
  readonly stream: PresenceStream;
  readonly clock: Clock;
  readonly settings: PresenceAggregatorSettings;
}

export type ChannelResult = { readonly channelId: string; readonly count: number } & PublishOutcome;

export interface AggregateResult {
  readonly accepted: number;
  readonly ignored: number;
  /** Saves refused because another instance had moved a revision (each followed by a reload). */
  readonly conflicts: number;
  readonly channels: readonly ChannelResult[];
}

/** Sub-partitions kept warm per instance; a forgotten one is reloaded from its buckets. */
const MEMORY_LIMIT = 1_000;

/**
 * The consumer side of the beacon path. One writer per sub-partition (its records sit on one
 * shard and the mapping's parallelization is 1), so its sessions can live in memory while the
 * instance is warm; the bucket items are the truth that memory caches. A cold instance (or one
 * that forgot) rebuilds a sub-partition from its buckets with a strongly consistent read; a
 * stale one (Lambda gave a batch of its shard to another instance meanwhile) is refused by the
 * revision condition, reloads and re-applies the batch. Re-applying beats is a no-op for the
 * ones already stored (newer-sequence-only), so the count neither dips nor jumps.
 */
export class PresenceAggregator {
  private readonly states = new Map<string, SubPartitionState>();

  constructor(private readonly deps: PresenceAggregatorDeps) {}

  async aggregate(records: readonly PresenceStreamRecord[]): Promise<AggregateResult> {
    const now = this.deps.clock.now();
    const perPartition = new Map<string, { channelId: string; k: number; records: PresenceStreamRecord[] }>();
    for (const r of records) {
      if (r.k >= this.deps.settings.layout.subPartitions) continue; // a record for another layout: no sub-partition of ours owns it
      const key = partitionKeyOf(r.channelId, r.k);
      const group = perPartition.get(key) ?? { channelId: r.channelId, k: r.k, records: [] };
      group.records.push(r);
      perPartition.set(key, group);
    }
    let accepted = 0;
    let conflicts = 0;
    const measured = new Map<string, Map<string, number>>();
    for (const [partition, group] of perPartition) {
      const outcome = await this.flush(partition, group.records, now);
      accepted += outcome.accepted;
      conflicts += outcome.conflicts;
      const own = measured.get(group.channelId) ?? new Map<string, number>();
      own.set(partition, outcome.count);
      measured.set(group.channelId, own);
    }
    const channels: ChannelResult[] = [];
    const ticks: TickRecord[] = [];
    for (const [channelId, own] of measured) {
      const result = await this.publish(channelId, own, now);
      channels.push(result);
      if (result.outcome === 'NO_CHANNEL') continue;
      for (const [partition, count] of own) {
        // Keep looking while someone counts here (they will expire) or the channel's publish waits.
        if (count > 0 || result.outcome === 'DEFERRED')
          ticks.push({
            kind: 'tick',
            channelId: channelId as TickRecord['channelId'],
            k: perPartition.get(partition)!.k,
            at: now,
          });
      }
    }
    if (ticks.length > 0) await this.deps.stream.publish(ticks);
    return { accepted, ignored: records.length - accepted, conflicts, channels };
  }

  /** Forgets every sub-partition: what a cold start looks like (tests, and nothing else, call it). */
  forget(): void {
    this.states.clear();
  }

  private async flush(partition: string, records: readonly PresenceStreamRecord[], now: number) {
    const { settings, buckets } = this.deps;
    let state = this.states.get(partition) ?? (await this.reload(partition));
    let accepted = this.applyAll(state, records, now);
    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      const writes = state.changes();
      const saved = await buckets.save(
        partition,
        writes,
        state.countItem(now, settings.horizonMs),
        state.expectedCountRevision,
      );
      if (saved === 'SAVED') {
        state.saved(writes);
        break;
      }
      conflicts++;
      if (attempt >= settings.saveAttempts) {
        this.states.delete(partition);
        throw new Error(
          `presence sub-partition ${partition}: ${attempt} saves refused by newer revisions; the batch is retried`,
        );
      }
      state = await this.reload(partition);
      accepted = this.applyAll(state, records, now);
    }
    return { accepted, conflicts, count: state.count(now) };
  }

  private applyAll(state: SubPartitionState, records: readonly PresenceStreamRecord[], now: number): number {
    let accepted = 0;
    for (const r of records)
      if (
        r.kind === 'beat' &&
        state.apply({ sessionId: r.sessionId, sequence: r.sequence, at: r.at, ...(r.end ? { end: true } : {}) })
      )
        accepted++;
    state.prune(now);
    return accepted;
  }

  private async reload(partition: string): Promise<SubPartitionState> {
    const { settings } = this.deps;
    const state = SubPartitionState.from(await this.deps.buckets.load(partition), settings.layout, settings.ttlMs);
    if (this.states.size >= MEMORY_LIMIT && !this.states.has(partition))
      this.states.delete(this.states.keys().next().value as string);
    this.states.set(partition, state);
    return state;
  }

  /** Channel count = this instance's own sub-partitions measured now + the others' count items, expiry checked at `now`. */
  private async publish(channelId: string, own: ReadonlyMap<string, number>, now: number): Promise<ChannelResult> {
    const others = partitionsOf(channelId, this.deps.settings.layout).filter((p) => !own.has(p));
    const items = others.length > 0 ? await this.deps.buckets.counts(others) : new Map();
    let count = 0;
    for (const c of own.values()) count += c;
    for (const item of items.values()) count += countAt(item, now);
    return { channelId, count, ...(await this.deps.publisher.publish(channelId, count, now)) };
  }
}
