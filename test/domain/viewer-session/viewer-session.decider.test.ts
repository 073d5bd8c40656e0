import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/shared/decider.js';
import type { ChannelId, SessionId } from '../../../src/domain/shared/ids.js';
import {
  acceptsHeartbeat,
  expiresAt,
  hasExpired,
  isNewerHeartbeat,
  viewerSessionDecider,
  type ViewerSessionEvent,
} from '../../../src/domain/viewer-session/index.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { expire, expired, heartbeat, join, joined, leave, left, recorded } from './viewer-session.fixtures.js';

const spec = deciderSpec(viewerSessionDecider);
const stateAfter = (events: readonly ViewerSessionEvent[]) =>
  fold(viewerSessionDecider, viewerSessionDecider.initialState, events);

describe('ViewerSession: joining and heartbeats', () => {
  it('joins', () => {
    spec.given([]).when(join).then([joined]);
  });
  it('an anonymous viewer joins without a user id', () => {
    spec
      .given([])
      .when({ ...join, userId: null })
      .then([{ ...joined, data: { ...joined.data, userId: null } } as ViewerSessionEvent]);
  });
  it('joining again yields nothing, even after leaving', () => {
    spec.given([joined]).when(join).thenNothingHappens();
    spec
      .given([joined, left(2_000)])
      .when(join)
      .thenNothingHappens();
  });
  it('the same session id on another channel fails with SESSION_ALREADY_JOINED', () => {
    spec
      .given([joined])
      .when({ ...join, channelId: 'c2' as ChannelId })
      .thenFails('SESSION_ALREADY_JOINED');
  });
  it('records the first heartbeat, sequence 0 included', () => {
    spec
      .given([joined])
      .when(heartbeat(0, 5_000))
      .then([recorded(0, 5_000)]);
  });
  it('records a higher sequence', () => {
    spec
      .given([joined, recorded(1, 5_000)])
      .when(heartbeat(2, 10_000))
      .then([recorded(2, 10_000)]);
  });
  it('a duplicate heartbeat yields nothing', () => {
    spec
      .given([joined, recorded(2, 10_000)])
      .when(heartbeat(2, 10_000))
      .thenNothingHappens();
  });
  it('an older heartbeat arriving late yields nothing', () => {
    spec
      .given([joined, recorded(3, 15_000)])
      .when(heartbeat(2, 16_000))
      .thenNothingHappens();
  });
  it('a heartbeat before joining fails with SESSION_NOT_FOUND', () => {
    spec.given([]).when(heartbeat(0, 5_000)).thenFails('SESSION_NOT_FOUND');
  });
  it('a heartbeat with a negative or fractional sequence fails with INVALID_HEARTBEAT', () => {
    spec.given([joined]).when(heartbeat(-1, 5_000)).thenFails('INVALID_HEARTBEAT');
    spec.given([joined]).when(heartbeat(1.5, 5_000)).thenFails('INVALID_HEARTBEAT');
  });
  it('a new heartbeat after leaving fails with SESSION_ENDED', () => {
    spec
      .given([joined, recorded(1, 5_000), left(6_000)])
      .when(heartbeat(2, 7_000))
      .thenFails('SESSION_ENDED');
  });
  it('a new heartbeat after expiry fails with SESSION_ENDED', () => {
    spec
      .given([joined, expired(20_000, 1_000)])
      .when(heartbeat(0, 21_000))
      .thenFails('SESSION_ENDED');
  });
  it('a redelivered heartbeat after leaving is a duplicate, not an error', () => {
    spec
      .given([joined, recorded(1, 5_000), left(6_000)])
      .when(heartbeat(1, 5_000))
      .thenNothingHappens();
  });
});

describe('ViewerSession: leaving and expiry', () => {
  it('leaves', () => {
    spec
      .given([joined])
      .when(leave(9_000))
      .then([left(9_000)]);
  });
  it('leaving twice, or after expiry, yields nothing', () => {
    spec
      .given([joined, left(9_000)])
      .when(leave(9_500))
      .thenNothingHappens();
    spec
      .given([joined, expired(20_000, 1_000)])
      .when(leave(21_000))
      .thenNothingHappens();
  });
  it('leaving before joining fails with SESSION_NOT_FOUND', () => {
    spec.given([]).when(leave(9_000)).thenFails('SESSION_NOT_FOUND');
  });
  it('expires exactly one TTL after the last heartbeat', () => {
    spec
      .given([joined, recorded(0, 5_000)])
      .when(expire(20_000, 15_000))
      .then([expired(20_000, 5_000)]);
  });
  it('does not expire one millisecond before the TTL', () => {
    spec
      .given([joined, recorded(0, 5_000)])
      .when(expire(19_999, 15_000))
      .thenNothingHappens();
  });
  it('without heartbeats, the TTL runs from joining', () => {
    spec
      .given([joined])
      .when(expire(16_000, 15_000))
      .then([expired(16_000, 1_000)]);
  });
  it('a heartbeat stamped earlier than the last one does not pull the expiry back', () => {
    spec
      .given([joined, recorded(1, 10_000), recorded(2, 9_000)])
      .when(expire(24_000, 15_000))
      .thenNothingHappens();
  });
  it('expiring an ended session yields nothing', () => {
    spec
      .given([joined, left(2_000)])
      .when(expire(99_000))
      .thenNothingHappens();
    spec
      .given([joined, expired(20_000, 1_000)])
      .when(expire(99_000))
      .thenNothingHappens();
  });
  it('a TTL that is not positive fails with INVALID_TTL', () => {
    spec.given([joined]).when(expire(99_000, 0)).thenFails('INVALID_TTL');
  });
  it('expiring before joining fails with SESSION_NOT_FOUND', () => {
    spec.given([]).when(expire(99_000)).thenFails('SESSION_NOT_FOUND');
  });
});

describe('ViewerSession: rules shared with the presence store', () => {
  it('isNewerHeartbeat accepts any sequence when none was accepted, then only higher ones', () => {
    expect(isNewerHeartbeat(null, 0)).toBe(true);
    expect(isNewerHeartbeat(undefined, 0)).toBe(true);
    expect(isNewerHeartbeat(4, 5)).toBe(true);
    expect(isNewerHeartbeat(5, 5)).toBe(false);
    expect(isNewerHeartbeat(5, 4)).toBe(false);
  });
  it('acceptsHeartbeat agrees with the decider', () => {
    const active = stateAfter([joined, recorded(3, 5_000)]);
    expect(acceptsHeartbeat(active, 4)).toBe(true);
    expect(acceptsHeartbeat(active, 3)).toBe(false);
    expect(acceptsHeartbeat(stateAfter([joined, left(6_000)]), 9)).toBe(false);
    expect(acceptsHeartbeat(stateAfter([]), 0)).toBe(false);
  });
  it('hasExpired and expiresAt agree at the boundary', () => {
    expect(expiresAt(5_000, 15_000)).toBe(20_000);
    expect(hasExpired(5_000, 20_000, 15_000)).toBe(true);
    expect(hasExpired(5_000, 19_999, 15_000)).toBe(false);
  });
  it('state keeps the session and its liveness', () => {
    expect(stateAfter([joined, recorded(1, 5_000)])).toEqual({
      status: 'ACTIVE',
      session: { sessionId: 's1' as SessionId, channelId: 'c1', userId: 'u1', joinedAt: 1_000 },
      lastSequence: 1,
      lastHeartbeatAt: 5_000,
    });
  });
});
