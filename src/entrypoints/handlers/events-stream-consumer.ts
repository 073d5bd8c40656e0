import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import type { HandlerLogger } from './sqs-record-body.js';
import {
  dynamoDbSequenceOf as sequenceOf,
  DynamoDbStreamRecordShape as StreamRecordShape,
  firstFailedIndex,
  reasonOf,
  resumeAt,
} from './stream-batch.js';

/** What one consumer of the events table's stream does with the records: map each, publish the prefix. */
export interface EventsStreamConsumer<T> {
  /** Stream record → stored event (null for records that are not new events); an adapter, injected. */
  readonly decodeRecord: (record: DynamoDBRecord) => EventEnvelope | null;
  /** Stored event → what is published (null: nothing for this event). Throws on an event it cannot map. */
  readonly map: (envelope: EventEnvelope) => T | null;
  readonly publish: (batch: readonly T[]) => Promise<void>;
  /** The items a publish error says were refused (null: unknown, every item counts as refused). */
  readonly refusedBy: (error: unknown) => ReadonlySet<unknown> | null;
  readonly logger: HandlerLogger;
  /** Log lines and field names, so each consumer's logs read as its own. */
  readonly says: {
    readonly unmappable: string;
    readonly publishFailed: string;
    readonly published: string;
    readonly itemsField: string;
  };
}

/**
 * A consumer of the events table's DynamoDB stream (the relay, the integration publisher). Each
 * record is validated and mapped on its own (Powertools marks a poisoned one failed); the items
 * before the first failure are published in one call and that record is reported, so Lambda
 * resumes exactly there (stream sources keep order per shard: everything after a failure comes
 * back anyway). If publishing fails, the first record whose item was refused is reported instead.
 */
export const makeEventsStreamHandler =
  <T>(consumer: EventsStreamConsumer<T>) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const { logger, says } = consumer;
    const items = new Map<string, T | null>();
    // One processor per invocation: it holds the batch it works on, and the local runtime may overlap invocations.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        try {
          StreamRecordShape.parse(record);
          const envelope = consumer.decodeRecord(record);
          items.set(sequenceOf(record), envelope ? consumer.map(envelope) : null);
        } catch (error) {
          logger.error(says.unmappable, {
            sequenceNumber: sequenceOf(record),
            eventId: record.eventID,
            reason: reasonOf(error),
          });
          throw error;
        }
      },
      processor,
      { ...(context ? { context } : {}), processInParallel: false, throwOnFullBatchFailure: false },
    );

    const sequences = event.Records.map(sequenceOf);
    const cut = firstFailedIndex(sequences, response);
    const done = sequences.slice(0, cut);
    const batch = done.map((seq) => items.get(seq)).filter((item): item is T => item !== null && item !== undefined);
    try {
      await consumer.publish(batch);
    } catch (error) {
      const refused = consumer.refusedBy(error);
      const firstRefused = done.find((seq) => {
        const item = items.get(seq);
        return !!item && (refused === null || refused.size === 0 || refused.has(item));
      });
      logger.error(says.publishFailed, {
        resumeAt: firstRefused,
        [says.itemsField]: batch.length,
        reason: reasonOf(error),
      });
      return resumeAt(firstRefused ?? sequences[0]);
    }
    logger.debug(says.published, { records: event.Records.length, published: batch.length, resumeAt: sequences[cut] });
    return resumeAt(sequences[cut]);
  };
