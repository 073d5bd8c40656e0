import { auctionStreamId, type AuctionErrorCode } from '../../domain/auction/index.js';
import { DomainError, fail } from '../../domain/shared/errors.js';
import type { Clock } from '../ports/clock.port.js';
import type { AuctionCloseMessage } from './auction-close-message.js';
import type { AuctionCloseScheduler } from './auction-close-scheduler.js';
import type { AuctionCommandHandler } from './auction-commands.js';

export type CloseAuctionOutcome =
  | { readonly outcome: 'CLOSED'; readonly winnerId: string | null; readonly price: number | null }
  | { readonly outcome: 'ALREADY_CLOSED' }
  | {
      readonly outcome: 'RESCHEDULED';
      readonly endsAt: number;
      readonly delaySeconds: number;
      readonly extended: boolean;
    };

export interface CloseAuctionDeps {
  readonly auctions: AuctionCommandHandler;
  readonly scheduler: AuctionCloseScheduler;
  readonly clock: Clock;
}

/**
 * Handles one scheduler message. An auction has one close message in flight (its chain): opening
 * sends it, extensions send nothing, because ends only move later and the message in flight is
 * due at an earlier end, so it always arrives in time. On delivery:
 * - the auction is closed → nothing more (the chain ends);
 * - its end has come → close it (the chain ends);
 * - its end is still ahead (a far end reached hop by hop, or an extension since this message was
 *   sent) → one next hop toward the current end, never more than one.
 * So an auction costs at most 1 + its extensions + its 15-minute hops deliveries, however the
 * bids fall. Closing twice yields no event, so duplicates are harmless. An unknown auction is an
 * error: the record fails and, after the queue's maximum receives, lands in the DLQ.
 */
export const makeCloseAuction =
  (deps: CloseAuctionDeps) =>
  async (message: AuctionCloseMessage): Promise<CloseAuctionOutcome> => {
    const stream = auctionStreamId(message.auctionId);
    const { state } = await deps.auctions.load(stream);
    if (state.status === 'NONE')
      return fail<AuctionErrorCode>(
        'AUCTION_NOT_FOUND',
        `auction ${message.auctionId} does not exist; the close message is stale or forged`,
      );
    if (state.status === 'CLOSED') return { outcome: 'ALREADY_CLOSED' };
    const channelId = state.terms.channelId;
    try {
      const result = await deps.auctions.handle(stream, { type: 'CloseAuction', at: deps.clock.now() }, { channelId });
      const closed = result.events.find((e) => e.type === 'AuctionClosed');
      if (closed?.type !== 'AuctionClosed') return { outcome: 'ALREADY_CLOSED' };
      const data = closed.data;
      return data.outcome === 'SOLD'
        ? { outcome: 'CLOSED', winnerId: data.winnerId, price: data.price }
        : { outcome: 'CLOSED', winnerId: null, price: null };
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'AUCTION_NOT_ENDED') throw error;
      const { state: current } = await deps.auctions.load(stream);
      if (current.status === 'CLOSED') return { outcome: 'ALREADY_CLOSED' };
      const endsAt = current.status === 'NONE' ? message.endsAt : current.endsAt;
      const { delaySeconds } = await deps.scheduler.schedule(
        { auctionId: message.auctionId, channelId, endsAt },
        message.hop + 1,
      );
      return { outcome: 'RESCHEDULED', endsAt, delaySeconds, extended: endsAt > message.endsAt };
    }
  };
