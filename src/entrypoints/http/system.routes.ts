import { json, type ApiRoutes } from './api-route.js';

/**
 * Liveness for load balancers, smoke tests and the local runtime banner. `serverTime` (epoch ms)
 * lets a page measure its clock's offset from the server's, for countdowns to server end times.
 */
export const makeSystemRoutes = (info: {
  readonly service: string;
  readonly startedAt: number;
  readonly now: () => number;
}): ApiRoutes => ({
  'GET /api/health': async () => {
    const now = info.now();
    return {
      ...json(200, { status: 'ok', service: info.service, uptimeMs: now - info.startedAt, serverTime: now }),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    };
  },
});
