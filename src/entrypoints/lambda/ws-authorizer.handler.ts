import { Logger } from '@aws-lambda-powertools/logger';
import { CachingTokenVerifier } from '../../adapters/jwt/caching-token-verifier.js';
import { JoseTokenVerifier } from '../../adapters/jwt/token-verifier-adapter-jose.js';
import { loadLambdaConfig } from '../composition/config.js';
import { makeWsAuthorizerHandler } from '../handlers/ws-authorizer.js';
import { withInvocationContext } from './lambda-entry.js';

/**
 * The `ws-authorizer` Lambda — the REQUEST authorizer on the WebSocket `$connect` route.
 * Built once per instance: the issuer's JWKS is fetched on the first token and cached by jose
 * for the instance's life (refetched when a token names an unknown `kid`, i.e. after a key
 * rotation). A bad environment fails the cold start naming every variable at fault.
 */
const config = loadLambdaConfig('ws-authorizer');
const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME, logLevel: config.LOG_LEVEL });

const authorize = makeWsAuthorizerHandler({
  // A viewer that reconnects (a dropped phone, a deploy) sends the same token: verified once per instance.
  verifier: new CachingTokenVerifier(
    new JoseTokenVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ...(config.JWKS_URL === undefined ? {} : { jwksUrl: config.JWKS_URL }),
    }),
  ),
  allowAnonymous: config.ALLOW_ANONYMOUS_VIEWERS,
  logger,
});
export const handler = withInvocationContext(logger, authorize);
