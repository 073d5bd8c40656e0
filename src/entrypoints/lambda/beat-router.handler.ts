import { awsTargetOf } from '../composition/aws-target.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { beaconTokensFromKey, presenceStreamOnKinesis } from '../composition/presence-beacon.aws.module.js';
import { BEACON_TOKENS, beaconSettings, presenceBeaconModule } from '../composition/presence-beacon.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `beat-router` Lambda: CloudFront real-time log records of `/beat` (beacon-log stream) →
 * beats with a valid token → the presence stream, keyed `<channel>#<k>`.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('beat-router', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    presenceBeaconModule,
    bindingsModule(
      // The router only places beats: B and the TTL are the aggregator's (defaults here, never read).
      beaconSettings({ subPartitions: c.PRESENCE_SUB_PARTITIONS, buckets: 1, ttlSeconds: 15 }),
      beaconTokensFromKey(c.BEACON_TOKEN_KEY),
      presenceStreamOnKinesis(aws, c.PRESENCE_STREAM_NAME, c.PRESENCE_STREAM_SHARDS),
    ),
  );
};
export const handler = lambdaEntry(root(), BEACON_TOKENS.BeatRouterHandler);
