import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { HTTP_ACCESS_LOG_FIELDS, WEBSOCKET_ACCESS_LOG_FIELDS } from '../../infra/apis.construct.js';
import {
  MIN_UNRESERVED_CONCURRENCY,
  STACK_DEFAULTS,
  parseStackSettings,
  totalReservedConcurrency,
  type StackContextKey,
} from '../../infra/stack-settings.js';
import { functionNamed, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize({ identity: { issuerUrl: 'https://issuer.example.com/', audience: 'stampede' } });
});
const context = (values: Partial<Record<StackContextKey, string>>) => parseStackSettings((key) => values[key]);
const stages = () => resourcesOf(s, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r.Properties ?? {});

describe('the deployed edge', () => {
  it('throttles both stages: HTTP stage default and the cached-recommend routes, WebSocket per route', () => {
    const http = stages().find((p) => p['StageName'] === '$default');
    expect(http).toMatchObject({
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: STACK_DEFAULTS.httpRateLimit,
        ThrottlingBurstLimit: STACK_DEFAULTS.httpBurstLimit,
      },
      RouteSettings: {
        'GET /recommend/cached/{userId}': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
        'HEAD /recommend/cached/{userId}': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      },
    });
    const routeKeys = resourcesOf(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.['RouteKey']);
    expect(routeKeys).toEqual(
      expect.arrayContaining(['GET /recommend/cached/{userId}', 'HEAD /recommend/cached/{userId}']),
    );
    expect(stages().find((p) => p['StageName'] === 'live')).toMatchObject({
      DefaultRouteSettings: { ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 5000 },
    });
    const tuned = synthesize({
      settings: context({ httpRateLimit: '3000', httpBurstLimit: '1000', recommendRateLimit: '50' }),
    });
    tuned.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 3000, ThrottlingBurstLimit: 1000 },
      RouteSettings: Match.objectLike({
        'GET /recommend/cached/{userId}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 400 },
      }),
    });
  });

  it('access logs on both stages: JSON with request id, route, status, latency, authorizer and integration errors; no query string, no headers', () => {
    for (const [name, fields] of [
      ['$default', HTTP_ACCESS_LOG_FIELDS],
      ['live', WEBSOCKET_ACCESS_LOG_FIELDS],
    ] as const) {
      const stage = stages().find((p) => p['StageName'] === name) ?? {};
      const settings = stage['AccessLogSettings'] as { DestinationArn: unknown; Format: string };
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format).toEqual(fields);
      const values = Object.values(format);
      for (const needed of [
        '$context.requestId',
        '$context.routeKey',
        '$context.status',
        '$context.integrationLatency',
        '$context.authorizer.error',
        '$context.integration.error',
      ]) {
        expect(values, `${name}: ${needed}`).toContain(needed);
      }
      expect(settings.Format, name).not.toMatch(/querystring|queryString|request\.header|authorization|token/i);
      const group = s.json.Resources[refId(settings.DestinationArn) ?? ''];
      expect(group?.Type, name).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties?.['RetentionInDays'], name).toBe(30);
    }
    // WebSocket APIs log through the account's API Gateway CloudWatch role.
    s.template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  it('CORS: the HTTP API and http-api’s ALLOWED_ORIGINS hold the same origins, never a wildcard', () => {
    const extra = synthesize({ extraAllowedOrigins: ['http://localhost:3000'] });
    const api =
      resourcesOf(extra, 'AWS::ApiGatewayV2::Api').find(([, r]) => r.Properties?.['ProtocolType'] === 'HTTP')?.[1]
        .Properties ?? {};
    const cors = (api['CorsConfiguration'] as { AllowOrigins: unknown[] }).AllowOrigins;
    expect(JSON.stringify(cors)).not.toContain('"*"');
    const [, fn] = functionNamed(extra, 'http-api');
    const origins = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables['ALLOWED_ORIGINS'];
    expect(JSON.stringify(origins)).toContain('http://localhost:3000');
    expect(JSON.stringify(origins)).toContain('DomainName');
    expect(JSON.stringify(origins)).not.toContain('*');
  });

  it('every function on Node 24; the alarm topic encrypted with a rotating key CloudWatch may use', () => {
    s.template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    const [keyId] = resourcesOf(s, 'AWS::KMS::Key')[0] ?? [];
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    s.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]),
      },
    });
  });

  it('reserved concurrency as documented: http-api 510, each WebSocket edge function 25 (60 with broadcaster=apigateway), relay none', () => {
    const reserved = Object.fromEntries(
      resourcesOf(s, 'AWS::Lambda::Function').map(([, r]) => [
        String(r.Properties?.['Description']).replace('Stampede ', ''),
        r.Properties?.['ReservedConcurrentExecutions'],
      ]),
    );
    expect(reserved).toMatchObject({
      'http-api': 510,
      'ws-connect': 25,
      'ws-disconnect': 25,
      'ws-message': 25,
      'ws-authorizer': 25,
    });
    // The per-connection path's viewers join, chat and beat over the WebSocket API: 2,000/s × 30 ms each.
    expect(context({ broadcaster: 'apigateway' }).wsReservedConcurrency).toBe(60);
    for (const consumer of [
      'relay',
      'fanout',
      'broadcast',
      'presence',
      'booking',
      'auction-close',
      'recommend-consumer',
    ])
      expect(reserved[consumer], consumer).toBeUndefined();
  });

  it('the default synth fits the default quota (1,000) and leaves Lambda its 100 unreserved', () => {
    const total = resourcesOf(s, 'AWS::Lambda::Function').reduce(
      (sum, [, r]) => sum + ((r.Properties?.['ReservedConcurrentExecutions'] as number | undefined) ?? 0),
      0,
    );
    expect(total).toBe(totalReservedConcurrency(STACK_DEFAULTS));
    expect(total).toBeLessThanOrEqual(1000 - MIN_UNRESERVED_CONCURRENCY);
  });

  it('a lower quota: the defaults are refused at synth, the documented setting deploys (no reservations)', () => {
    expect(() => context({ lambdaConcurrencyQuota: '400' })).toThrow(
      /must leave 100 of lambdaConcurrencyQuota=400 unreserved/,
    );
    expect(() => synthesize({ settings: { ...STACK_DEFAULTS, lambdaConcurrencyQuota: 400 } })).toThrow(/unreserved/);
    // docs/DEPLOY.md, "Accounts with a low concurrency quota".
    const low = context({
      lambdaConcurrencyQuota: '10',
      httpApiReservedConcurrency: 'none',
      wsReservedConcurrency: 'none',
    });
    expect(totalReservedConcurrency(low)).toBe(0);
    const synth = synthesize({ settings: low });
    expect(
      synth.template.findResources('AWS::Lambda::Function', {
        Properties: { ReservedConcurrentExecutions: Match.anyValue() },
      }),
    ).toEqual({});
    // Or smaller reservations that fit: a 400 quota keeps 100 free with http-api 200 and ws 25 each.
    expect(
      totalReservedConcurrency(
        context({ lambdaConcurrencyQuota: '400', httpApiReservedConcurrency: '200', wsReservedConcurrency: '25' }),
      ),
    ).toBe(300);
  });
});
