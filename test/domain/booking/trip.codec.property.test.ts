import { describe, it } from 'vitest';
import { tripCodec, tripEventDefinitions } from '../../../src/domain/booking/index.js';
import { expectDecodeFails, expectEveryEventRoundTrips } from '../codec-harness.js';
import { tripEventArbitraries } from './trip.arbitraries.js';

describe('Trip events through the codec', () => {
  it('every event round-trips at its current schema version', () => {
    expectEveryEventRoundTrips(tripCodec, tripEventDefinitions, tripEventArbitraries);
  });
  it('refuses a confirmation without seats and an unknown rejection reason', () => {
    expectDecodeFails(
      () =>
        tripCodec.decode({
          type: 'BookingConfirmed',
          schemaVersion: 1,
          data: { requestId: 'r1', passengerId: 'p1', seatNumbers: [], at: 0 },
        }),
      'INVALID_EVENT',
    );
    expectDecodeFails(
      () =>
        tripCodec.decode({
          type: 'BookingRejected',
          schemaVersion: 1,
          data: { requestId: 'r1', passengerId: 'p1', reason: 'BORED', at: 0 },
        }),
      'INVALID_EVENT',
    );
  });
});
