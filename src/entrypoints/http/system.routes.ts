import { json, type ApiRoutes } from './api-route.js';

/** Liveness for load balancers, smoke tests and the local runtime banner. */
export const makeSystemRoutes = (info: { readonly service: string; readonly startedAt: number; readonly now: () => number }): ApiRoutes => ({
  'GET /api/health': async () => json(200, { status: 'ok', service: info.service, uptimeMs: info.now() - info.startedAt }),
});
