import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  InvalidTokenError,
  type TokenVerifier,
  type VerifiedToken,
} from '../../application/ports/token-verifier.port.js';

export interface LocalJwtAuthorizerOptions {
  readonly verifier: TokenVerifier;
  /** Whether a route has the authorizer attached (route-access.ts: the same table the stack uses). */
  readonly requiresToken: (method: string, path: string) => boolean;
  /** Paths that exist only locally and take no token (the development issuer's routes). */
  readonly publicPathPrefixes?: readonly string[];
}

export type LocalAuthorization =
  { readonly event: APIGatewayProxyEventV2 } | { readonly response: APIGatewayProxyStructuredResultV2 };

/** API Gateway hands JWT claims to the integration as strings (numbers and arrays flattened). */
const asClaimString = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? `[${value.map(String).join(' ')}]`
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);

const unauthorized = (problem: string, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 401,
  headers: {
    'content-type': 'application/json',
    'www-authenticate': `Bearer error="invalid_token", error_description="${problem}"`,
  },
  // API Gateway's own body is {"message":"Unauthorized"}; the error object says what was wrong, for local debugging.
  body: JSON.stringify({ message: 'Unauthorized', error: { code: 'UNAUTHENTICATED', problem, message } }),
});

/**
 * The claims as strings, per verified token: a cached token comes back as the same object, so a
 * rush of requests with one passenger's token converts its claims once (frozen: shared by them).
 */
const claimStrings = new WeakMap<VerifiedToken, Readonly<Record<string, string>>>();

/**
 * What the HTTP API's JWT authorizer does in AWS, for the local runtime: on routes that need a
 * token (`requiresToken`), read `Authorization: Bearer …`, verify it (signature, issuer,
 * audience, expiry) and put the claims in `requestContext.authorizer.jwt.claims` — where the
 * handlers read identity in both modes — or answer 401 before any handler runs. Routes
 * without an authorizer get no claims even when a token is sent, as in AWS.
 */
export const makeLocalJwtAuthorizer =
  (options: LocalJwtAuthorizerOptions) =>
  async (event: APIGatewayProxyEventV2): Promise<LocalAuthorization> => {
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    // Preflights never carry credentials; API Gateway answers them itself.
    if (
      method === 'OPTIONS' ||
      !options.requiresToken(method, path) ||
      (options.publicPathPrefixes ?? []).some((p) => path.startsWith(p))
    )
      return { event };
    const header = event.headers?.['authorization'];
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      return {
        response: unauthorized(
          'MISSING',
          'send Authorization: Bearer <token> (locally: POST /api/dev/tokens {"userId":"…"})',
        ),
      };
    try {
      const verified = await options.verifier.verify(match[1]);
      let claims = claimStrings.get(verified);
      if (claims === undefined) {
        claims = Object.freeze(
          Object.fromEntries(Object.entries(verified.claims).map(([k, v]) => [k, asClaimString(v)])),
        );
        claimStrings.set(verified, claims);
      }
      return {
        event: {
          ...event,
          requestContext: {
            ...event.requestContext,
            authorizer: { jwt: { claims, scopes: null } },
          } as APIGatewayProxyEventV2['requestContext'],
        },
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) return { response: unauthorized(error.problem, error.message) };
      throw error;
    }
  };
