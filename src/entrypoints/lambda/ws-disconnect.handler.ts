import { abuseLimits, connectionQuotaOnDynamoDb, userRateLimitsOnDynamoDb } from '../composition/abuse.aws.module.js';
import { abuseModule } from '../composition/abuse.module.js';
import { abuseLimitsOf, loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { connectionRegistryOnDynamoDb } from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { connectionSessionsOnDynamoDb, heartbeatQueueOnSqs } from '../composition/presence.aws.module.js';
import { presenceModule } from '../composition/presence.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `ws-disconnect` Lambda — WebSocket $disconnect: leaves the channel shard and runs the
 * disconnect hooks (the connection limit is released; the viewer session ends at once through
 * the heartbeat queue).
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('ws-disconnect', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    abuseModule,
    presenceModule,
    bindingsModule(
      abuseLimits(abuseLimitsOf(c)),
      connectionRegistryOnDynamoDb(aws, c.CONNECTIONS_TABLE, c.SHARD_SIZE),
      connectionQuotaOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      userRateLimitsOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      connectionSessionsOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      heartbeatQueueOnSqs(aws, c.HEARTBEAT_QUEUE_URL),
    ),
  );
};
export const handler = lambdaEntry(root(), TOKENS.WsDisconnectHandler);
