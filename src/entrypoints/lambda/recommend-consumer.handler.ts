import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { loadLambdaConfig } from '../composition/config.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import {
  recommendMetricsOnPowertools,
  recommendSettings,
  recommendStorageOnRedis,
} from '../composition/recommend.aws.module.js';
import { RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { withInvocationContext } from './lambda-entry.js';

/**
 * The `recommend-consumer` Lambda — F8: request batches (Kinesis, batch 100, window 1 s, 3
 * retries, bisect, ReportBatchItemFailures — set by the stack) are served cache-aside into
 * Redis; live-feed batches are projected into the read model.
 */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('recommend-consumer', env);
  return composeRoot(
    lambdaLogger(c),
    recommendModule,
    bindingsModule(
      recommendSettings(c.FEED_STREAM_NAME),
      recommendStorageOnRedis(c.REDIS_URL, c.RECOMMEND_CACHE_TTL_SECONDS),
      recommendMetricsOnPowertools(c.POWERTOOLS_METRICS_NAMESPACE, c.POWERTOOLS_SERVICE_NAME),
    ),
  );
};
const container = root();
const consume = container.get(RECOMMEND_TOKENS.Handler);
const metrics = container.get(RECOMMEND_TOKENS.Metrics) as { flush?: () => void };

export const handler = withInvocationContext(
  container.get(TOKENS.Logger),
  async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    try {
      return await consume(event, context);
    } finally {
      metrics.flush?.();
    }
  },
);
