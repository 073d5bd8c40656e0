import { abuseLimits, connectionQuotaOnDynamoDb } from '../composition/abuse.aws.module.js';
import { abuseModule } from '../composition/abuse.module.js';
import { abuseLimitsOf, loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { connectionRegistryOnDynamoDb } from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `ws-connect` Lambda — WebSocket $connect (the connect hooks: the per-user connection limit). */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('ws-connect', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    abuseModule,
    bindingsModule(
      abuseLimits(abuseLimitsOf(c)),
      connectionRegistryOnDynamoDb(aws, c.CONNECTIONS_TABLE, c.SHARD_SIZE),
      connectionQuotaOnDynamoDb(aws, c.CONNECTIONS_TABLE),
    ),
  );
};
export const handler = lambdaEntry(root(), TOKENS.WsConnectHandler);
