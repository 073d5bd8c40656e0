import 'reflect-metadata';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { Container } from 'inversify';
import { systemClock, uuidIds } from '../../adapters/system/system-clock.js';
import { loadLambdaConfig } from '../composition/config.js';
import { RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { recommendAwsModules } from '../composition/recommend.aws.module.js';
import { TOKENS } from '../composition/tokens.js';
import { PowertoolsRecommendationMetrics } from '../observability/recommendation-metrics-powertools.js';
import { withInvocationContext } from './lambda-entry.js';

/**
 * The `recommend-consumer` Lambda — F8: request batches (Kinesis, batch 100, window 1 s, 3
 * retries, bisect, ReportBatchItemFailures — set by the stack) are served cache-aside into
 * Redis; live-feed batches are projected into the read model. Built once per instance;
 * a bad environment fails the cold start naming every variable at fault.
 */
const config = loadLambdaConfig('recommend-consumer');
const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME, logLevel: config.LOG_LEVEL });
const metrics = new PowertoolsRecommendationMetrics({ namespace: config.POWERTOOLS_METRICS_NAMESPACE, serviceName: config.POWERTOOLS_SERVICE_NAME });

const container = new Container({ defaultScope: 'Singleton' });
container.bind(TOKENS.Logger).toConstantValue(logger);
container.bind(TOKENS.Clock).toConstantValue(systemClock);
container.bind(TOKENS.Ids).toConstantValue(uuidIds);
container.load(...recommendAwsModules({ config, logger, metrics }), recommendModule);
const consume = container.get(RECOMMEND_TOKENS.Handler);

export const handler = withInvocationContext(logger, async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
  try {
    return await consume(event, context);
  } finally {
    metrics.flush();
  }
});
