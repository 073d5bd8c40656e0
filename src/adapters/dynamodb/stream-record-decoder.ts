import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { fromEventItem } from './event-item.js';

/** A stream record that should carry an event but does not decode to one. */
export class StreamRecordDecodeError extends Error {
  override readonly name = 'StreamRecordDecodeError';
}

/**
 * Turns one DynamoDB Streams record of the events table into the stored event, or null for a
 * record that is not a new event: REMOVE (TTL or admin deletes) never reaches viewers, and
 * events are immutable, so a MODIFY is only decoded because re-writing an identical item
 * (a restore) must not be mistaken for poison. The item layout is `event-item.ts`'s.
 * Throws `StreamRecordDecodeError` naming the bad attribute, so the relay reports the record.
 */
export const decodeEventStreamRecord = (record: DynamoDBRecord): EventEnvelope | null => {
  if (record.eventName === 'REMOVE') return null;
  const image = record.dynamodb?.NewImage;
  if (!image) {
    throw new StreamRecordDecodeError(
      `stream record ${record.eventID ?? '?'} (${record.eventName ?? '?'}) has no NewImage: the events table stream must use NEW_IMAGE or NEW_AND_OLD_IMAGES`,
    );
  }
  let item: Record<string, unknown>;
  try {
    // The aws-lambda and SDK AttributeValue types describe the same wire shape.
    item = unmarshall(image as Record<string, AttributeValue>, { wrapNumbers: false });
  } catch (error) {
    throw new StreamRecordDecodeError(`stream record ${record.eventID ?? '?'} has an undecodable NewImage`, {
      cause: error,
    });
  }
  try {
    return fromEventItem(item);
  } catch (error) {
    throw new StreamRecordDecodeError(error instanceof Error ? error.message : String(error), { cause: error });
  }
};
export type EventStreamRecordDecoder = typeof decodeEventStreamRecord;
