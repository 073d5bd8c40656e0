import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { integrationMessageBody, type IntegrationMessage } from '../../application/integration/integration-events.js';
import {
  IntegrationPublishError,
  type IntegrationPublisher,
} from '../../application/ports/integration-publisher.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../aws-shared/backoff.js';
import { deliverInKeyOrder, type EntryOutcome } from '../aws-shared/ordered-delivery.js';

/** PublishBatch: 10 entries and 256 KiB (message + attributes) per call, per SNS quotas. */
export const SNS_MAX_BATCH_ENTRIES = 10;
export const SNS_MAX_BATCH_BYTES = 256 * 1024;

export interface SnsIntegrationPublisherOptions {
  readonly sleeper: Sleeper;
  readonly backoff?: BackoffPolicy;
  /** PublishBatch calls of one round in flight at once. */
  readonly concurrency?: number;
}

interface PendingEntry {
  readonly message: IntegrationMessage;
  readonly request: PublishBatchRequestEntry;
  readonly bytes: number;
}

const toEntry = (message: IntegrationMessage, index: number): PendingEntry => {
  const body = integrationMessageBody(message);
  const attributes = Object.entries(message.attributes).filter((e): e is [string, string] => e[1] !== undefined);
  const bytes =
    Buffer.byteLength(body) + attributes.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 6, 0);
  return {
    message,
    bytes,
    request: {
      // Batch entry ids are [A-Za-z0-9_-]{1,80} and unique per call: the position in the batch.
      Id: `e${index}`,
      Message: body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
      MessageAttributes: Object.fromEntries(
        attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    },
  };
};

/**
 * The integration topic on SNS FIFO (docs/INTEGRATION.md): PublishBatch of ≤ 10 entries,
 * MessageGroupId = source stream, MessageDeduplicationId = stream id + version, string message
 * attributes for filter policies.
 *
 * Order per group under partial failure: PublishBatch reports each entry `Successful` or
 * `Failed`, and a failed entry does not stop the later ones of the same call — so a call
 * carries at most one entry per group (`deliverInKeyOrder`, shared with the Kinesis and SQS
 * adapters) and a group's next entry is sent only once the previous one was accepted. Failed
 * entries are retried alone with full-jitter back-off; a `SenderFault` failure (the request is
 * wrong, e.g. too large) is not retried. Whole-call throttling is the SDK client's (adaptive
 * retry mode, `createSnsClient`).
 */
export class SnsIntegrationPublisher implements IntegrationPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    private readonly options: SnsIntegrationPublisherOptions,
  ) {}

  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const policy = this.options.backoff ?? defaultBackoffPolicy;
    const { undelivered, reasons } = await deliverInKeyOrder({
      entries: messages.map((message) => ({ key: message.groupId, entry: message })),
      chunk: chunkEntries,
      send: (batch) => this.send(batch),
      sleeper: this.options.sleeper,
      policy,
      concurrency: this.options.concurrency ?? 4,
    });
    if (undelivered.length > 0) {
      throw new IntegrationPublishError(
        `${undelivered.length} of ${messages.length} integration events were not published to ${this.topicArn} ` +
          `(${reasons.join('; ')})`,
        undelivered,
      );
    }
  }

  private async send(batch: readonly IntegrationMessage[]): Promise<EntryOutcome[]> {
    const entries = batch.map(toEntry);
    const response = await this.client.send(
      new PublishBatchCommand({ TopicArn: this.topicArn, PublishBatchRequestEntries: entries.map((e) => e.request) }),
    );
    const ok = new Set((response.Successful ?? []).map((s) => s.Id));
    const failed = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
    return entries.map(({ request }): EntryOutcome => {
      if (ok.has(request.Id)) return { ok: true };
      const f = failed.get(request.Id);
      if (!f) return { ok: false, retryable: true, reason: 'no result reported for the entry' };
      return {
        ok: false,
        retryable: f.SenderFault !== true,
        reason: `${f.Code ?? 'Failed'}${f.Message ? `: ${f.Message}` : ''}`,
      };
    });
  }
}

/** Splits a round into PublishBatch calls of ≤ 10 entries and ≤ 256 KiB. */
const chunkEntries = (round: readonly IntegrationMessage[]): IntegrationMessage[][] => {
  const calls: IntegrationMessage[][] = [];
  let call: IntegrationMessage[] = [];
  let bytes = 0;
  for (const message of round) {
    const size = toEntry(message, 0).bytes;
    if (call.length > 0 && (call.length >= SNS_MAX_BATCH_ENTRIES || bytes + size > SNS_MAX_BATCH_BYTES)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(message);
    bytes += size;
  }
  if (call.length > 0) calls.push(call);
  return calls;
};
