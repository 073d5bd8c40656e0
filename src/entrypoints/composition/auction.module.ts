import { ContainerModule } from 'inversify';
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
import { TOKENS, type Token } from './tokens.js';

const token = <T>(name: string): Token<T> => Symbol.for(`stampede.auction.${name}`) as Token<T>;

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
export const auctionModule = new ContainerModule(({ bind }) => {
  bind(AUCTION_TOKENS.AuctionCommandHandler)
    .toDynamicValue(
      (ctx) =>
        new CommandHandler(auctionDecider, auctionCodec, {
          store: ctx.get(TOKENS.EventStore),
          clock: ctx.get(TOKENS.Clock),
          ids: ctx.get(TOKENS.Ids),
          sleeper: ctx.get(TOKENS.Sleeper),
          snapshots: snapshotPolicy(ctx.get(TOKENS.SnapshotStore, { optional: true }), ctx.get(TOKENS.Logger)),
        }),
    )
    .inSingletonScope();
  bind(AUCTION_TOKENS.Scheduler)
    .toDynamicValue((ctx) => new AuctionCloseScheduler(ctx.get(AUCTION_TOKENS.SchedulerQueue), ctx.get(TOKENS.Clock)))
    .inSingletonScope();
  bind(AUCTION_TOKENS.PlaceBid)
    .toDynamicValue((ctx) =>
      makePlaceBid({
        auctions: ctx.get(AUCTION_TOKENS.AuctionCommandHandler),
        clock: ctx.get(TOKENS.Clock),
        gate: ctx.get(ABUSE_TOKENS.ActionGate, { optional: true }),
      }),
    )
    .inSingletonScope();
  bind(AUCTION_TOKENS.Handler)
    .toDynamicValue((ctx) =>
      makeAuctionCloseHandler({
        closeAuction: makeCloseAuction({
          auctions: ctx.get(AUCTION_TOKENS.AuctionCommandHandler),
          scheduler: ctx.get(AUCTION_TOKENS.Scheduler),
          clock: ctx.get(TOKENS.Clock),
        }),
        logger: ctx.get(TOKENS.Logger),
      }),
    )
    .inSingletonScope();
  bind(TOKENS.HttpRoutes)
    .toDynamicValue((ctx) => {
      const auctions = ctx.get(AUCTION_TOKENS.AuctionCommandHandler);
      const clock = ctx.get(TOKENS.Clock);
      return makeAuctionRoutes({
        openAuction: makeOpenAuction({
          auctions,
          channels: ctx.get(TOKENS.ChannelCommandHandler),
          scheduler: ctx.get(AUCTION_TOKENS.Scheduler),
          clock,
          ids: ctx.get(TOKENS.Ids),
        }),
        placeBid: ctx.get(AUCTION_TOKENS.PlaceBid),
        getAuction: makeGetAuction({ auctions }),
        now: () => clock.now(),
        onUnexpected: (error) => ctx.get(TOKENS.Logger).error('unexpected error in an auction route', { error }),
      });
    })
    .inSingletonScope();
  bind(TOKENS.WsActions)
    .toDynamicValue((ctx) => auctionWsActions({ placeBid: ctx.get(AUCTION_TOKENS.PlaceBid) }))
    .inSingletonScope();
});
