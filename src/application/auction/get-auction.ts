import { auctionStreamId, type AuctionErrorCode } from '../../domain/auction/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { AuctionId } from '../../domain/shared/ids.js';
import type { AuctionCommandHandler } from './auction-commands.js';
import { auctionView, type AuctionView } from './auction-view.js';

/** Reads an auction's current standing from its stream (catch-up read through the handler's cache). */
export const makeGetAuction =
  (deps: { readonly auctions: AuctionCommandHandler }) =>
  async (auctionId: AuctionId): Promise<AuctionView> => {
    const { state } = await deps.auctions.load(auctionStreamId(auctionId));
    if (state.status === 'NONE')
      return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', `auction ${auctionId} does not exist`);
    return auctionView(state);
  };
