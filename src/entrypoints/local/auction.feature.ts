import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { QueueEventSource } from '../../adapters/local/queue-event-source.js';
import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AUCTION_TOKENS, auctionModule } from '../composition/auction.module.js';
import { LOCAL_TOKENS } from './local.container.js';
import { type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export const LOCAL_AUCTION_TOKENS = {
  SchedulerQueue: Symbol.for('stampede.local.SchedulerQueue') as Token<InMemoryQueue<AuctionCloseMessage>>,
} as const;

const inMemoryPorts = bindingsModule((bind) => {
  bind(LOCAL_AUCTION_TOKENS.SchedulerQueue, (get) => {
    const config = get(LOCAL_TOKENS.Config);
    return new InMemoryQueue<AuctionCloseMessage>({
      name: 'scheduler',
      maxReceiveCount: config.maxReceiveCount,
      deadLetterQueue: new InMemoryQueue<AuctionCloseMessage>({ name: 'scheduler-dlq' }),
      duplicateRate: config.duplicateRate,
      reorder: config.reorder,
      random: get(LOCAL_TOKENS.Random),
    });
  });
  bind(AUCTION_TOKENS.SchedulerQueue, (get) => get(LOCAL_AUCTION_TOKENS.SchedulerQueue));
});

/** F7 in `npm start`: auction routes and `bid` frames; the scheduler queue (delayed messages) → `auction-close`. */
export const auctionFeature: LocalRuntimeExtension = {
  name: 'auction',
  modules: [inMemoryPorts, auctionModule],
  setup({ container, config, logger, addEventSource }) {
    addEventSource(
      new QueueEventSource(container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue), container.get(AUCTION_TOKENS.Handler), {
        name: 'auction-close',
        batchSize: 10,
        concurrency: 1,
        crashRate: config.crashRate,
        random: container.get(LOCAL_TOKENS.Random),
        onFailure: (info) =>
          logger.warn('auction close messages failed; they come back after the visibility timeout', {
            messages: info.messageIds.length,
          }),
      }),
    );
  },
};
