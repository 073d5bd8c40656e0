import { createSnsClient } from '../../adapters/aws-shared/aws-clients.js';
import { SnsIntegrationPublisher } from '../../adapters/sns/integration-publisher-adapter-sns.js';
import { sharedClient, type AwsClientSettings } from './aws-target.js';
import { INTEGRATION_TOKENS } from './integration.module.js';
import { TOKENS, type Binding } from './tokens.js';

/** The integration publisher in AWS: PublishBatch to the SNS FIFO topic. */
export const integrationTopicOnSns =
  (s: AwsClientSettings, topicArn: string): Binding =>
  (bind) =>
    bind(
      INTEGRATION_TOKENS.Publisher,
      (get) =>
        new SnsIntegrationPublisher(
          sharedClient('sns', s, () => createSnsClient(s)),
          topicArn,
          {
            sleeper: get(TOKENS.Sleeper),
          },
        ),
    );
