import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { z } from 'zod';
import { InvalidTokenError, type TokenVerifier } from '../../application/ports/token-verifier.port.js';
import type { HandlerLogger } from './sqs-record-body.js';

/** The query-string parameter carrying the JWT on `$connect` (browsers cannot set headers on a WebSocket). */
export const WS_TOKEN_PARAMETER = 'token';
/** What a client without an account sends as its token when anonymous viewers are allowed. */
export const ANONYMOUS_TOKEN = 'anonymous';
/** The principal of an anonymous viewer. Never a user id: ws-message reads only `context.userId`. */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

/** What API Gateway sends a WebSocket REQUEST authorizer (only the parts used), validated. */
const AuthorizerEvent = z.object({
  methodArn: z.string().min(1),
  headers: z.record(z.string(), z.string().optional()).nullish(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  requestContext: z.object({ connectionId: z.string().optional() }).loose().nullish(),
});
export type WsAuthorizerEvent = z.input<typeof AuthorizerEvent>;

/** The context API Gateway repeats as `requestContext.authorizer` on every route event of the connection. */
export type WsAuthorizerContext =
  { readonly userId: string; readonly anonymous: false; readonly expiresAt: number } | { readonly anonymous: true };

export interface WsAuthorizerDeps {
  readonly verifier: TokenVerifier;
  /** Anonymous viewers may connect (and watch) without a token. */
  readonly allowAnonymous: boolean;
  readonly logger: HandlerLogger;
}

/** API Gateway answers 401 when an authorizer throws exactly this message. */
const unauthorized = (): Error => new Error('Unauthorized');

const policy = (principalId: string, methodArn: string, context: WsAuthorizerContext): APIGatewayAuthorizerResult => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
  },
  context,
});

const bearer = (headers: Record<string, string | undefined> | null | undefined): string | undefined => {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const match = value === undefined ? null : /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
};

/**
 * The `ws-authorizer` Lambda (REQUEST authorizer on `$connect`): verifies the JWT from
 * `?token=` (or an `Authorization: Bearer` header, for non-browser clients) and allows the
 * connection with the subject as `context.userId`. A missing token (or the literal
 * `anonymous`) connects an anonymous viewer when they are allowed; otherwise, and for every
 * bad token — expired, tampered, `alg: none`, wrong issuer or audience — it throws
 * "Unauthorized" and API Gateway answers 401. An unreachable JWKS throws a different error
 * (API Gateway answers 500): fail closed, and loudly.
 */
export const makeWsAuthorizerHandler =
  (deps: WsAuthorizerDeps) =>
  async (input: unknown): Promise<APIGatewayAuthorizerResult> => {
    const parsed = AuthorizerEvent.safeParse(input);
    if (!parsed.success) {
      deps.logger.error(
        'ws-authorizer got an event it does not understand; is it attached to a WebSocket $connect route?',
        { issues: parsed.error.issues.slice(0, 3) },
      );
      throw unauthorized();
    }
    const event = parsed.data;
    const connectionId = event.requestContext?.connectionId;
    const token = event.queryStringParameters?.[WS_TOKEN_PARAMETER] ?? bearer(event.headers);
    if (token === undefined || token === '' || token === ANONYMOUS_TOKEN) {
      if (deps.allowAnonymous) return policy(ANONYMOUS_PRINCIPAL, event.methodArn, { anonymous: true });
      deps.logger.info('connection refused: no token and anonymous viewers are not allowed', { connectionId });
      throw unauthorized();
    }
    try {
      const verified = await deps.verifier.verify(token);
      return policy(verified.subject, event.methodArn, {
        userId: verified.subject,
        anonymous: false,
        expiresAt: verified.expiresAt,
      });
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        // The problem code, never the token: tokens in logs are credentials in logs.
        deps.logger.info('connection refused: invalid token', {
          connectionId,
          problem: error.problem,
          reason: error.message,
        });
        throw unauthorized();
      }
      deps.logger.error('token verification unavailable; refusing connections until the issuer is reachable', {
        connectionId,
        error,
      });
      throw error;
    }
  };
export type WsAuthorizerHandler = ReturnType<typeof makeWsAuthorizerHandler>;
