import { Command, EventStore, EventType, tuple, type EventDetail, type EventStorageAdapter } from '@castore/core';
import { InMemoryEventStorageAdapter } from '@castore/event-storage-adapter-in-memory';
import type { AuctionImplementation, AuctionResult, WorkloadCommand } from './workload.js';

/**
 * The same auction rules as `src/domain/auction`, written the Castore way: event types, a
 * reducer, one `Command` per intent, on Castore's in-memory storage adapter. Event types carry
 * no payload parser (castore's zod helper needs zod 3; this project is on zod 4), so Castore
 * validates nothing — Stampede validates every event body with zod on append.
 */
const auctionOpened = new EventType<
  'AuctionOpened',
  {
    channelId: string;
    sellerId: string;
    productId: string;
    startingPrice: number;
    minIncrement: number;
    currency: string;
    endsAt: number;
    extendWindowMs: number;
    extendByMs: number;
    openedAt: number;
  }
>({ type: 'AuctionOpened' });
const bidPlaced = new EventType<'BidPlaced', { bidId: string; bidderId: string; amount: number; placedAt: number }>({
  type: 'BidPlaced',
});
const auctionExtended = new EventType<'AuctionExtended', { endsAt: number; byBidId: string }>({
  type: 'AuctionExtended',
});
const auctionClosed = new EventType<
  'AuctionClosed',
  { outcome: 'SOLD' | 'NO_SALE'; winnerId?: string; winningBidId?: string; price?: number; closedAt: number }
>({
  type: 'AuctionClosed',
});

type AuctionEventDetail =
  | EventDetail<
      'AuctionOpened',
      {
        channelId: string;
        sellerId: string;
        productId: string;
        startingPrice: number;
        minIncrement: number;
        currency: string;
        endsAt: number;
        extendWindowMs: number;
        extendByMs: number;
        openedAt: number;
      },
      never
    >
  | EventDetail<'BidPlaced', { bidId: string; bidderId: string; amount: number; placedAt: number }, never>
  | EventDetail<'AuctionExtended', { endsAt: number; byBidId: string }, never>
  | EventDetail<
      'AuctionClosed',
      { outcome: 'SOLD' | 'NO_SALE'; winnerId?: string; winningBidId?: string; price?: number; closedAt: number },
      never
    >;

interface AuctionAggregate {
  aggregateId: string;
  version: number;
  status: 'OPEN' | 'CLOSED';
  sellerId: string;
  startingPrice: number;
  minIncrement: number;
  extendWindowMs: number;
  extendByMs: number;
  endsAt: number;
  highest: { bidId: string; bidderId: string; amount: number } | null;
  bidIds: Set<string>;
}

const reducer = (aggregate: AuctionAggregate, event: AuctionEventDetail): AuctionAggregate => {
  const { aggregateId, version } = event;
  switch (event.type) {
    case 'AuctionOpened': {
      const p = event.payload;
      return {
        aggregateId,
        version,
        status: 'OPEN',
        sellerId: p.sellerId,
        startingPrice: p.startingPrice,
        minIncrement: p.minIncrement,
        extendWindowMs: p.extendWindowMs,
        extendByMs: p.extendByMs,
        endsAt: p.endsAt,
        highest: null,
        bidIds: new Set(),
      };
    }
    case 'BidPlaced':
      // Castore rebuilds the aggregate from its first event on every getAggregate, so adding to
      // the set in place is safe — the fastest correct choice, not a handicap for the peer.
      aggregate.bidIds.add(event.payload.bidId);
      return {
        ...aggregate,
        version,
        highest: { bidId: event.payload.bidId, bidderId: event.payload.bidderId, amount: event.payload.amount },
      };
    case 'AuctionExtended':
      return { ...aggregate, version, endsAt: event.payload.endsAt };
    case 'AuctionClosed':
      return { ...aggregate, version, status: 'CLOSED' };
  }
};

/** A command the rules refuse (Castore has no error type of its own for this). */
export class AuctionRuleViolation extends Error {
  override readonly name = 'AuctionRuleViolation';
}

/** `eventStorageAdapter`: Castore's in-memory adapter unless another is given (its DynamoDB adapter in `event-store-dynamodb`). */
export const createCastoreImplementation = (
  eventStorageAdapter: EventStorageAdapter = new InMemoryEventStorageAdapter(),
): AuctionImplementation => {
  const auctionsEventStore = new EventStore({
    eventStoreId: 'AUCTIONS',
    eventTypes: [auctionOpened, bidPlaced, auctionExtended, auctionClosed],
    reducer,
    eventStorageAdapter,
  });

  const openAuction = new Command({
    commandId: 'OPEN_AUCTION',
    requiredEventStores: tuple(auctionsEventStore),
    handler: async (c: Extract<WorkloadCommand, { kind: 'open' }>, [store]) => {
      const { aggregate } = await store.getAggregate(c.auctionId);
      if (aggregate) {
        if (aggregate.sellerId === c.sellerId) return 0;
        throw new AuctionRuleViolation(`auction ${c.auctionId} already exists`);
      }
      if (!Number.isInteger(c.startingPrice) || c.startingPrice <= 0)
        throw new AuctionRuleViolation('startingPrice must be a positive integer');
      if (!Number.isInteger(c.minIncrement) || c.minIncrement <= 0)
        throw new AuctionRuleViolation('minIncrement must be a positive integer');
      if (c.endsAt <= c.at) throw new AuctionRuleViolation('endsAt must be after the opening time');
      await store.pushEvent({
        aggregateId: c.auctionId,
        version: 1,
        type: 'AuctionOpened',
        payload: {
          channelId: c.channelId,
          sellerId: c.sellerId,
          productId: c.productId,
          startingPrice: c.startingPrice,
          minIncrement: c.minIncrement,
          currency: 'EUR',
          endsAt: c.endsAt,
          extendWindowMs: 0,
          extendByMs: 0,
          openedAt: c.at,
        },
      });
      return 1;
    },
  });

  const placeBid = new Command({
    commandId: 'PLACE_BID',
    requiredEventStores: tuple(auctionsEventStore),
    handler: async (c: Extract<WorkloadCommand, { kind: 'bid' }>, [store]) => {
      const { aggregate: a } = await store.getAggregate(c.auctionId);
      if (!a) throw new AuctionRuleViolation('no auction is open on this stream');
      if (a.bidIds.has(c.bidId)) return 0;
      if (a.status === 'CLOSED') throw new AuctionRuleViolation('the auction is closed');
      if (c.at >= a.endsAt) throw new AuctionRuleViolation('the auction has ended');
      if (c.bidderId === a.sellerId) throw new AuctionRuleViolation('the seller cannot bid on their own auction');
      const minimum = a.highest ? a.highest.amount + a.minIncrement : a.startingPrice;
      if (!Number.isInteger(c.amount) || c.amount < minimum)
        throw new AuctionRuleViolation(`a bid must be at least ${minimum}`);
      const bid = {
        aggregateId: c.auctionId,
        version: a.version + 1,
        type: 'BidPlaced' as const,
        payload: { bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, placedAt: c.at },
      };
      const endsAt = Math.max(a.endsAt, c.at + a.extendByMs);
      if (a.extendWindowMs > 0 && a.endsAt - c.at <= a.extendWindowMs && endsAt > a.endsAt) {
        await EventStore.pushEventGroup(
          store.groupEvent(bid),
          store.groupEvent({
            aggregateId: c.auctionId,
            version: a.version + 2,
            type: 'AuctionExtended',
            payload: { endsAt, byBidId: c.bidId },
          }),
        );
        return 2;
      }
      await store.pushEvent(bid);
      return 1;
    },
  });

  const closeAuction = new Command({
    commandId: 'CLOSE_AUCTION',
    requiredEventStores: tuple(auctionsEventStore),
    handler: async (c: Extract<WorkloadCommand, { kind: 'close' }>, [store]) => {
      const { aggregate: a } = await store.getAggregate(c.auctionId);
      if (!a) throw new AuctionRuleViolation('no auction is open on this stream');
      if (a.status === 'CLOSED') return 0;
      if (c.at < a.endsAt) throw new AuctionRuleViolation('the auction has not reached its end time');
      const h = a.highest;
      await store.pushEvent({
        aggregateId: c.auctionId,
        version: a.version + 1,
        type: 'AuctionClosed',
        payload: h
          ? { outcome: 'SOLD', winnerId: h.bidderId, winningBidId: h.bidId, price: h.amount, closedAt: c.at }
          : { outcome: 'NO_SALE', closedAt: c.at },
      });
      return 1;
    },
  });

  const run = (c: WorkloadCommand): Promise<number> => {
    switch (c.kind) {
      case 'open':
        return openAuction.handler(c, [auctionsEventStore]);
      case 'bid':
        return placeBid.handler(c, [auctionsEventStore]);
      case 'close':
        return closeAuction.handler(c, [auctionsEventStore]);
    }
  };

  return {
    name: 'castore',
    async execute(c) {
      try {
        return (await run(c)) > 0 ? 'accepted' : 'duplicate';
      } catch (error) {
        if (error instanceof AuctionRuleViolation) return 'rejected';
        throw error;
      }
    },
    async result(auctionId): Promise<AuctionResult> {
      const { events } = await auctionsEventStore.getEvents(auctionId);
      const closed = events.find((e) => e.type === 'AuctionClosed');
      if (!closed || closed.type !== 'AuctionClosed')
        throw new Error(`castore: auction ${auctionId} has no AuctionClosed event`);
      return {
        auctionId,
        outcome: closed.payload.outcome,
        winnerId: closed.payload.winnerId ?? null,
        price: closed.payload.price ?? null,
        acceptedBids: events.filter((e) => e.type === 'BidPlaced').length,
      };
    },
  };
};
