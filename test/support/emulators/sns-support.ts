import {
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { IntegrationEvent } from '../../../src/application/integration/integration-events.js';

/**
 * An SNS client that reports chosen PublishBatch entries `Failed` (SenderFault false, as SNS does
 * for an internal error or throttling of one entry) and forwards the rest to fauxqs. fauxqs fails
 * entries only for size or a missing group id, so a retryable per-entry failure is injected here;
 * accepted entries really go through fauxqs's topic, filter policies and queues.
 */
export const refusingSnsClient = (client: SNSClient) => {
  const rules: { remaining: number; which: (event: IntegrationEvent) => boolean }[] = [];
  const refuses = (entry: PublishBatchRequestEntry): boolean => {
    const event = JSON.parse(entry.Message ?? '{}') as IntegrationEvent;
    const rule = rules.find((r) => r.remaining > 0 && r.which(event));
    if (!rule) return false;
    rule.remaining--;
    return true;
  };
  const wrapped = {
    send: async (command: unknown) => {
      if (!(command instanceof PublishBatchCommand)) return client.send(command as never);
      const entries = command.input.PublishBatchRequestEntries ?? [];
      const refused = entries.filter(refuses);
      const accepted = entries.filter((e) => !refused.includes(e));
      const forwarded: Partial<PublishBatchCommandOutput> = accepted.length
        ? await client.send(new PublishBatchCommand({ ...command.input, PublishBatchRequestEntries: accepted }))
        : { Successful: [], Failed: [] };
      return {
        ...forwarded,
        Failed: [
          ...(forwarded.Failed ?? []),
          ...refused.map((e) => ({
            Id: e.Id,
            SenderFault: false,
            Code: 'InternalError',
            Message: 'injected by the test',
          })),
        ],
      };
    },
  };
  return {
    client: wrapped as unknown as SNSClient,
    refuse: (count: number, which: (event: IntegrationEvent) => boolean) => rules.push({ remaining: count, which }),
  };
};

/** Receives and deletes everything a FIFO queue holds now, in delivery order, with each message's group. */
export const drainFifoQueue = async <T>(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ body: T; groupId: string | undefined }[]> => {
  const out: { body: T; groupId: string | undefined }[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    if (Messages.length === 0) return out;
    for (const m of Messages) out.push({ body: JSON.parse(m.Body ?? '') as T, groupId: m.Attributes?.MessageGroupId });
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};
