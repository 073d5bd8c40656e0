import type { BookingRequestMessage } from '../../application/booking/booking-request-message.js';
import { makeGetBookingStats } from '../../application/booking/booking-stats.js';
import { makeGetBookingStatus } from '../../application/booking/booking-status.js';
import { makeCancelBooking } from '../../application/booking/cancel-booking.js';
import { makeProcessBooking } from '../../application/booking/process-booking.js';
import { makeRequestBooking } from '../../application/booking/request-booking.js';
import { makeGetTrip, makeScheduleTrip } from '../../application/booking/schedule-trip.js';
import { StatsPublisher } from '../../application/booking/stats-publisher.js';
import { makeParkMessage, type ParkedMessage } from '../../application/queues/parked-message.js';
import type { TripCommandHandler } from '../../application/booking/booking-commands.js';
import { CommandHandler } from '../../application/command-handler.js';
import type { BlobStore } from '../../application/ports/blob-store.port.js';
import type { BookingRequestIndex } from '../../application/ports/booking-request-index.port.js';
import type { CounterStore } from '../../application/ports/counter-store.port.js';
import type { MessageQueue } from '../../application/ports/message-queue.port.js';
import { tripCodec, tripDecider } from '../../domain/booking/index.js';
import type { TripId } from '../../domain/shared/ids.js';
import { makeBookingHandler } from '../handlers/booking.js';
import { makeBookingRoutes } from '../http/booking.routes.js';
import { TOKENS, bindingsModule, tokenIn, commandPorts } from './tokens.js';

const token = tokenIn('booking');

export interface BookingSettings {
  /** The trip the seed's `POST /api/book-bus` books on. */
  readonly defaultTripId: TripId;
  /** Key of the published stats file (the page polls it). */
  readonly statsObjectKey: string;
  readonly statsMinIntervalMs: number;
}

/** F6 bindings. The ports (first group) come from the backend: in-memory twins locally, DynamoDB/SQS/S3 in AWS. */
export const BOOKING_TOKENS = {
  Settings: token<BookingSettings>('Settings'),
  CounterStore: token<CounterStore>('CounterStore'),
  BlobStore: token<BlobStore>('BlobStore'),
  RequestIndex: token<BookingRequestIndex>('RequestIndex'),
  BookingQueue: token<MessageQueue<BookingRequestMessage>>('BookingQueue'),
  /** Where the consumer parks requests it can never process (a standard queue; the booking Lambda only). */
  ParkingQueue: token<MessageQueue<ParkedMessage>>('ParkingQueue'),
  TripCommandHandler: token<TripCommandHandler>('TripCommandHandler'),
  StatsPublisher: token<StatsPublisher>('StatsPublisher'),
  ScheduleTrip: token<ReturnType<typeof makeScheduleTrip>>('ScheduleTrip'),
  Handler: token<ReturnType<typeof makeBookingHandler>>('Handler'),
} as const;

/** Use cases, the `booking` consumer handler and the booking routes over the bound ports. */
export const bookingModule = bindingsModule((bind) => {
  bind(BOOKING_TOKENS.TripCommandHandler, (get) => new CommandHandler(tripDecider, tripCodec, commandPorts(get)));
  bind(BOOKING_TOKENS.StatsPublisher, (get) => {
    const settings = get(BOOKING_TOKENS.Settings);
    return new StatsPublisher(
      get(BOOKING_TOKENS.BlobStore),
      makeGetBookingStats({ counters: get(BOOKING_TOKENS.CounterStore) }),
      get(TOKENS.Clock),
      {
        key: settings.statsObjectKey,
        minIntervalMs: settings.statsMinIntervalMs,
      },
    );
  });
  bind(BOOKING_TOKENS.ScheduleTrip, (get) =>
    makeScheduleTrip({
      trips: get(BOOKING_TOKENS.TripCommandHandler),
      counters: get(BOOKING_TOKENS.CounterStore),
    }),
  );
  bind(BOOKING_TOKENS.Handler, (get) =>
    makeBookingHandler({
      processBooking: makeProcessBooking({
        trips: get(BOOKING_TOKENS.TripCommandHandler),
        counters: get(BOOKING_TOKENS.CounterStore),
        clock: get(TOKENS.Clock),
      }),
      park: makeParkMessage({ queue: get(BOOKING_TOKENS.ParkingQueue), clock: get(TOKENS.Clock) }),
      stats: get(BOOKING_TOKENS.StatsPublisher),
      logger: get(TOKENS.Logger),
    }),
  );
  bind(TOKENS.HttpRoutes, (get) => {
    const trips = get(BOOKING_TOKENS.TripCommandHandler);
    const counters = get(BOOKING_TOKENS.CounterStore);
    const index = get(BOOKING_TOKENS.RequestIndex);
    const clock = get(TOKENS.Clock);
    const ids = get(TOKENS.Ids);
    return makeBookingRoutes({
      requestBooking: makeRequestBooking({
        trips,
        index,
        queue: get(BOOKING_TOKENS.BookingQueue),
        counters,
        clock,
        ids,
      }),
      getBookingStatus: makeGetBookingStatus({ trips, index }),
      cancelBooking: makeCancelBooking({ trips, index, counters, clock }),
      getBookingStats: makeGetBookingStats({ counters }),
      scheduleTrip: get(BOOKING_TOKENS.ScheduleTrip),
      getTrip: makeGetTrip({ trips }),
      defaultTripId: get(BOOKING_TOKENS.Settings).defaultTripId,
      ids,
      onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error in a booking route', { error }),
    });
  });
});
