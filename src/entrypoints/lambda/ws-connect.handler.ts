import { lambdaEntry } from './lambda-entry.js';
import { connectionQuotaOnDynamoDb } from '../composition/abuse.aws.module.js';
import { awsFunctionContainer, awsTargetOf, connectionRegistryOnDynamoDb } from '../composition/aws.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `ws-connect` Lambda — WebSocket $connect (the connect hooks: the per-user connection limit).
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer('ws-connect', (c) => [
  connectionRegistryOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE, c.SHARD_SIZE),
  connectionQuotaOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE),
]);
export const handler = lambdaEntry(container, TOKENS.WsConnectHandler);
