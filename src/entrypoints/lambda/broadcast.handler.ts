import { lambdaEntry } from './lambda-entry.js';
import {
  awsFunctionContainer,
  awsTargetOf,
  broadcastQueueOnSqs,
  connectionGatewayOnApiGateway,
  connectionRegistryOnDynamoDb,
} from '../composition/aws.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `broadcast` Lambda — F4: broadcast queue (SQS) → viewers' WebSocket connections; failed
 * deliveries (not Gone) are re-enqueued on the same queue for the failed connections only.
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer('broadcast', (c) => [
  connectionRegistryOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE, c.SHARD_SIZE),
  connectionGatewayOnApiGateway(awsTargetOf(c), c.WS_MANAGEMENT_ENDPOINT),
  broadcastQueueOnSqs(awsTargetOf(c), c.BROADCAST_QUEUE_URL, { bucket: c.BLOB_BUCKET, keyPrefix: c.BLOB_OFFLOAD_PREFIX }),
]);
export const handler = lambdaEntry(container, TOKENS.BroadcastHandler);
