import { ensureQueue } from '../../adapters/sqs/queue-provisioning.js';
import { countersTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import type { TripId } from '../../domain/shared/ids.js';
import { bookingAwsModules } from '../composition/booking.aws.module.js';
import { BOOKING_TOKENS } from '../composition/booking.module.js';
import { LOCAL_STATS_KEY, setUpBooking } from './booking.feature.js';
import { emulatorLambdaContext, ensureQueueWithDlq, queueEventSource, type EmulatorFeature, type EmulatorFeatureOptions } from './emulator-feature-kit.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export interface EmulatorBookingResources {
  readonly statsTable: string;
  readonly bookingQueue: string;
  readonly bookingDlq: string;
  readonly bookingParked: string;
  readonly bucket: string;
}

/**
 * The booking feature (F6) of `npm start -- --backend emulators`: the same ports as the
 * deployed http-api and booking Lambdas (`bookingAwsModules`) — counters and the request index
 * in a stats table on DynamoDB Local, the booking queue as an SQS FIFO queue with its DLQ and
 * `stats.json` in S3 on fauxqs — and an SQS long-polling event source feeding the booking handler,
 * as Lambda's event source mapping would. Creates what it needs; returns the feature and a line
 * for the runtime's banner.
 */
export const emulatorBookingFeature = async (options: EmulatorFeatureOptions<EmulatorBookingResources>): Promise<EmulatorFeature> => {
  const { clients, names, config } = options;
  await ensureTable(clients.dynamodb, names.statsTable, countersTable);
  // The seed's consumer: visibility 60 s; group = trip, dedup = request id (set by the producer).
  const queue = await ensureQueueWithDlq(options, { name: names.bookingQueue, dlqName: names.bookingDlq, visibilityTimeoutSeconds: 60 });
  const parked = await ensureQueue(options.clients.sqs, { name: names.bookingParked });
  const modules = bookingAwsModules(
    emulatorLambdaContext(options, {
      STATS_TABLE: names.statsTable,
      BLOB_BUCKET: names.bucket,
      BOOKING_QUEUE_URL: queue.url,
      BOOKING_PARKED_QUEUE_URL: parked.url,
      STATS_OBJECT_KEY: LOCAL_STATS_KEY,
    }),
    { defaultTripId: config.defaultTripId as TripId },
  );
  const feature: LocalRuntimeExtension = {
    name: 'booking',
    modules,
    setup(context) {
      const { container, logger } = context;
      setUpBooking(context, queueEventSource(options, 'booking', queue.url, container.get(BOOKING_TOKENS.Handler), logger));
    },
  };
  return { feature, description: `booking FIFO queue ${queue.url} (unprocessable requests parked on ${parked.url}), stats table ${names.statsTable}` };
};
