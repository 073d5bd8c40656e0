import type { Clock } from '../../application/ports/clock.port.js';
import {
  IntegrationPublishError,
  type IntegrationPublisher,
} from '../../application/ports/integration-publisher.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import {
  integrationMessageBody,
  type IntegrationEvent,
  type IntegrationMessage,
} from '../../application/integration/integration-events.js';
import { matchesFilterPolicy, type FilterPolicy } from '../../application/integration/integration-subscriptions.js';
import { DedupWindow } from './dedup-window.js';
import type { InMemoryQueue } from './message-queue-adapter-in-memory.js';

/** SNS PublishBatch: at most 10 entries per call. */
export const SNS_MAX_BATCH_ENTRIES = 10;
/** SNS FIFO topics (and SQS FIFO queues) drop a repeated deduplication id for 5 minutes. */
export const SNS_FIFO_DEDUP_WINDOW_MS = 5 * 60 * 1000;

export interface InMemorySubscription {
  readonly name: string;
  readonly queue: InMemoryQueue<IntegrationEvent>;
  readonly filterPolicy?: FilterPolicy;
}

export interface InMemoryIntegrationTopicOptions {
  readonly name?: string;
  readonly clock?: Clock;
  readonly sleeper?: Sleeper;
  /** Attempts per entry before `publish` gives up (first included). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

const realSleeper: Sleeper = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random };

/**
 * An SNS FIFO topic twin with SQS subscribers: PublishBatch semantics (≤ 10 entries per call,
 * per-entry failure), topic-level deduplication of `MessageDeduplicationId` for 5 minutes,
 * filter policies on message attributes and raw delivery into FIFO queues (group and dedup id
 * passed on). Like the SNS adapter, it sends at most one entry per message group per call and
 * lets a group advance only once its head was accepted, so a refused entry never lets a later
 * one of its group overtake it. Refusals are injected with `refuse`.
 */
export class InMemoryIntegrationTopic implements IntegrationPublisher {
  readonly name: string;
  private readonly subscriptions: InMemorySubscription[] = [];
  private readonly dedup = new DedupWindow(SNS_FIFO_DEDUP_WINDOW_MS);
  private readonly rules: { remaining: number; which: (m: IntegrationMessage) => boolean }[] = [];
  private readonly listeners = new Set<(messages: readonly IntegrationMessage[]) => void>();
  private readonly clock: Clock;
  private readonly sleeper: Sleeper;
  private calls = 0;
  private refusedEntries = 0;
  private accepted = 0;

  constructor(private readonly options: InMemoryIntegrationTopicOptions = {}) {
    const name = options.name ?? 'integration-events';
    this.name = name.endsWith('.fifo') ? name : `${name}.fifo`;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleeper = options.sleeper ?? realSleeper;
  }

  get arn(): string {
    return `arn:aws:sns:local:000000000000:${this.name}`;
  }

  /** Subscribes a FIFO queue with raw message delivery (and a filter policy on attributes, if given). */
  subscribe(subscription: InMemorySubscription): void {
    if (!subscription.queue.fifo)
      throw new RangeError(`${subscription.name}: a FIFO topic delivers to FIFO queues here`);
    this.subscriptions.push(subscription);
  }

  /** The next `count` entries matching `which` are refused (as SNS reports a `Failed` entry, SenderFault false). */
  refuse(count: number, which: (message: IntegrationMessage) => boolean = () => true): void {
    this.rules.push({ remaining: count, which });
  }

  /** Called with the messages each PublishBatch call accepted (repeats included: SNS accepts them too). */
  onPublish(listener: (messages: readonly IntegrationMessage[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): { readonly calls: number; readonly refusedEntries: number; readonly accepted: number } {
    return { calls: this.calls, refusedEntries: this.refusedEntries, accepted: this.accepted };
  }

  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    const queues = new Map<string, { message: IntegrationMessage; attempts: number }[]>();
    for (const message of messages) {
      const queue = queues.get(message.groupId);
      if (queue) queue.push({ message, attempts: 0 });
      else queues.set(message.groupId, [{ message, attempts: 0 }]);
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    const failed: IntegrationMessage[] = [];
    for (let retry = 0; queues.size > 0;) {
      const heads = [...queues.values()].map((q) => q[0]!);
      let refused = false;
      for (let i = 0; i < heads.length; i += SNS_MAX_BATCH_ENTRIES) {
        const call = heads.slice(i, i + SNS_MAX_BATCH_ENTRIES);
        this.calls++;
        const acceptedNow: IntegrationMessage[] = [];
        for (const head of call) {
          const queue = queues.get(head.message.groupId)!;
          if (this.refuses(head.message)) {
            refused = true;
            this.refusedEntries++;
            if (++head.attempts >= maxAttempts) {
              failed.push(...queue.map((q) => q.message));
              queues.delete(head.message.groupId);
            }
            continue;
          }
          this.deliver(head.message);
          acceptedNow.push(head.message);
          queue.shift();
          if (queue.length === 0) queues.delete(head.message.groupId);
        }
        this.accepted += acceptedNow.length;
        if (acceptedNow.length > 0) for (const listener of this.listeners) listener(acceptedNow);
      }
      if (refused && queues.size > 0) {
        const cap = Math.min(this.options.maxDelayMs ?? 1_000, (this.options.baseDelayMs ?? 20) * 2 ** retry++);
        await this.sleeper.sleep(Math.floor(this.sleeper.random() * cap));
      }
    }
    if (failed.length > 0) {
      throw new IntegrationPublishError(
        `${failed.length} of ${messages.length} integration events were not published to ${this.name} after ${maxAttempts} attempts`,
        failed,
      );
    }
  }

  /** One accepted entry: deduplicated on the topic, then fanned out to every subscription whose policy matches. */
  private deliver(message: IntegrationMessage): void {
    if (this.dedup.seen(message.deduplicationId, this.clock.now())) return;
    for (const subscription of this.subscriptions) {
      if (subscription.filterPolicy && !matchesFilterPolicy(subscription.filterPolicy, message.attributes)) continue;
      subscription.queue.sendRaw(integrationMessageBody(message), {
        groupId: message.groupId,
        dedupId: message.deduplicationId,
      });
    }
  }

  private refuses(message: IntegrationMessage): boolean {
    const rule = this.rules.find((r) => r.remaining > 0 && r.which(message));
    if (!rule) return false;
    rule.remaining--;
    return true;
  }
}
