/**
 * Which HTTP routes need a bearer token — one list for both modes: the CDK stack attaches the
 * JWT authorizer to exactly these (infra/apis.construct.ts) and the local runtime verifies
 * tokens on exactly these (adapters/local/local-jwt-authorizer.ts), so handlers see the same identity
 * either way. Everything that changes state needs a token; reads are public (anonymous
 * viewers watch), except reads of things a user owns.
 */

/** Methods that change state. */
export const TOKEN_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** GET routes that need the caller's identity (a booking is its passenger's only). API Gateway path syntax. */
export const AUTHENTICATED_GET_PATHS = ['/api/bookings/{proxy+}'] as const;

const prefixOf = (pattern: string): string => pattern.replace(/\{proxy\+\}$/, '');

/** True when API Gateway (and the local runtime) require a valid bearer token for this request. */
export const requiresToken = (method: string, path: string): boolean => {
  const m = method.toUpperCase();
  if ((TOKEN_METHODS as readonly string[]).includes(m)) return true;
  if (m !== 'GET' && m !== 'HEAD') return false;
  return AUTHENTICATED_GET_PATHS.some((pattern) => {
    const prefix = prefixOf(pattern);
    return pattern.endsWith('{proxy+}') ? path.startsWith(prefix) && path.length > prefix.length : path === pattern;
  });
};
