import { awsTargetOf } from '../composition/aws-target.js';
import {
  bookingCountersOnDynamoDb,
  bookingSettings,
  parkingQueueOnSqs,
  statsOnS3,
} from '../composition/booking.aws.module.js';
import { BOOKING_TOKENS, bookingModule } from '../composition/booking.module.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { eventStoreOnDynamoDb } from '../composition/live.aws.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `booking` Lambda: booking requests from the SQS FIFO queue (group = trip), and the
 * scheduled (EventBridge) invocation that flushes the last stats.json of a rush.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('booking', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    bookingModule,
    bindingsModule(
      bookingSettings(c.STATS_OBJECT_KEY),
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      bookingCountersOnDynamoDb(aws, c.STATS_TABLE),
      statsOnS3(aws, c.BLOB_BUCKET),
      parkingQueueOnSqs(aws, c.BOOKING_PARKED_QUEUE_URL),
    ),
  );
};
export const handler = lambdaEntry(root(), BOOKING_TOKENS.Handler);
