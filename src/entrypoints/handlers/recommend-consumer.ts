import { BatchProcessor, EventType, ParsingError, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Clock } from '../../application/ports/clock.port.js';
import type { RecommendationMetrics } from '../../application/ports/recommendation-metrics.port.js';
import type { ProjectRecommendationFacts } from '../../application/recommendations/project-recommendation-facts.js';
import type { ServeRecommendations } from '../../application/recommendations/serve-recommendations.js';
import { decodeFeedRecord } from '../../adapters/kinesis/feed-record-codec.js';
import { factFromFeedItem, type RecommendationFact } from '../../domain/recommendation/recommendation-fact.js';
import {
  RecommendationRequestRecordSchema,
  type RecommendationRequest,
} from '../../domain/recommendation/recommendation-request.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { kinesisRecordWithData, reasonOf, resumeAt } from './stream-batch.js';

export interface RecommendConsumerDeps {
  readonly serve: Pick<ServeRecommendations, 'serve'>;
  readonly project: Pick<ProjectRecommendationFacts, 'project'>;
  readonly metrics: RecommendationMetrics;
  readonly clock: Clock;
  readonly logger: HandlerLogger;
  /**
   * Whether a batch comes from the live-feed stream (projected into the recommender's read
   * model) rather than the request stream. One function consumes both: the recommender's two
   * inputs, with one set of permissions (Redis) and one name in the fixed Lambda list.
   */
  readonly isFeedStream: (eventSourceArn: string) => boolean;
}

/** A request-stream record after Powertools decoded `kinesis.data` (base64 → JSON → zod). */
type ParsedRequestRecord = Omit<KinesisStreamRecord, 'kinesis'> & {
  kinesis: Omit<KinesisStreamRecord['kinesis'], 'data'> & { data: RecommendationRequest };
};

/** The whole request-stream record schema, built once (see `kinesisRecordWithData`). */
const RequestRecordSchema = kinesisRecordWithData(RecommendationRequestRecordSchema);

/** Age of the batch's oldest record (arrival on the stream → now), the consumer's lag. */
const oldestAgeMs = (event: KinesisStreamEvent, now: number): number => {
  const arrivals = event.Records.map((r) => r.kinesis?.approximateArrivalTimestamp).filter(
    (t): t is number => typeof t === 'number',
  );
  return arrivals.length === 0 ? 0 : Math.max(0, now - Math.min(...arrivals) * 1000);
};

/**
 * F8 request consumer: each record is decoded and validated by the Powertools parser
 * (base64 → JSON → `RecommendationRequestRecordSchema`: the snake_case record, or the older camelCase), then served cache-aside — the cached answer if
 * there is one, else computed and cached with the TTL. Records are independent (a duplicate
 * only finds its answer cached), so they run concurrently and a failed one does not hold the
 * others back. Failures are reported per record (ReportBatchItemFailures): a malformed record
 * can never succeed and ends at the on-failure destination after the retries; a record that
 * failed on Redis succeeds on a retry. Lambda resumes at the lowest failed record, so the
 * records after it come again and are answered from the cache.
 */
export const makeRecommendRequestConsumer =
  (deps: RecommendConsumerDeps) =>
  async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    deps.metrics.consumerLag(oldestAgeMs(event, deps.clock.now()));
    // One processor per invocation: a processor holds the batch it works on, and the local runtime
    // may run invocations concurrently.
    const processor = new BatchProcessor(EventType.KinesisDataStreams, { parser, schema: RequestRecordSchema });
    const response = await processPartialResponse(
      event,
      async (record: ParsedRequestRecord) => {
        const { userId, topN } = record.kinesis.data;
        await deps.serve.serve(userId, topN, 'STREAM');
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    let rejected = 0;
    processor.failureMessages.forEach((record, i) => {
      const error = processor.errors[i];
      const sequenceNumber = (record as KinesisStreamRecord).kinesis.sequenceNumber;
      if (error instanceof ParsingError) {
        rejected++;
        deps.logger.warn(
          'malformed recommendation request; it is reported failed and ends at the on-failure destination after the retries',
          {
            sequenceNumber,
            partitionKey: (record as KinesisStreamRecord).kinesis.partitionKey,
            reason: error.message,
          },
        );
      } else {
        deps.logger.error('recommendation request failed; Lambda retries it (check Redis if this repeats)', {
          sequenceNumber,
          reason: reasonOf(error),
        });
      }
    });
    deps.metrics.rejected(rejected);
    return response;
  };

/**
 * The live feed, projected into the recommender's read model. Records are decoded in order;
 * a record that is not feed data stops the batch there (the facts before it are projected and
 * Lambda resumes at it), as in the fan-out, because stream order matters to the model's gates.
 * Signals carry no version, so their position is the record's place in its shard: the sequence
 * number with the item's index in the (aggregated) record appended, which keeps the order.
 */
export const makeRecommendFeedProjector =
  (deps: RecommendConsumerDeps) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const facts: RecommendationFact[] = [];
    const sequences = event.Records.map((r) => r.kinesis.sequenceNumber);
    let cut = sequences.length;
    for (const [index, record] of event.Records.entries()) {
      try {
        const items = decodeFeedRecord(Buffer.from(record.kinesis.data, 'base64'));
        const shard = record.eventID.split(':')[0] ?? 'shard';
        items.forEach((item, i) => {
          const fact = factFromFeedItem(item, {
            stream: `shard:${shard}`,
            seq: `${record.kinesis.sequenceNumber}${String(i).padStart(4, '0')}`,
          });
          if (fact) facts.push(fact);
        });
      } catch (error) {
        cut = index;
        deps.logger.error('feed record is not feed data; facts before it are projected and Lambda retries from it', {
          sequenceNumber: record.kinesis.sequenceNumber,
          reason: reasonOf(error),
        });
        break;
      }
    }
    try {
      const summary = await deps.project.project(facts);
      deps.logger.debug('feed projected into the recommendation model', { records: cut, ...summary });
    } catch (error) {
      deps.logger.error(
        'projecting the feed failed; the batch is retried from its first record (facts are gated, re-applying is safe)',
        {
          reason: reasonOf(error),
        },
      );
      return resumeAt(sequences[0]);
    }
    return resumeAt(sequences[cut]);
  };

/** The `recommend-consumer` Lambda: request batches are served, feed batches are projected. */
export const makeRecommendConsumerHandler = (deps: RecommendConsumerDeps) => {
  const requests = makeRecommendRequestConsumer(deps);
  const feed = makeRecommendFeedProjector(deps);
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    const first = event.Records?.[0];
    if (!first) return { batchItemFailures: [] };
    return deps.isFeedStream(first.eventSourceARN ?? '') ? feed(event) : requests(event, context);
  };
};
export type RecommendConsumerHandler = ReturnType<typeof makeRecommendConsumerHandler>;
