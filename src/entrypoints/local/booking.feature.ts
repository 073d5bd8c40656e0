import { InMemoryBlobStore } from '../../adapters/in-memory/blob-store-adapter-in-memory.js';
import { InMemoryBookingRequestIndex } from '../../adapters/in-memory/booking-request-index-adapter-in-memory.js';
import { InMemoryCounterStore } from '../../adapters/in-memory/counter-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import type { BookingRequestMessage } from '../../application/booking/booking-request-message.js';
import type { ParkedMessage } from '../../application/queues/parked-message.js';
import type { TripId } from '../../domain/shared/ids.js';
import { BOOKING_TOKENS, bookingModule } from '../composition/booking.module.js';
import { type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { LOCAL_TOKENS, localQueue, localQueueSource, twin } from './local.container.js';

export const LOCAL_BOOKING_TOKENS = {
  BookingQueue: Symbol.for('stampede.local.BookingQueue') as Token<InMemoryQueue<BookingRequestMessage>>,
  BlobStore: Symbol.for('stampede.local.BlobStore') as Token<InMemoryBlobStore>,
  ParkingQueue: Symbol.for('stampede.local.BookingParkingQueue') as Token<InMemoryQueue<ParkedMessage>>,
} as const;

/** Where the local server publishes stats (the seed page polls `/stats.json`). */
export const LOCAL_STATS_KEY = 'public/stats.json';
/** The seed's consumer: visibility 60 s, batches of 10. */
const VISIBILITY_TIMEOUT_MS = 60_000;
const STATS_FLUSH_MS = 1_000;

/**
 * F6 in `npm start`: booking routes → booking queue (FIFO, group = trip, dedup = request id) →
 * `booking` handler, `stats.json` flushed every second when it changed and served at
 * `/stats.json`. On the emulators, the deployed functions' ports (booking.aws.module.ts):
 * counters and the request index in a stats table on DynamoDB Local, the queues on fauxqs (the
 * booking queue with its DLQ, the parking queue for requests that can never succeed) and
 * `stats.json` in S3 there.
 */
export const bookingFeature: LocalRuntimeExtension = {
  name: 'booking',
  modules: [bookingModule],
  memory: {
    ports: [
      bindingsModule(
        twin(LOCAL_BOOKING_TOKENS.BookingQueue, BOOKING_TOKENS.BookingQueue, (get) =>
          // SQS hands a batch up to 10 messages of one group, then none of it until they are done.
          localQueue(get, 'booking', { fifo: true, visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS, inFlightPerGroup: 10 }),
        ),
        twin(
          LOCAL_BOOKING_TOKENS.ParkingQueue,
          BOOKING_TOKENS.ParkingQueue,
          () => new InMemoryQueue({ name: 'booking-parked' }),
        ),
        twin(LOCAL_BOOKING_TOKENS.BlobStore, BOOKING_TOKENS.BlobStore, () => new InMemoryBlobStore()),
        (bind) => bind(BOOKING_TOKENS.CounterStore, () => new InMemoryCounterStore()),
        (bind) => bind(BOOKING_TOKENS.RequestIndex, () => new InMemoryBookingRequestIndex()),
        (bind) =>
          bind(BOOKING_TOKENS.Settings, (get) => ({
            defaultTripId: get(LOCAL_TOKENS.Config).defaultTripId as TripId,
            statsObjectKey: LOCAL_STATS_KEY,
            statsMinIntervalMs: 1_000,
          })),
      ),
    ],
    sources: (context) => [
      localQueueSource(
        context,
        'booking',
        context.container.get(LOCAL_BOOKING_TOKENS.BookingQueue),
        context.container.get(BOOKING_TOKENS.Handler),
        // The spike is absorbed by the queue: decisions wait while requests pour in, then catch up.
        { visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS, pace: context.edgePressure.pace },
      ),
    ],
  },
  async emulators(env) {
    const { names, aws } = env;
    const onAws = await import('../composition/booking.aws.module.js');
    const { countersTable } = await import('../../adapters/dynamodb/table-definitions.js');
    await env.table(names.statsTable, countersTable);
    const queue = await env.queue({ name: names.bookingQueue, dlq: names.bookingDlq, visibilityTimeoutSeconds: 60 });
    const parked = await env.queue({ name: names.bookingParked });
    return {
      ports: [
        bindingsModule(
          onAws.bookingSettings(LOCAL_STATS_KEY, env.config.defaultTripId as TripId),
          onAws.bookingCountersOnDynamoDb(aws, names.statsTable),
          onAws.statsOnS3(aws, names.bucket),
          onAws.bookingQueueOnSqs(aws, queue.url),
          onAws.parkingQueueOnSqs(aws, parked.url),
        ),
      ],
      sources: (context) => [
        env.queueSource(context, 'booking', queue.url, context.container.get(BOOKING_TOKENS.Handler)),
      ],
      description: `booking FIFO queue ${queue.url} (unprocessable requests parked on ${parked.url}), stats table ${names.statsTable}`,
    };
  },
  setup({ container, addStaticHandler, onStop, every }) {
    const stats = container.get(BOOKING_TOKENS.StatsPublisher);
    every(STATS_FLUSH_MS, 'publishing stats.json', () => stats.flush());
    // The last counts, once the ticks have stopped.
    onStop(async () => void (await stats.flush().catch(() => undefined)));
    // stats.json from the blob store it was published to.
    const blobs = container.get(BOOKING_TOKENS.BlobStore);
    const { statsObjectKey } = container.get(BOOKING_TOKENS.Settings);
    addStaticHandler(async (req, res, url) => {
      if (req.method !== 'GET' || (url.pathname !== '/stats.json' && url.pathname !== `/${statsObjectKey}`))
        return false;
      const body = (await blobs.get(statsObjectKey)) ?? JSON.stringify({ requests: 0, processed: 0, success: 0 });
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          'access-control-allow-origin': '*',
        })
        .end(body);
      return true;
    });
  },
};
