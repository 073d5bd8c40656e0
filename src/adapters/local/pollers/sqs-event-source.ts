import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { BatchHandler, EventSourceStats } from '../batch-handler.js';
import { noActivity, Wakeup } from '../batch-handler.js';

export interface SqsEventSourceOptions {
  readonly name: string;
  /** Messages per invocation (one ReceiveMessage: 1..10). */
  readonly batchSize?: number;
  /** Long-poll wait per ReceiveMessage, seconds (Lambda's pollers use 20; short keeps stop() quick). */
  readonly waitTimeSeconds?: number;
  /** Visibility timeout of received messages, seconds (default: the queue's). */
  readonly visibilityTimeoutSeconds?: number;
  /** Pollers (and so invocations) running at once. */
  readonly concurrency?: number;
  readonly region?: string;
  readonly onFailure?: (info: { messageIds: readonly string[]; error?: unknown }) => void;
}

const lambdaAttributes = (attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, a]) => [
      name,
      {
        dataType: a.DataType ?? 'String',
        ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
      },
    ]),
  ) as SQSMessageAttributes;

/** An SQS message as the SDK receives it → as Lambda's SQS event source mapping delivers it. */
export const toLambdaSqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: lambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
};

/**
 * Lambda's SQS event source mapping over a real queue (fauxqs locally): pollers long-poll
 * ReceiveMessage, invoke the handler with a real `SQSEvent`, delete what succeeded and leave
 * the failures reported in `batchItemFailures` (or the whole batch, if the handler throws) to
 * reappear after the visibility timeout; the queue's own redrive policy moves a message that
 * keeps failing to its DLQ.
 */
export class SqsEventSource {
  private readonly wakeup = new Wakeup();
  private running = false;
  private loops: Promise<void>[] = [];
  private inFlight = 0;
  private lastEmpty = 0;
  private queueArn = '';
  private counts = noActivity();

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    private readonly handler: BatchHandler<SQSEvent>,
    private readonly options: SqsEventSourceOptions,
  ) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    this.loops = Array.from({ length: concurrency }, () => this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await Promise.all(this.loops);
  }

  stats(): EventSourceStats {
    return { ...this.counts, backlog: this.inFlight };
  }

  /** No invocation running and every poller's last receive came back empty. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.lastEmpty === Math.max(1, this.options.concurrency ?? 1);
  }

  private async poll(): Promise<void> {
    let empty = false;
    while (this.running) {
      try {
        if (!this.queueArn) {
          const { Attributes } = await this.client.send(
            new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }),
          );
          this.queueArn = Attributes?.['QueueArn'] ?? this.queueUrl;
        }
        const { Messages = [] } = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.queueUrl,
            MaxNumberOfMessages: Math.max(1, Math.min(10, this.options.batchSize ?? 10)),
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
            ...(this.options.visibilityTimeoutSeconds !== undefined
              ? { VisibilityTimeout: this.options.visibilityTimeoutSeconds }
              : {}),
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) {
          if (!empty) this.lastEmpty++;
          empty = true;
          continue;
        }
        if (empty) this.lastEmpty--;
        empty = false;
        await this.invoke(Messages);
      } catch (error) {
        this.options.onFailure?.({ messageIds: [], error });
        await this.wakeup.wait(500);
      }
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    this.inFlight++;
    this.counts.invocations++;
    this.counts.records += messages.length;
    const region = this.options.region ?? 'local';
    const records = messages.map((m) => toLambdaSqsRecord(m, this.queueArn, region));
    let failed: Set<string>;
    try {
      const response = await this.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size > 0) {
        this.counts.failedInvocations++;
        this.options.onFailure?.({ messageIds: [...failed] });
      }
    } catch (error) {
      // A thrown invocation fails the whole batch: nothing is deleted.
      failed = new Set(records.map((r) => r.messageId));
      this.counts.failedInvocations++;
      this.options.onFailure?.({ messageIds: [...failed], error });
    }
    try {
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    } finally {
      this.inFlight--;
    }
  }
}
