import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { sqs } = emulatorClients();

describe('ensureQueue on a queue that already exists (a restart on a data dir)', () => {
  it('finds it, keeps its messages, and gives it the settings asked for now', async () => {
    const dlq = await ensureQueue(sqs, { name: uniqueName('dlq') });
    const name = uniqueName('work');
    const first = await ensureQueue(sqs, {
      name,
      visibilityTimeoutSeconds: 5,
      deadLetter: { arn: dlq.arn, maxReceiveCount: 5 },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: first.url, MessageBody: 'kept' }));

    const again = await ensureQueue(sqs, {
      name,
      visibilityTimeoutSeconds: 7,
      deadLetter: { arn: dlq.arn, maxReceiveCount: 3 },
    });
    expect(again.arn).toBe(first.arn);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: again.url,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy', 'ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.['VisibilityTimeout']).toBe('7');
    const redrive = JSON.parse(Attributes?.['RedrivePolicy'] ?? '{}') as { maxReceiveCount?: unknown };
    expect(Number(redrive.maxReceiveCount)).toBe(3);
    expect(Attributes?.['ApproximateNumberOfMessages']).toBe('1');
  });

  it('finds a FIFO queue again with the same settings', async () => {
    const name = `${uniqueName('fifo')}.fifo`;
    const first = await ensureQueue(sqs, { name, contentBasedDeduplication: true });
    const again = await ensureQueue(sqs, { name, contentBasedDeduplication: true });
    expect(again).toEqual(first);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: again.url, AttributeNames: ['FifoQueue'] }),
    );
    expect(Attributes?.['FifoQueue']).toBe('true');
  });
});
