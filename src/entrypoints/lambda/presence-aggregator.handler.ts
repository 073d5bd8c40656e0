import { awsTargetOf } from '../composition/aws-target.js';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { eventStoreOnDynamoDb } from '../composition/live.aws.module.js';
import { presenceBucketsOnDynamoDb, presenceStreamOnKinesis } from '../composition/presence-beacon.aws.module.js';
import { BEACON_TOKENS, beaconSettings, presenceBeaconModule } from '../composition/presence-beacon.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/**
 * The `presence-aggregator` Lambda: the presence stream (one batch in flight per shard, so one
 * writer per sub-partition) → packed bucket items and count items on the presence table → the
 * channel's VIEWER_COUNT_CHANGED (rate-limited: once a second at most, only on change); ticks go
 * back on the presence stream so expiries are noticed when no beat arrives.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('presence-aggregator', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    presenceBeaconModule,
    bindingsModule(
      beaconSettings({
        subPartitions: c.PRESENCE_SUB_PARTITIONS,
        buckets: c.PRESENCE_BUCKETS,
        ttlSeconds: c.PRESENCE_TTL_SECONDS,
      }),
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      presenceBucketsOnDynamoDb(aws, c.PRESENCE_TABLE),
      presenceStreamOnKinesis(aws, c.PRESENCE_STREAM_NAME, c.PRESENCE_STREAM_SHARDS),
    ),
  );
};
export const handler = lambdaEntry(root(), BEACON_TOKENS.AggregatorHandler);
