import {
  DeciderCommandHandler,
  getInMemoryEventStore,
  IllegalStateError,
  type Command,
  type Event,
} from '@event-driven-io/emmett';
import type { AuctionImplementation, AuctionResult, WorkloadCommand } from './workload.js';

/**
 * The same auction rules as `src/domain/auction`, written the Emmett way: a decider
 * (decide/evolve/initialState) run by `DeciderCommandHandler` on Emmett's in-memory store.
 * Emmett is configured as a user chasing speed would: no retry wrapper (its default).
 */
type AuctionOpened = Event<
  'AuctionOpened',
  {
    auctionId: string;
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
>;
type BidPlaced = Event<'BidPlaced', { bidId: string; bidderId: string; amount: number; placedAt: number }>;
type AuctionExtended = Event<'AuctionExtended', { endsAt: number; byBidId: string }>;
type AuctionClosed = Event<
  'AuctionClosed',
  { outcome: 'SOLD' | 'NO_SALE'; winnerId?: string; winningBidId?: string; price?: number; closedAt: number }
>;
type AuctionEvent = AuctionOpened | BidPlaced | AuctionExtended | AuctionClosed;

type OpenAuction = Command<
  'OpenAuction',
  {
    auctionId: string;
    channelId: string;
    sellerId: string;
    productId: string;
    startingPrice: number;
    minIncrement: number;
    currency: string;
    endsAt: number;
    at: number;
  }
>;
type PlaceBid = Command<'PlaceBid', { bidId: string; bidderId: string; amount: number; at: number }>;
type CloseAuction = Command<'CloseAuction', { at: number }>;
type AuctionCommand = OpenAuction | PlaceBid | CloseAuction;

type State =
  | { status: 'NONE' }
  | {
      status: 'OPEN' | 'CLOSED';
      auctionId: string;
      sellerId: string;
      startingPrice: number;
      minIncrement: number;
      extendWindowMs: number;
      extendByMs: number;
      endsAt: number;
      highest: { bidId: string; bidderId: string; amount: number } | null;
      bidIds: Set<string>;
    };

const initialState = (): State => ({ status: 'NONE' });

const evolve = (state: State, event: AuctionEvent): State => {
  switch (event.type) {
    case 'AuctionOpened': {
      const d = event.data;
      return {
        status: 'OPEN',
        auctionId: d.auctionId,
        sellerId: d.sellerId,
        startingPrice: d.startingPrice,
        minIncrement: d.minIncrement,
        extendWindowMs: d.extendWindowMs,
        extendByMs: d.extendByMs,
        endsAt: d.endsAt,
        highest: null,
        bidIds: new Set(),
      };
    }
    case 'BidPlaced': {
      if (state.status !== 'OPEN') return state;
      // Mutating the set is safe here — Emmett folds every command from a fresh initialState() —
      // and is the fastest correct choice, so the peer is not handicapped by a defensive copy.
      state.bidIds.add(event.data.bidId);
      return {
        ...state,
        highest: { bidId: event.data.bidId, bidderId: event.data.bidderId, amount: event.data.amount },
      };
    }
    case 'AuctionExtended':
      return state.status === 'OPEN' ? { ...state, endsAt: event.data.endsAt } : state;
    case 'AuctionClosed':
      return state.status === 'OPEN' ? { ...state, status: 'CLOSED' } : state;
  }
};

const decide = (command: AuctionCommand, state: State): AuctionEvent[] => {
  switch (command.type) {
    case 'OpenAuction': {
      const c = command.data;
      if (state.status !== 'NONE') {
        if (state.auctionId === c.auctionId && state.sellerId === c.sellerId) return [];
        throw new IllegalStateError(`auction ${state.auctionId} already exists`);
      }
      if (!Number.isInteger(c.startingPrice) || c.startingPrice <= 0)
        throw new IllegalStateError('startingPrice must be a positive integer');
      if (!Number.isInteger(c.minIncrement) || c.minIncrement <= 0)
        throw new IllegalStateError('minIncrement must be a positive integer');
      if (c.endsAt <= c.at) throw new IllegalStateError('endsAt must be after the opening time');
      const { at, ...terms } = c;
      return [{ type: 'AuctionOpened', data: { ...terms, extendWindowMs: 0, extendByMs: 0, openedAt: at } }];
    }
    case 'PlaceBid': {
      const c = command.data;
      if (state.status === 'NONE') throw new IllegalStateError('no auction is open on this stream');
      if (state.bidIds.has(c.bidId)) return [];
      if (state.status === 'CLOSED') throw new IllegalStateError('the auction is closed');
      if (c.at >= state.endsAt) throw new IllegalStateError('the auction has ended');
      if (c.bidderId === state.sellerId) throw new IllegalStateError('the seller cannot bid on their own auction');
      const minimum = state.highest ? state.highest.amount + state.minIncrement : state.startingPrice;
      if (!Number.isInteger(c.amount) || c.amount < minimum)
        throw new IllegalStateError(`a bid must be at least ${minimum}`);
      const events: AuctionEvent[] = [
        { type: 'BidPlaced', data: { bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, placedAt: c.at } },
      ];
      if (state.extendWindowMs > 0 && state.endsAt - c.at <= state.extendWindowMs) {
        const endsAt = Math.max(state.endsAt, c.at + state.extendByMs);
        if (endsAt > state.endsAt) events.push({ type: 'AuctionExtended', data: { endsAt, byBidId: c.bidId } });
      }
      return events;
    }
    case 'CloseAuction': {
      const c = command.data;
      if (state.status === 'NONE') throw new IllegalStateError('no auction is open on this stream');
      if (state.status === 'CLOSED') return [];
      if (c.at < state.endsAt) throw new IllegalStateError('the auction has not reached its end time');
      const h = state.highest;
      return [
        {
          type: 'AuctionClosed',
          data: h
            ? { outcome: 'SOLD', winnerId: h.bidderId, winningBidId: h.bidId, price: h.amount, closedAt: c.at }
            : { outcome: 'NO_SALE', closedAt: c.at },
        },
      ];
    }
  }
};

export const createEmmettImplementation = (): AuctionImplementation => {
  const eventStore = getInMemoryEventStore();
  const handle = DeciderCommandHandler<State, AuctionCommand, AuctionEvent>({
    decide,
    evolve,
    initialState,
    mapToStreamId: (id) => `auction-${id}`,
  });

  const toCommand = (c: WorkloadCommand): AuctionCommand => {
    switch (c.kind) {
      case 'open': {
        const { kind: _kind, ...data } = c;
        return { type: 'OpenAuction', data: { ...data, currency: 'EUR' } };
      }
      case 'bid':
        return { type: 'PlaceBid', data: { bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, at: c.at } };
      case 'close':
        return { type: 'CloseAuction', data: { at: c.at } };
    }
  };

  return {
    name: 'emmett',
    async execute(c) {
      try {
        const { newEvents } = await handle(eventStore, c.auctionId, toCommand(c));
        return newEvents.length > 0 ? 'accepted' : 'duplicate';
      } catch (error) {
        if (error instanceof IllegalStateError) return 'rejected';
        throw error;
      }
    },
    async result(auctionId): Promise<AuctionResult> {
      const { events } = await eventStore.readStream<AuctionEvent>(`auction-${auctionId}`);
      const closed = events.find((e) => e.type === 'AuctionClosed') as AuctionClosed | undefined;
      if (!closed) throw new Error(`emmett: auction ${auctionId} has no AuctionClosed event`);
      return {
        auctionId,
        outcome: closed.data.outcome,
        winnerId: closed.data.winnerId ?? null,
        price: closed.data.price ?? null,
        acceptedBids: events.filter((e) => e.type === 'BidPlaced').length,
      };
    },
  };
};
