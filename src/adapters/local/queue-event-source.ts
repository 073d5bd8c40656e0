import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { InMemoryQueue, ReceivedMessage } from '../in-memory/message-queue-adapter-in-memory.js';
import type { BatchHandler, EventSourceStats } from './batch-handler.js';
import { InjectedCrashError, nextTurn, Wakeup } from './batch-handler.js';

export interface QueueEventSourceOptions {
  readonly name: string;
  /** Messages per invocation at most (Lambda: 1..10 for FIFO, up to 10,000 for standard with a window). */
  readonly batchSize?: number;
  /** How long to gather messages before invoking with a partial batch. */
  readonly maximumBatchingWindowMs?: number;
  /** Visibility timeout of received messages (defaults to the queue's). */
  readonly visibilityTimeoutMs?: number;
  /** Concurrent pollers / invocations (Lambda scales these with the backlog). */
  readonly concurrency?: number;
  /** Chance that an invocation dies mid-batch: the handler runs on a prefix, nothing is deleted. */
  readonly crashRate?: number;
  readonly random?: () => number;
  readonly region?: string;
  /** Every failed invocation or message, for logs. */
  readonly onFailure?: (info: { messageIds: readonly string[]; error?: unknown }) => void;
  /** Awaited before each receive: lets the runtime hold a consumer back while its HTTP edge is busy (EdgePressure). */
  readonly pace?: () => Promise<void>;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/**
 * An SQS event source mapping: pollers receive batches (size, window), invoke the handler
 * with a real `SQSEvent`, delete what succeeded and leave failed messages (by `messageId` in
 * `batchItemFailures`, or all of them when the invocation throws) to reappear after the
 * visibility timeout; the queue's redrive policy moves a message that keeps failing to its DLQ.
 * FIFO ordering comes from the queue, which hands out a group's messages one at a time.
 */
export class QueueEventSource<T> {
  private readonly wakeup = new Wakeup();
  private loops: Promise<void>[] = [];
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private inFlight = 0;
  private counts = { invocations: 0, records: 0, failedInvocations: 0, injectedCrashes: 0, injectedDuplicates: 0 };

  constructor(
    private readonly queue: InMemoryQueue<T>,
    private readonly handler: BatchHandler<SQSEvent>,
    private readonly options: QueueEventSourceOptions,
  ) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.queue.onMessage(() => this.wakeup.wake());
    this.loops = Array.from({ length: Math.max(1, this.options.concurrency ?? 2) }, () => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeup.wake();
    await Promise.all(this.loops);
  }

  stats(): EventSourceStats {
    const c = this.queue.counts();
    return {
      ...this.counts,
      discarded: this.queue.deadLetterQueue?.counts().total ?? 0,
      backlog: c.visible + c.inFlight + c.delayed,
    };
  }

  /** True when the queue holds nothing (visible, in flight or delayed) and no invocation runs. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.queue.counts().total === 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.options.pace) await this.options.pace();
      const batch = await this.gather();
      if (!this.running && batch.length === 0) break;
      if (batch.length === 0) {
        const next = this.queue.nextVisibleAt();
        await this.wakeup.wait(next === null ? 1_000 : Math.max(1, next - Date.now()));
        continue;
      }
      await this.invoke(batch);
      await nextTurn();
    }
  }

  private async gather(): Promise<ReceivedMessage<T>[]> {
    const size = Math.max(1, Math.min(this.queue.fifo ? 10 : 10_000, this.options.batchSize ?? 10));
    const window = this.options.maximumBatchingWindowMs ?? 0;
    const deadline = Date.now() + window;
    const batch: ReceivedMessage<T>[] = [];
    const visibility = this.options.visibilityTimeoutMs ?? this.queue.visibilityTimeoutMs;
    while (this.running) {
      const received = this.queue.receive(Math.min(10, size - batch.length), visibility);
      batch.push(...received);
      if (batch.length >= size || Date.now() >= deadline) break;
      if (received.length === 0) await this.wakeup.wait(Math.min(deadline - Date.now(), 50));
    }
    return batch;
  }

  private async invoke(batch: readonly ReceivedMessage<T>[]): Promise<void> {
    this.inFlight++;
    this.counts.invocations++;
    this.counts.records += batch.length;
    let failed: ReadonlySet<string>;
    try {
      if (this.chance(this.options.crashRate)) {
        this.counts.injectedCrashes++;
        const prefix = Math.floor((this.options.random ?? Math.random)() * batch.length);
        if (prefix > 0) await this.handler(this.toEvent(batch.slice(0, prefix))).catch(() => undefined);
        throw new InjectedCrashError(
          `${this.options.name}: injected crash after ${prefix} of ${batch.length} messages`,
        );
      }
      const response = await this.handler(this.toEvent(batch));
      const ids = new Set(batch.map((m) => m.messageId));
      const reported = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // An identifier that names no message of the batch fails the whole batch, as in Lambda.
      failed = reported.every((id) => ids.has(id)) ? new Set(reported) : ids;
      if (failed.size > 0) {
        this.counts.failedInvocations++;
        this.options.onFailure?.({ messageIds: [...failed] });
      }
    } catch (error) {
      this.counts.failedInvocations++;
      failed = new Set(batch.map((m) => m.messageId));
      this.options.onFailure?.({ messageIds: [...failed], error });
    } finally {
      this.inFlight--;
    }
    // Failed messages are left alone: they become visible again when their timeout ends.
    for (const message of batch) if (!failed.has(message.messageId)) this.queue.delete(message.receiptHandle);
  }

  private toEvent(batch: readonly ReceivedMessage<T>[]): SQSEvent {
    return {
      Records: batch.map((m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.rawBody,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'AIDALOCALSTAMPEDE',
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
          ...(m.sequenceNumber !== undefined ? { SequenceNumber: m.sequenceNumber } : {}),
          ...(m.groupId !== undefined ? { MessageGroupId: m.groupId } : {}),
          ...(m.dedupId !== undefined ? { MessageDeduplicationId: m.dedupId } : {}),
        },
        messageAttributes: {},
        md5OfBody: md5(m.rawBody),
        eventSource: 'aws:sqs',
        eventSourceARN: this.queue.arn,
        awsRegion: this.options.region ?? 'local',
      })),
    };
  }

  private chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && (this.options.random ?? Math.random)() < rate;
  }
}
