import { InMemoryTokenBucket } from '../../adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { makeActionGate, type ActionGate } from '../../application/abuse/action-gate.js';
import { makeConnectionLimit, type ConnectionLimit } from '../../application/abuse/connection-limit.js';
import { ANONYMOUS, userActor } from '../../application/auth/actor.js';
import type { ConnectionQuota } from '../../application/ports/connection-quota.port.js';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { userOf } from '../handlers/ws-message.js';
import type { AbuseLimits } from './config.js';
import { TOKENS, type Get, bindingsModule, tokenIn } from './tokens.js';

const token = tokenIn('abuse');

/**
 * Abuse controls shared by every feature. The ports (first group) come from a technology: the
 * per-user chat, like and bid budgets and the connection quota live in DynamoDB in AWS (shared by
 * every instance), in memory locally.
 */
export const ABUSE_TOKENS = {
  Limits: token<AbuseLimits>('Limits'),
  ChatUserLimiter: token<RateLimiter>('ChatUserLimiter'),
  LikeUserLimiter: token<RateLimiter>('LikeUserLimiter'),
  BidUserLimiter: token<RateLimiter>('BidUserLimiter'),
  ConnectionQuota: token<ConnectionQuota>('ConnectionQuota'),
  WatchLimiter: token<RateLimiter>('WatchLimiter'),
  ActionGate: token<ActionGate>('ActionGate'),
  ConnectionLimit: token<ConnectionLimit>('ConnectionLimit'),
} as const;

/** A token bucket in this instance's memory, on the root's clock. */
export const bucket = (get: Get, capacity: number, refillPerSecond: number) =>
  new InMemoryTokenBucket({ capacity, refillPerSecond, clock: get(TOKENS.Clock) });

/**
 * The action gate, the connection limit and their connect/disconnect hooks over the bound ports.
 * Per-connection budgets (chat, likes, bids, heartbeats, watch history) and the per-user heartbeat
 * budget are in-instance buckets by design, in AWS too: a connection's frames reach one instance
 * at a time, and a DynamoDB read and write per heartbeat would cost more than the flood it stops.
 */
export const abuseModule = bindingsModule((bind) => {
  bind(TOKENS.ChatLimiter, (get) =>
    bucket(get, get(ABUSE_TOKENS.Limits).chatBurst, get(ABUSE_TOKENS.Limits).chatPerSecond),
  );
  bind(TOKENS.LikeLimiter, (get) =>
    bucket(get, get(ABUSE_TOKENS.Limits).likeBurst, get(ABUSE_TOKENS.Limits).likePerSecond),
  );
  // Watch history per connection: a few joins at once, then one every 10 s (more joins still work, unrecorded).
  bind(ABUSE_TOKENS.WatchLimiter, (get) => bucket(get, 5, 0.1));
  bind(ABUSE_TOKENS.ActionGate, (get) => {
    const limits = get(ABUSE_TOKENS.Limits);
    return makeActionGate({
      chat: { perConnection: get(TOKENS.ChatLimiter), perUser: get(ABUSE_TOKENS.ChatUserLimiter) },
      like: { perConnection: get(TOKENS.LikeLimiter), perUser: get(ABUSE_TOKENS.LikeUserLimiter) },
      bid: {
        perConnection: bucket(get, limits.bidBurst, limits.bidPerSecond),
        perUser: get(ABUSE_TOKENS.BidUserLimiter),
      },
      heartbeat: {
        perConnection: bucket(get, limits.heartbeatBurst, limits.heartbeatPerSecond),
        // A user's budget covers all the connections they may hold.
        perUser: bucket(
          get,
          limits.heartbeatBurst * limits.maxConnectionsPerUser,
          limits.heartbeatPerSecond * limits.maxConnectionsPerUser,
        ),
      },
    });
  });
  bind(ABUSE_TOKENS.ConnectionLimit, (get) =>
    makeConnectionLimit({
      quota: get(ABUSE_TOKENS.ConnectionQuota),
      clock: get(TOKENS.Clock),
      maxPerUser: get(ABUSE_TOKENS.Limits).maxConnectionsPerUser,
    }),
  );
  bind(TOKENS.ConnectHooks, (get) => {
    const limit = get(ABUSE_TOKENS.ConnectionLimit);
    return async (event) => {
      const userId = userOf(event);
      await limit.open(event.requestContext.connectionId, userId === null ? ANONYMOUS : userActor(userId));
    };
  });
  bind(TOKENS.DisconnectHooks, (get) => {
    const limit = get(ABUSE_TOKENS.ConnectionLimit);
    const gate = get(ABUSE_TOKENS.ActionGate);
    return async (connectionId) => {
      await Promise.all([limit.close(connectionId), gate.forget(connectionId)]);
    };
  });
});
