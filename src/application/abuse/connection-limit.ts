import { fail } from '../../domain/shared/errors.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../ports/clock.port.js';
import type { ConnectionQuota } from '../ports/connection-quota.port.js';

/** Refuses the WebSocket handshake (429). */
export type ConnectionLimitErrorCode = 'TOO_MANY_CONNECTIONS';

/** Default WebSocket connections one user may hold at once (tabs and devices). */
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 5;

export interface ConnectionLimitDeps {
  readonly quota: ConnectionQuota;
  readonly clock: Clock;
  readonly maxPerUser?: number;
}

/**
 * At most `maxPerUser` live WebSocket connections per signed-in user, checked when the
 * connection opens (TOO_MANY_CONNECTIONS refuses the handshake) and released when it closes.
 * Anonymous viewers have no user to count against; API Gateway's connection rate and the
 * stage throttle bound them.
 */
export const makeConnectionLimit = (deps: ConnectionLimitDeps) => {
  const max = deps.maxPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER;
  return {
    async open(connectionId: string, actor: Actor): Promise<void> {
      if (actor.kind !== 'user') return;
      if (!(await deps.quota.tryOpen(actor.userId, connectionId, max, deps.clock.now()))) {
        fail<ConnectionLimitErrorCode>(
          'TOO_MANY_CONNECTIONS',
          `user ${actor.userId} already has ${max} open connections; close one (another tab or device) first`,
          { max },
        );
      }
    },
    close: (connectionId: string): Promise<void> => deps.quota.close(connectionId),
  };
};
export type ConnectionLimit = ReturnType<typeof makeConnectionLimit>;
