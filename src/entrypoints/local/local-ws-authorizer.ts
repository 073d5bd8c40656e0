import type { LocalAuthorizer } from '../../adapters/local/local-websocket-api.js';
import type { WsAuthorizerHandler } from '../handlers/ws-authorizer.js';

/** A stand-in for the methodArn of the local stage's $connect route. */
const LOCAL_CONNECT_ARN = 'arn:aws:execute-api:local:000000000000:local/local/$connect';

/**
 * Runs the very `ws-authorizer` handler the Lambda runs on each local WebSocket handshake and
 * turns its answer into what the local WebSocket API repeats as `requestContext.authorizer`:
 * `{ principalId, ...context }`, as API Gateway does. A throw refuses the handshake (401).
 */
export const localWsAuthorizer =
  (authorize: WsAuthorizerHandler): LocalAuthorizer =>
  async ({ headers, queryStringParameters }) => {
    const result = await authorize({
      methodArn: LOCAL_CONNECT_ARN,
      headers,
      queryStringParameters,
      requestContext: {},
    });
    const context = (result.context ?? {}) as Record<string, string | number | boolean>;
    return { principalId: result.principalId, ...context };
  };
