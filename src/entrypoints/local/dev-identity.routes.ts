import { z } from 'zod';
import type { DevTokenIssuer } from '../../adapters/local/dev-token-issuer.js';
import { UserId } from '../../domain/shared/ids.js';
import { json, readBody, route, type ApiRoutes } from '../http/api-route.js';

/** Where the local-only identity routes live; the local JWT authorizer lets them through without a token. */
export const DEV_IDENTITY_PREFIX = '/api/dev/';

const TokenRequest = z.object({
  userId: UserId,
  /** Lifetime in seconds (default one hour, at most a day). */
  ttlSeconds: z.number().int().min(1).max(86_400).optional(),
});

/**
 * LOCAL ONLY (registered by the local runtime, never by a Lambda's container): the development
 * issuer hands out a signed demo token for any named user, and publishes its public keys, so
 * the pages and tests go through real token verification. In AWS, tokens come from your
 * identity provider (e.g. Cognito) and these routes do not exist.
 */
export const makeDevIdentityRoutes = (deps: {
  readonly issuer: DevTokenIssuer;
  readonly onUnexpected: (error: unknown) => void;
}): ApiRoutes => ({
  'POST /api/dev/tokens': route(async (event) => {
    const body = readBody(event, TokenRequest);
    const issued = await deps.issuer.issue(
      body.userId,
      body.ttlSeconds === undefined ? {} : { ttlSeconds: body.ttlSeconds },
    );
    return {
      ...json(201, {
        token: issued.token,
        tokenType: 'Bearer',
        userId: issued.userId,
        expiresAt: issued.expiresAt,
        issuer: deps.issuer.issuer,
        audience: deps.issuer.audience,
      }),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    };
  }, deps.onUnexpected),
  'GET /api/dev/jwks.json': async () => json(200, deps.issuer.publicKeys()),
});
