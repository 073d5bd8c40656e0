import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, resourcesOf, synthesize, type Synthesized } from './synth.js';

/**
 * The only statements allowed a bare "*" resource, each because AWS offers no resource-level
 * permission for the action (see docs/DEPLOY.md "IAM exceptions"):
 *  - dynamodb:ListStreams — Lambda's DynamoDB-stream poller lists the table's streams with
 *    the function's role; ListStreams cannot be scoped to a table. Added by the CDK
 *    DynamoEventSource grant; the two consumers of the events table's stream only (relay,
 *    integration-publisher).
 */
const STAR_RESOURCE_EXCEPTIONS = new Map([['dynamodb:ListStreams', ['relay', 'integration-publisher']]]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const statementsOf = (s: Synthesized): { policy: string; roles: unknown; statement: Statement }[] => {
  const out: { policy: string; roles: unknown; statement: Statement }[] = [];
  for (const [id, policy] of resourcesOf(s, 'AWS::IAM::Policy')) {
    const document = policy.Properties?.['PolicyDocument'] as { Statement: Statement[] };
    for (const statement of document.Statement)
      out.push({ policy: id, roles: policy.Properties?.['Roles'], statement });
  }
  for (const [id, role] of resourcesOf(s, 'AWS::IAM::Role')) {
    for (const inline of (role.Properties?.['Policies'] as
      { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) {
      for (const statement of inline.PolicyDocument.Statement)
        out.push({ policy: `${id} (inline)`, roles: [{ Ref: id }], statement });
    }
  }
  return out;
};

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe.each([
  ['without identity', {}],
  ['with identity', { identity: { issuerUrl: 'https://issuer.example.com/', audience: 'stampede' } }],
])('IAM least privilege (%s)', (_label, props) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ broadcaster: 'apigateway', ...props });
  });

  it('no statement allows a wildcard action ("*", "service:*" or a prefix like "s3:Get*")', () => {
    const statements = statementsOf(s);
    expect(statements.length).toBeGreaterThan(20);
    const wildcards = statements.flatMap(({ policy, statement }) =>
      list(statement.Action)
        .filter((a) => a.includes('*'))
        .map((a) => `${policy}: ${a}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('no statement has a "*" resource except the documented exceptions, on the documented functions', () => {
    const roleToFunction = new Map(
      resourcesOf(s, 'AWS::Lambda::Function').map(([, fn]) => [
        JSON.stringify((fn.Properties?.['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]),
        String(fn.Properties?.['Description']).replace('Stampede ', ''),
      ]),
    );
    const found: string[] = [];
    for (const { policy, roles, statement } of statementsOf(s)) {
      if (!list(statement.Resource).includes('*')) continue;
      const owners = (roles as { Ref: string }[]).map((r) => roleToFunction.get(JSON.stringify(r.Ref)) ?? r.Ref);
      for (const action of list(statement.Action)) {
        const allowed = STAR_RESOURCE_EXCEPTIONS.get(action);
        if (allowed === undefined || !owners.every((o) => allowed.includes(o)))
          found.push(`${policy} (${owners.join(', ')}): ${action} on *`);
      }
    }
    expect(found).toEqual([]);
  });

  it('Lambda roles carry no managed policies (AWSLambdaBasicExecutionRole would allow logs on "*")', () => {
    const assumedBy = (role: { Properties?: Record<string, unknown> }): string =>
      JSON.stringify(role.Properties?.['AssumeRolePolicyDocument']);
    const roles = resourcesOf(s, 'AWS::IAM::Role');
    const lambdaRoles = roles.filter(([, role]) => assumedBy(role).includes('lambda.amazonaws.com'));
    expect(lambdaRoles.length).toBeGreaterThan(0);
    for (const [id, role] of lambdaRoles) expect(role.Properties?.['ManagedPolicyArns'], id).toBeUndefined();
    // The two other roles: API Gateway's account-level CloudWatch role (WebSocket access logs), with AWS's
    // policy for it only, and the role CloudFront assumes to put the beacon real-time logs, with no managed policy.
    const others = roles.filter(([, role]) => !assumedBy(role).includes('lambda.amazonaws.com'));
    expect(others.map(([, role]) => assumedBy(role)).sort()).toEqual([
      expect.stringContaining('apigateway.amazonaws.com'),
      expect.stringContaining('cloudfront.amazonaws.com'),
    ]);
    const apigw = others.find(([, role]) => assumedBy(role).includes('apigateway.amazonaws.com'));
    expect(JSON.stringify(apigw?.[1].Properties?.['ManagedPolicyArns'])).toContain(
      'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
    const cloudfront = others.find(([, role]) => assumedBy(role).includes('cloudfront.amazonaws.com'))!;
    expect(cloudfront[1].Properties?.['ManagedPolicyArns']).toBeUndefined();
    // Its grants: writing to the beacon-log stream, nothing else.
    const beaconLog = s.stack.getLogicalId(s.stack.beacon!.beaconLogStream.node.defaultChild as never);
    const granted = statementsOf(s).filter((st) => JSON.stringify(st.roles).includes(cloudfront[0]));
    expect(granted.length).toBeGreaterThan(0);
    for (const { statement } of granted) {
      expect(JSON.stringify(statement.Resource)).toContain(beaconLog);
      for (const action of list(statement.Action)) expect(action).toMatch(/^kinesis:(Put|Describe|List)/);
    }
  });

  it('grants follow the function specs: e.g. relay writes the feed stream only, broadcast may manage connections of its stage only', () => {
    const policyOf = (name: string): Statement[] => {
      const [, fn] = functionNamed(s, name);
      const roleId = (fn['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return statementsOf(s)
        .filter(({ roles }) => (roles as { Ref: string }[]).some((r) => r.Ref === roleId))
        .map(({ statement }) => statement);
    };
    const actions = (name: string): string[] => policyOf(name).flatMap((st) => list(st.Action));
    expect(actions('relay').filter((a) => a.startsWith('dynamodb:Put') || a.startsWith('sqs:Receive'))).toEqual([]);
    expect(actions('relay')).toEqual(expect.arrayContaining(['kinesis:PutRecords']));
    expect(actions('ws-connect').some((a) => a.startsWith('kinesis:') || a.startsWith('s3:'))).toBe(false);
    const manage = policyOf('broadcast').find((st) => list(st.Action).includes('execute-api:ManageConnections'));
    expect(JSON.stringify(manage?.Resource)).toContain('/live/*/@connections/*');
    expect(actions('presence').some((a) => a.startsWith('execute-api:'))).toBe(false);
    const objects = policyOf('booking').filter((st) => list(st.Action).some((a) => a.startsWith('s3:')));
    expect(objects.map((st) => JSON.stringify(st.Resource)).sort()).toEqual([
      expect.stringContaining('/offload/*'),
      expect.stringContaining('/public/stats.json'),
    ]);
    // http-api touches the connections table only for the per-user bid, chat and like budgets: those items, three actions.
    const connectionsTableId = resourcesOf(s, 'AWS::DynamoDB::Table').find(([id]) =>
      id.startsWith('StorageConnections'),
    )?.[0];
    expect(connectionsTableId).toBeDefined();
    const onConnections = policyOf('http-api').filter((st) =>
      JSON.stringify(st.Resource).includes(connectionsTableId!),
    );
    expect(onConnections).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['rate#bid-user#*', 'rate#chat-user#*', 'rate#like-user#*'],
          },
        },
      }),
    ]);
    // Chat and likes over HTTP (the appsync-events broadcaster's way in) are feed records.
    expect(actions('http-api')).toEqual(expect.arrayContaining(['kinesis:PutRecords']));
  });
});
