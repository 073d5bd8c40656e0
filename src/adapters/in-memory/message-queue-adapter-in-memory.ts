import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.port.js';
import {
  EnqueueError,
  MAX_DELAY_SECONDS,
  type MessageQueue,
  type OutgoingMessage,
} from '../../application/ports/message-queue.port.js';
import { DedupWindow } from './dedup-window.js';
import { fifoDeliveryOrder, standardDeliveryOrder, type StoredMessage } from './queue-delivery-order.js';

/** SQS's limit for one message body (since 2025; larger bodies belong in S3 with a pointer). */
export const SQS_MAX_BODY_BYTES = 1024 * 1024;
/** SQS returns at most 10 messages per ReceiveMessage call. */
export const SQS_MAX_RECEIVE = 10;
const FIVE_MINUTES_MS = 5 * 60 * 1000;

export interface InMemoryQueueOptions<T> {
  /** Used in ARNs and logs; a FIFO queue's name ends in `.fifo` (added when missing). */
  readonly name?: string;
  readonly fifo?: boolean;
  /** FIFO only: derive the dedup id from the body's SHA-256 when a message has none. */
  readonly contentBasedDeduplication?: boolean;
  /** Default visibility timeout of a received message (SQS default 30 s). */
  readonly visibilityTimeoutMs?: number;
  /** With `deadLetterQueue`: a message received this many times is moved there on its next receive. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: InMemoryQueue<T>;
  readonly maxBodyBytes?: number;
  /** FIFO deduplication window (SQS: 5 minutes). */
  readonly dedupWindowMs?: number;
  /** Standard queues only: chance that a received message is also left for a second delivery (at-least-once). */
  readonly duplicateRate?: number;
  /** Standard queues only: hand out visible messages in random order instead of send order. */
  readonly reorder?: boolean;
  /** FIFO only: messages of one group that may be in flight at once (fauxqs and the Lambda ESM: 1). */
  readonly inFlightPerGroup?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** One delivery of a message, as ReceiveMessage returns it. */
export interface ReceivedMessage<T> {
  readonly messageId: string;
  /** Identifies this delivery: delete or change visibility with it, not with the message id. */
  readonly receiptHandle: string;
  /** The body as sent (a string, like SQS); `body` is it parsed, or undefined if it is not JSON. */
  readonly rawBody: string;
  readonly body: T | undefined;
  readonly receiveCount: number;
  readonly sentAt: number;
  readonly firstReceivedAt: number;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
}

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly total: number;
}

/** Anything a queue can be told to hold: a typed body, or a raw string (e.g. to inject a poison message). */
interface Incoming {
  readonly rawBody: string;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly delaySeconds?: number;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * An SQS twin for tests and the local runtime: the producer port (`send`, atomic for the
 * whole call) plus the consumer API an event source mapping uses (receive with visibility
 * timeout, delete, change visibility, receive counts, DLQ redrive, FIFO groups with
 * deduplication, delays) and optional at-least-once duplicates and reordering, so consumers
 * are exercised against the delivery guarantees they will get in AWS, not better ones.
 */
export class InMemoryQueue<T> implements MessageQueue<T> {
  readonly name: string;
  readonly fifo: boolean;
  // A Map keeps send order (FIFO needs it) and removes in O(1); the handle index makes delete O(1).
  private readonly messages = new Map<number, StoredMessage>();
  private readonly byHandle = new Map<string, StoredMessage>();
  /** FIFO queues: each group's messages by key, in send order, so a receive walks only group heads. */
  private readonly groups = new Map<string, Map<number, StoredMessage>>();
  private serial = 0;
  private readonly dedup: DedupWindow;
  private readonly listeners = new Set<() => void>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private sequence = 0;
  private deliveries = 0;

  constructor(private readonly options: InMemoryQueueOptions<T> = {}) {
    this.fifo = options.fifo ?? false;
    const name = options.name ?? 'queue';
    this.name = this.fifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.dedup = new DedupWindow(options.dedupWindowMs ?? FIVE_MINUTES_MS);
    this.random = options.random ?? Math.random;
    if (options.maxReceiveCount !== undefined && options.maxReceiveCount < 1)
      throw new RangeError('maxReceiveCount must be at least 1');
    if (options.deadLetterQueue && options.deadLetterQueue.fifo !== this.fifo) {
      throw new RangeError(
        `the dead-letter queue of ${this.name} must be ${this.fifo ? 'a FIFO' : 'a standard'} queue too`,
      );
    }
  }

  get arn(): string {
    return `arn:aws:sqs:local:000000000000:${this.name}`;
  }

  get deadLetterQueue(): InMemoryQueue<T> | undefined {
    return this.options.deadLetterQueue;
  }

  get visibilityTimeoutMs(): number {
    return this.options.visibilityTimeoutMs ?? 30_000;
  }

  async send(messages: readonly OutgoingMessage<T>[]): Promise<void> {
    this.enqueue(
      messages.map((m) => ({
        rawBody: JSON.stringify(m.body),
        groupId: m.groupId,
        dedupId: m.dedupId,
        delaySeconds: m.delaySeconds,
      })),
      messages,
    );
  }

  /** Enqueues a body exactly as given, e.g. a malformed one to test how consumers treat poison. */
  sendRaw(rawBody: string, options: Omit<Incoming, 'rawBody'> = {}): void {
    this.enqueue([{ rawBody, ...options }], [rawBody]);
  }

  /**
   * Up to `max` (≤ 10) visible messages, each now in flight for `visibilityTimeoutMs`. A
   * message already received `maxReceiveCount` times is moved to the DLQ instead of returned.
   */
  receive(max = SQS_MAX_RECEIVE, visibilityTimeoutMs = this.visibilityTimeoutMs): ReceivedMessage<T>[] {
    const now = this.clock.now();
    const limit = Math.max(1, Math.min(SQS_MAX_RECEIVE, max));
    const picked: StoredMessage[] = [];
    const order = this.fifo
      ? fifoDeliveryOrder(this.groups.values(), now, this.options.inFlightPerGroup ?? 1)
      : standardDeliveryOrder(this.messages.values(), now, {
          reorder: this.options.reorder ?? false,
          random: this.random,
        });
    for (const message of order) {
      if (picked.length >= limit) break;
      if (
        this.options.maxReceiveCount !== undefined &&
        this.options.deadLetterQueue &&
        message.receiveCount >= this.options.maxReceiveCount
      ) {
        this.remove(message);
        this.options.deadLetterQueue.adopt(message);
        continue;
      }
      picked.push(message);
    }
    return picked.map((message) => {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.received = true;
      message.visibleAt = now + visibilityTimeoutMs;
      if (message.receiptHandle) this.byHandle.delete(message.receiptHandle);
      message.receiptHandle = `${message.messageId}#${++this.deliveries}`;
      this.byHandle.set(message.receiptHandle, message);
      const rate = this.options.duplicateRate ?? 0;
      if (!this.fifo && rate > 0 && this.random() < rate) {
        // An at-least-once duplicate: a second copy that a delete of this delivery does not remove.
        this.store({ ...message, receiptHandle: undefined, visibleAt: now, received: true });
      }
      return this.toReceived(message);
    });
  }

  /** Deletes the delivery `receiptHandle`; false when that delivery is no longer current (it timed out and was redelivered). */
  delete(receiptHandle: string): boolean {
    const message = this.byHandle.get(receiptHandle);
    if (!message) return false;
    this.remove(message);
    return true;
  }

  /** Extends (or ends, with 0) the visibility timeout of an in-flight delivery. */
  changeVisibility(receiptHandle: string, visibilityTimeoutMs: number): void {
    const message = this.byHandle.get(receiptHandle);
    if (!message || message.visibleAt <= this.clock.now()) {
      throw new Error(
        `${this.name}: receipt handle ${receiptHandle} is not in flight (deleted, redelivered or timed out)`,
      );
    }
    message.visibleAt = this.clock.now() + visibilityTimeoutMs;
    if (visibilityTimeoutMs === 0) this.notify();
  }

  counts(): QueueCounts {
    const now = this.clock.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.received) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed, total: this.messages.size };
  }

  /** When the earliest message that is not visible now will be (null if none): pollers sleep until then. */
  nextVisibleAt(): number | null {
    const now = this.clock.now();
    let next: number | null = null;
    for (const m of this.messages.values())
      if (m.visibleAt > now && (next === null || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  /** Called after every enqueue (and when a message is made visible early); returns an unsubscribe. */
  onMessage(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The bodies currently held (any state), for tests and admin views. */
  peekRawBodies(): string[] {
    return [...this.messages.values()].map((m) => m.rawBody);
  }

  private enqueue(incoming: readonly Incoming[], originals: readonly unknown[]): void {
    const now = this.clock.now();
    const problems: string[] = [];
    const failed: unknown[] = [];
    incoming.forEach((m, i) => {
      const problem = this.validate(m);
      if (problem) {
        problems.push(`message ${i}: ${problem}`);
        failed.push(originals[i]);
      }
    });
    // All or nothing: a refused message leaves the queue as it was, so a retry cannot double-send the rest.
    if (problems.length > 0)
      throw new EnqueueError(`${this.name} refused ${problems.length} message(s): ${problems.join('; ')}`, failed);

    for (const m of incoming) {
      const dedupId = this.fifo ? (m.dedupId ?? createHash('sha256').update(m.rawBody).digest('hex')) : m.dedupId;
      if (this.fifo && dedupId !== undefined) {
        // SQS accepts a duplicate within the window and silently drops it: that is the exactly-once send.
        if (this.dedup.seen(dedupId, now)) continue;
      }
      this.store({
        key: 0,
        messageId: randomUUID(),
        rawBody: m.rawBody,
        sentAt: now,
        groupId: m.groupId,
        dedupId,
        sequenceNumber: this.fifo ? String(++this.sequence).padStart(20, '0') : undefined,
        visibleAt: now + (m.delaySeconds ?? 0) * 1000,
        receiveCount: 0,
        received: false,
      });
    }
    this.notify();
  }

  private validate(m: Incoming): string | null {
    const bytes = byteLength(m.rawBody);
    const max = this.options.maxBodyBytes ?? SQS_MAX_BODY_BYTES;
    if (bytes > max) {
      return `body is ${bytes} bytes, over the ${max}-byte SQS limit: keep large payloads in S3 and send a pointer, or split the message`;
    }
    const delay = m.delaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS)
      return `delaySeconds must be an integer in 0..${MAX_DELAY_SECONDS}, got ${delay}`;
    if (this.fifo) {
      if (!m.groupId) return 'a FIFO queue needs a groupId on every message';
      if (delay > 0) return 'FIFO queues do not support per-message delaySeconds';
      if (!m.dedupId && !this.options.contentBasedDeduplication)
        return 'a FIFO queue without content-based deduplication needs a dedupId';
    }
    return null;
  }

  /** Takes over a message moved from the source queue, keeping its id and body (as SQS redrive does). */
  private adopt(message: StoredMessage): void {
    this.store({
      ...message,
      receiveCount: 0,
      received: false,
      receiptHandle: undefined,
      firstReceivedAt: undefined,
      visibleAt: this.clock.now(),
    });
    this.notify();
  }

  private store(message: StoredMessage): void {
    message.key = ++this.serial;
    this.messages.set(message.key, message);
    if (this.fifo) {
      const id = message.groupId ?? '';
      const group = this.groups.get(id) ?? new Map<number, StoredMessage>();
      this.groups.set(id, group.set(message.key, message));
    }
  }

  private remove(message: StoredMessage): void {
    this.messages.delete(message.key);
    if (message.receiptHandle) this.byHandle.delete(message.receiptHandle);
    const group = this.fifo ? this.groups.get(message.groupId ?? '') : undefined;
    if (group?.delete(message.key) && group.size === 0) this.groups.delete(message.groupId ?? '');
  }

  private toReceived(m: StoredMessage): ReceivedMessage<T> {
    let body: T | undefined;
    try {
      body = JSON.parse(m.rawBody) as T;
    } catch {
      body = undefined;
    }
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle as string,
      rawBody: m.rawBody,
      body,
      receiveCount: m.receiveCount,
      sentAt: m.sentAt,
      firstReceivedAt: m.firstReceivedAt ?? m.sentAt,
      ...(m.groupId !== undefined ? { groupId: m.groupId } : {}),
      ...(m.dedupId !== undefined ? { dedupId: m.dedupId } : {}),
      ...(m.sequenceNumber !== undefined ? { sequenceNumber: m.sequenceNumber } : {}),
    };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
