import { lambdaEntry } from './lambda-entry.js';
import { bookingAwsModules } from '../composition/booking.aws.module.js';
import { BOOKING_TOKENS } from '../composition/booking.module.js';
import { featureLambdaContainer } from '../composition/feature-lambda.container.js';

/**
 * The `booking` Lambda: booking requests from the SQS FIFO queue (group = trip), and the
 * scheduled (EventBridge) invocation that flushes the last stats.json of a rush.
 * Built once per instance at module scope; a bad environment fails the cold start naming
 * every variable at fault.
 */
export const handler = lambdaEntry(featureLambdaContainer('booking', bookingAwsModules), BOOKING_TOKENS.Handler);
