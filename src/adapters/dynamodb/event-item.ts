import { EventEnvelope } from '../../domain/shared/envelope.js';

/**
 * The events table's item layout, one item per event. Agreed with the relay's DynamoDB Streams
 * decoder (`stream-record-decoder.ts`): change both together.
 *   streamId (S, partition) · version (N, sort) · eventId (S) · type (S) · schemaVersion (N)
 *   occurredAt (N) · data (M, the event body) · correlationId? · causationId? · channelId? (S)
 */
export type EventItem = Record<string, unknown>;

export const toEventItem = (event: EventEnvelope): EventItem => {
  const item: EventItem = {
    streamId: event.streamId,
    version: event.version,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    data: event.data ?? {},
  };
  if (event.correlationId !== undefined) item['correlationId'] = event.correlationId;
  if (event.causationId !== undefined) item['causationId'] = event.causationId;
  if (event.channelId !== undefined) item['channelId'] = event.channelId;
  return item;
};

/** Items are read back through the envelope schema: a malformed item fails loudly, naming the field. */
export const fromEventItem = (item: EventItem): EventEnvelope => {
  const parsed = EventEnvelope.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `events table item ${String(item['streamId'])}@${String(item['version'])} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
};
