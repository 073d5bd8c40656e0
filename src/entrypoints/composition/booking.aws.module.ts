import { ContainerModule } from 'inversify';
import { createS3Client, createSqsClient } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbBookingRequestIndex } from '../../adapters/dynamodb/booking-request-index-adapter-dynamodb.js';
import { DynamoDbCounterStore } from '../../adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { S3BlobStore } from '../../adapters/s3/blob-store-adapter-s3.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { BookingRequestMessage } from '../../application/booking/booking-request-message.js';
import type { ParkedMessage } from '../../application/queues/parked-message.js';
import type { TripId } from '../../domain/shared/ids.js';
import { BOOKING_TOKENS, bookingModule } from './booking.module.js';
import { DEFAULT_STATS_OBJECT_KEY } from './config.js';
import { resource } from './feature-config.js';
import { sharedClient, type FeatureLambdaContext } from './feature-lambda.container.js';
import { TOKENS } from './tokens.js';

/** The trip `POST /api/book-bus` books on; `scripts/seed-trips.ts` schedules it. */
export const DEFAULT_TRIP_ID = 'holiday-express' as TripId;

/**
 * F6 ports in AWS: counters in the stats table (DynamoDB ADD with idempotency markers),
 * stats.json in the blob bucket (S3), the booking queue (SQS FIFO, http-api only), the parking
 * queue (SQS standard, the booking Lambda only) and the request index (`BookingRequestIndex`, http-api) beside the counters in the stats table.
 */
export const bookingAwsModules = (
  { config, clientSettings, dynamodb }: FeatureLambdaContext,
  /** The local emulator runtime books its own default trip (`--default-trip-id`). */
  overrides: { readonly defaultTripId?: TripId } = {},
): ContainerModule[] => {
  const sqs = () => sharedClient('sqs', clientSettings, () => createSqsClient(clientSettings));
  const s3 = () => sharedClient('s3', clientSettings, () => createS3Client(clientSettings));
  return [
    new ContainerModule(({ bind }) => {
      bind(BOOKING_TOKENS.Settings).toConstantValue({
        defaultTripId: overrides.defaultTripId ?? DEFAULT_TRIP_ID,
        statsObjectKey: typeof config['STATS_OBJECT_KEY'] === 'string' ? config['STATS_OBJECT_KEY'] : DEFAULT_STATS_OBJECT_KEY,
        statsMinIntervalMs: 1_000,
      });
      bind(BOOKING_TOKENS.CounterStore)
        .toDynamicValue(
          (ctx) =>
            new DynamoDbCounterStore(documentClientFor(dynamodb()), resource(config, 'STATS_TABLE', 'the booking counters'), {
              clock: ctx.get(TOKENS.Clock),
              sleeper: ctx.get(TOKENS.Sleeper),
            }),
        )
        .inSingletonScope();
      bind(BOOKING_TOKENS.RequestIndex)
        .toDynamicValue(
          (ctx) => new DynamoDbBookingRequestIndex(documentClientFor(dynamodb()), resource(config, 'STATS_TABLE', 'the booking request index'), { clock: ctx.get(TOKENS.Clock) }),
        )
        .inSingletonScope();
      bind(BOOKING_TOKENS.BlobStore).toDynamicValue(() => new S3BlobStore(s3(), resource(config, 'BLOB_BUCKET', 'the stats.json publisher'))).inSingletonScope();
      bind(BOOKING_TOKENS.BookingQueue)
        .toDynamicValue(
          (ctx) => new SqsMessageQueue<BookingRequestMessage>(sqs(), resource(config, 'BOOKING_QUEUE_URL', 'the booking queue'), { sleeper: ctx.get(TOKENS.Sleeper) }),
        )
        .inSingletonScope();
      bind(BOOKING_TOKENS.ParkingQueue)
        .toDynamicValue(
          (ctx) => new SqsMessageQueue<ParkedMessage>(sqs(), resource(config, 'BOOKING_PARKED_QUEUE_URL', 'the booking parking queue'), { sleeper: ctx.get(TOKENS.Sleeper) }),
        )
        .inSingletonScope();
    }),
    bookingModule,
  ];
};
