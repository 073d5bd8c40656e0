import { InMemoryIntegrationTopic } from '../../adapters/in-memory/integration-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { EventStoreChangeStream } from '../../adapters/local/event-store-change-stream.js';
import type { IntegrationEvent, IntegrationMessage } from '../../application/integration/integration-events.js';
import {
  INTEGRATION_SUBSCRIBER_NAMES,
  INTEGRATION_SUBSCRIPTIONS,
  matchesFilterPolicy,
  type IntegrationSubscriberName,
} from '../../application/integration/integration-subscriptions.js';
import { INTEGRATION_TOKENS, integrationModule } from '../composition/integration.module.js';
import { type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalConfig } from './local-config.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { LOCAL_TOKENS, localQueue, localStreamSource } from './local.container.js';

export const LOCAL_INTEGRATION_TOKENS = {
  Topic: Symbol.for('stampede.local.IntegrationTopic') as Token<InMemoryIntegrationTopic>,
  /** The example subscribers' FIFO queues (payments, notifications), as external systems would consume them. */
  Subscribers: Symbol.for('stampede.local.IntegrationSubscribers') as Token<
    Record<IntegrationSubscriberName, InMemoryQueue<IntegrationEvent>>
  >,
} as const;

/**
 * `--show-integration-events`: one line per published message, with the subscribers its
 * attributes reach under their filter policies, and its data.
 */
export const integrationEventPrinter =
  (print: (line: string) => void = (line) => console.log(line)) =>
  (messages: readonly IntegrationMessage[]): void => {
    for (const m of messages) {
      const to = INTEGRATION_SUBSCRIBER_NAMES.filter((s) =>
        matchesFilterPolicy(INTEGRATION_SUBSCRIPTIONS[s].filterPolicy, m.attributes),
      );
      print(
        `[integration] ${m.event.type} v${m.event.schemaVersion} ${m.event.eventId} → ${to.length > 0 ? to.join(', ') : '(no example subscriber)'} ` +
          `attributes ${JSON.stringify(m.attributes)} data ${JSON.stringify(m.event.data)}`,
      );
    }
  };

/** The stream event source settings of the publisher's mapping: the relay's (same table stream, same limits). */
export const integrationMapping = (config: LocalConfig) => ({
  name: 'integration-publisher',
  batchSize: config.relayBatchSize,
  maximumBatchingWindowMs: config.relayWindowMs,
  maximumRetryAttempts: config.relayMaxRetries,
});

/**
 * Integration events out in `npm start` (docs/INTEGRATION.md): a second consumer of the event
 * store's change stream (beside the relay, as in AWS) runs the `integration-publisher` handler
 * into the SNS FIFO topic, which delivers to the example subscribers' FIFO queues through their
 * filter policies. In memory: the change stream of the in-memory store and the SNS FIFO twin.
 * On the emulators: a second DynamoDB Streams poller on the events table and the topic on fauxqs
 * (which serves SNS on its SQS port) with the CDK stack's subscribers — FIFO queues with DLQs,
 * raw message delivery, the shared filter policies — left for whoever consumes them (tests, or
 * `aws sqs receive-message`).
 */
export const integrationFeature: LocalRuntimeExtension = {
  name: 'integration',
  modules: [
    integrationModule,
    bindingsModule((bind) =>
      bind(INTEGRATION_TOKENS.OnPublished, (get) =>
        get(LOCAL_TOKENS.Config).showIntegrationEvents ? integrationEventPrinter() : () => undefined,
      ),
    ),
  ],
  memory: {
    ports: [
      bindingsModule((bind) => {
        bind(LOCAL_INTEGRATION_TOKENS.Subscribers, (get) => ({
          payments: localQueue<IntegrationEvent>(get, 'payments', { fifo: true }),
          notifications: localQueue<IntegrationEvent>(get, 'notifications', { fifo: true }),
        }));
        bind(LOCAL_INTEGRATION_TOKENS.Topic, (get) => {
          const topic = new InMemoryIntegrationTopic({ name: 'stampede-integration' });
          const queues = get(LOCAL_INTEGRATION_TOKENS.Subscribers);
          for (const name of INTEGRATION_SUBSCRIBER_NAMES) {
            topic.subscribe({ name, queue: queues[name], filterPolicy: INTEGRATION_SUBSCRIPTIONS[name].filterPolicy });
          }
          return topic;
        });
        bind(INTEGRATION_TOKENS.Publisher, (get) => get(LOCAL_INTEGRATION_TOKENS.Topic));
      }),
    ],
    sources(context) {
      const { container, config } = context;
      const changes = new EventStoreChangeStream(container.get(LOCAL_TOKENS.InMemoryEventStore), {
        shardCount: config.changeStreamShards,
      });
      context.onStop(() => changes.close());
      const handler = container.get(INTEGRATION_TOKENS.Handler);
      return [localStreamSource(context, changes, changes.format(), handler, integrationMapping(config))];
    },
  },
  async emulators(env) {
    const { names } = env;
    const { createSnsClient } = await import('../../adapters/aws-shared/aws-clients.js');
    const { ensureFifoTopic, subscribeQueue } = await import('../../adapters/sns/topic-provisioning.js');
    const { eventsTable } = await import('../../adapters/dynamodb/table-definitions.js');
    const { integrationTopicOnSns } = await import('../composition/integration.aws.module.js');
    // fauxqs answers SNS on the SQS endpoint.
    const aws = {
      ...env.aws,
      endpoints: { ...env.aws.endpoints, sns: env.aws.endpoints?.sns ?? env.aws.endpoints?.sqs },
    };
    const sns = createSnsClient(aws);
    const topicArn = await ensureFifoTopic(sns, names.integrationTopic);
    const queueUrls: string[] = [];
    for (const name of INTEGRATION_SUBSCRIBER_NAMES) {
      const { queue, dlq } = names.integrationQueues[name];
      const { url, arn } = await env.queue({ name: queue, dlq, visibilityTimeoutSeconds: 30 });
      queueUrls.push(`${name} ${url}`);
      const { filterPolicy, rawMessageDelivery } = INTEGRATION_SUBSCRIPTIONS[name];
      await subscribeQueue(sns, topicArn, arn, { filterPolicy, rawMessageDelivery });
    }
    sns.destroy();
    const { streamArn } = await env.table(names.eventsTable, eventsTable);
    if (!streamArn) throw new Error(`table ${names.eventsTable} has no stream`);
    return {
      ports: [bindingsModule(integrationTopicOnSns(aws, topicArn))],
      sources: (context) => {
        const { name, ...mapping } = integrationMapping(env.config);
        const handler = context.container.get(INTEGRATION_TOKENS.Handler);
        return [env.dynamoDbStreamSource(context, name, streamArn, handler, mapping)];
      },
      description: `integration topic ${topicArn} → ${queueUrls.join(', ')}`,
    };
  },
};
