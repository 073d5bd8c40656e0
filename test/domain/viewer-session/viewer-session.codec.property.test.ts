import { describe, it } from 'vitest';
import { viewerSessionCodec, viewerSessionEventDefinitions } from '../../../src/domain/viewer-session/index.js';
import { expectDecodeFails, expectEveryEventRoundTrips } from '../codec-harness.js';
import { viewerSessionEventArbitraries } from './viewer-session.arbitraries.js';

describe('ViewerSession events through the codec', () => {
  it('every event round-trips at its current schema version', () => {
    expectEveryEventRoundTrips(viewerSessionCodec, viewerSessionEventDefinitions, viewerSessionEventArbitraries);
  });
  it('refuses a negative heartbeat sequence', () => {
    expectDecodeFails(
      () => viewerSessionCodec.decode({ type: 'HeartbeatRecorded', schemaVersion: 1, data: { sequence: -1, at: 0 } }),
      'INVALID_EVENT',
    );
  });
});
