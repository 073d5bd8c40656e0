import { tripCodec, tripDecider } from '../../src/domain/booking/index.js';
import type { TripId } from '../../src/domain/shared/ids.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import type { BookingRequestMessage } from '../../src/application/booking/booking-request-message.js';
import { makeGetBookingStats } from '../../src/application/booking/booking-stats.js';
import { makeGetBookingStatus } from '../../src/application/booking/booking-status.js';
import { makeCancelBooking } from '../../src/application/booking/cancel-booking.js';
import { makeProcessBooking } from '../../src/application/booking/process-booking.js';
import { makeRequestBooking } from '../../src/application/booking/request-booking.js';
import { makeGetTrip, makeScheduleTrip } from '../../src/application/booking/schedule-trip.js';
import { StatsPublisher } from '../../src/application/booking/stats-publisher.js';
import { EnqueueError } from '../../src/application/ports/message-queue.port.js';
import { makeParkMessage, type ParkedMessage } from '../../src/application/queues/parked-message.js';
import type { CounterStore } from '../../src/application/ports/counter-store.port.js';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { InMemoryBlobStore } from '../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { InMemoryBookingRequestIndex } from '../../src/adapters/in-memory/booking-request-index-adapter-in-memory.js';
import { FakeClock, SequentialIds } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryCounterStore } from '../../src/adapters/in-memory/counter-store-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { makeBookingHandler } from '../../src/entrypoints/handlers/booking.js';
import { makeBookingRoutes } from '../../src/entrypoints/http/booking.routes.js';
import { silentLogger } from './sqs-test-driver.js';

export const T0 = 1_700_000_000_000;
export const DEFAULT_TRIP = 'seoul-busan-0900' as TripId;

/**
 * The F6 pipeline over in-memory adapters: the HTTP routes (the API handler's booking part),
 * an emulated SQS FIFO queue with a DLQ, and the booking consumer handler. `wrapStore` and
 * `wrapCounters` let a test inject crashes where AWS would have them.
 */
export const bookingWorld = (
  options: {
    wrapStore?: (store: EventStore) => EventStore;
    wrapCounters?: (counters: CounterStore) => CounterStore;
    parkingFails?: boolean;
  } = {},
) => {
  const clock = new FakeClock(T0);
  const baseStore = new InMemoryEventStore();
  const store = options.wrapStore?.(baseStore) ?? baseStore;
  const baseCounters = new InMemoryCounterStore();
  const counters = options.wrapCounters?.(baseCounters) ?? baseCounters;
  const deps = { store, clock, ids: new SequentialIds('evt'), sleeper: clock };
  // Separate handlers (and caches) for the API and the consumer, as two Lambdas would have.
  const apiTrips = new CommandHandler(tripDecider, tripCodec, deps);
  const consumerTrips = new CommandHandler(tripDecider, tripCodec, deps);
  const index = new InMemoryBookingRequestIndex();
  const blobs = new InMemoryBlobStore();
  const dlq = new InMemoryQueue<BookingRequestMessage>({ name: 'booking-dlq', fifo: true, clock });
  const parking = new InMemoryQueue<ParkedMessage>({ name: 'booking-parked', clock });
  const queue = new InMemoryQueue<BookingRequestMessage>({
    name: 'booking',
    fifo: true,
    clock,
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 5,
    deadLetterQueue: dlq,
    // SQS hands a batch up to 10 messages of one group, then none of that group until they are done.
    inFlightPerGroup: 10,
  });
  const unexpected: unknown[] = [];
  const getBookingStats = makeGetBookingStats({ counters: baseCounters });
  const routes = makeBookingRoutes({
    requestBooking: makeRequestBooking({
      trips: apiTrips,
      index,
      queue,
      counters,
      clock,
      ids: new SequentialIds('req'),
    }),
    getBookingStatus: makeGetBookingStatus({ trips: apiTrips, index }),
    cancelBooking: makeCancelBooking({ trips: apiTrips, index, counters, clock }),
    getBookingStats,
    scheduleTrip: makeScheduleTrip({ trips: apiTrips, counters }),
    getTrip: makeGetTrip({ trips: apiTrips }),
    defaultTripId: DEFAULT_TRIP,
    ids: new SequentialIds('bus'),
    onUnexpected: (error) => unexpected.push(error),
  });
  const stats = new StatsPublisher(blobs, getBookingStats, clock, { key: 'public/stats.json' });
  const consumer = makeBookingHandler({
    processBooking: makeProcessBooking({ trips: consumerTrips, counters, clock }),
    park: makeParkMessage({
      queue: options.parkingFails
        ? { send: () => Promise.reject(new EnqueueError('parking queue unavailable', [])) }
        : parking,
      clock,
    }),
    stats,
    logger: silentLogger,
  });
  return {
    clock,
    store: baseStore,
    counters: baseCounters,
    index,
    blobs,
    queue,
    dlq,
    parking,
    routes,
    consumer,
    stats,
    unexpected,
    getBookingStats,
  };
};
