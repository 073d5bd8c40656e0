import { lambdaEntry } from './lambda-entry.js';
import { connectionQuotaOnDynamoDb } from '../composition/abuse.aws.module.js';
import { awsFunctionContainer, awsTargetOf, connectionRegistryOnDynamoDb } from '../composition/aws.container.js';
import { presenceAwsModules } from '../composition/presence.aws.module.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `ws-disconnect` Lambda — WebSocket $disconnect: leaves the channel shard and runs the
 * disconnect hooks (the viewer session ends at once through the heartbeat queue).
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer(
  'ws-disconnect',
  (c) => [connectionRegistryOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE, c.SHARD_SIZE), connectionQuotaOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE)],
  { features: presenceAwsModules },
);
export const handler = lambdaEntry(container, TOKENS.WsDisconnectHandler);
