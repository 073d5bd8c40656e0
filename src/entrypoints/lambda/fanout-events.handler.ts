import { lambdaEntry } from './lambda-entry.js';
import { viewerDeliveryOnAppSyncEvents } from '../composition/appsync.aws.module.js';
import { awsFunctionContainer, awsTargetOf } from '../composition/aws.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `fanout-events` Lambda — F3 on the appsync-events broadcaster: live feed (Kinesis) →
 * per channel, coalesced → one AppSync Events publish per channel batch; AppSync fans each
 * event out to every subscriber. The same handler as `fanout`, another ViewerDelivery.
 */
const container = awsFunctionContainer('fanout-events', (c) => [viewerDeliveryOnAppSyncEvents(awsTargetOf(c), c.EVENT_API_HTTP_ENDPOINT, c.EVENT_API_NAMESPACE)]);
export const handler = lambdaEntry(container, TOKENS.FanoutHandler);
