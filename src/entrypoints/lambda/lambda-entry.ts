import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Container } from 'inversify';
import { TOKENS, type Token } from '../composition/tokens.js';

/** API Gateway's id for the request (HTTP API, WebSocket and authorizer events carry one). */
const apiRequestIdOf = (event: unknown): string | undefined => {
  const requestId = (event as { requestContext?: { requestId?: unknown } } | null)?.requestContext?.requestId;
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
};

/**
 * The exported handler of a Lambda: every log line of an invocation carries its Lambda context
 * (function_request_id, cold_start, function name and version, through Powertools'
 * `addContext`) and, for API Gateway events, the API request id as `correlation_id` — the id a
 * client or the access log shows, so a 500 found at 3 a.m. leads to its log lines. The
 * invocation's temporary keys are cleared afterwards.
 */
export const withInvocationContext =
  <E, R>(logger: Logger, handle: (event: E, context?: Context) => Promise<R> | R) =>
  async (event: E, context?: Context): Promise<R> => {
    if (context) logger.addContext(context);
    const requestId = apiRequestIdOf(event);
    if (requestId !== undefined) logger.setCorrelationId(requestId);
    try {
      return await handle(event, context);
    } finally {
      logger.resetKeys();
    }
  };

/** `withInvocationContext` for the handler bound to `token` in a function's container, with the container's logger. */
export const lambdaEntry = <E, R>(
  container: Container,
  token: Token<(event: E, context?: Context) => Promise<R> | R>,
) => withInvocationContext(container.get(TOKENS.Logger), container.get(token));
