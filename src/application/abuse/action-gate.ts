import { DomainError } from '../../domain/shared/errors.js';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter.port.js';

/** What viewers can do often enough to flood: each has its own budget. */
export type GatedAction = 'chat' | 'like' | 'bid' | 'heartbeat';

/**
 * One action's budgets. Per connection: one noisy socket cannot starve its owner's other
 * tabs. Per user: opening more sockets (or calling the HTTP route) does not multiply the
 * budget. Either may be absent (HTTP calls have no connection; anonymous viewers no user).
 */
export interface ActionLimiters {
  readonly perConnection?: RateLimiter;
  readonly perUser?: RateLimiter;
}
export type ActionGateLimits = Readonly<Partial<Record<GatedAction, ActionLimiters>>>;

/** Who is acting, as far as budgets go. */
export interface Caller {
  readonly connectionId?: string | undefined;
  readonly userId?: string | null | undefined;
}

/** Refused for going over a budget: answered 429 with Retry-After, or an error frame with `retryAfterMs`. */
export class RateLimitedError extends DomainError<'RATE_LIMITED'> {
  constructor(
    readonly action: GatedAction,
    readonly scope: 'connection' | 'user',
    readonly retryAfterMs: number,
  ) {
    super(
      'RATE_LIMITED',
      `too many ${LABELS[action]} from this ${scope}; wait ${Math.ceil(retryAfterMs / 100) / 10} s and try again`,
      {
        action,
        scope,
        retryAfterMs,
      },
    );
  }
}

const LABELS: Record<GatedAction, string> = {
  chat: 'chat messages',
  like: 'likes',
  bid: 'bids',
  heartbeat: 'heartbeats',
};

/** A limiter that cannot tell when to retry is asked to wait this long. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

const decide = async (limiter: RateLimiter, key: string, cost: number): Promise<RateDecision> => {
  if (limiter.acquire) return limiter.acquire(key, cost);
  const allowed = await limiter.tryAcquire(key, cost);
  return { allowed, retryAfterMs: allowed ? 0 : DEFAULT_RETRY_AFTER_MS };
};

/**
 * Admission for the flood-prone actions (chat, likes, bids, heartbeats). A refusal throws
 * `RateLimitedError` before anything is published or appended, so a refused action changes
 * nothing, and the caller is told when to retry — never silently dropped. The connection budget
 * is checked first: a noisy socket past its own budget is refused there and spends none of its
 * user's budget, so the user's other tabs keep theirs — and the per-user check, a DynamoDB read
 * and write in AWS, is only paid for frames the connection admits.
 */
export const makeActionGate = (limits: ActionGateLimits) => ({
  async admit(action: GatedAction, caller: Caller, cost = 1): Promise<void> {
    const limiters = limits[action];
    if (!limiters) return;
    if (limiters.perConnection && caller.connectionId) {
      const decision = await decide(limiters.perConnection, caller.connectionId, cost);
      if (!decision.allowed) throw new RateLimitedError(action, 'connection', decision.retryAfterMs);
    }
    if (limiters.perUser && caller.userId) {
      const decision = await decide(limiters.perUser, caller.userId, cost);
      if (!decision.allowed) throw new RateLimitedError(action, 'user', decision.retryAfterMs);
    }
  },
  /** Forgets a closed connection's buckets (user buckets stay: the user may have other connections). */
  async forget(connectionId: string): Promise<void> {
    const perConnection = new Set(Object.values(limits).flatMap((l) => (l?.perConnection ? [l.perConnection] : [])));
    await Promise.all([...perConnection].map((l) => l.release(connectionId)));
  },
});
export type ActionGate = ReturnType<typeof makeActionGate>;
