import { createSqsClient } from '../../adapters/aws-shared/aws-clients.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import { AUCTION_TOKENS } from './auction.module.js';
import { sharedClient, type AwsClientSettings } from './aws-target.js';
import { TOKENS, type Binding } from './tokens.js';

/** F7's port in AWS: the scheduler queue (SQS standard with per-message delays up to 15 minutes). */
export const schedulerQueueOnSqs =
  (s: AwsClientSettings, queueUrl: string): Binding =>
  (bind) =>
    bind(
      AUCTION_TOKENS.SchedulerQueue,
      (get) =>
        new SqsMessageQueue<AuctionCloseMessage>(
          sharedClient('sqs', s, () => createSqsClient(s)),
          queueUrl,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );
