import { loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { broadcastQueueOnSqs, connectionRegistryOnDynamoDb } from '../composition/live.aws.module.js';
import { liveModule, queueViewerDelivery } from '../composition/live.module.js';
import { bindingsModule, setting, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `fanout` Lambda — F3: live feed (Kinesis) → broadcast queue (SQS), one message per channel shard. */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('fanout', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    bindingsModule(
      setting(TOKENS.LiveSettings, { maxMessageBytes: c.MAX_MESSAGE_BYTES }),
      connectionRegistryOnDynamoDb(aws, c.CONNECTIONS_TABLE, c.SHARD_SIZE),
      queueViewerDelivery,
      broadcastQueueOnSqs(aws, c.BROADCAST_QUEUE_URL, { bucket: c.BLOB_BUCKET, keyPrefix: c.BLOB_OFFLOAD_PREFIX }),
    ),
  );
};
export const handler = lambdaEntry(root(), TOKENS.FanoutHandler);
