import fc from 'fast-check';
import type { ChannelId, SessionId, UserId } from '../../../src/domain/shared/ids.js';
import type { ViewerSessionCommand, ViewerSessionEvent } from '../../../src/domain/viewer-session/index.js';
import { at, id, type Arbitraries } from '../auction/auction.arbitraries.js';

export const viewerSessionEventArbitraries: Arbitraries<ViewerSessionEvent> = {
  ViewerJoined: fc.record({
    type: fc.constant('ViewerJoined'),
    data: fc.record({
      sessionId: id<SessionId>(),
      channelId: id<ChannelId>(),
      userId: fc.option(id<UserId>(), { nil: null }),
      joinedAt: at,
    }),
  }),
  HeartbeatRecorded: fc.record({ type: fc.constant('HeartbeatRecorded'), data: fc.record({ sequence: fc.nat(), at }) }),
  ViewerLeft: fc.record({ type: fc.constant('ViewerLeft'), data: fc.record({ leftAt: at }) }),
  ViewerExpired: fc.record({
    type: fc.constant('ViewerExpired'),
    data: fc.record({ expiredAt: at, lastHeartbeatAt: at }),
  }),
};

export const joinCommand: fc.Arbitrary<ViewerSessionCommand> = fc.record({
  type: fc.constant('Join' as const),
  sessionId: fc.constant('s1' as SessionId),
  channelId: fc.constantFrom('c1', 'c1', 'c2').map((c) => c as ChannelId),
  userId: fc.constantFrom('u1' as UserId, null),
  at: fc.nat({ max: 1000 }),
});

/** Heartbeats from a small range of sequences and times, so duplicates and reorderings are common. */
export const viewerSessionCommand: fc.Arbitrary<ViewerSessionCommand> = fc.oneof(
  { weight: 1, arbitrary: joinCommand },
  {
    weight: 12,
    arbitrary: fc.record({
      type: fc.constant('Heartbeat' as const),
      sequence: fc.nat({ max: 12 }),
      at: fc.nat({ max: 60_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Leave' as const), at: fc.nat({ max: 60_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('Expire' as const),
      at: fc.nat({ max: 80_000 }),
      ttlMs: fc.constantFrom(15_000, 30_000),
    }),
  },
);

export const viewerSessionRun = fc
  .tuple(
    fc.nat({ max: 9 }),
    joinCommand,
    fc.array(viewerSessionCommand, { minLength: 1, maxLength: 40, size: 'medium' }),
  )
  .map(([dice, join, rest]) => (dice > 0 ? [join, ...rest] : rest));
