import { ensureQueue } from '../../adapters/sqs/queue-provisioning.js';
import { countersTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import type { TripId } from '../../domain/shared/ids.js';
import {
  bookingCountersOnDynamoDb,
  bookingQueueOnSqs,
  bookingSettings,
  parkingQueueOnSqs,
  statsOnS3,
} from '../composition/booking.aws.module.js';
import { BOOKING_TOKENS, bookingModule } from '../composition/booking.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { LOCAL_STATS_KEY, setUpBooking } from './booking.feature.js';
import {
  ensureQueueWithDlq,
  queueEventSource,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
} from './emulator-feature-kit.js';
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
 * deployed http-api and booking Lambdas (booking.aws.module.ts) — counters and the request index
 * in a stats table on DynamoDB Local, the booking queue as an SQS FIFO queue with its DLQ and
 * `stats.json` in S3 on fauxqs — and an SQS long-polling event source feeding the booking handler,
 * as Lambda's event source mapping would. Creates what it needs; returns the feature and a line
 * for the runtime's banner.
 */
export const emulatorBookingFeature = async (
  options: EmulatorFeatureOptions<EmulatorBookingResources>,
): Promise<EmulatorFeature> => {
  const { clients, names, config } = options;
  await ensureTable(clients.dynamodb, names.statsTable, countersTable);
  // The seed's consumer: visibility 60 s; group = trip, dedup = request id (set by the producer).
  const queue = await ensureQueueWithDlq(options, {
    name: names.bookingQueue,
    dlqName: names.bookingDlq,
    visibilityTimeoutSeconds: 60,
  });
  const parked = await ensureQueue(options.clients.sqs, { name: names.bookingParked });
  const { aws } = options;
  const modules = [
    bookingModule,
    bindingsModule(
      bookingSettings(LOCAL_STATS_KEY, config.defaultTripId as TripId),
      bookingCountersOnDynamoDb(aws, names.statsTable),
      statsOnS3(aws, names.bucket),
      bookingQueueOnSqs(aws, queue.url),
      parkingQueueOnSqs(aws, parked.url),
    ),
  ];
  const feature: LocalRuntimeExtension = {
    name: 'booking',
    modules,
    setup(context) {
      const { container, logger } = context;
      setUpBooking(
        context,
        queueEventSource(options, 'booking', queue.url, container.get(BOOKING_TOKENS.Handler), logger),
      );
    },
  };
  return {
    feature,
    description: `booking FIFO queue ${queue.url} (unprocessable requests parked on ${parked.url}), stats table ${names.statsTable}`,
  };
};
