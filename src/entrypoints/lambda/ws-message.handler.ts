import { lambdaEntry } from './lambda-entry.js';
import { userRateLimitsOnDynamoDb } from '../composition/abuse.aws.module.js';
import { auctionAwsModules } from '../composition/auction.aws.module.js';
import {
  awsFunctionContainer,
  awsTargetOf,
  connectionGatewayOnApiGateway,
  connectionRegistryOnDynamoDb,
  eventStoreOnDynamoDb,
  feedOnKinesis,
} from '../composition/aws.container.js';
import { presenceAwsModules } from '../composition/presence.aws.module.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `ws-message` Lambda — WebSocket $default: frames routed by their action (live: join,
 * chat, like; presence: heartbeat; auction: bid). Built once per instance at module scope from
 * the AWS composition root; a bad environment fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer(
  'ws-message',
  (c) => [
    eventStoreOnDynamoDb(awsTargetOf(c), c.EVENTS_TABLE),
    connectionRegistryOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE, c.SHARD_SIZE),
    feedOnKinesis(awsTargetOf(c), c.FEED_STREAM_NAME),
    connectionGatewayOnApiGateway(awsTargetOf(c), c.WS_MANAGEMENT_ENDPOINT),
    userRateLimitsOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE),
  ],
  { features: (context) => [...presenceAwsModules(context), ...auctionAwsModules(context)] },
);
export const handler = lambdaEntry(container, TOKENS.WsMessageHandler);
