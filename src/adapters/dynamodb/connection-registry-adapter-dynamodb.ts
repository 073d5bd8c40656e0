import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  PutCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type { ConnectionInfo, ConnectionRegistry } from '../../application/ports/connection-registry.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { backoff, type BackoffPolicy } from '../aws-shared/backoff.js';
import {
  entryOf,
  isConditionFailure,
  RegistryItems,
  reverseKey,
  slotKey,
  type RegistryEntry,
  type ShardMarker,
} from './connection-registry-items.js';
import { cancellationCodes, isLostRace, sendTransaction } from './transactions.js';

export interface DynamoDbConnectionRegistryOptions {
  readonly clock: Clock;
  /** Back-off between races of the same connection's entry. */
  readonly sleeper: Sleeper;
  /** The most connections one shard of a channel holds (N). */
  readonly shardSize: number;
  /**
   * How long an entry lives without being removed (TTL). API Gateway closes every WebSocket
   * after 2 h, so entries older than that are leftovers of a lost $disconnect. Default 2 h 10 min.
   */
  readonly connectionTtlSeconds?: number;
  /** Query page size (`Limit`); unset = 1 MB pages. */
  readonly pageSize?: number;
  /** Retries when a concurrent join or leave of the same connection changed its entry first. */
  readonly raceBackoff?: BackoffPolicy;
}

const racePolicy: BackoffPolicy = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 200 };
/** A marker outlives the members it was last refreshed for by this much, so it is refreshed at most hourly. */
const MARKER_MARGIN_SECONDS = 3_600;
/**
 * How long a `full` hint lasts. Leaves never write the marker (in a storm of leaves that would
 * make it a hot item again), so a slot freed in a hinted shard is hidden from other instances
 * until the hint runs out; then the next join reads the shard and uses the slot, or hints it again.
 */
const FULL_HINT_SECONDS = 300;
/** How long this instance trusts the shard markers it read (the `full` hints may be that stale). */
const MARKERS_FOR_MS = 1_000;
/** How long this instance trusts what it read of a shard's slots before reading them again. */
const VIEW_FOR_MS = 2_000;
/** Slots found taken by others since the last read of a shard, after which it is read again. */
const MISSES_BEFORE_READ = 2;
/** Shards a join spills over after collisions before it goes back to the lowest open one. */
const MAX_SPILL = 8;
/**
 * Joins of one channel that one instance places at a time. A Lambda container places one; a
 * process serving many connections would otherwise pick slots for all its waiting joins at once
 * from the same view, and several such processes would all claim the same lowest shards' slots
 * (a herd of refused Puts). The others queue here — they would queue for sockets anyway — and
 * pick from a fresher view when their turn comes.
 */
const PLACING_PER_CHANNEL = 16;
/** Channels whose markers and shard views one instance keeps (the least recently used go first). */
const CACHED_CHANNELS = 256;

/** What this instance knows of one shard: slots seen taken, slots its own joins are claiming right now. */
interface ShardView {
  taken: Set<number>;
  readonly claiming: Set<number>;
  /** When the slots were last read (clock ms), or when the view was started blind for a new shard. */
  readAt: number;
  /** Claims refused since the last read: slots others took that this view did not know of. */
  misses: number;
  /** A leave through this instance freed a slot here: worth trying even while the shard is hinted full. */
  freedHere: boolean;
}

/** What this instance knows of one channel. */
interface ChannelCache {
  markers: Map<number, ShardMarker>;
  markersAt: number;
  readonly views: Map<number, ShardView>;
  /** Joins of this instance placing a connection in the channel now, and those waiting for their turn. */
  placing: number;
  readonly waiting: (() => void)[];
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** The connection's own entry changed under us (a concurrent join/leave of the same connection); re-read and try again. */
class RaceLostError extends Error {
  override readonly name = 'RaceLostError';
}

/** A first join found the connection's entry already there: it is a repeated join or a move. */
class EntryExistsError extends Error {
  override readonly name = 'EntryExistsError';
}

/**
 * Channel shards without a counter. A shard is N slot items (`ch#<channel>#<n>` / `slot#<k>`,
 * k < N) and a join claims one free slot with a conditional Put, then writes the connection's
 * reverse entry (a move between channels does both, and frees the old slot, in one
 * transaction). Why:
 *
 * - At most N per shard holds by construction: there are only N slot keys, and two joins can
 *   never both create the same item. No count has to be kept right, so nothing drifts.
 * - No hot item: a counter per shard made every join of a channel write the same item, and
 *   concurrent transactions on one item cancel each other (TransactionConflict), so a join
 *   storm turned into a retry storm that failed joins. Joins write different slot items; two
 *   only collide when they claim the same slot.
 * - Ghosts cannot pile up: a lost $disconnect leaves a slot whose TTL (2 h 10 min, past API
 *   Gateway's 2 h connection limit) bounds it; reads skip expired slots and a join may claim
 *   one (its condition is "absent or expired"), the broadcaster's first 410 removes the ghost
 *   sooner, and there is no counter that would keep counting it. Every read recounts a shard
 *   from its live members.
 *
 * Which slot, cheaply. A first join costs two requests: the slot Put and the entry Put. It reads
 * neither the entry (it writes it with "absent" as its condition, and only when that fails takes
 * the path for a repeated join or a move, which reads it) nor the markers or the shard each time:
 * the instance keeps what it learnt of a channel — the shard markers for MARKERS_FOR_MS, and
 * per shard the slots seen taken (by a read, its own claims and its collisions) and the slots
 * its own joins are claiming right now, so concurrent joins in one instance never race each
 * other (and at most PLACING_PER_CHANNEL of them claim at once). A shard is read (one Query)
 * when first used or when its view is older than VIEW_FOR_MS, and again after
 * MISSES_BEFORE_READ refused claims; a shard nobody has opened yet is claimed blind. Among the
 * free slots of the view the join takes the one its hash of (connection id, attempt) points at:
 * no randomness, and copies of the same join in different instances race for the same slot
 * instead of each taking one. A refused claim spills to the next open shard instead of trying
 * the same one again: in a storm the lowest shard is the most contended, the next ones are
 * emptier, so collisions die out quickly (after MAX_SPILL shards the join starts over from the
 * lowest, its views now read again). Alone, a join fills the lowest open shard; in a storm the
 * last shard or two may be left part-full (a broadcast message more), never overfull.
 *
 * Which shard: shard markers (`ch#<channel>` / `shard#<n>`) list the shards in use, each with a
 * `fullUntil` hint. A join fills the lowest shard not hinted full, opening the next number when
 * all are full. The hint is written only when a join's view has a shard full and a consistent
 * read confirms it (once per fill, and again after FULL_HINT_SECONDS if still full). Leaves
 * never write it — in a storm of leaves every leave of a shard would write that one marker, a
 * hot item again — so a slot freed in a hinted shard is filled at once by the instance that
 * freed it (it knows) and by other instances once the hint runs out; meanwhile their joins may
 * land in a later shard: less dense for a while, never wrong. Markers carry a TTL that joins
 * push out (at most hourly per shard); `shardCount` skips trailing shards with no live member,
 * so a shard emptied by leaves or by TTL stops being addressed without any write.
 *
 * Costs: a first join two Puts, plus one more Put per collision and, per instance, a Query of
 * the markers each second and of a shard when its view is stale; a leave a Delete of the entry
 * (returning where it was) and a conditional Delete of its slot — not atomic: if the function
 * dies between them the slot is a ghost that only its TTL (or a 410) frees, as after a first
 * join's crash. A first join uses no transaction: on DynamoDB Local a 2-item transaction commits
 * at about 60 % of the rate of a conditional Put, and in AWS it costs twice the write units.
 */
export class DynamoDbConnectionRegistry implements ConnectionRegistry {
  private readonly items: RegistryItems;
  private readonly ttlSeconds: number;
  private readonly channels = new Map<string, ChannelCache>();
  /** Reads and writes in flight that concurrent joins of this instance share instead of repeating. */
  private readonly shared = new Map<string, Promise<unknown>>();
  /** The last operation queued per connection: one instance runs a connection's joins and leaves one at a time. */
  private readonly perConnection = new Map<string, Promise<void>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbConnectionRegistryOptions,
  ) {
    if (!Number.isInteger(options.shardSize) || options.shardSize < 1)
      throw new RangeError(`shardSize must be a positive integer, got ${options.shardSize}`);
    this.items = new RegistryItems(client, tableName, () => this.nowSeconds());
    this.ttlSeconds = options.connectionTtlSeconds ?? 7_800;
  }

  async join(connectionId: string, channelId: string, userId: string | null, at: number): Promise<ConnectionInfo> {
    return this.oneAtATime(connectionId, async () => {
      const base: RegistryEntry = {
        connectionId,
        channelId,
        shardNo: 0,
        slot: null,
        userId,
        joinedAt: at,
        ttl: Math.floor(at / 1000) + this.ttlSeconds,
      };
      try {
        // The common case by far: the connection's first join, written without reading anything first.
        return publicInfo(await this.place(base, (placed) => this.firstJoin(placed)));
      } catch (error) {
        if (!(error instanceof EntryExistsError)) throw error;
      }
      return this.rejoin(base);
    });
  }

  async remove(connectionId: string): Promise<void> {
    await this.oneAtATime(connectionId, async () => {
      // Deleting the entry first hands back where it was: one request instead of a read and a delete.
      const { Attributes } = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: reverseKey(connectionId), ReturnValues: 'ALL_OLD' }),
      );
      if (!Attributes) return;
      await this.leave(entryOf(connectionId, Attributes));
    });
  }

  async get(connectionId: string): Promise<ConnectionInfo | null> {
    const entry = await this.items.entry(connectionId);
    // TTL deletion lags by hours: an expired entry is already gone as far as callers are concerned.
    return entry && entry.ttl >= this.nowSeconds() ? publicInfo(entry) : null;
  }

  async connectionsIn(channelId: string, shardNo: number): Promise<readonly string[]> {
    const slots = await this.items.slots(channelId, shardNo, { consistent: true, pageSize: this.options.pageSize });
    return [...slots.values()];
  }

  async shardCount(channelId: string): Promise<number> {
    const numbers = [...(await this.items.markers(channelId, true)).keys()].sort((a, b) => b - a);
    // Trailing shards emptied by leaves (or by TTL) keep their marker for a while: skip them.
    for (const shardNo of numbers) if (await this.items.hasLiveMember(channelId, shardNo)) return shardNo + 1;
    return 0;
  }

  /** A repeated join (a retried frame) or a move between channels: reads the entry, moves in one transaction. */
  private rejoin(base: RegistryEntry): Promise<ConnectionInfo> {
    return this.retryRaces(`join ${base.connectionId} to ${base.channelId}`, async () => {
      const existing = await this.items.entry(base.connectionId);
      const live = existing && existing.ttl >= this.nowSeconds() ? existing : null;
      // A repeated join keeps its place, as the twin does.
      if (live && live.channelId === base.channelId) return publicInfo(live);
      if (!existing) {
        // Removed meanwhile: a first join after all.
        try {
          return publicInfo(await this.place(base, (placed) => this.firstJoin(placed)));
        } catch (error) {
          if (error instanceof EntryExistsError) throw new RaceLostError('the entry came back', { cause: error });
          throw error;
        }
      }
      const placed = await this.place(base, (p) =>
        this.transact([
          this.slotPut(p),
          this.reversePut(p, existing),
          ...(live ? [this.slotDelete(live)].filter(isDefined) : []),
        ]),
      );
      if (live) this.afterLeave(live);
      return publicInfo(placed);
    });
  }

  /**
   * Finds a free slot for `base` and writes it with `write`, which throws SlotTakenError when
   * another connection holds the slot. See the class comment for the order of shards and slots.
   */
  private async place(base: RegistryEntry, write: (placed: RegistryEntry) => Promise<void>): Promise<RegistryEntry> {
    const { channelId } = base;
    const cache = this.cacheOf(channelId);
    if (cache.placing < PLACING_PER_CHANNEL) cache.placing++;
    else await new Promise<void>((resolve) => cache.waiting.push(resolve));
    try {
      return await this.placeNow(base, cache, write);
    } finally {
      // Hands the turn to the next waiting join, or gives it back.
      const next = cache.waiting.shift();
      if (next) next();
      else cache.placing--;
    }
  }

  private async placeNow(
    base: RegistryEntry,
    cache: ChannelCache,
    write: (placed: RegistryEntry) => Promise<void>,
  ): Promise<RegistryEntry> {
    const { channelId } = base;
    await this.freshMarkers(channelId, cache, MARKERS_FOR_MS);
    // Shards this join collided in, and shards whose free slots this instance's other joins are claiming.
    const spilled = new Set<number>();
    const busy = new Set<number>();
    for (let attempt = 0; ; attempt++) {
      // Only after collisions, each of them a write awaited: the loop never spins without I/O.
      if (spilled.size >= MAX_SPILL) spilled.clear();
      const shardNo = this.lowestOpen(cache, spilled, busy);
      const view = await this.viewOf(channelId, cache, shardNo);
      // The marker must exist before the member does, or a fan-out could miss the shard.
      const marker = cache.markers.get(shardNo);
      if (!marker || marker.ttl < base.ttl) await this.ensureMarker(channelId, cache, shardNo, base.ttl);
      // From here to `claiming.add` nothing awaits: this instance's concurrent joins never pick the same slot.
      const free = this.freeSlots(view);
      if (free.length === 0) {
        // The rest of the shard is being claimed by this instance's other joins: try the next one.
        if (view.claiming.size > 0) busy.add(shardNo);
        // Seen full: another instance may have hinted it already, else read it to be sure and hint it.
        else if (!this.hintedFull((await this.freshMarkers(channelId, cache, 0)).get(shardNo)))
          await this.confirmFull(channelId, cache, shardNo, view);
        view.freedHere = false;
        continue;
      }
      const placed: RegistryEntry = { ...base, shardNo, slot: free[hashOf(base.connectionId, attempt) % free.length]! };
      const slot = placed.slot!;
      view.claiming.add(slot);
      try {
        await write(placed);
        view.taken.add(slot);
        view.freedHere = false;
        return placed;
      } catch (error) {
        if (!(error instanceof SlotTakenError)) throw error;
        view.taken.add(slot);
        view.misses++;
        spilled.add(shardNo);
      } finally {
        view.claiming.delete(slot);
      }
    }
  }

  private freeSlots(view: ShardView): number[] {
    const free: number[] = [];
    for (let slot = 0; slot < this.options.shardSize; slot++)
      if (!view.taken.has(slot) && !view.claiming.has(slot)) free.push(slot);
    return free;
  }

  /** This instance's view of a shard, read again when stale or after collisions; a shard with no marker yet is new and starts empty unread. */
  private async viewOf(channelId: string, cache: ChannelCache, shardNo: number): Promise<ShardView> {
    const now = this.options.clock.now();
    let view = cache.views.get(shardNo);
    if (!view) {
      const known = cache.markers.has(shardNo);
      view = { taken: new Set(), claiming: new Set(), readAt: known ? -Infinity : now, misses: 0, freedHere: false };
      cache.views.set(shardNo, view);
    }
    if (view.misses < MISSES_BEFORE_READ && now - view.readAt <= VIEW_FOR_MS) return view;
    const current = view;
    await this.once(`slots ${channelId} ${shardNo}`, async () => {
      const claimedMeanwhile = new Set(current.taken);
      const read = await this.items.slots(channelId, shardNo, { consistent: false });
      // Claims of this instance that succeeded while the read was under way may be missing from it.
      for (const slot of current.taken) if (!claimedMeanwhile.has(slot)) read.set(slot, '');
      current.taken = new Set(read.keys());
      current.readAt = this.options.clock.now();
      current.misses = 0;
    });
    return current;
  }

  /**
   * A consistent read of a shard this instance's view has full: if it is, hints it full for
   * FULL_HINT_SECONDS so that joins skip it without reading it; if not, the view is corrected.
   */
  private async confirmFull(channelId: string, cache: ChannelCache, shardNo: number, view: ShardView): Promise<void> {
    await this.once(`full ${channelId} ${shardNo}`, async () => {
      const now = await this.items.slots(channelId, shardNo, { consistent: true });
      view.taken = new Set(now.keys());
      view.readAt = this.options.clock.now();
      view.misses = 0;
      if (now.size < this.options.shardSize) return;
      const fullUntil = this.nowSeconds() + FULL_HINT_SECONDS;
      await this.items.hintFull(channelId, shardNo, fullUntil);
      const marker = cache.markers.get(shardNo) ?? { shardNo, fullUntil: 0, ttl: 0 };
      cache.markers.set(shardNo, { ...marker, fullUntil });
    });
  }

  /** The lowest shard number not hinted full (unless this instance freed a slot in it) nor skipped by this join; a number with no marker is a new shard. */
  private lowestOpen(cache: ChannelCache, spilled: ReadonlySet<number>, busy: ReadonlySet<number>): number {
    let shardNo = 0;
    while (
      spilled.has(shardNo) ||
      busy.has(shardNo) ||
      (this.hintedFull(cache.markers.get(shardNo)) && !cache.views.get(shardNo)?.freedHere)
    )
      shardNo++;
    return shardNo;
  }

  private hintedFull(marker: ShardMarker | undefined): boolean {
    return marker !== undefined && marker.fullUntil >= this.nowSeconds();
  }

  /** The channel's markers, read again when older than `maxAgeMs` (concurrent joins share one read). */
  private async freshMarkers(
    channelId: string,
    cache: ChannelCache,
    maxAgeMs: number,
  ): Promise<Map<number, ShardMarker>> {
    if (this.options.clock.now() - cache.markersAt <= maxAgeMs) return cache.markers;
    await this.once(`markers ${channelId}`, async () => {
      const read = await this.items.markers(channelId, false);
      // What this instance just wrote (a marker, a hint) may be missing from an eventually consistent read: keep it.
      for (const [shardNo, mine] of cache.markers) {
        const stored = read.get(shardNo);
        read.set(
          shardNo,
          stored
            ? { shardNo, fullUntil: Math.max(stored.fullUntil, mine.fullUntil), ttl: Math.max(stored.ttl, mine.ttl) }
            : mine,
        );
      }
      cache.markers = read;
      cache.markersAt = this.options.clock.now();
    });
    return cache.markers;
  }

  private async ensureMarker(channelId: string, cache: ChannelCache, shardNo: number, ttl: number): Promise<void> {
    const until = ttl + MARKER_MARGIN_SECONDS;
    await this.once(`marker ${channelId} ${shardNo}`, async () => {
      await this.items.ensureMarker(channelId, shardNo, until);
      const known = cache.markers.get(shardNo);
      cache.markers.set(shardNo, { shardNo, fullUntil: known?.fullUntil ?? 0, ttl: Math.max(until, known?.ttl ?? 0) });
    });
  }

  /** Runs `task` unless the same one is in flight in this instance, then waits for that one. */
  private async once(key: string, task: () => Promise<void>): Promise<void> {
    const running = this.shared.get(key);
    if (running) return void (await running);
    const started = task().finally(() => this.shared.delete(key));
    this.shared.set(key, started);
    await started;
  }

  private cacheOf(channelId: string): ChannelCache {
    let cache = this.channels.get(channelId);
    if (cache) {
      // Most recently used last, so the first one is the one to drop.
      this.channels.delete(channelId);
    } else {
      cache = { markers: new Map(), markersAt: -Infinity, views: new Map(), placing: 0, waiting: [] };
    }
    this.channels.set(channelId, cache);
    if (this.channels.size > CACHED_CHANNELS) this.channels.delete(this.channels.keys().next().value!);
    return cache;
  }

  /** Queues `task` behind this instance's earlier joins and leaves of the same connection. */
  private async oneAtATime<R>(connectionId: string, task: () => Promise<R>): Promise<R> {
    const before = this.perConnection.get(connectionId) ?? Promise.resolve();
    const run = before.then(task);
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.perConnection.set(connectionId, done);
    void done.then(() => {
      if (this.perConnection.get(connectionId) === done) this.perConnection.delete(connectionId);
    });
    return run;
  }

  /**
   * A connection's first join: ONE conditional PutItem claims the slot, then a Put writes the
   * reverse entry on the condition that there is none — no transaction, so a storm's collisions
   * cost one refused Put each, not a cancelled transaction. Between the two writes the slot is a
   * member nobody can look up; if the function dies there, the slot is a ghost that `remove`
   * cannot find (no entry points at it), so only its TTL frees it — reads skip it after that,
   * and a join may claim it. If the entry is there already (a repeated join, a move, or a
   * concurrent join of the same connection that wrote first), the slot is given back.
   */
  private async firstJoin(placed: RegistryEntry): Promise<void> {
    const slot = this.slotPut(placed).Put!;
    try {
      await this.client.send(new PutCommand(slot));
    } catch (error) {
      if (isConditionFailure(error)) throw new SlotTakenError('slot taken', { cause: error });
      throw error;
    }
    const reverse = this.reversePut(placed, null).Put!;
    try {
      await this.client.send(new PutCommand(reverse));
    } catch (error) {
      await this.leave(placed).catch(() => undefined);
      if (isConditionFailure(error)) throw new EntryExistsError('the connection has an entry', { cause: error });
      throw error;
    }
  }

  /** Frees the slot of an entry that is gone (unless the slot went to someone else after its TTL). */
  private async leave(entry: RegistryEntry): Promise<void> {
    const slot = this.slotDelete(entry);
    if (slot) {
      try {
        await this.client.send(new DeleteCommand(slot.Delete!));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    this.afterLeave(entry);
  }

  /** A leave freed a slot: this instance may fill it at once, even while the shard is hinted full (see FULL_HINT_SECONDS). */
  private afterLeave(left: RegistryEntry): void {
    if (left.slot === null) return;
    const views = this.cacheOf(left.channelId).views;
    const view = views.get(left.shardNo);
    if (view) view.taken.delete(left.slot);
    // Not seen before: the next join here reads it first (a view read never).
    else
      views.set(left.shardNo, { taken: new Set(), claiming: new Set(), readAt: -Infinity, misses: 0, freedHere: true });
    if (view) view.freedHere = true;
  }

  private slotPut(entry: RegistryEntry): TransactItems[number] {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...slotKey(entry.channelId, entry.shardNo, entry.slot ?? 0),
          connectionId: entry.connectionId,
          ttl: entry.ttl,
        },
        // Free, or held by a ghost whose TTL has passed (DynamoDB deletes it only hours later).
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': this.nowSeconds() },
      },
    };
  }

  private reversePut(entry: RegistryEntry, existing: RegistryEntry | null): TransactItems[number] {
    const { connectionId, channelId, shardNo, slot, userId, joinedAt, ttl } = entry;
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...reverseKey(connectionId), connectionId, channelId, shardNo, slot, userId, joinedAt, ttl },
        // The entry must still be what we read, or a concurrent join/leave of this connection won.
        ...(existing
          ? {
              ConditionExpression: 'channelId = :c AND shardNo = :s',
              ExpressionAttributeValues: { ':c': existing.channelId, ':s': existing.shardNo },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  /** Frees the entry's slot, unless it already belongs to another connection. */
  private slotDelete(entry: RegistryEntry): TransactItems[number] | undefined {
    if (entry.slot === null) return undefined;
    return {
      Delete: {
        TableName: this.tableName,
        Key: slotKey(entry.channelId, entry.shardNo, entry.slot),
        ConditionExpression: 'attribute_not_exists(pk) OR connectionId = :me',
        ExpressionAttributeValues: { ':me': entry.connectionId },
      },
    };
  }

  /** The first item of every transaction here is the slot. */
  private async transact(items: TransactItems): Promise<void> {
    try {
      // Throttled transactions are retried inside; races (conditions, conflicts) come out here.
      await sendTransaction(this.client, { TransactItems: items }, { sleeper: this.options.sleeper });
    } catch (error) {
      if (!isLostRace(error)) throw error;
      const codes = cancellationCodes(error);
      const slotIndex = items.findIndex((item) => item.Put?.Item?.['sk']?.toString().startsWith('slot#'));
      const failed = codes.flatMap((code, i) => (code === 'None' ? [] : [i]));
      // Only the slot refused: another connection holds it (or is claiming it right now).
      if (failed.length > 0 && failed.every((i) => i === slotIndex))
        throw new SlotTakenError('slot taken', { cause: error });
      throw new RaceLostError('lost a race', { cause: error });
    }
  }

  private async retryRaces<R>(what: string, attempt: () => Promise<R>): Promise<R> {
    const policy = this.options.raceBackoff ?? racePolicy;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RaceLostError)) throw error;
        if (n >= policy.maxAttempts)
          throw new Error(`could not ${what}: the connection's entry kept changing under ${n} attempts; retry`, {
            cause: error,
          });
        await backoff(this.options.sleeper, policy, n);
      }
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now() / 1000);
  }
}

/** The slot item refused the write; the rest of the transaction was fine. */
class SlotTakenError extends Error {
  override readonly name = 'SlotTakenError';
}

/**
 * Which of the free slots a join takes: a hash of the connection id and the attempt, so the
 * choice needs no randomness and spreads like it; two copies of one join pick the same slot.
 */
const hashOf = (connectionId: string, attempt: number): number =>
  createHash('md5').update(`${connectionId}#${attempt}`).digest().readUInt32BE(0);

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

const publicInfo = ({ connectionId, channelId, shardNo, userId, joinedAt }: RegistryEntry): ConnectionInfo => ({
  connectionId,
  channelId,
  shardNo,
  userId,
  joinedAt,
});
