import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryIntegrationTopic } from '../../src/adapters/in-memory/integration-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import type { IntegrationEvent } from '../../src/application/integration/integration-events.js';
import { INTEGRATION_SUBSCRIPTIONS } from '../../src/application/integration/integration-subscriptions.js';
import { liveStarted, messageOf } from '../support/integration-fixtures.js';
import { integrationPublisherContract, type Delivered, type HarnessQueue } from './integration-publisher.contract.js';

const maxAttempts = 4;

integrationPublisherContract('in-memory SNS FIFO twin', {
  maxAttempts,
  makeHarness: async () => {
    const clock = new FakeClock();
    const topic = new InMemoryIntegrationTopic({
      clock,
      sleeper: clock,
      maxAttempts,
      baseDelayMs: 10,
      maxDelayMs: 100,
    });
    const queues = {} as Record<HarnessQueue, InMemoryQueue<IntegrationEvent>>;
    for (const name of ['payments', 'notifications', 'all'] as const) {
      queues[name] = new InMemoryQueue<IntegrationEvent>({ name, fifo: true, clock, inFlightPerGroup: 10 });
      topic.subscribe({
        name,
        queue: queues[name],
        ...(name === 'all' ? {} : { filterPolicy: INTEGRATION_SUBSCRIPTIONS[name].filterPolicy }),
      });
    }
    return {
      publisher: topic,
      refuse: (count, which) => topic.refuse(count, (m) => which(m.event)),
      drain: async (name) => {
        const out: Delivered[] = [];
        for (;;) {
          const batch = queues[name].receive(10);
          if (batch.length === 0) return out;
          for (const m of batch) {
            out.push({ event: JSON.parse(m.rawBody) as IntegrationEvent, groupId: m.groupId });
            queues[name].delete(m.receiptHandle);
          }
        }
      },
    };
  },
});

describe('in-memory SNS FIFO twin: the deduplication window', () => {
  it('drops a repeat within 5 minutes of the first publish and delivers it again after (subscribers key on eventId)', async () => {
    const clock = new FakeClock();
    const topic = new InMemoryIntegrationTopic({ clock, sleeper: clock });
    // The sink queue keeps its own deduplication window to 1 ms, so only the topic's window is under test.
    const queue = new InMemoryQueue<IntegrationEvent>({ name: 'sink', fifo: true, clock, dedupWindowMs: 1 });
    topic.subscribe({ name: 'sink', queue });
    const message = messageOf(liveStarted('c1', 1));
    const delivered = () => queue.counts().visible;
    await topic.publish([message]);
    clock.advance(5 * 60_000 - 1);
    await topic.publish([message]);
    expect(delivered()).toBe(1);
    clock.advance(2);
    await topic.publish([message]);
    expect(delivered()).toBe(2);
  });
});
