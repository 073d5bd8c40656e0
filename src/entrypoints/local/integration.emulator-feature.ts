import { createSnsClient } from '../../adapters/aws-shared/aws-clients.js';
import { eventsTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import { ensureFifoTopic, subscribeQueue } from '../../adapters/sns/topic-provisioning.js';
import {
  INTEGRATION_SUBSCRIBER_NAMES,
  INTEGRATION_SUBSCRIPTIONS,
  type IntegrationSubscriberName,
} from '../../application/integration/integration-subscriptions.js';
import type { AwsClientSettings } from '../composition/aws-target.js';
import { integrationTopicOnSns } from '../composition/integration.aws.module.js';
import { INTEGRATION_TOKENS, integrationModule } from '../composition/integration.module.js';
import { bindingsModule } from '../composition/tokens.js';
import {
  ensureQueueWithDlq,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
  dynamoDbStreamMapping,
} from './emulator-feature-kit.js';
import { integrationEventPrinter, integrationMapping } from './integration.feature.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export interface EmulatorIntegrationResources {
  readonly eventsTable: string;
  readonly integrationTopic: string;
  readonly integrationQueues: Readonly<Record<IntegrationSubscriberName, { queue: string; dlq: string }>>;
}

/** What the emulator backend made, for tests and the banner. */
export interface EmulatorIntegration {
  readonly topicArn: string;
  readonly queueUrls: Readonly<Record<IntegrationSubscriberName, string>>;
}

/**
 * Integration events out in `npm start -- --backend emulators` (docs/INTEGRATION.md): the SNS
 * FIFO topic on fauxqs (which serves SNS on its SQS port) with the same subscribers as the CDK
 * stack — FIFO queues with DLQs, raw message delivery and the shared filter policies — and a
 * second DynamoDB Streams poller on the events table (beside the relay's, as Lambda runs two
 * mappings) feeding the `integration-publisher` handler, which publishes through the SNS adapter.
 * The subscriber queues are left for whoever consumes them (tests, or `aws sqs receive-message`).
 */
export const emulatorIntegrationFeature = async (
  options: EmulatorFeatureOptions<EmulatorIntegrationResources>,
): Promise<EmulatorFeature & { readonly integration: EmulatorIntegration }> => {
  const { names, config } = options;
  // fauxqs answers SNS on the SQS endpoint.
  const aws: AwsClientSettings = {
    ...options.aws,
    endpoints: { ...options.aws.endpoints, sns: options.aws.endpoints?.sns ?? options.aws.endpoints?.sqs },
  } as AwsClientSettings;
  const sns = createSnsClient(aws);
  const topicArn = await ensureFifoTopic(sns, names.integrationTopic);
  const queueUrls = {} as Record<IntegrationSubscriberName, string>;
  for (const name of INTEGRATION_SUBSCRIBER_NAMES) {
    const { url, arn } = await ensureQueueWithDlq(options, {
      name: names.integrationQueues[name].queue,
      dlqName: names.integrationQueues[name].dlq,
      visibilityTimeoutSeconds: 30,
    });
    queueUrls[name] = url;
    const spec = INTEGRATION_SUBSCRIPTIONS[name];
    await subscribeQueue(sns, topicArn, arn, {
      filterPolicy: spec.filterPolicy,
      rawMessageDelivery: spec.rawMessageDelivery,
    });
  }
  sns.destroy();
  const { streamArn } = await ensureTable(options.clients.dynamodb, names.eventsTable, eventsTable);
  if (!streamArn) throw new Error(`table ${names.eventsTable} has no stream`);

  const printer = bindingsModule((bind) => {
    bind(INTEGRATION_TOKENS.OnPublished, () =>
      config.showIntegrationEvents ? integrationEventPrinter() : () => undefined,
    );
  });
  const feature: LocalRuntimeExtension = {
    name: 'integration',
    modules: [integrationModule, printer, bindingsModule(integrationTopicOnSns(aws, topicArn))],
    setup({ container, logger, addEventSource }) {
      const handler = container.get(INTEGRATION_TOKENS.Handler);
      const { name, ...mapping } = integrationMapping(config);
      addEventSource(dynamoDbStreamMapping(options, logger, name, streamArn, handler, mapping));
    },
  };
  return {
    feature,
    integration: { topicArn, queueUrls },
    description: `integration topic ${topicArn} → ${INTEGRATION_SUBSCRIBER_NAMES.map((n) => `${n} ${queueUrls[n]}`).join(', ')}`,
  };
};
