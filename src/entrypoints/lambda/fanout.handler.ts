import { lambdaEntry } from './lambda-entry.js';
import { awsFunctionContainer, awsTargetOf, broadcastQueueOnSqs, connectionRegistryOnDynamoDb } from '../composition/aws.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `fanout` Lambda — F3: live feed (Kinesis) → broadcast queue (SQS), one message per channel shard.
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer('fanout', (c) => [
  connectionRegistryOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE, c.SHARD_SIZE),
  broadcastQueueOnSqs(awsTargetOf(c), c.BROADCAST_QUEUE_URL, { bucket: c.BLOB_BUCKET, keyPrefix: c.BLOB_OFFLOAD_PREFIX }),
]);
export const handler = lambdaEntry(container, TOKENS.FanoutHandler);
