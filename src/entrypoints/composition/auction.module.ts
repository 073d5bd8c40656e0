import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AuctionCloseScheduler } from '../../application/auction/auction-close-scheduler.js';
import type { AuctionCommandHandler } from '../../application/auction/auction-commands.js';
import { makeCloseAuction } from '../../application/auction/close-auction.js';
import { makeGetAuction } from '../../application/auction/get-auction.js';
import { makeOpenAuction } from '../../application/auction/open-auction.js';
import { makePlaceBid, type PlaceBidInput, type PlaceBidResult } from '../../application/auction/place-bid.js';
import { CommandHandler, type SnapshotPolicy } from '../../application/command-handler.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SnapshotStore } from '../../application/ports/snapshot-store.port.js';
import type { MessageQueue } from '../../application/ports/message-queue.port.js';
import { auctionCodec, auctionDecider } from '../../domain/auction/index.js';
import { makeAuctionCloseHandler } from '../handlers/auction-close.js';
import { makeAuctionRoutes } from '../http/auction.routes.js';
import { auctionWsActions } from '../ws/auction.ws-actions.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import { TOKENS, bindingsModule, tokenIn, commandPorts } from './tokens.js';

const token = tokenIn('auction');

/** F7 bindings. `SchedulerQueue` comes from the backend (SQS with per-message delays in AWS). */
export const AUCTION_TOKENS = {
  SchedulerQueue: token<MessageQueue<AuctionCloseMessage>>('SchedulerQueue'),
  AuctionCommandHandler: token<AuctionCommandHandler>('AuctionCommandHandler'),
  Scheduler: token<AuctionCloseScheduler>('Scheduler'),
  PlaceBid: token<(input: PlaceBidInput) => Promise<PlaceBidResult>>('PlaceBid'),
  Handler: token<ReturnType<typeof makeAuctionCloseHandler>>('Handler'),
} as const;

/**
 * A hot auction gathers thousands of bids; a cold Lambda starts from its snapshot + the tail.
 * Every 100 events, and after any load that folded more than 200 (docs/ARCHITECTURE.md, snapshots).
 */
const snapshotPolicy = (store: SnapshotStore | undefined, logger: Logger): SnapshotPolicy | undefined =>
  store && {
    store,
    everyEvents: 100,
    maxFoldedEvents: 200,
    onError: (streamId, error) => logger.warn('snapshot skipped; the command went on without it', { streamId, error }),
  };

/** Use cases, the `auction-close` handler, the auction routes and the `bid` frame over the bound ports. */
export const auctionModule = bindingsModule((bind) => {
  bind(
    AUCTION_TOKENS.AuctionCommandHandler,
    (get) =>
      new CommandHandler(auctionDecider, auctionCodec, {
        ...commandPorts(get),
        snapshots: snapshotPolicy(get.optional(TOKENS.SnapshotStore), get(TOKENS.Logger)),
      }),
  );
  bind(
    AUCTION_TOKENS.Scheduler,
    (get) => new AuctionCloseScheduler(get(AUCTION_TOKENS.SchedulerQueue), get(TOKENS.Clock)),
  );
  bind(AUCTION_TOKENS.PlaceBid, (get) =>
    makePlaceBid({
      auctions: get(AUCTION_TOKENS.AuctionCommandHandler),
      clock: get(TOKENS.Clock),
      gate: get.optional(ABUSE_TOKENS.ActionGate),
    }),
  );
  bind(AUCTION_TOKENS.Handler, (get) =>
    makeAuctionCloseHandler({
      closeAuction: makeCloseAuction({
        auctions: get(AUCTION_TOKENS.AuctionCommandHandler),
        scheduler: get(AUCTION_TOKENS.Scheduler),
        clock: get(TOKENS.Clock),
      }),
      logger: get(TOKENS.Logger),
    }),
  );
  bind(TOKENS.HttpRoutes, (get) => {
    const auctions = get(AUCTION_TOKENS.AuctionCommandHandler);
    const clock = get(TOKENS.Clock);
    return makeAuctionRoutes({
      openAuction: makeOpenAuction({
        auctions,
        channels: get(TOKENS.ChannelCommandHandler),
        scheduler: get(AUCTION_TOKENS.Scheduler),
        clock,
        ids: get(TOKENS.Ids),
      }),
      placeBid: get(AUCTION_TOKENS.PlaceBid),
      getAuction: makeGetAuction({ auctions }),
      now: () => clock.now(),
      onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error in an auction route', { error }),
    });
  });
  bind(TOKENS.WsActions, (get) => auctionWsActions({ placeBid: get(AUCTION_TOKENS.PlaceBid) }));
});
