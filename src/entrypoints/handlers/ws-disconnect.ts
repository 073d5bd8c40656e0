import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { HandlerLogger } from './sqs-record-body.js';

/** Runs on `$disconnect` with the connection id (e.g. ending a presence session). */
export type DisconnectHook = (connectionId: string) => Promise<void>;

export interface WsDisconnectHandlerDeps {
  /** Removes the connection from its channel shard. */
  readonly leave: (connectionId: string) => Promise<void>;
  readonly hooks?: readonly DisconnectHook[];
  readonly logger: HandlerLogger;
}

/**
 * The `ws-disconnect` Lambda. `$disconnect` is best effort in API Gateway (it may never come),
 * which is why the broadcaster also removes connections that answer 410 Gone. One failing
 * hook does not stop the others.
 */
export const makeWsDisconnectHandler =
  (deps: WsDisconnectHandlerDeps) =>
  async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    const { connectionId } = event.requestContext;
    const results = await Promise.allSettled([
      deps.leave(connectionId),
      ...(deps.hooks ?? []).map((hook) => hook(connectionId)),
    ]);
    for (const r of results) {
      if (r.status === 'rejected')
        deps.logger.error('disconnect cleanup failed; the connection is removed on its next 410', {
          connectionId,
          error: r.reason,
        });
    }
    return { statusCode: 200 };
  };
