import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { IntegrationMessage } from '../../application/integration/integration-events.js';
import type { IntegrationFeed } from '../../application/integration/integration-feed.js';
import { IntegrationPublishError } from '../../application/ports/integration-publisher.port.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import type { HandlerLogger } from './sqs-record-body.js';
import {
  dynamoDbSequenceOf as sequenceOf,
  DynamoDbStreamRecordShape as StreamRecordShape,
  firstFailedIndex,
  reasonOf,
  resumeAt,
} from './stream-batch.js';

export interface IntegrationPublisherHandlerDeps {
  readonly feed: IntegrationFeed;
  /** Stream record → stored event (null for records that are not new events); an adapter, injected. */
  readonly decodeRecord: (record: DynamoDBRecord) => EventEnvelope | null;
  readonly logger: HandlerLogger;
}

/**
 * The `integration-publisher` Lambda: the events table's DynamoDB stream (its own event source
 * mapping, beside the relay's) → integration events → the SNS FIFO topic. Like the relay: each
 * record is validated and mapped on its own (Powertools marks a poisoned one failed), the
 * messages before the first failure are published, and that record is reported so Lambda
 * resumes exactly there. If publishing fails, the first record whose message was not published
 * is reported instead. A resumed batch republishes messages that already went out: the topic
 * drops them by deduplication id (stream id + version) within its 5-minute window.
 */
export const makeIntegrationPublisherHandler =
  (deps: IntegrationPublisherHandlerDeps) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const messages = new Map<string, IntegrationMessage | null>();
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        try {
          StreamRecordShape.parse(record);
          const envelope = deps.decodeRecord(record);
          messages.set(sequenceOf(record), envelope ? deps.feed.messageFor(envelope) : null);
        } catch (error) {
          deps.logger.error(
            'stream record cannot be published as an integration event; Lambda retries it, then sends it to the on-failure destination',
            { sequenceNumber: sequenceOf(record), eventId: record.eventID, reason: reasonOf(error) },
          );
          throw error;
        }
      },
      processor,
      { ...(context ? { context } : {}), processInParallel: false, throwOnFullBatchFailure: false },
    );

    const sequences = event.Records.map(sequenceOf);
    const cut = firstFailedIndex(sequences, response);
    const done = sequences.slice(0, cut);
    const batch = done.map((seq) => messages.get(seq)).filter((m): m is IntegrationMessage => !!m);
    try {
      await deps.feed.publish(batch);
    } catch (error) {
      const refused = error instanceof IntegrationPublishError ? new Set(error.failed) : null;
      const firstRefused = done.find((seq) => {
        const message = messages.get(seq);
        return !!message && (refused === null || refused.size === 0 || refused.has(message));
      });
      deps.logger.error('publishing integration events failed; the batch resumes at the first refused record', {
        resumeAt: firstRefused,
        messages: batch.length,
        reason: reasonOf(error),
      });
      return resumeAt(firstRefused ?? sequences[0]);
    }
    deps.logger.debug('integration events published', {
      records: event.Records.length,
      published: batch.length,
      resumeAt: sequences[cut],
    });
    return resumeAt(sequences[cut]);
  };
export type IntegrationPublisherHandler = ReturnType<typeof makeIntegrationPublisherHandler>;
