import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from './api-route.js';

const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * In AWS, `/internal/*` (the uncached recommender) answers IAM-signed callers only: the stack
 * routes `GET|HEAD /internal/{proxy+}` with IAM authorization. The router decodes segments and
 * drops empty ones, so a path that API Gateway matched to the public catch-all instead
 * (`//internal/…`, `/%69nternal/…`) could still reach an internal route; this refuses it unless
 * API Gateway says the caller was IAM-authorized. Returns the refusal, or null to go on.
 */
export const refuseUnsignedInternal = (event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 | null => {
  const path = event.rawPath || event.requestContext.http.path;
  const first = path.split('/').filter((s) => s !== '').map(decoded)[0];
  if (first !== 'internal') return null;
  const authorizer = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer;
  if (authorizer?.iam !== undefined) return null;
  return json(404, { error: { code: 'NOT_FOUND', message: `no route for ${event.requestContext.http.method} ${path}` } });
};
