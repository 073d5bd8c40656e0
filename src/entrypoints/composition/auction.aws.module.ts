import { ContainerModule } from 'inversify';
import { AUCTION_TOKENS, auctionModule } from './auction.module.js';
import { awsFeatureAdapters, type AwsFeatureModules } from './aws.container.js';
import { resource } from './feature-config.js';
import { TOKENS } from './tokens.js';

/** F7 ports in AWS: the scheduler queue (SQS standard with per-message delays up to 15 minutes). */
export const auctionAwsModules: AwsFeatureModules = ({ clients, config }) => [
  new ContainerModule(({ bind }) => {
    bind(AUCTION_TOKENS.SchedulerQueue)
      .toDynamicValue((ctx) =>
        awsFeatureAdapters(clients, { clock: ctx.get(TOKENS.Clock), sleeper: ctx.get(TOKENS.Sleeper) }).queue(resource(config, 'SCHEDULER_QUEUE_URL', 'the auction scheduler')),
      )
      .inSingletonScope();
  }),
  auctionModule,
];
