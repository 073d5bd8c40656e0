import { abuseLimits, userRateLimitsOnDynamoDb } from '../composition/abuse.aws.module.js';
import { abuseModule } from '../composition/abuse.module.js';
import { schedulerQueueOnSqs } from '../composition/auction.aws.module.js';
import { auctionModule } from '../composition/auction.module.js';
import { abuseLimitsOf, loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import {
  connectionGatewayOnApiGateway,
  connectionRegistryOnDynamoDb,
  eventStoreOnDynamoDb,
  feedOnKinesis,
  snapshotStoreOnDynamoDb,
} from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { connectionSessionsOnDynamoDb, heartbeatQueueOnSqs } from '../composition/presence.aws.module.js';
import { beaconGrantsIfKeyed } from '../composition/presence-beacon.aws.module.js';
import { presenceModule } from '../composition/presence.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `ws-message` Lambda — WebSocket $default: frames routed by their action (live: join,
 * chat, like; presence: heartbeat; auction: bid).
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('ws-message', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    abuseModule,
    presenceModule,
    auctionModule,
    ...beaconGrantsIfKeyed(c),
    bindingsModule(
      abuseLimits(abuseLimitsOf(c)),
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      snapshotStoreOnDynamoDb(aws, c.SNAPSHOTS_TABLE),
      connectionRegistryOnDynamoDb(aws, c.CONNECTIONS_TABLE, c.SHARD_SIZE),
      feedOnKinesis(aws, c.FEED_STREAM_NAME),
      connectionGatewayOnApiGateway(aws, c.WS_MANAGEMENT_ENDPOINT),
      userRateLimitsOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      connectionSessionsOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      heartbeatQueueOnSqs(aws, c.HEARTBEAT_QUEUE_URL),
      schedulerQueueOnSqs(aws, c.SCHEDULER_QUEUE_URL),
    ),
  );
};
export const handler = lambdaEntry(root(), TOKENS.WsMessageHandler);
