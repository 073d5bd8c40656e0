import { ContainerModule } from 'inversify';
import { InMemoryConnectionQuota } from '../../adapters/in-memory/connection-quota-adapter-in-memory.js';
import { InMemoryTokenBucket } from '../../adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { makeActionGate, type ActionGate } from '../../application/abuse/action-gate.js';
import { makeConnectionLimit, type ConnectionLimit } from '../../application/abuse/connection-limit.js';
import { ANONYMOUS, userActor } from '../../application/auth/actor.js';
import type { ConnectionQuota } from '../../application/ports/connection-quota.port.js';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { userOf } from '../handlers/ws-message.js';
import type { LocalConfig } from '../local/local-config.js';
import { TOKENS, type Token } from './tokens.js';

const token = <T>(name: string): Token<T> => Symbol.for(`stampede.abuse.${name}`) as Token<T>;

/**
 * Abuse controls shared by every feature: per-user budgets (chat, likes, bids, heartbeats),
 * per-connection budgets for bids and heartbeats (chat and likes have theirs in the kernel:
 * `TOKENS.ChatLimiter` / `LikeLimiter`), and the per-user connection limit.
 */
export const ABUSE_TOKENS = {
  ActionGate: token<ActionGate>('ActionGate'),
  ChatUserLimiter: token<RateLimiter>('ChatUserLimiter'),
  LikeUserLimiter: token<RateLimiter>('LikeUserLimiter'),
  BidUserLimiter: token<RateLimiter>('BidUserLimiter'),
  ConnectionQuota: token<ConnectionQuota>('ConnectionQuota'),
  ConnectionLimit: token<ConnectionLimit>('ConnectionLimit'),
} as const;

/**
 * Locally every bucket is in memory. In AWS the per-user chat, like and bid budgets are rebound
 * to DynamoDB (`userRateLimitsOnDynamoDb`, ws-message and http-api) so every instance shares them; the other
 * buckets live in each Lambda instance's memory and bound what one instance accepts (see
 * docs/SECURITY.md); the API Gateway stage throttle bounds the rest.
 */
export const abuseModule = (config: LocalConfig): ContainerModule =>
  new ContainerModule(({ bind }) => {
    const bucket = (get: <U>(t: Token<U>) => U, capacity: number, refillPerSecond: number) =>
      new InMemoryTokenBucket({ capacity, refillPerSecond, clock: get(TOKENS.Clock) });
    const single = <T>(t: Token<T>, factory: (get: <U>(t: Token<U>) => U) => T) =>
      bind(t)
        .toDynamicValue((ctx) => factory((u) => ctx.get(u)))
        .inSingletonScope();
    single(ABUSE_TOKENS.ChatUserLimiter, (get) => bucket(get, config.chatUserBurst, config.chatUserPerSecond));
    single(ABUSE_TOKENS.LikeUserLimiter, (get) => bucket(get, config.likeUserBurst, config.likeUserPerSecond));
    single(ABUSE_TOKENS.BidUserLimiter, (get) => bucket(get, config.bidBurst, config.bidPerSecond));
    single(ABUSE_TOKENS.ActionGate, (get) =>
      makeActionGate({
        chat: { perConnection: get(TOKENS.ChatLimiter), perUser: get(ABUSE_TOKENS.ChatUserLimiter) },
        like: { perConnection: get(TOKENS.LikeLimiter), perUser: get(ABUSE_TOKENS.LikeUserLimiter) },
        bid: { perConnection: bucket(get, config.bidBurst, config.bidPerSecond), perUser: get(ABUSE_TOKENS.BidUserLimiter) },
        heartbeat: {
          perConnection: bucket(get, config.heartbeatBurst, config.heartbeatPerSecond),
          // A user's budget covers all the connections they may hold.
          perUser: bucket(get, config.heartbeatBurst * config.maxConnectionsPerUser, config.heartbeatPerSecond * config.maxConnectionsPerUser),
        },
      }),
    );
    single(ABUSE_TOKENS.ConnectionQuota, () => new InMemoryConnectionQuota());
    single(ABUSE_TOKENS.ConnectionLimit, (get) =>
      makeConnectionLimit({ quota: get(ABUSE_TOKENS.ConnectionQuota), clock: get(TOKENS.Clock), maxPerUser: config.maxConnectionsPerUser }),
    );
    bind(TOKENS.ConnectHooks)
      .toDynamicValue((ctx) => {
        const limit = ctx.get(ABUSE_TOKENS.ConnectionLimit);
        return async (event) => {
          const userId = userOf(event);
          await limit.open(event.requestContext.connectionId, userId === null ? ANONYMOUS : userActor(userId));
        };
      })
      .inSingletonScope();
    bind(TOKENS.DisconnectHooks)
      .toDynamicValue((ctx) => {
        const limit = ctx.get(ABUSE_TOKENS.ConnectionLimit);
        const gate = ctx.get(ABUSE_TOKENS.ActionGate);
        return async (connectionId) => {
          await Promise.all([limit.close(connectionId), gate.forget(connectionId)]);
        };
      })
      .inSingletonScope();
  });
