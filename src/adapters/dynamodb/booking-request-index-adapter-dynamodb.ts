import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BookingRequestIndex, BookingRequestRecord } from '../../application/ports/booking-request-index.port.js';
import type { Clock } from '../../application/ports/clock.port.js';

const SORT_KEY = 'booking-request';
const keyOf = (requestId: string) => ({ pk: `booking-request#${requestId}`, sk: SORT_KEY });

export interface DynamoDbBookingRequestIndexOptions {
  readonly clock: Clock;
  /** How long a request id stays known (TTL, seconds); a booking is looked up for days, not months. */
  readonly retentionSeconds?: number;
}

/**
 * The request index on the counters (stats) table, beside the trip counters (pk/sk; its `pk`
 * prefix `booking-request#` never meets a counter id). First writer wins with a conditional
 * Put (`attribute_not_exists`), so two API instances racing on one request id agree on one
 * record; the loser reads it back with a consistent read.
 */
export class DynamoDbBookingRequestIndex implements BookingRequestIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbBookingRequestIndexOptions,
  ) {}

  async register(record: BookingRequestRecord): Promise<BookingRequestRecord> {
    const ttl = Math.floor(this.options.clock.now() / 1000) + (this.options.retentionSeconds ?? 30 * 86_400);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keyOf(record.requestId), ...pick(record), ttl },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return pick(record);
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      const stored = await this.get(record.requestId);
      // Deleted by TTL between the two calls: nothing holds the id any more, so this record may.
      return stored ?? this.register(record);
    }
  }

  async get(requestId: string): Promise<BookingRequestRecord | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(requestId), ConsistentRead: true }),
    );
    return Item ? pick(Item as unknown as BookingRequestRecord) : null;
  }
}

const pick = (r: BookingRequestRecord): BookingRequestRecord => ({
  requestId: r.requestId,
  tripId: r.tripId,
  passengerId: r.passengerId,
  seats: Number(r.seats),
  requestedAt: Number(r.requestedAt),
});
