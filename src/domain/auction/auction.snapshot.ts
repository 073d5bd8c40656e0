import { z } from 'zod';
import type { StateSerializer } from '../shared/decider.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';
import { PersistentMap, type MapBase } from '../shared/persistent-map.js';
import { Money } from './auction.events.js';
import { bidKey, splitBidKey, type AcceptedBid, type AuctionState } from './auction.state.js';

const Bid = z.object({ bidId: BidId, bidderId: UserId, amount: Money });

/**
 * A hot auction's accepted bids, in columns, the bids in ascending amount: bid ids, bidders as
 * indexes into the list of distinct bidders, amounts as steps from the previous bid. Each
 * per-bid column is one string of space-separated tokens (ids never hold a space; numbers in
 * base 36), not an array.
 *
 * Why this shape: a cold load reads and parses this before its first command. In the fold's
 * order with names and amounts spelled out, the cold-load benchmark's 10,000-bid state was
 * 68 KB gzipped; in amount order with bidders named once and small steps it is 7 KB with Brotli
 * (schema 3). As arrays, JSON.parse still built 10,000 strings and 20,000 numbers — 3 ms of that
 * benchmark's 12 ms first command on a busy machine, 4× what a string column costs to parse and
 * check. The ids stay one string after decoding: a lookup searches it (`DecodedBids`).
 */
interface StoredBids {
  readonly count: number;
  /** Bid ids, space-separated. */
  readonly ids: string;
  /** The distinct bidders, in order of first appearance. */
  readonly bidderNames: string[];
  /** Per bid, its bidder's index in `bidderNames`, base 36, space-separated. */
  readonly bidders: string;
  /** Per bid, its amount minus the previous bid's (the first: its amount), base 36, space-separated. */
  readonly amountSteps: string;
}

const IDS = /^[A-Za-z0-9_.:-]+(?: [A-Za-z0-9_.:-]+)*$/;

/**
 * The base-36 tokens of `column`, exactly `count` of them, or null if it holds anything else.
 * A loop over the characters: splitting would allocate a string per bid, what the column saves.
 */
const numbers = (column: string, count: number): Float64Array | null => {
  const out = new Float64Array(count);
  if (count === 0) return column === '' ? out : null;
  let [k, value, digits] = [0, 0, 0];
  for (let i = 0; i <= column.length; i++) {
    const c = i === column.length ? 32 : column.charCodeAt(i);
    if (c === 32) {
      if (digits === 0 || k === count) return null;
      out[k++] = value;
      [value, digits] = [0, 0];
    } else if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122)) {
      value = value * 36 + (c <= 57 ? c - 48 : c - 87);
      digits++;
    } else return null;
  }
  return k === count && out.every(Number.isSafeInteger) ? out : null;
};

/** Tokens in a space-separated column (of a non-empty one: spaces + 1). */
const tokens = (column: string): number => {
  let count = column === '' ? 0 : 1;
  for (let i = 0; i < column.length; i++) if (column.charCodeAt(i) === 32) count++;
  return count;
};

/**
 * The columns, checked and with the numbers parsed, or null if they are not what `encode` wrote.
 * Checked by hand, not by zod: a cold load of a 10,000-bid snapshot spent 37 ms in zod's
 * per-tuple parse (branded-id regexes) against a fraction of a millisecond here; the ids were
 * validated when their events were written, so this guards only against a corrupt item.
 */
const readColumns = (value: unknown): DecodedBids | null => {
  if (typeof value !== 'object' || value === null) return null;
  const { count, ids, bidderNames, bidders, amountSteps } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(count) || (count as number) < 0 || typeof ids !== 'string') return null;
  if (!Array.isArray(bidderNames) || !bidderNames.every((name) => UserId.safeParse(name).success)) return null;
  if (typeof bidders !== 'string' || typeof amountSteps !== 'string') return null;
  if (tokens(ids) !== count || (ids !== '' && !IDS.test(ids))) return null;
  const [who, steps] = [numbers(bidders, count as number), numbers(amountSteps, count as number)];
  if (!who || !steps || !who.every((b) => b < bidderNames.length)) return null;
  let amount = 0;
  const amounts = steps.map((step) => (amount += step));
  // Steps are never negative, so every amount is within Money's bounds when the first and the last are.
  if (count !== 0 && !(Money.safeParse(amounts[0]).success && Money.safeParse(amount).success)) return null;
  return new DecodedBids(count as number, ids, bidderNames as UserId[], who, amounts);
};

const Bids = z.unknown().transform((value, ctx) => {
  const decoded = readColumns(value);
  if (decoded) return decoded;
  ctx.addIssue({ code: 'custom', message: 'bids: { count, ids, bidderNames, bidders, amountSteps } of `count` each' });
  return z.NEVER;
});

const toColumns = (bids: readonly AcceptedBid[]): StoredBids => {
  const sorted = [...bids].sort((a, b) => a.amount - b.amount);
  const index = new Map<string, number>();
  const bidderNames: string[] = [];
  const bidders = sorted.map((b) => {
    let at = index.get(b.bidderId);
    if (at === undefined) {
      at = bidderNames.push(b.bidderId) - 1;
      index.set(b.bidderId, at);
    }
    return at.toString(36);
  });
  return {
    count: sorted.length,
    ids: sorted.map((b) => b.bidId).join(' '),
    bidderNames,
    bidders: bidders.join(' '),
    amountSteps: sorted
      .map((b, i) => (b.amount - (i === 0 ? 0 : (sorted[i - 1] as AcceptedBid).amount)).toString(36))
      .join(' '),
  };
};

/** Lookups a decoded state answers by searching its columns before it builds an index of them. */
const SEARCHES_BEFORE_INDEX = 8;

/**
 * Decoded bids that answer lookups from the columns. A cold load's first command looks up one
 * bid (the retry check): searching the ids column for one costs microseconds, where building the
 * index — a key string, an object and a Map entry per bid — cost ~1.2 ms of the cold-load
 * benchmark's first command. A stream that stays warm builds it once, after
 * `SEARCHES_BEFORE_INDEX` lookups. Nothing observable changes: the same bids are found either
 * way, and the memo is private to this value.
 */
class DecodedBids implements MapBase<AcceptedBid> {
  private index: Map<string, AcceptedBid> | null = null;
  private searches = 0;
  /** ` ${ids} `: every id between two spaces. */
  private readonly padded: string;

  constructor(
    /** `encode` writes each bid once (the columns come from a map's entries). */
    readonly size: number,
    ids: string,
    private readonly bidderNames: readonly UserId[],
    private readonly bidders: Float64Array,
    private readonly amounts: Float64Array,
  ) {
    this.padded = ` ${ids} `;
  }

  get(key: string): AcceptedBid | undefined {
    if (this.index || ++this.searches > SEARCHES_BEFORE_INDEX) return this.indexed().get(key);
    const { bidderId, bidId } = splitBidKey(key);
    const needle = ` ${bidId} `;
    let found: AcceptedBid | undefined;
    // Every bid with this id (another bidder may use it too); the last wins, as in the index.
    for (let at = this.padded.indexOf(needle); at !== -1; at = this.padded.indexOf(needle, at + 1)) {
      const i = this.spacesBefore(at);
      if (this.bidderNames[this.bidders[i] as number] === bidderId) found = this.bid(i, bidId as BidId);
    }
    return found;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  [Symbol.iterator](): IterableIterator<readonly [string, AcceptedBid]> {
    return this.indexed().entries();
  }

  private indexed(): Map<string, AcceptedBid> {
    if (this.index) return this.index;
    const ids = this.size === 0 ? [] : this.padded.slice(1, -1).split(' ');
    this.index = new Map(
      ids.map((id, i) => {
        const bid = this.bid(i, id as BidId);
        return [bidKey(bid.bidderId, bid.bidId), bid];
      }),
    );
    return this.index;
  }

  /** Which bid the token starting after the space at `position` is. */
  private spacesBefore(position: number): number {
    let count = 0;
    for (let i = 0; i < position; i++) if (this.padded.charCodeAt(i) === 32) count++;
    return count;
  }

  private bid(i: number, bidId: BidId): AcceptedBid {
    return {
      bidId,
      bidderId: this.bidderNames[this.bidders[i] as number] as UserId,
      amount: this.amounts[i] as number,
    };
  }
}

const Terms = z.object({
  auctionId: AuctionId,
  channelId: ChannelId,
  sellerId: UserId,
  productId: ProductId,
  startingPrice: Money,
  minIncrement: Money,
  currency: z.string(),
  extendWindowMs: z.number().int().nonnegative(),
  extendByMs: z.number().int().nonnegative(),
  maxExtensionMs: z.number().int().nonnegative(),
});
const Standing = z.object({
  terms: Terms,
  endsAt: z.number().int(),
  latestEndsAt: z.number().int(),
  highest: Bid.nullable(),
  // Columns, not objects: a hot auction's snapshot holds thousands of bids (bytes read on a cold load).
  bids: Bids,
});
const Stored = z.discriminatedUnion('status', [
  z.object({ status: z.literal('NONE') }),
  Standing.extend({ status: z.literal('OPEN') }),
  Standing.extend({ status: z.literal('CLOSED'), closedAt: z.number().int() }),
]);

/**
 * The auction's state as a snapshot. Version 4 = the state of `evolveAuction` as of this file,
 * bids in string columns (version 3 held the same columns as arrays, version 2 spelled out every
 * bidder and amount in the fold's order, version 1 held tuples): bump it with any change to
 * `evolveAuction`, `AuctionState` or this encoding.
 */
export const auctionSnapshot: StateSerializer<AuctionState> = {
  schemaVersion: 4,
  encode(state) {
    if (state.status === 'NONE') return state;
    return { ...state, bids: toColumns([...state.bids.values()]) };
  },
  decode(stored) {
    const s = Stored.parse(stored);
    if (s.status === 'NONE') return s;
    const bids = PersistentMap.over<AcceptedBid>(s.bids);
    // Keys in the order `evolveAuction` builds them, so a decoded state serialises like a folded one.
    const standing = { terms: s.terms, endsAt: s.endsAt, latestEndsAt: s.latestEndsAt, highest: s.highest, bids };
    return s.status === 'OPEN'
      ? { status: 'OPEN', ...standing }
      : { status: 'CLOSED', ...standing, closedAt: s.closedAt };
  },
};
