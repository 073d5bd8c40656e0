import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decodeQueueBody } from '../../../src/adapters/sqs/queue-body-codec.js';
import type { BlobStore } from '../../../src/application/ports/blob-store.port.js';
import { refusingBatchClient } from './refusing-batch-client.js';

export interface ReceivedBody<T> {
  readonly body: T;
  readonly groupId?: string;
}

/**
 * Receives and deletes everything visible in a queue now, in delivery order, with each message's
 * group (bodies decoded through the offload codec when `blobs` is given, else parsed as JSON).
 */
export const drainQueue = async <T>(
  client: SQSClient,
  queueUrl: string,
  blobs?: BlobStore,
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
      const body = JSON.parse(blobs ? await decodeQueueBody(m.Body ?? '', blobs) : (m.Body ?? '')) as T;
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
export const refusingSqsClient = <T>(client: SQSClient) =>
  refusingBatchClient<SQSClient, SendMessageBatchCommand, SendMessageBatchRequestEntry, T>(client, {
    isBatch: (command): command is SendMessageBatchCommand => command instanceof SendMessageBatchCommand,
    entriesOf: (command) => command.input.Entries ?? [],
    withEntries: (command, entries) => new SendMessageBatchCommand({ ...command.input, Entries: entries }),
    bodyOf: (entry) => entry.MessageBody,
  });
