import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
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
import { ParkedMessage } from '../../application/queues/parked-message.js';
import { unreadableReasons, type QueueMessageKind } from '../../application/queues/queue-message-kinds.js';
import { chunkSendBatches } from './message-queue-adapter-sqs.js';
import { isOffloadPointer } from './queue-body-codec.js';

export interface RedriveOptions {
  /** The dead-letter or parking queue to empty (URL or name). */
  readonly from: string;
  /**
   * Where to move its messages (URL or name); default: a parked message's own source queue, else
   * the one queue whose redrive policy targets `from`.
   */
  readonly to?: string;
  /** Stop after this many messages (default: all). */
  readonly maxMessages?: number;
  /** How long a received message stays hidden while it is moved. */
  readonly visibilitySeconds?: number;
  /** Only messages of these FIFO groups (default: every group). */
  readonly groups?: readonly string[];
  /** Only these messages (their original id, or their id in `from`). */
  readonly messageIds?: readonly string[];
  /** The schema a consumer reads the messages with; default: a parked message's own, else guessed from the queue names. */
  readonly kind?: QueueMessageKind;
  /** Move messages no consumer can read too (they would fail, or be parked, again). */
  readonly force?: boolean;
}

export interface RedriveResult {
  readonly from: string;
  /** Every queue something was moved to (usually one). */
  readonly to: string;
  readonly moved: number;
  /** Messages received but not moved (send refused); they reappear in `from`. */
  readonly failed: number;
  /**
   * Messages sent to the target whose delete from `from` was refused (e.g. an expired receipt
   * handle): they reappear there, and a later run moves them again (consumers are idempotent).
   */
  readonly notDeleted: number;
  /** Left in `from` because the filter (groups, message ids) did not select them. */
  readonly notSelected: number;
  /** Left in `from` because no consumer can read them (without `force`), each with why. */
  readonly unreadable: readonly { readonly messageId: string; readonly reasons: readonly string[] }[];
}

/** What a message counts against the batch size: its body and its attributes' names, types and values. */
const messageBytes = (m: Outgoing): number =>
  Buffer.byteLength(m.body) +
  Object.entries(m.received.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '') +
      (value.BinaryValue?.byteLength ?? 0),
    0,
  );

/** A received message as it will be put back: a parked one is unwrapped to the original. */
interface Outgoing {
  readonly received: Message;
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string;
  readonly kind: QueueMessageKind | undefined;
  readonly sourceArn: string | undefined;
  readonly parked: boolean;
}

const unwrap = (m: Message, fallbackKind: QueueMessageKind | undefined): Outgoing => {
  const body = m.Body ?? '';
  let envelope: ParkedMessage | undefined;
  try {
    const parsed = ParkedMessage.safeParse(JSON.parse(body));
    if (parsed.success) envelope = parsed.data;
  } catch {
    // Not JSON: a raw dead letter.
  }
  if (envelope) {
    return {
      received: m,
      messageId: envelope.messageId,
      body: envelope.body,
      groupId: envelope.groupId ?? 'redrive',
      kind: envelope.kind,
      sourceArn: envelope.sourceArn,
      parked: true,
    };
  }
  return {
    received: m,
    messageId: m.MessageId ?? '',
    body,
    groupId: m.Attributes?.MessageGroupId ?? 'redrive',
    kind: fallbackKind,
    sourceArn: undefined,
    parked: false,
  };
};

/** Why no consumer can read the message ([] if it can). Offloaded bodies live in S3 and are not checked here. */
const unreadable = (m: Outgoing): string[] => {
  if (isOffloadPointer(m.body)) return [];
  if (m.kind) return unreadableReasons(m.kind, m.body);
  try {
    JSON.parse(m.body);
    return [];
  } catch {
    return ['body is not JSON'];
  }
};

/** The schema a queue's name suggests (the stack's and the local runtime's names say what they carry). */
export const kindFromQueueName = (nameOrUrl: string): QueueMessageKind | undefined => {
  const name = nameOrUrl.split('/').at(-1) ?? nameOrUrl;
  if (/booking/i.test(name)) return 'booking';
  if (/scheduler|auction/i.test(name)) return 'auction-close';
  if (/heartbeat|presence/i.test(name)) return 'heartbeat';
  if (/broadcast/i.test(name)) return 'broadcast';
  return undefined;
};

/**
 * Moves messages from a dead-letter (or parking) queue back to their source after the cause is
 * fixed: by default only those a consumer can read now — an unreadable one would only fail (or
 * be parked) again, and in a FIFO queue hold its group meanwhile — optionally only some groups
 * or message ids. What is left stays where it was, visible again at the end of the run.
 *
 * Receive → send → delete, rather than SQS's own StartMessageMoveTask: that API is asynchronous
 * (it reports progress, not a count, so a script cannot say what it moved), cannot filter, and
 * the local emulator does not implement it. Each message is deleted from `from` only after the
 * target accepted it, so a crash mid-way duplicates at worst (consumers are idempotent), never
 * loses. Bodies (offload pointers included), attributes and FIFO groups are kept; a parked
 * message goes back as the original it wraps.
 */
export const redriveDeadLetters = async (client: SQSClient, options: RedriveOptions): Promise<RedriveResult> => {
  const from = await resolveQueueUrl(client, options.from);
  const fallbackKind = options.kind ?? kindFromQueueName(options.to ?? from);
  // A dead letter goes back to the queue whose redrive policy targets `from`; a parked message to
  // the queue it was taken from. An error is kept, not thrown, until a message needs that target.
  const defaultTarget: Promise<string | Error> = (
    options.to ? resolveQueueUrl(client, options.to) : findSourceQueue(client, from)
  ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  const sourceQueues = new Map<string, Promise<string>>();
  let sawParked = false;
  const targetOf = async (m: Outgoing): Promise<string> => {
    if (options.to || !m.sourceArn) {
      const target = await defaultTarget;
      if (target instanceof Error) throw target;
      return target;
    }
    const name = m.sourceArn.split(':').at(-1) ?? m.sourceArn;
    if (!sourceQueues.has(name)) sourceQueues.set(name, resolveQueueUrl(client, name));
    return sourceQueues.get(name)!;
  };
  // Stable within this run (so an SDK retry of a send is deduplicated), fresh across runs (so a
  // message that dead-letters again can be redriven again within the 5-minute dedup window).
  const run = randomUUID();
  let moved = 0;
  let failed = 0;
  let notDeleted = 0;
  let notSelected = 0;
  const unreadableLeft: { messageId: string; reasons: string[] }[] = [];
  const left = new Map<string, Message>();
  const stuckGroups = new Set<string>();
  const usedTargets = new Set<string>();
  const groups = options.groups ? new Set(options.groups) : null;
  const ids = options.messageIds ? new Set(options.messageIds) : null;
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  try {
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
      const fresh = Messages.filter((m) => !left.has(m.MessageId ?? ''));
      if (fresh.length === 0) break;
      const byTarget = new Map<string, Outgoing[]>();
      for (const m of fresh.map((r) => unwrap(r, fallbackKind))) {
        sawParked ||= m.parked;
        // Skipped messages stay in flight until the end of the run, so they are not received again.
        if (
          (groups && !groups.has(m.groupId)) ||
          (ids && !ids.has(m.messageId) && !ids.has(m.received.MessageId ?? ''))
        ) {
          notSelected++;
          left.set(m.received.MessageId ?? '', m.received);
          continue;
        }
        const reasons = options.force ? [] : unreadable(m);
        if (reasons.length > 0) {
          unreadableLeft.push({ messageId: m.messageId, reasons });
          left.set(m.received.MessageId ?? '', m.received);
          continue;
        }
        const target = await targetOf(m);
        byTarget.set(target, [...(byTarget.get(target) ?? []), m]);
      }
      for (const [to, outgoing] of byTarget) {
        usedTargets.add(to);
        const fifo = to.endsWith('.fifo');
        for (const received of chunkSendBatches(outgoing, messageBytes)) {
          // FIFO: once a message of a group was refused, its later messages stay behind it (in
          // `from`, for the next run) rather than overtake it.
          const batch = fifo ? received.filter((m) => !stuckGroups.has(m.groupId)) : received;
          failed += received.length - batch.length;
          if (batch.length === 0) continue;
          const sent = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: to,
              Entries: batch.map((m, i) => ({
                Id: String(i),
                MessageBody: m.body,
                ...(!m.parked && m.received.MessageAttributes && Object.keys(m.received.MessageAttributes).length > 0
                  ? { MessageAttributes: m.received.MessageAttributes }
                  : {}),
                ...(fifo
                  ? { MessageGroupId: m.groupId, MessageDeduplicationId: `${m.received.MessageId}-${run}` }
                  : {}),
              })),
            }),
          );
          const accepted = new Set((sent.Successful ?? []).map((entry) => entry.Id));
          const done = batch.filter((_, i) => accepted.has(String(i)));
          for (const [i, m] of batch.entries()) if (!accepted.has(String(i))) stuckGroups.add(m.groupId);
          if (done.length > 0) {
            const deleted = await client.send(
              new DeleteMessageBatchCommand({
                QueueUrl: from,
                Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.received.ReceiptHandle })),
              }),
            );
            notDeleted += deleted.Failed?.length ?? 0;
          }
          moved += done.length;
          failed += batch.length - done.length;
        }
      }
    }
  } finally {
    // What was left is made visible again at once, not after the visibility timeout.
    for (const chunk of chunkSendBatches([...left.values()], () => 0)) {
      await client
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: from,
            Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined);
    }
  }
  let to = [...usedTargets].join(', ');
  if (usedTargets.size === 0) {
    const target = await defaultTarget;
    if (target instanceof Error && !sawParked) throw target;
    to = target instanceof Error ? 'their source queues' : target;
  }
  return { from, to, moved, failed, notDeleted, notSelected, unreadable: unreadableLeft };
};

/** A queue URL from a URL or a name. */
export const resolveQueueUrl = async (client: SQSClient, nameOrUrl: string): Promise<string> => {
  if (/^https?:\/\//.test(nameOrUrl)) return nameOrUrl;
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: nameOrUrl }));
  if (!QueueUrl) throw new Error(`queue ${nameOrUrl} not found`);
  return QueueUrl;
};

const queueArn = async (client: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
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
        const { Attributes } = await client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
        );
        const policy = Attributes?.['RedrivePolicy'];
        if (policy && (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn === dlqArn)
          sources.push(url);
      }
      token = page.NextToken;
    } while (token);
  }
  if (sources.length === 1) return sources[0]!;
  if (sources.length === 0)
    throw new Error(`no queue uses ${dlqUrl} as its dead-letter queue: name the target with --to`);
  throw new Error(
    `several queues use ${dlqUrl} as their dead-letter queue (${sources.join(', ')}): name the target with --to`,
  );
};
