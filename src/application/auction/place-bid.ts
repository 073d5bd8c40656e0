import { auctionStreamId, type AuctionErrorCode } from '../../domain/auction/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { AuctionId, BidId } from '../../domain/shared/ids.js';
import type { ActionGate } from '../abuse/action-gate.js';
import { requireUser, type Actor } from '../auth/actor.js';
import type { Clock } from '../ports/clock.port.js';
import type { AuctionCommandHandler } from './auction-commands.js';
import { auctionView, type AuctionView } from './auction-view.js';

export interface PlaceBidInput {
  readonly auctionId: AuctionId;
  readonly bidId: BidId;
  /** The bidder: always the verified caller, never a name from the request body. */
  readonly actor: Actor;
  readonly amount: number;
  /** The WebSocket connection the bid came on, for its per-connection budget. */
  readonly connectionId?: string;
  readonly correlationId?: string;
}

/**
 * The answer to a bid, the same over HTTP and WebSocket. A retry (this bidder already placed
 * this bid id with this amount) is accepted too: a client retrying after a timeout must learn
 * that its bid stands, not that it failed. Refusals are errors, never a result.
 */
export interface PlaceBidResult {
  readonly auctionId: string;
  readonly bidId: string;
  readonly accepted: true;
  /** True when the bid had been accepted before: nothing changed this time. */
  readonly retried: boolean;
  /** The current highest bid (after this one, or whatever has outbid it since). */
  readonly highest: AuctionView['highest'];
  readonly endsAt: number;
  readonly minimumNextBid: number | null;
  /** Set when this bid pushed the end out (anti-sniping). */
  readonly extendedTo: number | null;
  readonly auction: AuctionView;
}

export interface PlaceBidDeps {
  readonly auctions: AuctionCommandHandler;
  readonly clock: Clock;
  /** Per-user / per-connection bid budgets (none: unlimited). */
  readonly gate?: ActionGate;
}

/**
 * Places a bid at the server's time. The channel id travels in the command context so the
 * relay routes BidPlaced to the channel's viewers. A bid that extends the auction sends no close
 * message: the auction's one close message in flight is due at the old end, which is earlier, and
 * from there it re-schedules itself once to the current end (see close-auction.ts). Sending one
 * per extension made the messages multiply with the square of the extensions.
 */
export const makePlaceBid =
  (deps: PlaceBidDeps) =>
  async (input: PlaceBidInput): Promise<PlaceBidResult> => {
    const bidderId = requireUser(input.actor, 'bid');
    await deps.gate?.admit('bid', { userId: bidderId, connectionId: input.connectionId });
    const stream = auctionStreamId(input.auctionId);
    const { state: before } = await deps.auctions.load(stream);
    if (before.status === 'NONE')
      return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', `auction ${input.auctionId} does not exist`);
    const channelId = before.terms.channelId;
    const result = await deps.auctions.handle(
      stream,
      { type: 'PlaceBid', bidId: input.bidId, bidderId, amount: input.amount, at: deps.clock.now() },
      { channelId, correlationId: input.correlationId },
    );
    if (result.state.status === 'NONE')
      return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', `auction ${input.auctionId} does not exist`);
    const extended = result.events.find((e) => e.type === 'AuctionExtended');
    const extendedTo = extended?.type === 'AuctionExtended' ? extended.data.endsAt : null;
    const auction = auctionView(result.state);
    return {
      auctionId: input.auctionId,
      bidId: input.bidId,
      accepted: true,
      // The decider answers a bid with no event only when it is a retry of an accepted one.
      retried: result.events.length === 0,
      highest: auction.highest,
      endsAt: auction.endsAt,
      minimumNextBid: auction.minimumNextBid,
      extendedTo,
      auction,
    };
  };
