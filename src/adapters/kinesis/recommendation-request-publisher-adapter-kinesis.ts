import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { PublishError } from '../../application/ports/feed-publisher.port.js';
import type { RecommendationRequestPublisher } from '../../application/ports/recommendation-request-publisher.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { RecommendationRequest, toRequestRecord } from '../../domain/recommendation/recommendation-request.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../aws-shared/backoff.js';
import { deliverInKeyOrder, type EntryOutcome } from '../aws-shared/ordered-delivery.js';
import { KINESIS_MAX_RECORDS_PER_PUT } from './feed-publisher-adapter-kinesis.js';

export interface KinesisRecommendationRequestPublisherOptions {
  readonly sleeper: Sleeper;
  readonly backoff?: BackoffPolicy;
}

interface PendingRequest {
  readonly request: RecommendationRequest;
  readonly data: Buffer;
}

/**
 * Recommendation requests on Kinesis, one record each, partition key = userId (the seed's
 * choice: one user's requests stay in order on one shard). A request is a few hundred bytes,
 * so calls are bounded by the 500-record limit, never by the 5 MiB one. Refused records
 * (FailedRecordCount > 0) are retried with full jitter through the shared ordered delivery,
 * which also keeps a user's later request from overtaking a refused earlier one.
 */
export class KinesisRecommendationRequestPublisher implements RecommendationRequestPublisher {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly options: KinesisRecommendationRequestPublisherOptions,
  ) {}

  async publish(requests: readonly RecommendationRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const pending = requests.map((r): PendingRequest => {
      const request = RecommendationRequest.parse(r);
      return { request, data: Buffer.from(JSON.stringify(toRequestRecord(request))) };
    });
    const policy = this.options.backoff ?? defaultBackoffPolicy;
    const { undelivered, reasons } = await deliverInKeyOrder({
      entries: pending.map((p) => ({ key: p.request.userId, entry: p })),
      chunk: (round) => chunksOf(round, KINESIS_MAX_RECORDS_PER_PUT),
      send: (batch) => this.put(batch),
      sleeper: this.options.sleeper,
      policy,
      concurrency: 4,
    });
    if (undelivered.length > 0) {
      throw new PublishError(
        `${undelivered.length} of ${requests.length} recommendation requests were not published to ${this.streamName} after ` +
          `${policy.maxAttempts} attempts (${reasons.join('; ')}); add shards (ProvisionedThroughputExceeded) or check the stream`,
        undelivered.map((p) => p.request),
      );
    }
  }

  private async put(batch: readonly PendingRequest[]): Promise<EntryOutcome[]> {
    const response = await this.client.send(
      new PutRecordsCommand({
        StreamName: this.streamName,
        Records: batch.map((p) => ({ PartitionKey: p.request.userId, Data: p.data })),
      }),
    );
    return batch.map((_, i): EntryOutcome => {
      const result = response.Records?.[i];
      if (result && !result.ErrorCode) return { ok: true };
      // ProvisionedThroughputExceeded and InternalFailure are the documented per-record errors; both are transient.
      return {
        ok: false,
        retryable: true,
        reason: `${result?.ErrorCode ?? 'NoResult'}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`,
      };
    });
  }
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};
