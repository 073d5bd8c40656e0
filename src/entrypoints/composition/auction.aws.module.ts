import { ContainerModule } from 'inversify';
import { createSqsClient } from '../../adapters/aws-shared/aws-clients.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AUCTION_TOKENS, auctionModule } from './auction.module.js';
import { resource } from './feature-config.js';
import { sharedClient, type FeatureLambdaContext } from './feature-lambda.container.js';
import { TOKENS } from './tokens.js';

/** F7 ports in AWS: the scheduler queue (SQS standard with per-message delays up to 15 minutes). */
export const auctionAwsModules = ({ config, clientSettings }: FeatureLambdaContext): ContainerModule[] => {
  const sqs = () => sharedClient('sqs', clientSettings, () => createSqsClient(clientSettings));
  return [
    new ContainerModule(({ bind }) => {
      bind(AUCTION_TOKENS.SchedulerQueue)
        .toDynamicValue(
          (ctx) => new SqsMessageQueue<AuctionCloseMessage>(sqs(), resource(config, 'SCHEDULER_QUEUE_URL', 'the auction scheduler'), { sleeper: ctx.get(TOKENS.Sleeper) }),
        )
        .inSingletonScope();
    }),
    auctionModule,
  ];
};
