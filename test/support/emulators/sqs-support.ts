import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decodeQueueBody } from '../../../src/adapters/sqs/queue-body-codec.js';
import type { BlobStore } from '../../../src/application/ports/blob-store.port.js';

export interface ReceivedBody<T> {
  readonly body: T;
  readonly groupId?: string;
}

/** Receives and deletes everything visible in a queue now (bodies decoded through the offload codec). */
export const drainQueue = async <T>(
  client: SQSClient,
  queueUrl: string,
  blobs: BlobStore,
): Promise<ReceivedBody<T>[]> => {
  const out: ReceivedBody<T>[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      const body = JSON.parse(await decodeQueueBody(m.Body ?? '', blobs)) as T;
      const groupId = m.Attributes?.MessageGroupId;
      out.push(groupId ? { body, groupId } : { body });
    }
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

/**
 * An SQS client that reports chosen batch entries `Failed` (SenderFault false, as SQS does for
 * an internal error) and forwards the rest to the emulator. fauxqs never fails single entries,
 * so this is where such a failure has to be injected; accepted entries really land in fauxqs.
 */
export const refusingSqsClient = <T>(client: SQSClient) => {
  const rules: { remaining: number; which: (body: T) => boolean }[] = [];
  const refuses = (body: string | undefined): boolean => {
    let parsed: T;
    try {
      parsed = JSON.parse(body ?? '') as T;
    } catch {
      return false;
    }
    const rule = rules.find((r) => r.remaining > 0 && r.which(parsed));
    if (!rule) return false;
    rule.remaining--;
    return true;
  };
  const wrapped = {
    send: async (command: unknown) => {
      if (!(command instanceof SendMessageBatchCommand)) return client.send(command as never);
      const entries = command.input.Entries ?? [];
      const refused = entries.filter((e) => refuses(e.MessageBody));
      const accepted = entries.filter((e) => !refused.includes(e));
      const forwarded: Partial<SendMessageBatchCommandOutput> = accepted.length
        ? await client.send(new SendMessageBatchCommand({ ...command.input, Entries: accepted }))
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
    client: wrapped as unknown as SQSClient,
    refuse: (count: number, which: (body: T) => boolean) => rules.push({ remaining: count, which }),
  };
};
