import { awsTargetOf } from '../composition/aws-target.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { eventStoreOnDynamoDb } from '../composition/live.aws.module.js';
import { heartbeatQueueOnSqs, presenceStoreOnDynamoDb, presenceTtl } from '../composition/presence.aws.module.js';
import { PRESENCE_TOKENS, presenceModule } from '../composition/presence.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `presence` Lambda: heartbeats from the SQS standard queue, counted and published. */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('presence', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    presenceModule,
    bindingsModule(
      presenceTtl(c.PRESENCE_TTL_SECONDS),
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      presenceStoreOnDynamoDb(aws, c.PRESENCE_TABLE),
      heartbeatQueueOnSqs(aws, c.HEARTBEAT_QUEUE_URL),
    ),
  );
};
export const handler = lambdaEntry(root(), PRESENCE_TOKENS.Handler);
