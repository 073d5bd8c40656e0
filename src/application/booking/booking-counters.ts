/**
 * Where booking stats live in the CounterStore, and the idempotency keys that make each
 * request count once although the API may be retried and the queue redelivers: every count is
 * keyed by what it counts (`processed:<requestId>`), never by the delivery.
 */
export const TOTAL_STATS = 'booking-stats';
export const tripStatsId = (tripId: string): string => `booking-stats:trip:${tripId}`;
/** The set of trips, kept as a counter set (one name per trip) so stats can list them without a scan. */
export const TRIP_CATALOGUE = 'booking-trips';

export const requestedKey = (requestId: string): string => `requests:${requestId}`;
export const processedKey = (requestId: string): string => `processed:${requestId}`;
export const cancelledKey = (requestId: string): string => `cancelled:${requestId}`;
export const tripKey = (tripId: string): string => `trip:${tripId}`;

/** The totals and the trip's own set, each with the same key: both converge on redelivery. */
export const statsIdsFor = (tripId: string): readonly string[] => [TOTAL_STATS, tripStatsId(tripId)];
