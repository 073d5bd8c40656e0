import { ContainerModule } from 'inversify';
import type { TripId } from '../../domain/shared/ids.js';
import { awsFeatureAdapters, type AwsFeatureModules } from './aws.container.js';
import { BOOKING_TOKENS, bookingModule } from './booking.module.js';
import { DEFAULT_STATS_OBJECT_KEY } from './config.js';
import { resource } from './feature-config.js';
import { TOKENS } from './tokens.js';

/** The trip `POST /api/book-bus` books on; `scripts/seed-trips.ts` schedules it. */
export const DEFAULT_TRIP_ID = 'holiday-express' as TripId;

/**
 * F6 ports in AWS: counters in the stats table (DynamoDB ADD with idempotency markers),
 * stats.json in the blob bucket (S3), the booking queue (SQS FIFO). The request index
 * (`BookingRequestIndex`, http-api) still needs its DynamoDB adapter.
 */
export const bookingAwsModules: AwsFeatureModules = ({ clients, config }) => [
  new ContainerModule(({ bind }) => {
    const adapters = (ctx: { get: <T>(t: symbol) => T }) =>
      awsFeatureAdapters(clients, { clock: ctx.get(TOKENS.Clock), sleeper: ctx.get(TOKENS.Sleeper) });
    bind(BOOKING_TOKENS.Settings).toConstantValue({
      defaultTripId: DEFAULT_TRIP_ID,
      statsObjectKey: typeof config['STATS_OBJECT_KEY'] === 'string' ? config['STATS_OBJECT_KEY'] : DEFAULT_STATS_OBJECT_KEY,
      statsMinIntervalMs: 1_000,
    });
    bind(BOOKING_TOKENS.CounterStore).toDynamicValue((ctx) => adapters(ctx).counterStore(resource(config, 'STATS_TABLE', 'the booking counters'))).inSingletonScope();
    bind(BOOKING_TOKENS.BlobStore).toDynamicValue((ctx) => adapters(ctx).blobStore(resource(config, 'BLOB_BUCKET', 'the stats.json publisher'))).inSingletonScope();
    bind(BOOKING_TOKENS.BookingQueue).toDynamicValue((ctx) => adapters(ctx).queue(resource(config, 'BOOKING_QUEUE_URL', 'the booking queue'))).inSingletonScope();
  }),
  bookingModule,
];
