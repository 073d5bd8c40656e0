import { schedulerQueueOnSqs } from '../composition/auction.aws.module.js';
import { AUCTION_TOKENS, auctionModule } from '../composition/auction.module.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { eventStoreOnDynamoDb, snapshotStoreOnDynamoDb } from '../composition/live.aws.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `auction-close` Lambda: delayed close messages from the SQS scheduler queue. */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('auction-close', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    auctionModule,
    bindingsModule(
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      snapshotStoreOnDynamoDb(aws, c.SNAPSHOTS_TABLE),
      schedulerQueueOnSqs(aws, c.SCHEDULER_QUEUE_URL),
    ),
  );
};
export const handler = lambdaEntry(root(), AUCTION_TOKENS.Handler);
