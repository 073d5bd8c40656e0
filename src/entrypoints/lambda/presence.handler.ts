import { lambdaEntry } from './lambda-entry.js';
import { presenceAwsModules } from '../composition/presence.aws.module.js';
import { PRESENCE_TOKENS } from '../composition/presence.module.js';
import { featureLambdaContainer } from '../composition/feature-lambda.container.js';

/**
 * The `presence` Lambda: heartbeats from the SQS standard queue, counted and published.
 * Built once per instance at module scope; a bad environment fails the cold start naming
 * every variable at fault.
 */
export const handler = lambdaEntry(featureLambdaContainer('presence', presenceAwsModules), PRESENCE_TOKENS.Handler);
