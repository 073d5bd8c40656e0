import { loadLambdaConfig } from '../composition/config.js';
import { awsTargetOf } from '../composition/aws-target.js';
import { integrationTopicOnSns } from '../composition/integration.aws.module.js';
import { INTEGRATION_TOKENS, integrationModule } from '../composition/integration.module.js';
import { composeRoot, lambdaLogger } from '../composition/kernel.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { lambdaEntry } from './lambda-entry.js';

/** The `integration-publisher` Lambda: DynamoDB Streams (events table) → integration events → SNS FIFO topic. */
export const root = (env = process.env) => {
  const c = loadLambdaConfig('integration-publisher', env);
  return composeRoot(
    lambdaLogger(c),
    integrationModule,
    bindingsModule(integrationTopicOnSns(awsTargetOf(c), c.INTEGRATION_TOPIC_ARN)),
  );
};
export const handler = lambdaEntry(root(), INTEGRATION_TOKENS.Handler);
