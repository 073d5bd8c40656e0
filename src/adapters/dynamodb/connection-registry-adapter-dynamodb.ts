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
  /** Back-off between races, and the randomness that spreads joins over a shard's slots. */
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
/** Blind slot claims that may fail before a join reads the shard to see which slots are free. */
const BLIND_TRIES = 2;
/** A marker outlives the members it was last refreshed for by this much, so it is refreshed at most hourly. */
const MARKER_MARGIN_SECONDS = 3_600;
/** The most shards beyond the lowest open one that a join losing races spreads over. */
const MAX_SPREAD = 8;

/** What one join knows of a shard it tries: slots seen taken, claims missed since the last read. */
interface ShardView {
  taken: Set<number>;
  misses: number;
  read: boolean;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** The connection's own entry changed under us (a concurrent join/leave of the same connection); re-read and try again. */
class RaceLostError extends Error {
  override readonly name = 'RaceLostError';
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
 *   storm turned into a retry storm that failed joins. Joins now pick a random slot; two only
 *   collide when they pick the same one, and the loser tries a *different* slot (after
 *   BLIND_TRIES misses it reads which slots are free), so it always makes progress. A join
 *   that loses a slot it had just read as free is in a herd: it then picks among the lowest
 *   few open shards (more the more races it loses, up to MAX_SPREAD), so a storm fills several
 *   shards at once instead of queueing on one. The price: after a storm up to a few trailing
 *   shards may be part-full (a few more broadcast messages); joins one at a time stay dense.
 * - Ghosts cannot pile up: a lost $disconnect leaves a slot whose TTL (2 h 10 min, past API
 *   Gateway's 2 h connection limit) bounds it; reads skip expired slots and a join may claim
 *   one (its condition is "absent or expired"), the broadcaster's first 410 removes the ghost
 *   sooner, and there is no counter that would keep counting it. Every read recounts a shard
 *   from its live members.
 *
 * Which shard: shard markers (`ch#<channel>` / `shard#<n>`) list the shards in use, each with a
 * `full` hint. A join fills the lowest shard not hinted full, opening the next number when all
 * are full. The hint is written only when a read finds a shard full (once per fill) and cleared
 * by a leave that frees a slot in it; both sides write first and read after (the join re-reads
 * the shard after hinting it full, the leave reads the hint after freeing its slot), so one of
 * them always sees the other and a freed slot is never hidden for good. Markers carry a TTL
 * that joins push out (at most hourly per shard); `shardCount` skips trailing shards with no
 * live member, so a shard emptied by leaves or by TTL stops being addressed without any write.
 *
 * Costs per join: a consistent read of the reverse entry, an eventually consistent Query of the
 * markers, two single-item Puts (one more conditional Put per collision), and a Query of the
 * shard only after BLIND_TRIES collisions. A first join uses no transaction: on DynamoDB Local a
 * 2-item transaction commits at about 60 % of the rate of a conditional Put, and in AWS it costs
 * twice the write units. The filling shard's partition takes the slot writes; its sort
 * keys are random, which lets DynamoDB split it for heat.
 */
export class DynamoDbConnectionRegistry implements ConnectionRegistry {
  private readonly items: RegistryItems;
  private readonly ttlSeconds: number;

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
    return this.retryRaces(`join ${connectionId} to ${channelId}`, async () => {
      const existing = await this.items.entry(connectionId);
      const live = existing && existing.ttl >= this.nowSeconds() ? existing : null;
      // A repeated join (a retried frame) keeps its place, as the twin does.
      if (live && live.channelId === channelId) return publicInfo(live);
      const base: RegistryEntry = {
        connectionId,
        channelId,
        shardNo: 0,
        slot: null,
        userId,
        joinedAt: at,
        ttl: Math.floor(at / 1000) + this.ttlSeconds,
      };
      let markers = await this.items.markers(channelId, false);
      const shards = new Map<number, ShardView>();
      let races = 0;
      for (;;) {
        const shardNo = this.pickShard(markers, Math.min(races, MAX_SPREAD));
        const view = shards.get(shardNo) ?? { taken: new Set<number>(), misses: 0, read: false };
        shards.set(shardNo, view);
        const outcome = await this.attempt({ ...base, shardNo }, markers.get(shardNo), view, existing, live);
        if (typeof outcome === 'object') {
          if (existing && live) await this.afterLeave(existing);
          return publicInfo(outcome);
        }
        if (outcome === 'full') markers.set(shardNo, { shardNo, full: true, ttl: Number.MAX_SAFE_INTEGER });
        if (outcome === 'raced') {
          // Others are filling this shard right now: spread over more shards and learn which filled up meanwhile.
          races++;
          const fresh = await this.items.markers(channelId, false);
          for (const [n, m] of markers) if (m.full && !fresh.get(n)?.full) fresh.set(n, m);
          markers = fresh;
        }
      }
    });
  }

  async remove(connectionId: string): Promise<void> {
    await this.retryRaces(`remove ${connectionId}`, async () => {
      const existing = await this.items.entry(connectionId);
      if (!existing) return;
      const reverse = this.reverseDelete(existing);
      const slot = this.slotDelete(existing);
      try {
        await this.transact(slot ? [reverse, slot] : [reverse]);
      } catch (error) {
        // The slot went to someone else after this entry's TTL: only the entry is ours to delete.
        if (!slot || !(error instanceof SlotTakenError)) throw error;
        await this.transact([reverse]);
      }
      await this.afterLeave(existing);
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

  /**
   * The shard a join tries next: the lowest one not hinted full, or — once the join has lost
   * `spread` races for slots that were free when it read them — a random one of the lowest
   * `spread + 1`. Alone, a join fills shards in order; in a storm, the joins that keep losing
   * fan out over the next shards instead of all queueing on one.
   */
  private pickShard(markers: ReadonlyMap<number, ShardMarker>, spread: number): number {
    const open: number[] = [];
    for (let shardNo = 0; open.length <= spread; shardNo++) if (!markers.get(shardNo)?.full) open.push(shardNo);
    return open[Math.floor(this.options.sleeper.random() * open.length)] ?? 0;
  }

  /**
   * One claim of a free slot in one shard for `entry` (moving it from `existing` when it has
   * one). `missed`: the slot was taken by a member the join did not know of; `raced`: it was
   * free when the join last read the shard, so a concurrent join took it; `full`: no slot left.
   */
  private async attempt(
    entry: RegistryEntry,
    marker: ShardMarker | undefined,
    view: ShardView,
    existing: RegistryEntry | null,
    live: RegistryEntry | null,
  ): Promise<RegistryEntry | 'missed' | 'raced' | 'full'> {
    const { shardSize } = this.options;
    // The marker must exist before the member does, or a fan-out could miss the shard.
    if (!view.read && view.misses === 0 && (!marker || marker.ttl < entry.ttl)) {
      await this.items.ensureMarker(entry.channelId, entry.shardNo, entry.ttl + MARKER_MARGIN_SECONDS);
    }
    if (view.misses >= BLIND_TRIES) {
      // A marker is a few bytes, a shard is N items: in a herd, the first join to find the shard full saves the rest the read.
      if ((await this.items.markers(entry.channelId, false)).get(entry.shardNo)?.full) return 'full';
      view.taken = new Set((await this.items.slots(entry.channelId, entry.shardNo, { consistent: false })).keys());
      view.read = true;
      view.misses = 0;
    }
    if (view.taken.size >= shardSize) {
      if (await this.confirmFull(entry.channelId, entry.shardNo, view.taken)) return 'full';
    }
    const placed = { ...entry, slot: this.randomFreeSlot(view.taken) };
    try {
      if (!existing) {
        await this.firstJoin(placed);
        return placed;
      }
      await this.transact([
        this.slotPut(placed),
        this.reversePut(placed, existing),
        ...(live ? [this.slotDelete(live)].filter(isDefined) : []),
      ]);
      return placed;
    } catch (error) {
      if (!(error instanceof SlotTakenError)) throw error;
      view.taken.add(placed.slot);
      view.misses++;
      return view.read ? 'raced' : 'missed';
    }
  }

  /**
   * Hints the shard full, then re-reads it: a leave that freed a slot before the hint was
   * written is seen here (and the hint is taken back); one after it sees the hint and clears it.
   */
  private async confirmFull(channelId: string, shardNo: number, taken: Set<number>): Promise<boolean> {
    await this.items.setFull(channelId, shardNo, true);
    const now = await this.items.slots(channelId, shardNo, { consistent: true });
    if (now.size >= this.options.shardSize) return true;
    await this.items.setFull(channelId, shardNo, false);
    taken.clear();
    for (const slot of now.keys()) taken.add(slot);
    return false;
  }

  private randomFreeSlot(taken: Set<number>): number {
    const { shardSize } = this.options;
    const free = shardSize - taken.size;
    // The n-th free slot for a uniform n: every free slot is equally likely, so joins spread.
    let n = Math.floor(this.options.sleeper.random() * free);
    for (let slot = 0; slot < shardSize; slot++) {
      if (taken.has(slot)) continue;
      if (n-- === 0) return slot;
    }
    throw new Error('no free slot (unreachable: callers check the shard is not full)');
  }

  /**
   * A connection's first join (no entry yet, the common case by far): ONE conditional PutItem
   * claims the slot, then a plain conditional Put writes the reverse entry — no transaction,
   * so a storm's collisions cost one refused Put each, not a cancelled transaction. Between
   * the two writes the slot is a member nobody can look up; if the function dies there, the
   * slot is a ghost that `remove` cannot find (no entry points at it), so only its TTL frees it
   * — reads skip it after that, and a join may claim it.
   * If a concurrent join of the same connection wrote the entry first, this slot is given back
   * and the join starts over (it then sees that entry).
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
      const free = this.slotDelete(placed)!.Delete!;
      await this.client.send(new DeleteCommand(free)).catch(() => undefined);
      if (isConditionFailure(error)) throw new RaceLostError('the entry was written first', { cause: error });
      throw error;
    }
  }

  /** A leave freed a slot: a shard hinted full has room again. */
  private async afterLeave(left: RegistryEntry): Promise<void> {
    const markers = await this.items.markers(left.channelId, true);
    if (markers.get(left.shardNo)?.full) await this.items.setFull(left.channelId, left.shardNo, false);
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

  private reverseDelete(entry: RegistryEntry): TransactItems[number] {
    return {
      Delete: {
        TableName: this.tableName,
        Key: reverseKey(entry.connectionId),
        ConditionExpression: 'channelId = :c AND shardNo = :s',
        ExpressionAttributeValues: { ':c': entry.channelId, ':s': entry.shardNo },
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

  /** The first item of every transaction here is the slot (or, in a removal, the entry). */
  private async transact(items: TransactItems): Promise<void> {
    try {
      // Throttled transactions are retried inside; races (conditions, conflicts) come out here.
      await sendTransaction(this.client, { TransactItems: items }, { sleeper: this.options.sleeper });
    } catch (error) {
      if (!isLostRace(error)) throw error;
      const codes = cancellationCodes(error);
      const slotIndex = items.findIndex(
        (item) =>
          item.Put?.Item?.['sk']?.toString().startsWith('slot#') ||
          item.Delete?.Key?.['sk']?.toString().startsWith('slot#'),
      );
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

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

const publicInfo = ({ connectionId, channelId, shardNo, userId, joinedAt }: RegistryEntry): ConnectionInfo => ({
  connectionId,
  channelId,
  shardNo,
  userId,
  joinedAt,
});
