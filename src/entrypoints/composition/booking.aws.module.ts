import { createS3Client } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbBookingRequestIndex } from '../../adapters/dynamodb/booking-request-index-adapter-dynamodb.js';
import { DynamoDbCounterStore } from '../../adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { S3BlobStore } from '../../adapters/s3/blob-store-adapter-s3.js';
import type { TripId } from '../../domain/shared/ids.js';
import { dynamoDoc, sharedClient, type AwsClientSettings } from './aws-target.js';
import { BOOKING_TOKENS } from './booking.module.js';
import { queueOnSqs } from './sqs-queue.aws.module.js';
import { setting, TOKENS, type Binding } from './tokens.js';

/** The trip `POST /api/book-bus` books on; `scripts/seed-trips.ts` schedules it. */
export const DEFAULT_TRIP_ID = 'holiday-express' as TripId;

/* F6's ports in AWS: counters and the request index in the stats table (DynamoDB ADD with
 * idempotency markers), stats.json in the blob bucket (S3), the booking queue (SQS FIFO), the
 * parking queue (SQS standard: messages that can never succeed, so their trip moves on). */

export const bookingSettings = (statsObjectKey: string, defaultTripId: TripId = DEFAULT_TRIP_ID): Binding =>
  setting(BOOKING_TOKENS.Settings, { defaultTripId, statsObjectKey, statsMinIntervalMs: 1_000 });

export const bookingCountersOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) => {
    bind(
      BOOKING_TOKENS.CounterStore,
      (get) =>
        new DynamoDbCounterStore(dynamoDoc(s), table, { clock: get(TOKENS.Clock), sleeper: get(TOKENS.Sleeper) }),
    );
    bind(
      BOOKING_TOKENS.RequestIndex,
      (get) => new DynamoDbBookingRequestIndex(dynamoDoc(s), table, { clock: get(TOKENS.Clock) }),
    );
  };

export const statsOnS3 =
  (s: AwsClientSettings, bucket: string): Binding =>
  (bind) =>
    bind(
      BOOKING_TOKENS.BlobStore,
      () =>
        new S3BlobStore(
          sharedClient('s3', s, () => createS3Client(s)),
          bucket,
        ),
    );

export const bookingQueueOnSqs = (s: AwsClientSettings, queueUrl: string): Binding =>
  queueOnSqs(BOOKING_TOKENS.BookingQueue, s, queueUrl);

export const parkingQueueOnSqs = (s: AwsClientSettings, queueUrl: string): Binding =>
  queueOnSqs(BOOKING_TOKENS.ParkingQueue, s, queueUrl);
