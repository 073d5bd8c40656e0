import {
  channelStreamId,
  type ChannelCommand,
  type ChannelEvent,
  type ChannelState,
} from '../../domain/channel/index.js';
import type { ChannelId } from '../../domain/shared/ids.js';
import { expiresAt } from '../../domain/viewer-session/index.js';
import type { CommandHandler } from '../command-handler.js';
import type { Clock } from '../ports/clock.port.js';
import { MAX_DELAY_SECONDS, type MessageQueue } from '../ports/message-queue.port.js';
import type { PresenceStore } from '../ports/presence-store.port.js';
import type { PresenceMessage } from './presence-message.js';
import type { PresenceSettings } from './presence-settings.js';
import type { PublishOutcome, ViewerCountPublisher } from './viewer-count-publisher.js';

export interface PresenceTrackerDeps {
  readonly store: PresenceStore;
  readonly publisher: ViewerCountPublisher;
  /** Only `load` is used: beats for a channel that does not exist or has ended are dropped. */
  readonly channels: CommandHandler<ChannelCommand, ChannelEvent, ChannelState>;
  /** The heartbeat queue itself: follow-up recounts are delayed messages to this consumer. */
  readonly followUps: MessageQueue<PresenceMessage>;
  readonly clock: Clock;
  readonly settings: PresenceSettings;
}

export type ApplyOutcome = 'RECORDED' | 'STALE' | 'ENDED' | 'RECOUNT' | 'NO_CHANNEL';

export type RecountResult =
  | { readonly channelId: string; readonly outcome: 'THROTTLED' }
  | ({ readonly channelId: string; readonly count: number } & PublishOutcome);

const CHANNEL_MEMORY_LIMIT = 10_000;

/**
 * The consumer side of F5. Beats go to the presence store (accepted only if newer, per the
 * ViewerSession rule the store enforces with a conditional write); after each batch every
 * channel it touched is counted (`expiresAt >= now`) and the count published through the
 * rate-limited Channel command.
 *
 * A count is a query over the channel's sessions, so it is throttled to one per channel per
 * publish interval per instance. Whatever is held back — a throttled recount, a deferred
 * publish, or sessions that will expire with no beat to trigger a count — is covered by a
 * delayed `recount` message to this same consumer (and by `tick()` where a process lives on,
 * as in the local runtime): the last change is late by at most the interval, never lost.
 */
export class PresenceTracker {
  private readonly lastCountAt = new Map<string, number>();
  /** Due times of recount messages this instance has scheduled, per channel. */
  private readonly scheduled = new Map<string, number[]>();
  /** Channels that may change without a beat (viewers counted, or a publish pending): `tick()` recounts them. */
  private readonly watched = new Set<string>();

  constructor(private readonly deps: PresenceTrackerDeps) {}

  /** A batch: applies messages, then `finish()` counts each touched channel once. */
  batch(): PresenceBatch {
    return new PresenceBatch(this, this.deps);
  }

  /** Recounts every channel this instance watches (the local runtime calls it every second). */
  async tick(): Promise<RecountResult[]> {
    const results: RecountResult[] = [];
    for (const channelId of [...this.watched]) results.push(await this.recount(channelId, false));
    return results;
  }

  /** Counts a channel and publishes the count; `force` skips the per-instance throttle (a due recount message). */
  async recount(channelId: string, force: boolean): Promise<RecountResult> {
    const { settings, clock } = this.deps;
    const now = clock.now();
    const last = this.lastCountAt.get(channelId);
    if (!force && last !== undefined && now - last < settings.minPublishIntervalMs) {
      this.watch(channelId);
      await this.followUpAt(channelId, last + settings.minPublishIntervalMs, settings.minPublishIntervalMs);
      return { channelId, outcome: 'THROTTLED' };
    }
    evictOldest(this.lastCountAt, channelId);
    this.lastCountAt.set(channelId, now);
    const count = await this.deps.store.count(channelId, now);
    const published = await this.deps.publisher.publish(channelId, count, now);
    if (published.outcome === 'NO_CHANNEL') {
      this.watched.delete(channelId);
      return { channelId, count, ...published };
    }
    if (published.outcome === 'DEFERRED')
      await this.followUpAt(channelId, published.retryAt, settings.minPublishIntervalMs);
    if (count > 0) {
      // Beats recorded up to now expire from now + TTL on; a recount by then + slack notices it
      // even if no other beat ever comes. Scheduling at the far end of the slack means one
      // message covers every batch within the slack.
      const due = now + settings.ttlMs + settings.expirySlackMs;
      await this.followUpAt(channelId, due - settings.expirySlackMs, settings.expirySlackMs, due);
    }
    if (count > 0 || published.outcome === 'DEFERRED') this.watch(channelId);
    else this.watched.delete(channelId);
    return { channelId, count, ...published };
  }

  /** Whether the channel exists and is not over; beats for it are worth storing. */
  async channelAccepts(channelId: string): Promise<boolean> {
    const { state } = await this.deps.channels.load(channelStreamId(channelId));
    return state.status === 'SCHEDULED' || state.status === 'LIVE';
  }

  /**
   * Makes sure a recount message is due within [earliest, earliest + tolerance]; sends one due
   * at `dueAt` (default `earliest`) if this instance has none there. Other instances may send
   * their own: duplicates only cost a count.
   */
  private async followUpAt(channelId: string, earliest: number, tolerance: number, dueAt = earliest): Promise<void> {
    const now = this.deps.clock.now();
    const pending = (this.scheduled.get(channelId) ?? []).filter((t) => t >= now);
    if (pending.some((t) => t >= earliest && t <= earliest + tolerance)) return;
    // SQS delays are whole seconds up to 15 minutes: round up so the message is never early,
    // and a far due time simply takes another recount on the way.
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));
    await this.deps.followUps.send([
      { body: { kind: 'recount', channelId: channelId as ChannelId, dueAt }, delaySeconds },
    ]);
    evictOldest(this.scheduled, channelId);
    this.scheduled.set(channelId, [...pending, now + delaySeconds * 1000]);
  }

  private watch(channelId: string): void {
    evictOldest(this.watched, channelId);
    this.watched.add(channelId);
  }
}

/** Keeps per-instance memory bounded: forgetting a channel only costs an extra recount. */
const evictOldest = (memory: Map<string, unknown> | Set<string>, channelId: string): void => {
  if (memory.size >= CHANNEL_MEMORY_LIMIT && !memory.has(channelId))
    memory.delete(memory.keys().next().value as string);
};

/** One batch of heartbeat-queue messages: apply each, then `finish()`. */
export class PresenceBatch {
  private readonly touched = new Map<string, boolean>();
  private readonly accepting = new Map<string, Promise<boolean>>();

  constructor(
    private readonly tracker: PresenceTracker,
    private readonly deps: PresenceTrackerDeps,
  ) {}

  async apply(message: PresenceMessage): Promise<ApplyOutcome> {
    if (message.kind === 'recount') {
      this.touch(message.channelId, true);
      return 'RECOUNT';
    }
    if (!(await this.accepts(message.channelId))) return 'NO_CHANNEL';
    this.touch(message.channelId, false);
    if (message.kind === 'end') {
      await this.deps.store.end(message.channelId, message.sessionId, message.sequence);
      return 'ENDED';
    }
    const recorded = await this.deps.store.record({
      channelId: message.channelId,
      sessionId: message.sessionId,
      userId: message.userId,
      sequence: message.sequence,
      at: message.at,
      // The ViewerSession rule: expired at exactly at + TTL; the store counts `expiresAt >= now`,
      // so the item's expiresAt is the last instant it still counts.
      expiresAt: expiresAt(message.at, this.deps.settings.ttlMs) - 1,
    });
    return recorded ? 'RECORDED' : 'STALE';
  }

  /** Counts each touched channel once and publishes; returns what happened per channel. */
  async finish(): Promise<RecountResult[]> {
    const results: RecountResult[] = [];
    for (const [channelId, force] of this.touched) results.push(await this.tracker.recount(channelId, force));
    return results;
  }

  private touch(channelId: string, force: boolean): void {
    this.touched.set(channelId, (this.touched.get(channelId) ?? false) || force);
  }

  private accepts(channelId: string): Promise<boolean> {
    let accepts = this.accepting.get(channelId);
    if (!accepts) {
      accepts = this.tracker.channelAccepts(channelId);
      this.accepting.set(channelId, accepts);
    }
    return accepts;
  }
}
