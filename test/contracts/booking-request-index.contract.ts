import { describe, expect, it } from 'vitest';
import type {
  BookingRequestIndex,
  BookingRequestRecord,
} from '../../src/application/ports/booking-request-index.port.js';

let n = 0;
const requestId = (label: string) => `${label}-${Date.now().toString(36)}-${++n}`;
const record = (id: string, overrides: Partial<BookingRequestRecord> = {}): BookingRequestRecord => ({
  requestId: id,
  tripId: 'holiday-express',
  passengerId: 'ana',
  seats: 2,
  requestedAt: 1_700_000_000_000,
  ...overrides,
});

/** What every BookingRequestIndex must do: the first record of a request id wins, and is what `get` returns. */
export const bookingRequestIndexContract = (
  label: string,
  makeIndex: () => BookingRequestIndex | Promise<BookingRequestIndex>,
): void => {
  describe(`BookingRequestIndex contract: ${label}`, () => {
    it('returns null for an unknown request id', async () => {
      const index = await makeIndex();
      expect(await index.get(requestId('unknown'))).toBeNull();
    });

    it('stores a new request and returns it; get reads it back field for field', async () => {
      const index = await makeIndex();
      const id = requestId('new');
      expect(await index.register(record(id))).toEqual(record(id));
      expect(await index.get(id)).toEqual(record(id));
    });

    it('keeps the first record when a request id is reused for another booking', async () => {
      const index = await makeIndex();
      const id = requestId('reused');
      await index.register(record(id));
      expect(await index.register(record(id, { passengerId: 'bob', seats: 4 }))).toEqual(record(id));
      expect(await index.get(id)).toEqual(record(id));
    });

    it('agrees on one record when the same id is registered concurrently', async () => {
      const index = await makeIndex();
      const id = requestId('race');
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((p) => index.register(record(id, { passengerId: p }))),
      );
      const winner = results[0]!;
      for (const r of results) expect(r).toEqual(winner);
      expect(await index.get(id)).toEqual(winner);
    });
  });
};
