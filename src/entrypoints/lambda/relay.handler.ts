import { loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { feedOnKinesis } from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `relay` Lambda — F2: DynamoDB Streams (events table) → live feed (Kinesis). */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('relay', env);
  return composeRoot(lambdaLogger(c), liveModule(), bindingsModule(feedOnKinesis(awsTargetOf(c), c.FEED_STREAM_NAME)));
};
export const handler = lambdaEntry(root(), TOKENS.RelayHandler);
