import { auctionStreamId, type AuctionState, type AuctionErrorCode } from '../../domain/auction/index.js';
import { channelDecider, channelStreamId, type ChannelErrorCode } from '../../domain/channel/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { AuctionId, ChannelId, ProductId } from '../../domain/shared/ids.js';
import { requireUser, type Actor } from '../auth/actor.js';
import { requireSeller } from '../live/channel-commands.js';
import type { Clock } from '../ports/clock.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';
import type { AuctionCloseScheduler } from './auction-close-scheduler.js';
import type { AuctionCommandHandler, ChannelCommandHandler } from './auction-commands.js';
import { auctionView, type AuctionView } from './auction-view.js';

export interface OpenAuctionInput {
  /** Only the channel's seller may open an auction on it. */
  readonly actor: Actor;
  /** Supplied by the client to make a retried request safe; generated otherwise. */
  readonly auctionId?: AuctionId;
  readonly channelId: ChannelId;
  readonly productId: ProductId;
  readonly startingPrice: number;
  readonly minIncrement: number;
  readonly endsAt: number;
  readonly extendWindowMs?: number;
  readonly extendByMs?: number;
  readonly maxExtensionMs?: number;
  readonly correlationId?: string;
}

export interface OpenAuctionDeps {
  readonly auctions: AuctionCommandHandler;
  readonly channels: ChannelCommandHandler;
  readonly scheduler: AuctionCloseScheduler;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Opens an auction on a channel's product (the channel's seller only: FORBIDDEN otherwise,
 * before anything is appended or scheduled), attaches it to the channel (so viewers see it) and
 * schedules its close. Every step is idempotent, so a client retry with the same auctionId
 * after a crash between steps completes the missing ones; the close is scheduled on every
 * call because a duplicate close message changes nothing.
 */
export const makeOpenAuction =
  (deps: OpenAuctionDeps) =>
  async (input: OpenAuctionInput): Promise<AuctionView> => {
    requireUser(input.actor, 'open an auction');
    const auctionId = input.auctionId ?? (deps.ids.next() as AuctionId);
    const channelStream = channelStreamId(input.channelId);
    const { state: channel } = await deps.channels.load(channelStream);
    if (channel.status === 'NONE')
      return fail<ChannelErrorCode>('CHANNEL_NOT_FOUND', `channel ${input.channelId} does not exist`, {
        field: 'channelId',
      });
    requireSeller(channel, input.actor, input.channelId, 'open an auction');
    // Dry-run the channel's own rule first, so a refused attachment (no such product, channel
    // ended…) never leaves an opened auction behind that no viewer can find.
    channelDecider.decide({ type: 'AttachAuction', auctionId, productId: input.productId }, channel);

    const context = { channelId: input.channelId, correlationId: input.correlationId };
    const opened = await deps.auctions.handle(
      auctionStreamId(auctionId),
      {
        type: 'OpenAuction',
        auctionId,
        channelId: input.channelId,
        sellerId: channel.profile.sellerId,
        productId: input.productId,
        startingPrice: input.startingPrice,
        minIncrement: input.minIncrement,
        currency: channel.profile.currency,
        endsAt: input.endsAt,
        extendWindowMs: input.extendWindowMs,
        extendByMs: input.extendByMs,
        maxExtensionMs: input.maxExtensionMs,
        at: deps.clock.now(),
      },
      context,
    );
    const auction = openedOn(opened.state, input.channelId, auctionId);
    await deps.channels.handle(
      channelStream,
      { type: 'AttachAuction', auctionId, productId: auction.terms.productId },
      context,
    );
    await deps.scheduler.schedule({ auctionId, channelId: input.channelId, endsAt: auction.endsAt });
    return auctionView(auction);
  };

/** The id was already used by an auction of another channel: refuse rather than attach it twice. */
const openedOn = (
  state: AuctionState,
  channelId: ChannelId,
  auctionId: AuctionId,
): Exclude<AuctionState, { status: 'NONE' }> => {
  if (state.status === 'NONE')
    return fail<AuctionErrorCode>('AUCTION_NOT_FOUND', `auction ${auctionId} was not opened`);
  if (state.terms.channelId !== channelId)
    return fail<AuctionErrorCode>(
      'AUCTION_ALREADY_OPEN',
      `auction ${auctionId} belongs to channel ${state.terms.channelId}`,
    );
  return state;
};
