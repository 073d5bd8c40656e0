import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { LAMBDA_NAMES } from '../../src/entrypoints/composition/config.js';
import { functionNamed, resourcesOf, synthesize, type Synthesized } from './synth.js';

const identity = { issuerUrl: 'https://issuer.example.com/', audience: 'stampede' };

/** Every IAM statement of the template that mentions an appsync: action, with the policy's logical id. */
const appsyncStatements = (s: Synthesized): Array<{ policy: string; action: string[]; resource: string }> =>
  resourcesOf(s, 'AWS::IAM::Policy').flatMap(([id, r]) => {
    const statements = (
      r.Properties?.['PolicyDocument'] as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
    ).Statement;
    return statements
      .map((st) => ({ policy: id, action: [st.Action].flat(), resource: JSON.stringify(st.Resource) }))
      .filter((st) => st.action.some((a) => a.startsWith('appsync:')));
  });

/** The appsync-events broadcaster on AWS: the stack's default (-c broadcaster=appsync-events). */
describe('AppSync Events broadcaster (the default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ identity });
  });

  it('is the default: an Event API, the fanout-events function, and neither fanout nor broadcast', () => {
    expect(s.stack.broadcaster).toBe('appsync-events');
    s.template.resourceCountIs('AWS::AppSync::Api', 1);
    expect(() => functionNamed(s, 'fanout-events')).not.toThrow();
    expect(() => functionNamed(s, 'fanout')).toThrow(/no function fanout/);
    expect(() => functionNamed(s, 'broadcast')).toThrow(/no function broadcast/);
    s.template.resourceCountIs('AWS::Lambda::Function', LAMBDA_NAMES.length - 2);
    // The WebSocket API stays: chat and likes still come in through it.
    s.template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
  });

  it('auth modes: publish by IAM only; connect and subscribe by the HTTP API’s OIDC issuer or the anonymous viewers’ API key', () => {
    s.template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: {
        AuthProviders: [
          { AuthType: 'AWS_IAM' },
          {
            AuthType: 'OPENID_CONNECT',
            OpenIDConnectConfig: { Issuer: identity.issuerUrl, ClientId: identity.audience },
          },
          { AuthType: 'API_KEY' },
        ],
        ConnectionAuthModes: [{ AuthType: 'OPENID_CONNECT' }, { AuthType: 'API_KEY' }],
        DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
        DefaultSubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }, { AuthType: 'API_KEY' }],
      },
    });
    s.template.resourceCountIs('AWS::AppSync::ChannelNamespace', 1);
    s.template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      Name: 'live',
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }, { AuthType: 'API_KEY' }],
    });
    s.template.resourceCountIs('AWS::AppSync::ApiKey', 1);
  });

  it('without anonymous viewers there is no API key: subscribing needs a token from the issuer', () => {
    const closed = synthesize({ identity: { ...identity, allowAnonymousViewers: false } });
    closed.template.resourceCountIs('AWS::AppSync::ApiKey', 0);
    closed.template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      SubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }],
    });
    closed.template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: { AuthProviders: Match.not(Match.arrayWith([{ AuthType: 'API_KEY' }])) },
    });
  });

  it('without identity, viewers subscribe with the API key only', () => {
    const open = synthesize();
    open.template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: {
        AuthProviders: [{ AuthType: 'AWS_IAM' }, { AuthType: 'API_KEY' }],
        DefaultSubscribeAuthModes: [{ AuthType: 'API_KEY' }],
      },
    });
  });

  it('grants appsync:EventPublish on the live namespace to fanout-events only, and no function may subscribe or connect', () => {
    const statements = appsyncStatements(s);
    expect(statements).toHaveLength(1);
    const [grant] = statements;
    expect(grant?.policy).toMatch(/^FunctionsFanoutEventsRole/);
    expect(grant?.action).toEqual(['appsync:EventPublish']);
    expect(grant?.resource).toContain('/channelNamespace/live');
    expect(grant?.resource).not.toContain('*');
  });

  it('tells fanout-events where to publish: the Event API’s HTTP endpoint and the namespace', () => {
    const [, props] = functionNamed(s, 'fanout-events');
    const env = (props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env['EVENT_API_HTTP_ENDPOINT'])).toContain('Dns.Http');
    expect(env['EVENT_API_NAMESPACE']).toBe('live');
    expect(env).not.toHaveProperty('BROADCAST_QUEUE_URL');
    expect(env).not.toHaveProperty('CONNECTIONS_TABLE');
  });

  it('alarms on publish errors (the Event API’s HTTP 4XX and 5XX) to the alarm topic', () => {
    for (const metric of ['4XXError', '5XXError']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/AppSync',
        MetricName: metric,
        Dimensions: [{ Name: 'EventAPIId', Value: Match.anyValue() }],
        AlarmActions: Match.anyValue(),
      });
    }
  });

  it('outputs the endpoints viewers need (and the API key for config.js)', () => {
    expect(Object.keys(s.json.Outputs ?? {})).toEqual(
      expect.arrayContaining(['EventApiHttpEndpoint', 'EventApiRealtimeUrl', 'EventApiViewerKey']),
    );
  });
});

describe('-c broadcaster switch', () => {
  it('apigateway: no Event API, no fanout-events, no appsync grants; fanout and broadcast as before', () => {
    const s = synthesize({ broadcaster: 'apigateway' });
    s.template.resourceCountIs('AWS::AppSync::Api', 0);
    expect(() => functionNamed(s, 'fanout-events')).toThrow();
    expect(() => functionNamed(s, 'broadcast')).not.toThrow();
    expect(appsyncStatements(s)).toEqual([]);
    s.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/AppSync' }, 0);
  });

  it('refuses an unknown broadcaster at synth', () => {
    expect(() => synthesize({ broadcaster: 'sns' as never })).toThrow(
      /broadcaster must be one of appsync-events, apigateway/,
    );
  });
});
