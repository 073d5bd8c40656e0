import { createHash, randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { BlobStore } from '../../application/ports/blob-store.port.js';
import {
  EnqueueError,
  MAX_DELAY_SECONDS,
  type MessageQueue,
  type OutgoingMessage,
} from '../../application/ports/message-queue.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../aws-shared/backoff.js';
import { deliverInKeyOrder, type EntryOutcome } from '../aws-shared/ordered-delivery.js';
import { encodeOffloadPointer } from './queue-body-codec.js';

/** SendMessageBatch limits: 10 entries, 1 MiB in all; one body ≤ 1 MiB (since August 2025). */
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 1024 * 1024;
export const SQS_MAX_BODY_BYTES = 1024 * 1024;

export interface SqsMessageQueueOptions {
  readonly sleeper: Sleeper;
  readonly backoff?: BackoffPolicy;
  /** Bodies over `maxBodyBytes` are stored here and sent as a pointer; without it they are refused. */
  readonly offload?: { readonly store: BlobStore; readonly keyPrefix?: string };
  /** Largest body sent inline (default the SQS limit); lower only to exercise offloading cheaply. */
  readonly maxBodyBytes?: number;
  /** Batch calls in flight at once. */
  readonly concurrency?: number;
}

interface Entry<T> {
  readonly message: OutgoingMessage<T>;
  readonly request: Omit<SendMessageBatchRequestEntry, 'Id'>;
  readonly bytes: number;
}

/**
 * A MessageQueue on SQS (standard or FIFO, decided by the `.fifo` URL suffix).
 *
 * - Batches of ≤ 10 entries and ≤ 1 MiB; entries SQS reports `Failed` with `SenderFault: false`
 *   are retried with full-jitter back-off, then `EnqueueError` lists what was not sent.
 * - FIFO: every message needs a group; a missing dedup id is the SHA-256 of the body (what
 *   content-based deduplication would compute). A call carries at most one message per group,
 *   so a refused message is never overtaken by the next one of its group (see deliverInKeyOrder).
 * - Bodies over the limit go to the blob store (S3) and travel as a pointer: consumers read
 *   bodies with `decodeQueueBody`.
 */
export class SqsMessageQueue<T> implements MessageQueue<T> {
  readonly fifo: boolean;
  private readonly queueName: string;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly options: SqsMessageQueueOptions,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
    this.queueName = queueUrl.split('/').at(-1) ?? 'queue';
    this.maxBodyBytes = Math.min(options.maxBodyBytes ?? SQS_MAX_BODY_BYTES, SQS_MAX_BODY_BYTES);
  }

  async send(messages: readonly OutgoingMessage<T>[]): Promise<void> {
    if (messages.length === 0) return;
    const texts = messages.map((m) => sqsSafeJson(JSON.stringify(m.body) as string | undefined));
    this.validate(messages, texts);
    const entries = await Promise.all(messages.map((m, i) => this.entry(m, texts[i] as string)));
    const policy = this.options.backoff ?? defaultBackoffPolicy;
    const { undelivered, reasons } = await deliverInKeyOrder({
      // Standard queues promise no order: every message is its own key and all go in the first round.
      entries: entries.map((entry, i) => ({ key: this.fifo ? `g:${entry.message.groupId}` : `m:${i}`, entry })),
      chunk: chunkEntries,
      send: (batch) => this.sendBatch(batch),
      sleeper: this.options.sleeper,
      policy,
      concurrency: this.options.concurrency ?? 4,
    });
    if (undelivered.length > 0) {
      throw new EnqueueError(
        `${undelivered.length} of ${messages.length} messages were not accepted by ${this.queueName} (${reasons.join('; ')}); they were not sent`,
        undelivered.map((e) => e.message),
      );
    }
  }

  /** All or nothing: a message SQS would refuse on every attempt fails the call before anything is sent. */
  private validate(messages: readonly OutgoingMessage<T>[], texts: readonly (string | undefined)[]): void {
    const problems: string[] = [];
    const failed: OutgoingMessage<T>[] = [];
    messages.forEach((m, i) => {
      const problem = this.problemWith(m, texts[i]);
      if (problem) {
        problems.push(`message ${i}: ${problem}`);
        failed.push(m);
      }
    });
    if (problems.length > 0)
      throw new EnqueueError(`${this.queueName} refused ${problems.length} message(s): ${problems.join('; ')}`, failed);
  }

  private problemWith(m: OutgoingMessage<T>, text: string | undefined): string | null {
    const delay = m.delaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS)
      return `delaySeconds must be an integer in 0..${MAX_DELAY_SECONDS}, got ${delay}`;
    if (text === undefined) return 'body is not JSON-serialisable';
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxBodyBytes && !this.options.offload) {
      return `body is ${bytes} bytes, over the ${this.maxBodyBytes}-byte SQS limit, and no offload store is configured`;
    }
    if (!this.fifo) return null;
    if (!m.groupId) return 'a FIFO queue needs a groupId on every message';
    if (delay > 0) return 'FIFO queues do not support per-message delaySeconds';
    return null;
  }

  private async entry(message: OutgoingMessage<T>, text: string): Promise<Entry<T>> {
    let body = text;
    const textBytes = Buffer.byteLength(text);
    if (textBytes > this.maxBodyBytes && this.options.offload) {
      const key = `${this.options.offload.keyPrefix ?? 'queue-offload/'}${this.queueName}/${randomUUID()}.json`;
      await this.options.offload.store.put(key, text, 'application/json');
      body = encodeOffloadPointer(key, textBytes);
    }
    const request: Omit<SendMessageBatchRequestEntry, 'Id'> = {
      MessageBody: body,
      ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}),
      // Standard queues take neither field (a group id there would switch on fair queueing).
      ...(this.fifo
        ? {
            MessageGroupId: message.groupId,
            MessageDeduplicationId: message.dedupId ?? createHash('sha256').update(text).digest('hex'),
          }
        : {}),
    };
    return { message, request, bytes: Buffer.byteLength(body) };
  }

  private async sendBatch(batch: readonly Entry<T>[]): Promise<EntryOutcome[]> {
    const response = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: batch.map((e, i) => ({ Id: String(i), ...e.request })),
      }),
    );
    const failures = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
    return batch.map((_, i): EntryOutcome => {
      const failure = failures.get(String(i));
      if (!failure) return { ok: true };
      // SenderFault: the entry itself is wrong and will fail again; otherwise SQS had a transient problem.
      return {
        ok: false,
        retryable: !failure.SenderFault,
        reason: `${failure.Code ?? 'Failed'}${failure.Message ? `: ${failure.Message}` : ''}`,
      };
    });
  }
}

/**
 * SQS accepts only #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF in a body; a chat
 * text holding U+FFFE/U+FFFF would be refused as InvalidMessageContents, and some emulators
 * refuse astral characters (emoji) too. Such characters can only sit inside JSON strings, where
 * a \uXXXX escape parses back to the very same text.
 */
const sqsSafeJson = (json: string | undefined): string | undefined =>
  json?.replace(/[\ud800-\udfff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Splits items, in order, into SendMessageBatch calls of ≤ 10 entries and ≤ 1 MiB (`bytesOf` each). */
export const chunkSendBatches = <I>(items: readonly I[], bytesOf: (item: I) => number): I[][] => {
  const calls: I[][] = [];
  let call: I[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (call.length > 0 && (call.length >= SQS_MAX_BATCH_ENTRIES || bytes + size > SQS_MAX_BATCH_BYTES)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(item);
    bytes += size;
  }
  if (call.length > 0) calls.push(call);
  return calls;
};

const chunkEntries = <T>(round: readonly Entry<T>[]): Entry<T>[][] => chunkSendBatches(round, (entry) => entry.bytes);
