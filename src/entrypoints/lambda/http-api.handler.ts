import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { abuseLimits, userRateLimitsOnDynamoDb } from '../composition/abuse.aws.module.js';
import { abuseModule } from '../composition/abuse.module.js';
import { schedulerQueueOnSqs } from '../composition/auction.aws.module.js';
import { auctionModule } from '../composition/auction.module.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { bookingCountersOnDynamoDb, bookingQueueOnSqs, bookingSettings } from '../composition/booking.aws.module.js';
import { bookingModule } from '../composition/booking.module.js';
import { abuseLimitsOf, DEFAULT_STATS_OBJECT_KEY, loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { eventStoreOnDynamoDb, feedOnKinesis, snapshotStoreOnDynamoDb } from '../composition/live.aws.module.js';
import { liveModule } from '../composition/live.module.js';
import { heartbeatQueueOnSqs } from '../composition/presence.aws.module.js';
import { beaconGrantsIfKeyed } from '../composition/presence-beacon.aws.module.js';
import { presenceModule } from '../composition/presence.module.js';
import {
  recommendMetricsOnPowertools,
  recommendRequestsOnKinesis,
  recommendSettings,
  recommendStorageOnRedis,
} from '../composition/recommend.aws.module.js';
import { RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { bindingsModule, setting, TOKENS } from '../composition/tokens.js';
import { refuseUnsignedInternal } from '../http/internal-access.js';
import { withInvocationContext } from './lambda-entry.js';

/**
 * The `http-api` Lambda — every HTTP API route: live commerce and system, presence, booking,
 * auctions and recommendations.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('http-api', env);
  const aws = awsTargetOf(c);
  return composeRoot(
    lambdaLogger(c),
    liveModule(),
    abuseModule,
    presenceModule,
    bookingModule,
    auctionModule,
    recommendModule,
    ...beaconGrantsIfKeyed(c),
    bindingsModule(
      setting(TOKENS.AllowedOrigins, c.ALLOWED_ORIGINS),
      abuseLimits(abuseLimitsOf(c)),
      eventStoreOnDynamoDb(aws, c.EVENTS_TABLE),
      snapshotStoreOnDynamoDb(aws, c.SNAPSHOTS_TABLE),
      // Chat and likes over HTTP (viewers on the appsync-events broadcaster) go on the feed stream.
      feedOnKinesis(aws, c.FEED_STREAM_NAME),
      userRateLimitsOnDynamoDb(aws, c.CONNECTIONS_TABLE),
      heartbeatQueueOnSqs(aws, c.HEARTBEAT_QUEUE_URL),
      // The routes book on the default trip; stats.json is the booking consumer's to publish, so no
      // BlobStore (and no S3 client, ~135 KiB of bundle) is bound here.
      bookingSettings(DEFAULT_STATS_OBJECT_KEY),
      bookingCountersOnDynamoDb(aws, c.STATS_TABLE),
      bookingQueueOnSqs(aws, c.BOOKING_QUEUE_URL),
      schedulerQueueOnSqs(aws, c.SCHEDULER_QUEUE_URL),
      recommendSettings(),
      recommendStorageOnRedis(c.REDIS_URL, c.RECOMMEND_CACHE_TTL_SECONDS),
      recommendMetricsOnPowertools(c.POWERTOOLS_METRICS_NAMESPACE, c.POWERTOOLS_SERVICE_NAME),
      recommendRequestsOnKinesis(aws, c.RECOMMEND_STREAM_NAME),
    ),
  );
};
const container = root();
const handle = container.get(TOKENS.HttpApiHandler);
const metrics = container.get(RECOMMEND_TOKENS.Metrics) as { flush?: () => void };

export const handler = withInvocationContext(
  container.get(TOKENS.Logger),
  async (event: APIGatewayProxyEventV2): Promise<Awaited<ReturnType<typeof handle>>> => {
    try {
      return refuseUnsignedInternal(event) ?? (await handle(event));
    } finally {
      // Recommendation metrics are buffered EMF: written once per invocation.
      metrics.flush?.();
    }
  },
);
