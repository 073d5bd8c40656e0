import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from './api-route.js';
import { requestPathSegments } from './router.js';

/**
 * In AWS, `/internal/*` (the uncached recommender) answers IAM-signed callers only: the stack
 * routes `GET|HEAD /internal/{proxy+}` with IAM authorization. The router decodes segments and
 * drops empty ones, so a path that API Gateway matched to the public catch-all instead
 * (`//internal/…`, `/%69nternal/…`) could still reach an internal route; this refuses it unless
 * API Gateway says the caller was IAM-authorized. Returns the refusal, or null to go on.
 */
export const refuseUnsignedInternal = (event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 | null => {
  const path = event.rawPath || event.requestContext.http.path;
  // Read the path exactly as the router will, so no spelling it decodes to /internal slips by.
  const first = requestPathSegments(path)[0];
  if (first !== 'internal') return null;
  const authorizer = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer;
  if (authorizer?.iam !== undefined) return null;
  return json(404, {
    error: { code: 'NOT_FOUND', message: `no route for ${event.requestContext.http.method} ${path}` },
  });
};
