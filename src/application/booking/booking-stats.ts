import type { CounterStore } from '../ports/counter-store.port.js';
import { TOTAL_STATS, TRIP_CATALOGUE, tripStatsId } from './booking-counters.js';

export interface StatsFigures {
  readonly requests: number;
  readonly processed: number;
  readonly success: number;
  readonly cancelled: number;
  /** success / processed, 0 before anything was processed. */
  readonly successRate: number;
}

export interface BookingStats extends StatsFigures {
  readonly trips: readonly (StatsFigures & { readonly tripId: string })[];
}

const figures = (values: Readonly<Record<string, number>>): StatsFigures => {
  const processed = values.processed ?? 0;
  const success = values.success ?? 0;
  return {
    requests: values.requests ?? 0,
    processed,
    success,
    cancelled: values.cancelled ?? 0,
    successRate: processed === 0 ? 0 : Math.round((success / processed) * 10_000) / 10_000,
  };
};

/** Totals and per-trip figures, as `GET /api/stats` and the published `stats.json` show them. */
export const makeGetBookingStats = (deps: { readonly counters: CounterStore }) => async (): Promise<BookingStats> => {
  const [total, catalogue] = await Promise.all([deps.counters.read(TOTAL_STATS), deps.counters.read(TRIP_CATALOGUE)]);
  const tripIds = Object.keys(catalogue).sort();
  const trips = await Promise.all(
    tripIds.map(async (tripId) => ({ tripId, ...figures(await deps.counters.read(tripStatsId(tripId))) })),
  );
  return { ...figures(total), trips };
};
