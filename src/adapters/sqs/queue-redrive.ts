import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunkSendBatches } from './message-queue-adapter-sqs.js';

export interface RedriveOptions {
  /** The dead-letter queue to empty (URL or name). */
  readonly from: string;
  /** Where to move its messages (URL or name); default: the one queue whose redrive policy targets `from`. */
  readonly to?: string;
  /** Stop after this many messages (default: all). */
  readonly maxMessages?: number;
  /** How long a received message stays hidden while it is moved. */
  readonly visibilitySeconds?: number;
}

export interface RedriveResult {
  readonly from: string;
  readonly to: string;
  readonly moved: number;
  /** Messages received but not moved (send refused); they reappear in the DLQ. */
  readonly failed: number;
  /**
   * Messages sent to the target whose delete from the DLQ was refused (e.g. an expired receipt
   * handle): they reappear in the DLQ, and a later run moves them again (consumers are idempotent).
   */
  readonly notDeleted: number;
}

/** What a message counts against the batch size: its body and its attributes' names, types and values. */
const messageBytes = (m: Message): number =>
  Buffer.byteLength(m.Body ?? '') +
  Object.entries(m.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '') + (value.BinaryValue?.byteLength ?? 0),
    0,
  );

const groupOf = (m: Message): string => m.Attributes?.MessageGroupId ?? 'redrive';

/**
 * Moves messages from a dead-letter queue back to its source after the cause is fixed.
 *
 * Receive → send → delete, rather than SQS's own StartMessageMoveTask: that API is asynchronous
 * (it reports progress, not a count, so a script cannot say what it moved) and the local
 * emulator does not implement it. Each message is deleted from the DLQ only after the target
 * accepted it, so a crash mid-way duplicates at worst (consumers are idempotent), never loses.
 * Bodies (offload pointers included), attributes and FIFO groups are kept.
 */
export const redriveDeadLetters = async (client: SQSClient, options: RedriveOptions): Promise<RedriveResult> => {
  const from = await resolveQueueUrl(client, options.from);
  const to = options.to ? await resolveQueueUrl(client, options.to) : await findSourceQueue(client, from);
  const fifo = to.endsWith('.fifo');
  // Stable within this run (so an SDK retry of a send is deduplicated), fresh across runs (so a
  // message that dead-letters again can be redriven again within the 5-minute dedup window).
  const run = randomUUID();
  let moved = 0;
  let failed = 0;
  let notDeleted = 0;
  const stuckGroups = new Set<string>();
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  while (moved + failed < limit) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(10, limit - moved - failed),
        // Long polling asks every SQS server, so an empty answer means the queue is really empty.
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibilitySeconds ?? 60,
        MessageSystemAttributeNames: ['MessageGroupId'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    let doneInRound = 0;
    for (const received of chunkSendBatches(Messages, messageBytes)) {
      // FIFO: once a message of a group was refused, its later messages stay behind it (in the
      // DLQ, for the next run) rather than overtake it.
      const batch = fifo ? received.filter((m) => !stuckGroups.has(groupOf(m))) : received;
      failed += received.length - batch.length;
      if (batch.length === 0) continue;
      const sent = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: to,
          Entries: batch.map((m, i) => ({
            Id: String(i),
            MessageBody: m.Body ?? '',
            ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? { MessageAttributes: m.MessageAttributes } : {}),
            ...(fifo ? { MessageGroupId: groupOf(m), MessageDeduplicationId: `${m.MessageId}-${run}` } : {}),
          })),
        }),
      );
      const accepted = new Set((sent.Successful ?? []).map((entry) => entry.Id));
      const done: Message[] = batch.filter((_, i) => accepted.has(String(i)));
      for (const [i, m] of batch.entries()) if (!accepted.has(String(i))) stuckGroups.add(groupOf(m));
      if (done.length > 0) {
        const deleted = await client.send(new DeleteMessageBatchCommand({ QueueUrl: from, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        notDeleted += deleted.Failed?.length ?? 0;
      }
      moved += done.length;
      failed += batch.length - done.length;
      doneInRound += done.length;
    }
    if (doneInRound === 0) break;
  }
  return { from, to, moved, failed, notDeleted };
};

/** A queue URL from a URL or a name. */
export const resolveQueueUrl = async (client: SQSClient, nameOrUrl: string): Promise<string> => {
  if (/^https?:\/\//.test(nameOrUrl)) return nameOrUrl;
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: nameOrUrl }));
  if (!QueueUrl) throw new Error(`queue ${nameOrUrl} not found`);
  return QueueUrl;
};

const queueArn = async (client: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.['QueueArn'];
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
};

/** The one queue whose redrive policy sends its failures to `dlqUrl`. */
const findSourceQueue = async (client: SQSClient, dlqUrl: string): Promise<string> => {
  let sources: string[] = [];
  try {
    sources = (await client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls ?? [];
  } catch {
    // Not every SQS implementation has ListDeadLetterSourceQueues: scan the redrive policies instead.
    const dlqArn = await queueArn(client, dlqUrl);
    let token: string | undefined;
    do {
      const page = await client.send(new ListQueuesCommand({ NextToken: token, MaxResults: 1000 }));
      for (const url of page.QueueUrls ?? []) {
        const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
        const policy = Attributes?.['RedrivePolicy'];
        if (policy && (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn === dlqArn) sources.push(url);
      }
      token = page.NextToken;
    } while (token);
  }
  if (sources.length === 1) return sources[0]!;
  if (sources.length === 0) throw new Error(`no queue uses ${dlqUrl} as its dead-letter queue: name the target with --to`);
  throw new Error(`several queues use ${dlqUrl} as their dead-letter queue (${sources.join(', ')}): name the target with --to`);
};
