import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { RelayFeed } from '../../application/live/relay-feed.js';
import { PublishError } from '../../application/ports/feed-publisher.port.js';
import type { ChannelFeedEvent } from '../../domain/live-feed/feed-item.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import type { HandlerLogger } from './sqs-record-body.js';
import {
  dynamoDbSequenceOf as sequenceOf,
  DynamoDbStreamRecordShape as StreamRecordShape,
  firstFailedIndex,
  reasonOf,
  resumeAt,
} from './stream-batch.js';

export interface RelayHandlerDeps {
  readonly relay: RelayFeed;
  /** Stream record → stored event (null for records that are not new events); an adapter, injected. */
  readonly decodeRecord: (record: DynamoDBRecord) => EventEnvelope | null;
  readonly logger: HandlerLogger;
}

/**
 * The `relay` Lambda (F2): DynamoDB Streams batch → feed items → ONE `PutRecords` to the live
 * feed. Each record is validated and mapped on its own (Powertools marks a poisoned one
 * failed); the items before the first failure are published and that record is reported, so
 * Lambda resumes exactly there. If the put itself fails, the first record whose item was not
 * accepted is reported instead.
 */
export const makeRelayHandler =
  (deps: RelayHandlerDeps) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const items = new Map<string, ChannelFeedEvent | null>();
    // One processor per invocation: it holds the batch it works on, and the local runtime may overlap invocations.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        try {
          StreamRecordShape.parse(record);
          const envelope = deps.decodeRecord(record);
          items.set(sequenceOf(record), envelope ? deps.relay.itemFor(envelope) : null);
        } catch (error) {
          deps.logger.error(
            'stream record cannot be relayed; Lambda retries it, then sends it to the on-failure destination',
            {
              sequenceNumber: sequenceOf(record),
              eventId: record.eventID,
              reason: reasonOf(error),
            },
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
    const batch = done.map((seq) => items.get(seq)).filter((i): i is ChannelFeedEvent => !!i);
    try {
      await deps.relay.publish(batch);
    } catch (error) {
      const refused = error instanceof PublishError ? new Set(error.failed) : null;
      const firstRefused = done.find((seq) => {
        const item = items.get(seq);
        return !!item && (refused === null || refused.size === 0 || refused.has(item));
      });
      deps.logger.error('publishing to the live feed failed; the batch resumes at the first refused record', {
        resumeAt: firstRefused,
        items: batch.length,
        reason: reasonOf(error),
      });
      return resumeAt(firstRefused ?? sequences[0]);
    }
    deps.logger.debug('relayed', { records: event.Records.length, published: batch.length, resumeAt: sequences[cut] });
    return resumeAt(sequences[cut]);
  };
export type RelayHandler = ReturnType<typeof makeRelayHandler>;
