import { viewerDeliveryOnAppSyncEvents } from '../composition/appsync.aws.module.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { liveModule } from '../composition/live.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `fanout-events` Lambda — F3 on the appsync-events broadcaster: live feed (Kinesis) →
 * per channel, coalesced → one AppSync Events publish per channel batch; AppSync fans each
 * event out to every subscriber. The same handler as `fanout`, another ViewerDelivery.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('fanout-events', env);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    bindingsModule(viewerDeliveryOnAppSyncEvents(awsTargetOf(c), c.EVENT_API_HTTP_ENDPOINT, c.EVENT_API_NAMESPACE)),
  );
};
export const handler = lambdaEntry(root(), TOKENS.FanoutHandler);
