import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { auctionDecider, auctionEventDefinitions, type AuctionCommand } from '../../src/domain/auction/index.js';
import { EventCodec } from '../../src/domain/shared/codec.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../src/domain/shared/ids.js';
import type { AuctionImplementation, AuctionResult, Outcome, WorkloadCommand } from './workload.js';

/** Stampede as an application would wire it: our decider, CommandHandler, in-memory store (or the `store` given). */
export const createStampedeImplementation = (store: EventStore = new InMemoryEventStore()): AuctionImplementation => {
  const clock = new FakeClock(1_750_000_000_000);
  const handler = new CommandHandler(auctionDecider, new EventCodec(auctionEventDefinitions), {
    store,
    clock,
    sleeper: clock,
    // Production ids are UUIDs too (Emmett mints a v4 UUID per event as well).
    ids: { next: () => randomUUID() },
  });
  const channelOf = new Map<string, string>();

  const toCommand = (c: WorkloadCommand): AuctionCommand => {
    switch (c.kind) {
      case 'open':
        return {
          type: 'OpenAuction',
          auctionId: c.auctionId as AuctionId,
          channelId: c.channelId as ChannelId,
          sellerId: c.sellerId as UserId,
          productId: c.productId as ProductId,
          startingPrice: c.startingPrice,
          minIncrement: c.minIncrement,
          currency: 'EUR',
          endsAt: c.endsAt,
          at: c.at,
        };
      case 'bid':
        return {
          type: 'PlaceBid',
          bidId: c.bidId as BidId,
          bidderId: c.bidderId as UserId,
          amount: c.amount,
          at: c.at,
        };
      case 'close':
        return { type: 'CloseAuction', at: c.at };
    }
  };

  return {
    name: 'stampede',
    async execute(c) {
      if (c.kind === 'open') channelOf.set(c.auctionId, c.channelId);
      try {
        const { events } = await handler.handle(`auction-${c.auctionId}`, toCommand(c), {
          channelId: channelOf.get(c.auctionId),
        });
        return (events.length > 0 ? 'accepted' : 'duplicate') satisfies Outcome;
      } catch (error) {
        if (error instanceof DomainError) return 'rejected';
        throw error;
      }
    },
    async result(auctionId): Promise<AuctionResult> {
      const { events } = await store.read(`auction-${auctionId}`);
      const closed = events.find((e) => e.type === 'AuctionClosed')?.data as
        { outcome: 'SOLD' | 'NO_SALE'; winnerId?: string; price?: number } | undefined;
      if (!closed) throw new Error(`stampede: auction ${auctionId} has no AuctionClosed event`);
      return {
        auctionId,
        outcome: closed.outcome,
        winnerId: closed.winnerId ?? null,
        price: closed.price ?? null,
        acceptedBids: events.filter((e) => e.type === 'BidPlaced').length,
      };
    },
  };
};
