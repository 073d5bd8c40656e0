import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { HandlerLogger } from './sqs-record-body.js';

/** Runs on `$connect`; throwing refuses the connection (the client sees the handshake fail). */
export type ConnectHook = (event: APIGatewayProxyWebsocketEventV2) => Promise<void>;

export interface WsConnectHandlerDeps {
  readonly hooks?: readonly ConnectHook[];
  readonly logger: HandlerLogger;
}

/**
 * The `ws-connect` Lambda. A connection belongs to no channel until it sends `join` (API
 * Gateway does not let the server post during `$connect`, so the join answer could not be
 * sent from here); authentication is the authorizer's job. Features may add hooks.
 */
export const makeWsConnectHandler =
  (deps: WsConnectHandlerDeps) =>
  async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    try {
      for (const hook of deps.hooks ?? []) await hook(event);
      return { statusCode: 200 };
    } catch (error) {
      deps.logger.warn('connection refused by a $connect hook', { connectionId: event.requestContext.connectionId, error });
      return { statusCode: 403, body: error instanceof Error ? error.message : 'refused' };
    }
  };
