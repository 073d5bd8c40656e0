import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { createSnsClient } from '../../src/adapters/aws-shared/aws-clients.js';
import { SnsIntegrationPublisher } from '../../src/adapters/sns/integration-publisher-adapter-sns.js';
import { ensureFifoTopic, subscribeQueue } from '../../src/adapters/sns/topic-provisioning.js';
import { ensureQueue } from '../../src/adapters/sqs/queue-provisioning.js';
import type { IntegrationEvent } from '../../src/application/integration/integration-events.js';
import { INTEGRATION_SUBSCRIPTIONS } from '../../src/application/integration/integration-subscriptions.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { drainFifoQueue, refusingSnsClient } from '../support/emulators/sns-support.js';
import { liveEnded, liveStarted, messageOf } from '../support/integration-fixtures.js';
import { integrationPublisherContract, type HarnessQueue } from './integration-publisher.contract.js';

const { endpoints, sqs } = emulatorClients();
// fauxqs serves SNS on the same port as SQS and S3.
const sns = createSnsClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  endpoints: { sns: endpoints.sqs },
});
const maxAttempts = 4;

integrationPublisherContract("SNS FIFO (fauxqs's SNS, SQS FIFO subscribers)", {
  maxAttempts,
  makeHarness: async () => {
    const name = uniqueName('integration');
    const topicArn = await ensureFifoTopic(sns, `${name}.fifo`);
    const urls = {} as Record<HarnessQueue, string>;
    for (const queue of ['payments', 'notifications', 'all'] as const) {
      const { url, arn } = await ensureQueue(sqs, { name: `${name}-${queue}.fifo` });
      urls[queue] = url;
      await subscribeQueue(sns, topicArn, arn, {
        rawMessageDelivery: true,
        ...(queue === 'all' ? {} : { filterPolicy: INTEGRATION_SUBSCRIPTIONS[queue].filterPolicy }),
      });
    }
    const refusing = refusingSnsClient(sns);
    const publisher = new SnsIntegrationPublisher(refusing.client, topicArn, {
      sleeper: new FakeClock(),
      backoff: { maxAttempts, baseDelayMs: 10, maxDelayMs: 100 },
    });
    return {
      publisher,
      refuse: refusing.refuse,
      drain: async (queue) =>
        (await drainFifoQueue<IntegrationEvent>(sqs, urls[queue])).map((m) => ({ event: m.body, groupId: m.groupId })),
    };
  },
});

describe('subscribeQueue on fauxqs', () => {
  it('subscribing again with another filter policy updates the subscription (a data directory kept across runs)', async () => {
    const name = uniqueName('resubscribe');
    const topicArn = await ensureFifoTopic(sns, `${name}.fifo`);
    const { url, arn } = await ensureQueue(sqs, { name: `${name}.fifo` });
    const first = await subscribeQueue(sns, topicArn, arn, {
      rawMessageDelivery: true,
      filterPolicy: { eventType: ['LiveEnded'] },
    });
    const again = await subscribeQueue(sns, topicArn, arn, {
      rawMessageDelivery: true,
      filterPolicy: INTEGRATION_SUBSCRIPTIONS.notifications.filterPolicy,
    });
    expect(again).toBe(first);
    const publisher = new SnsIntegrationPublisher(sns, topicArn, { sleeper: new FakeClock() });
    await publisher.publish([liveStarted('c1', 1), liveEnded('c1', 2)].map(messageOf));
    expect((await drainFifoQueue<IntegrationEvent>(sqs, url)).map((m) => m.body.type)).toEqual(['LiveStarted']);
  });
});
