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

const inMemoryPorts = bindingsModule((bind) => {
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
  bind(INTEGRATION_TOKENS.OnPublished, (get) =>
    get(LOCAL_TOKENS.Config).showIntegrationEvents ? integrationEventPrinter() : () => undefined,
  );
});

/**
 * Integration events out in `npm start` (docs/INTEGRATION.md): a second consumer of the
 * in-memory event store's change stream (beside the relay, as in AWS) runs the
 * `integration-publisher` handler into the in-memory SNS FIFO twin, which delivers to the
 * example subscribers' FIFO queues through their filter policies.
 */
export const integrationFeature: LocalRuntimeExtension = {
  name: 'integration',
  modules: [inMemoryPorts, integrationModule],
  setup(context) {
    const { container, config } = context;
    const changes = new EventStoreChangeStream(container.get(LOCAL_TOKENS.InMemoryEventStore), {
      shardCount: config.changeStreamShards,
    });
    context.onStop(() => changes.close());
    context.addEventSource(
      localStreamSource(
        context,
        changes,
        changes.format(),
        container.get(INTEGRATION_TOKENS.Handler),
        integrationMapping(config),
      ),
    );
  },
};
