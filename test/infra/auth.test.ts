import { beforeAll, describe, expect, it } from 'vitest';
import { loadLambdaConfig } from '../../src/entrypoints/composition/config.js';
import { TOKENS } from '../../src/entrypoints/composition/tokens.js';
import { requiresToken } from '../../src/entrypoints/http/route-access.js';
import { httpEvent } from '../entrypoints/http-test-events.js';
import { ROUTE_SPECS } from '../fuzz/http.fuzz.js';
import { inMemorySystem } from '../support/in-memory-system.js';
import { functionNamed, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

const identity = {
  issuerUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
  audience: 'app-client-id',
};

/** The route API Gateway picks for a request: the most specific matching route key (exact path, then the longest proxy prefix). */
const gatewayRouteFor = (keys: readonly string[], method: string, path: string): string | undefined => {
  const candidates = keys.filter((key) => {
    const [m, pattern = ''] = key.split(' ');
    if (m !== method && m !== 'ANY') return false;
    return pattern.endsWith('{proxy+}') ? path.startsWith(pattern.slice(0, -'{proxy+}'.length)) : pattern === path;
  });
  return candidates.sort((a, b) => b.length - a.length)[0];
};

const concrete = (template: string): string => template.replace(/\{(\w+)\}/g, (_, name: string) => `${name}-1`);

describe('both authorizers in the stack, as the application expects them', () => {
  let s: Synthesized;
  let routes: Map<string, Record<string, unknown>>;
  beforeAll(() => {
    s = synthesize({ broadcaster: 'apigateway', identity });
    routes = new Map(
      resourcesOf(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
        String(r.Properties?.['RouteKey']),
        r.Properties ?? {},
      ]),
    );
  });

  it('every HTTP route that refuses an anonymous caller (401) sits behind the JWT authorizer in API Gateway, and only those need a token', async () => {
    const system = await inMemorySystem();
    const router = system.container.get(TOKENS.HttpRouter);
    const httpKeys = [...routes.keys()].filter((k) => !k.startsWith('$'));
    expect(ROUTE_SPECS.map((r) => r.key).sort()).toEqual(router.keys());
    const refusedAnonymous: string[] = [];
    for (const spec of ROUTE_SPECS) {
      const [method = 'GET', template = '/'] = spec.key.split(' ');
      const path = concrete(template);
      const gatewayRoute = gatewayRouteFor(httpKeys, method, path);
      expect(gatewayRoute, `no API Gateway route takes ${method} ${path}`).toBeDefined();
      const guarded = routes.get(gatewayRoute as string)?.['AuthorizationType'] === 'JWT';
      expect(guarded, `${spec.key}: API Gateway and route-access.ts disagree`).toBe(requiresToken(method, path));
      // The handler itself, called without a verified caller (as a misconfigured gateway would):
      const anonymous = await router.handle({
        ...httpEvent(`${method} ${path}`, spec.body ? { body: spec.body } : {}),
        routeKey: '$default',
      });
      if (anonymous.statusCode === 401) {
        refusedAnonymous.push(spec.key);
        expect(guarded, `${spec.key} refuses anonymous callers but API Gateway lets them through`).toBe(true);
      }
    }
    expect(refusedAnonymous).toEqual(
      expect.arrayContaining([
        'POST /api/auctions/{auctionId}/bids',
        'GET /api/bookings/{requestId}',
        'POST /api/channels/{channelId}/end',
      ]),
    );
  });

  it('ws-authorizer starts with the environment the stack gives it, and can read nothing but its own logs', () => {
    const [fnId, fn] = functionNamed(s, 'ws-authorizer');
    const env = (fn['Environment'] as { Variables: Record<string, string> }).Variables;
    const config = loadLambdaConfig('ws-authorizer', { ...env, AWS_REGION: 'eu-west-1' });
    expect(config).toMatchObject({
      JWT_ISSUER: identity.issuerUrl,
      JWT_AUDIENCE: identity.audience,
      ALLOW_ANONYMOUS_VIEWERS: true,
    });
    // A verifier needs no AWS permission: it fetches the issuer's public JWKS over HTTPS.
    const roleId = refId(fn['Role']);
    const statements = resourcesOf(s, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.['Roles']).includes(String(roleId)))
      .flatMap(
        ([, p]) => (p.Properties?.['PolicyDocument'] as { Statement: { Action: string | string[] }[] }).Statement,
      );
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(
      actions.filter((a) => !a.startsWith('logs:')),
      `ws-authorizer (${fnId}) may do more than log`,
    ).toEqual([]);
    expect(fn['Timeout']).toBeLessThanOrEqual(10);
  });

  it('only $connect is authorized on the WebSocket API (API Gateway runs no authorizer on frames; the context carries over)', () => {
    const wsRoutes = [...routes.entries()].filter(([k]) => k.startsWith('$'));
    expect(wsRoutes.map(([k]) => k).sort()).toEqual(['$connect', '$default', '$disconnect']);
    for (const [key, props] of wsRoutes)
      expect(props['AuthorizationType'] ?? 'NONE', key).toBe(key === '$connect' ? 'CUSTOM' : 'NONE');
  });
});
