import { ANONYMOUS, userActor, type Actor } from '../../src/application/auth/actor.js';
import type { UserId } from '../../src/domain/shared/ids.js';

/** The actor a verified token for `userId` becomes. */
export const actorFor = (userId: string): Actor => userActor(userId as UserId);
export { ANONYMOUS };

/**
 * The API Gateway v2 HTTP event `requestContext` part a JWT authorizer adds for `userId`
 * (claims as strings, as API Gateway passes them). Spread into an event's requestContext.
 */
export const jwtAuthorizerFor = (userId: string) => ({
  authorizer: { jwt: { claims: { sub: userId, iss: 'https://issuer.test', aud: 'stampede' }, scopes: null } },
});

/** The `requestContext.authorizer` the ws-authorizer's context becomes for a WebSocket route event. */
export const wsAuthorizerFor = (userId: string | null) =>
  userId === null
    ? { authorizer: { principalId: 'anonymous', anonymous: true } }
    : { authorizer: { principalId: userId, userId, anonymous: false } };

/** A signed token from a running local runtime's development issuer (what POST /api/dev/tokens returns). */
export const tokenFor = async (
  runtime: { readonly devTokens: { issue(userId: string): Promise<{ token: string }> } },
  userId: string,
): Promise<string> => (await runtime.devTokens.issue(userId)).token;
