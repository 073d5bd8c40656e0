import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AUCTION_TOKENS, auctionModule } from '../composition/auction.module.js';
import { localQueue, localQueueSource, twin } from './local.container.js';
import { type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export const LOCAL_AUCTION_TOKENS = {
  SchedulerQueue: Symbol.for('stampede.local.SchedulerQueue') as Token<InMemoryQueue<AuctionCloseMessage>>,
} as const;

const inMemoryPorts = bindingsModule(
  twin(LOCAL_AUCTION_TOKENS.SchedulerQueue, AUCTION_TOKENS.SchedulerQueue, (get) => localQueue(get, 'scheduler')),
);

/** F7 in `npm start`: auction routes and `bid` frames; the scheduler queue (delayed messages) → `auction-close`. */
export const auctionFeature: LocalRuntimeExtension = {
  name: 'auction',
  modules: [inMemoryPorts, auctionModule],
  setup(context) {
    const { container, logger, addEventSource } = context;
    const queue = container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue);
    addEventSource(
      localQueueSource(context, 'auction-close', queue, container.get(AUCTION_TOKENS.Handler), {
        concurrency: 1,
        onFailure: (info) =>
          logger.warn('auction close messages failed; they come back after the visibility timeout', {
            messages: info.messageIds.length,
          }),
      }),
    );
  },
};
