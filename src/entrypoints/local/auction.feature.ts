import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AUCTION_TOKENS, auctionModule } from '../composition/auction.module.js';
import { type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { localQueue, localQueueSource, twin } from './local.container.js';

export const LOCAL_AUCTION_TOKENS = {
  SchedulerQueue: Symbol.for('stampede.local.SchedulerQueue') as Token<InMemoryQueue<AuctionCloseMessage>>,
} as const;

/**
 * F7 in `npm start`: auction routes and `bid` frames; the scheduler queue (delayed messages) →
 * `auction-close`. On the emulators, the deployed functions' port (`schedulerQueueOnSqs`): an
 * SQS standard queue with its DLQ on fauxqs whose per-message delays (≤ 15 minutes a hop)
 * carry each auction's close.
 */
export const auctionFeature: LocalRuntimeExtension = {
  name: 'auction',
  modules: [auctionModule],
  memory: {
    ports: [
      bindingsModule(
        twin(LOCAL_AUCTION_TOKENS.SchedulerQueue, AUCTION_TOKENS.SchedulerQueue, (get) => localQueue(get, 'scheduler')),
      ),
    ],
    sources: (context) => [
      localQueueSource(
        context,
        'auction-close',
        context.container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue),
        context.container.get(AUCTION_TOKENS.Handler),
        {
          concurrency: 1,
          onFailure: (info) =>
            context.logger.warn('auction close messages failed; they come back after the visibility timeout', {
              messages: info.messageIds.length,
            }),
        },
      ),
    ],
  },
  async emulators(env) {
    const { schedulerQueueOnSqs } = await import('../composition/auction.aws.module.js');
    const { names } = env;
    const queue = await env.queue({
      name: names.schedulerQueue,
      dlq: names.schedulerDlq,
      visibilityTimeoutSeconds: 30,
    });
    return {
      ports: [bindingsModule(schedulerQueueOnSqs(env.aws, queue.url))],
      sources: (context) => [
        env.queueSource(context, 'auction-close', queue.url, context.container.get(AUCTION_TOKENS.Handler)),
      ],
      description: `auction scheduler queue ${queue.url}`,
    };
  },
};
