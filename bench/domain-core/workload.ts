import { seededRandom } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';

/**
 * The auction workload every implementation runs: framework-neutral commands plus the outcome
 * a reference model expects for each, so a wrong implementation fails the benchmark instead of
 * winning it.
 */
export type WorkloadCommand =
  | {
      readonly kind: 'open';
      readonly auctionId: string;
      readonly channelId: string;
      readonly sellerId: string;
      readonly productId: string;
      readonly startingPrice: number;
      readonly minIncrement: number;
      readonly endsAt: number;
      readonly at: number;
    }
  | {
      readonly kind: 'bid';
      readonly auctionId: string;
      readonly bidId: string;
      readonly bidderId: string;
      readonly amount: number;
      readonly at: number;
    }
  | { readonly kind: 'close'; readonly auctionId: string; readonly at: number };

/** `accepted`: events stored; `rejected`: a rule refused it; `duplicate`: a retried bid, no new event. */
export type Outcome = 'accepted' | 'rejected' | 'duplicate';
export const OUTCOME_CODE: Record<Outcome, string> = { accepted: 'A', rejected: 'R', duplicate: 'D' };

export interface AuctionResult {
  readonly auctionId: string;
  readonly outcome: 'SOLD' | 'NO_SALE';
  readonly winnerId: string | null;
  readonly price: number | null;
  readonly acceptedBids: number;
}

export interface WorkloadSpec {
  readonly seed: number;
  readonly auctions: number;
  readonly bidsPerAuction: number;
  /** Share of bid attempts below the minimum next bid. */
  readonly lowBidShare: number;
  /** Share of bid attempts that repeat an accepted bid id (an at-least-once redelivery). */
  readonly duplicateShare: number;
}

export const DEFAULT_WORKLOAD: WorkloadSpec = {
  seed: 20_240_611,
  auctions: 1_000,
  bidsPerAuction: 50,
  lowBidShare: 0.3,
  duplicateShare: 0.03,
};

export interface Workload {
  readonly spec: WorkloadSpec;
  readonly commands: readonly WorkloadCommand[];
  /** One letter per command (A/R/D), as the reference model expects. */
  readonly expectedOutcomes: string;
  readonly expectedResults: readonly AuctionResult[];
}

const T0 = 1_750_000_000_000;
const AUCTION_LENGTH_MS = 3_600_000;

/**
 * Opens every auction, then interleaves the bid attempts of all auctions in a seeded random
 * order (live auctions run side by side), then closes them. Amounts are drawn against the
 * reference model's current highest bid so the accepted/rejected mix is controlled.
 */
export const generateWorkload = (spec: WorkloadSpec = DEFAULT_WORKLOAD): Workload => {
  const rng = seededRandom(spec.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const commands: WorkloadCommand[] = [];
  const outcomes: string[] = [];
  const model = Array.from({ length: spec.auctions }, (_, i) => ({
    auctionId: `a${i}`,
    sellerId: `seller-${i % 97}`,
    startingPrice: int(10, 500) * 10,
    minIncrement: int(1, 10) * 10,
    highest: null as null | { bidId: string; bidderId: string; amount: number },
    acceptedBidIds: [] as string[],
  }));

  for (const a of model) {
    commands.push({
      kind: 'open',
      auctionId: a.auctionId,
      channelId: `ch${int(0, 49)}`,
      sellerId: a.sellerId,
      productId: `p-${a.auctionId}`,
      startingPrice: a.startingPrice,
      minIncrement: a.minIncrement,
      endsAt: T0 + AUCTION_LENGTH_MS,
      at: T0,
    });
    outcomes.push('A');
  }

  // Fisher–Yates over (auction index × attempt) so bids on one auction are spread over the run.
  const order = new Int32Array(spec.auctions * spec.bidsPerAuction);
  for (let i = 0; i < order.length; i++) order[i] = i % spec.auctions;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }

  let bidSeq = 0;
  for (let k = 0; k < order.length; k++) {
    const a = model[order[k] as number]!;
    const at = T0 + 1 + Math.floor((k / order.length) * (AUCTION_LENGTH_MS - 1_000));
    const bidderId = `user-${int(0, 499)}`;
    const roll = rng();
    if (roll < spec.duplicateShare && a.highest) {
      // A redelivered copy of the currently highest bid: same id, same amount.
      commands.push({
        kind: 'bid',
        auctionId: a.auctionId,
        bidId: a.highest.bidId,
        bidderId: a.highest.bidderId,
        amount: a.highest.amount,
        at,
      });
      outcomes.push('D');
      continue;
    }
    const minimum = a.highest ? a.highest.amount + a.minIncrement : a.startingPrice;
    const bidId = `b${++bidSeq}`;
    if (roll < spec.duplicateShare + spec.lowBidShare) {
      commands.push({
        kind: 'bid',
        auctionId: a.auctionId,
        bidId,
        bidderId,
        amount: Math.max(1, minimum - int(1, a.minIncrement)),
        at,
      });
      outcomes.push('R');
      continue;
    }
    const amount = minimum + int(0, 3) * a.minIncrement;
    commands.push({ kind: 'bid', auctionId: a.auctionId, bidId, bidderId, amount, at });
    a.highest = { bidId, bidderId, amount };
    a.acceptedBidIds.push(bidId);
    outcomes.push('A');
  }

  for (const a of model) {
    commands.push({ kind: 'close', auctionId: a.auctionId, at: T0 + AUCTION_LENGTH_MS });
    outcomes.push('A');
  }

  return {
    spec,
    commands,
    expectedOutcomes: outcomes.join(''),
    expectedResults: model.map((a) => ({
      auctionId: a.auctionId,
      outcome: a.highest ? 'SOLD' : 'NO_SALE',
      winnerId: a.highest?.bidderId ?? null,
      price: a.highest?.amount ?? null,
      acceptedBids: a.acceptedBidIds.length,
    })),
  };
};

/** The contract of each implementation under test. */
export interface AuctionImplementation {
  readonly name: string;
  execute(command: WorkloadCommand): Promise<Outcome>;
  /** Read after the timed loop; not measured. */
  result(auctionId: string): Promise<AuctionResult>;
}
