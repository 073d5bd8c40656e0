import { AUCTION_TOKENS } from './auction.module.js';
import type { AwsClientSettings } from './aws-target.js';
import { queueOnSqs } from './sqs-queue.aws.module.js';
import type { Binding } from './tokens.js';

/** F7's port in AWS: the scheduler queue (SQS standard with per-message delays up to 15 minutes). */
export const schedulerQueueOnSqs = (s: AwsClientSettings, queueUrl: string): Binding =>
  queueOnSqs(AUCTION_TOKENS.SchedulerQueue, s, queueUrl);
