import { loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import {
  broadcastQueueOnSqs,
  connectionGatewayOnApiGateway,
  connectionRegistryOnDynamoDb,
} from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `broadcast` Lambda — F4: broadcast queue (SQS) → viewers' WebSocket connections; failed
 * deliveries (not Gone) are re-enqueued on the same queue for the failed connections only.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('broadcast', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    bindingsModule(
      connectionRegistryOnDynamoDb(aws, c.CONNECTIONS_TABLE, c.SHARD_SIZE),
      connectionGatewayOnApiGateway(aws, c.WS_MANAGEMENT_ENDPOINT),
      broadcastQueueOnSqs(aws, c.BROADCAST_QUEUE_URL, { bucket: c.BLOB_BUCKET, keyPrefix: c.BLOB_OFFLOAD_PREFIX }),
    ),
  );
};
export const handler = lambdaEntry(root(), TOKENS.BroadcastHandler);
