import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { ErrorCode } from '../../application/error-codes.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { HandlerLogger } from './sqs-record-body.js';

/** Runs on `$connect`; throwing refuses the connection (the client sees the handshake fail). */
export type ConnectHook = (event: APIGatewayProxyWebsocketEventV2) => Promise<void>;

export interface WsConnectHandlerDeps {
  readonly hooks?: readonly ConnectHook[];
  readonly logger: HandlerLogger;
}

/** Handshake status per refusal code (API Gateway returns $connect's status to the client). */
const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  TOO_MANY_CONNECTIONS: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/**
 * The `ws-connect` Lambda. A connection belongs to no channel until it sends `join` (API
 * Gateway does not let the server post during `$connect`, so the join answer could not be
 * sent from here); authentication is the authorizer's job. Features may add hooks (the
 * per-user connection limit is one); a hook's DomainError refuses with its code's status and
 * a JSON body naming the code, anything else with 403.
 */
export const makeWsConnectHandler =
  (deps: WsConnectHandlerDeps) =>
  async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    try {
      for (const hook of deps.hooks ?? []) await hook(event);
      return { statusCode: 200 };
    } catch (error) {
      deps.logger.warn('connection refused by a $connect hook', {
        connectionId: event.requestContext.connectionId,
        error,
      });
      if (error instanceof DomainError) {
        return {
          statusCode: STATUS_BY_CODE[error.code as ErrorCode] ?? 403,
          body: JSON.stringify({ error: { code: error.code, message: error.message } }),
        };
      }
      return { statusCode: 403, body: error instanceof Error ? error.message : 'refused' };
    }
  };
