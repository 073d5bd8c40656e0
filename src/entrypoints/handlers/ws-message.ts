import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { ANONYMOUS, userActor } from '../../application/auth/actor.js';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';
import { UserId } from '../../domain/shared/ids.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { errorFrameOf, FrameEnvelope, FrameError, type ReplyFrame, type WsActionRegistry } from './ws-actions.js';

export interface WsMessageHandlerDeps {
  readonly actions: WsActionRegistry;
  readonly gateway: ConnectionGateway;
  readonly logger: HandlerLogger;
}

/**
 * API Gateway's WebSocket frame limit. Every frame this API takes is well under 1 KB (chat is
 * at most 500 characters); anything bigger is refused before it is parsed.
 */
export const MAX_FRAME_BYTES = 32 * 1024;

/**
 * The user the ws-authorizer vouched for at $connect: its context's `userId`, which API Gateway
 * repeats on every route event of the connection. Only that key — `principalId` is
 * "anonymous" for anonymous viewers and must never become a user id.
 */
export const userOf = (event: APIGatewayProxyWebsocketEventV2): UserId | null => {
  const authorizer = (event.requestContext as { authorizer?: { userId?: unknown } }).authorizer;
  const parsed = UserId.safeParse(authorizer?.userId);
  return parsed.success ? parsed.data : null;
};

const parseBody = (event: APIGatewayProxyWebsocketEventV2): unknown => {
  if (event.isBase64Encoded) throw new FrameError('INVALID_FRAME', 'send JSON text frames, not binary ones');
  if (event.body === undefined || event.body === '')
    throw new FrameError('INVALID_FRAME', 'the frame is empty; send a JSON object with an action', 'action');
  const bytes = Buffer.byteLength(event.body);
  if (bytes > MAX_FRAME_BYTES)
    throw new FrameError(
      'PAYLOAD_TOO_LARGE',
      `the frame is ${bytes} bytes; frames are at most ${MAX_FRAME_BYTES} bytes`,
      'frame',
    );
  try {
    return JSON.parse(event.body);
  } catch {
    throw new FrameError('INVALID_FRAME', 'the frame is not valid JSON');
  }
};

/**
 * The `ws-message` Lambda (`$default` route): parses the frame, routes it by `action` through
 * the registry, validates it with that action's schema and runs it. Whatever goes wrong is
 * answered with an error frame to this connection — `{type:'error', code, message, field?}` —
 * and the invocation still succeeds, so API Gateway never sees a crash.
 */
export const makeWsMessageHandler =
  (deps: WsMessageHandlerDeps) =>
  async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    const { connectionId } = event.requestContext;
    let requestId: string | undefined;
    const reply = async (frame: ReplyFrame): Promise<void> => {
      const result = await deps.gateway.post(
        [connectionId],
        JSON.stringify(requestId ? { ...frame, requestId } : frame),
      );
      if (result.failed.length + result.rejected.length > 0)
        deps.logger.warn('reply could not be delivered', { connectionId, type: frame.type });
    };
    try {
      const raw = parseBody(event);
      const envelope = FrameEnvelope.safeParse(raw);
      if (!envelope.success) {
        const issue = envelope.error.issues[0];
        const field = issue?.path.map(String).join('.') || 'action';
        throw new FrameError('INVALID_FRAME', `${field}: ${issue?.message ?? 'invalid'}`, field);
      }
      requestId = envelope.data.requestId;
      const action = deps.actions.get(envelope.data.action);
      if (!action) {
        throw new FrameError(
          'UNKNOWN_ACTION',
          `unknown action '${envelope.data.action}'; known: ${deps.actions.names().join(', ')}`,
          'action',
        );
      }
      const frame = action.schema.parse(raw);
      const userId = userOf(event);
      await action.handle(frame, {
        connectionId,
        userId,
        actor: userId === null ? ANONYMOUS : userActor(userId),
        receivedAt: event.requestContext.requestTimeEpoch,
        ...(requestId ? { requestId } : {}),
        reply,
        logger: deps.logger,
      });
    } catch (error) {
      const frame = errorFrameOf(error, (unexpected) =>
        deps.logger.error('WebSocket frame failed unexpectedly', { connectionId, error: unexpected }),
      );
      await reply(frame).catch((postError: unknown) =>
        deps.logger.warn('error frame could not be delivered', { connectionId, error: postError }),
      );
    }
    return { statusCode: 200 };
  };
export type WsMessageHandler = ReturnType<typeof makeWsMessageHandler>;
