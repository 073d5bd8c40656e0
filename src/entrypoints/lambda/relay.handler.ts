import { lambdaEntry } from './lambda-entry.js';
import { awsFunctionContainer, awsTargetOf, feedOnKinesis } from '../composition/aws.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `relay` Lambda — F2: DynamoDB Streams (events table) → live feed (Kinesis).
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
export const handler = lambdaEntry(awsFunctionContainer('relay', (c) => [feedOnKinesis(awsTargetOf(c), c.FEED_STREAM_NAME)]), TOKENS.RelayHandler);
