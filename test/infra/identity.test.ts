import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { AUTHENTICATED_GET_PATHS, TOKEN_METHODS, requiresToken } from '../../src/entrypoints/http/route-access.js';
import { functionNamed, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

const identity = {
  issuerUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
  audience: 'app-client-id',
};

describe('identity wired (JWT authorizer on the HTTP API, ws-authorizer on $connect)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ broadcaster: 'apigateway', identity });
  });

  const routes = (): [string, Record<string, unknown>][] =>
    resourcesOf(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => [String(r.Properties?.['RouteKey']), r.Properties ?? {}]);

  it('the HTTP API has a JWT authorizer for the issuer and audience, reading the Authorization header', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: identity.issuerUrl, Audience: [identity.audience] },
    });
  });

  it('writes and identity-aware reads require a JWT; other reads stay public for anonymous viewers', () => {
    const byKey = new Map(routes());
    for (const key of [
      'POST /{proxy+}',
      'PUT /{proxy+}',
      'PATCH /{proxy+}',
      'DELETE /{proxy+}',
      'GET /api/bookings/{proxy+}',
    ]) {
      expect(byKey.get(key)?.['AuthorizationType'], key).toBe('JWT');
    }
    for (const key of ['GET /{proxy+}', 'HEAD /{proxy+}'])
      expect(byKey.get(key)?.['AuthorizationType'] ?? 'NONE', key).toBe('NONE');
  });

  it('guards exactly what the local runtime guards (route-access.ts, one list for both)', () => {
    const guarded = routes()
      .filter(([, r]) => r['AuthorizationType'] === 'JWT')
      .map(([key]) => key)
      .sort();
    const expected = [
      ...TOKEN_METHODS.map((m) => `${m} /{proxy+}`),
      ...AUTHENTICATED_GET_PATHS.flatMap((p) => [`GET ${p}`, `HEAD ${p}`]),
    ].sort();
    expect(guarded).toEqual(expected);
    // Spot checks through the local runtime's own predicate, for paths each route key covers.
    expect(requiresToken('GET', '/api/bookings/r-1')).toBe(true);
    expect(requiresToken('GET', '/api/channels/c-1')).toBe(false);
    expect(requiresToken('POST', '/api/channels/c-1/bids')).toBe(true);
  });

  it('$connect is guarded by a REQUEST authorizer backed by ws-authorizer, which also sees anonymous viewers (default)', () => {
    const [authorizerFnId, authorizerFn] = functionNamed(s, 'ws-authorizer');
    const [id, authorizer] =
      resourcesOf(s, 'AWS::ApiGatewayV2::Authorizer').find(([, a]) => a.Properties?.['AuthorizerType'] === 'REQUEST') ??
      [];
    // Always present, so API Gateway invokes ws-authorizer even without ?token= (it decides).
    expect(authorizer?.Properties).toMatchObject({ IdentitySource: ['route.request.header.Host'] });
    expect(JSON.stringify(authorizer?.Properties?.['AuthorizerUri'])).toContain(authorizerFnId);
    const connect = new Map(routes()).get('$connect');
    expect(connect).toMatchObject({ AuthorizationType: 'CUSTOM' });
    expect(refId(connect?.['AuthorizerId'])).toBe(id);
    expect(new Map(routes()).get('$default')?.['AuthorizationType']).toBe('NONE');
    expect((authorizerFn['Environment'] as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      JWT_ISSUER: identity.issuerUrl,
      JWT_AUDIENCE: identity.audience,
      ALLOW_ANONYMOUS_VIEWERS: 'true',
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: Match.objectLike({ 'Fn::GetAtt': [authorizerFnId, 'Arn'] }),
    });
  });

  it('without anonymous viewers, API Gateway itself refuses a $connect without ?token=', () => {
    const closed = synthesize({ broadcaster: 'apigateway', identity: { ...identity, allowAnonymousViewers: false } });
    closed.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    expect(
      (functionNamed(closed, 'ws-authorizer')[1]['Environment'] as { Variables: Record<string, unknown> }).Variables,
    ).toMatchObject({
      ALLOW_ANONYMOUS_VIEWERS: 'false',
    });
  });

  it('without identity there is no authorizer and no ws-authorizer function', () => {
    const open = synthesize({ broadcaster: 'apigateway' });
    open.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(() => functionNamed(open, 'ws-authorizer')).toThrow();
  });
});
