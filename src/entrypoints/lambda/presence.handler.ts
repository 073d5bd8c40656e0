import { awsContainer } from '../composition/aws.container.js';
import { presenceAwsModules } from '../composition/presence.aws.module.js';
import { PRESENCE_TOKENS } from '../composition/presence.module.js';

/**
 * The `presence` Lambda: heartbeats from the SQS standard queue, counted and published.
 * Built once per instance at module scope; a bad environment fails the cold start naming
 * every variable at fault.
 */
export const handler = awsContainer('presence', process.env, presenceAwsModules).get(PRESENCE_TOKENS.Handler);
