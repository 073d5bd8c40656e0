import { beforeAll, describe, expect, it } from 'vitest';
import { BEACON_FUNCTION_CODE } from '../../infra/beacon-edge.construct.js';
import { contextFromPairs, parseStackSettings, STACK_DEFAULTS } from '../../infra/stack-settings.js';
import { BEACON_LOG_FIELDS } from '../../src/entrypoints/handlers/beacon-log-line.js';
import { functionNamed, mappingsOf, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

/** Every IAM statement attached to a function's role, flattened to action → resources. */
const grantsOf = (s: Synthesized, name: string): Array<{ actions: string[]; resource: string }> => {
  const [, fn] = functionNamed(s, name);
  const role = refId(fn['Role']);
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.['Roles']).includes(`"${role}"`))
    .flatMap(([, p]) =>
      (
        p.Properties?.['PolicyDocument'] as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
      ).Statement.map((st) => ({ actions: [st.Action].flat(), resource: JSON.stringify(st.Resource) })),
    );
};

const envOf = (s: Synthesized, name: string): Record<string, unknown> =>
  (functionNamed(s, name)[1]['Environment'] as { Variables: Record<string, unknown> }).Variables;

/** The beacon presence path on AWS: the default (appsync-events broadcaster → presenceIngress=beacon). */
describe('beacon presence edge (presenceIngress=beacon)', () => {
  let s: Synthesized;
  let ids: { beaconLog: string; presence: string; failures: string };
  beforeAll(() => {
    s = synthesize();
    const id = (c: { node: { defaultChild?: unknown } }) =>
      s.stack.getLogicalId(c.node.defaultChild as Parameters<typeof s.stack.getLogicalId>[0]);
    const beacon = s.stack.beacon!;
    ids = { beaconLog: id(beacon.beaconLogStream), presence: id(beacon.presenceStream), failures: id(beacon.failures) };
  });

  it('a CloudFront Function answers 204 to every request at viewer-request, never reaching an origin', () => {
    const fns = resourcesOf(s, 'AWS::CloudFront::Function');
    expect(fns).toHaveLength(1);
    const [fnId, fn] = fns[0]!;
    expect(fn.Properties?.['FunctionCode']).toBe(BEACON_FUNCTION_CODE);
    // The code itself, run: 204, no-store, whatever the request.
    const handler = new Function(`${BEACON_FUNCTION_CODE}; return handler;`)() as (e: unknown) => {
      statusCode: number;
      headers: Record<string, { value: string }>;
    };
    const answer = handler({ request: { method: 'POST', uri: '/beat', querystring: {} } });
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['cache-control']?.value).toBe('no-store');
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultCacheBehavior: {
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }],
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        },
      },
    });
  });

  it('real-time logs of every request carry exactly the fields the beat-router parses, to the beacon-log stream', () => {
    const configs = resourcesOf(s, 'AWS::CloudFront::RealtimeLogConfig');
    expect(configs).toHaveLength(1);
    const [configId, config] = configs[0]!;
    expect(config.Properties?.['Fields']).toEqual([...BEACON_LOG_FIELDS]);
    expect(config.Properties?.['SamplingRate']).toBe(100);
    const endpoint = (config.Properties?.['EndPoints'] as Array<{ KinesisStreamConfig: { StreamArn: unknown } }>)[0]!;
    expect(refId(endpoint.KinesisStreamConfig.StreamArn)).toBe(ids.beaconLog);
    const distribution = resourcesOf(s, 'AWS::CloudFront::Distribution').find(([, d]) =>
      JSON.stringify(d.Properties).includes(configId),
    );
    expect(distribution).toBeDefined();
  });

  it('streams sized by the stack settings: beacon-log and presence shards', () => {
    const shards = (id: string) => s.json.Resources[id]?.Properties?.['ShardCount'];
    expect(shards(ids.beaconLog)).toBe(STACK_DEFAULTS.presence.beaconLogShards);
    expect(shards(ids.presence)).toBe(STACK_DEFAULTS.presence.presenceShards);
    // Explicit hash keys assume this count: the functions are told it.
    for (const name of ['beat-router', 'presence-aggregator'])
      expect(envOf(s, name)['PRESENCE_STREAM_SHARDS']).toBe(String(STACK_DEFAULTS.presence.presenceShards));
    expect(envOf(s, 'presence-aggregator')['PRESENCE_SUB_PARTITIONS']).toBe(
      String(STACK_DEFAULTS.presence.subPartitions),
    );
    expect(envOf(s, 'beat-router')['PRESENCE_SUB_PARTITIONS']).toBe(String(STACK_DEFAULTS.presence.subPartitions));
  });

  it('both consumers: their stream, batch 10,000, 1 s window, one batch per shard, partial failures, on-failure queue', () => {
    const expected = { 'beat-router': ids.beaconLog, 'presence-aggregator': ids.presence };
    for (const [name, stream] of Object.entries(expected)) {
      const mappings = mappingsOf(s, functionNamed(s, name)[0]);
      expect(mappings).toHaveLength(1);
      expect(mappings[0]).toMatchObject({
        BatchSize: 10_000,
        MaximumBatchingWindowInSeconds: 1,
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(refId(mappings[0]!['EventSourceArn'])).toBe(stream);
      const destination = (mappings[0]!['DestinationConfig'] as { OnFailure: { Destination: unknown } }).OnFailure
        .Destination;
      expect(refId(destination)).toBe(ids.failures);
    }
  });

  it('least privilege: the router puts on the presence stream and touches no table; the aggregator gets its table, events and ticks', () => {
    const router = grantsOf(s, 'beat-router');
    expect(router.some((g) => g.actions.some((a) => a.startsWith('dynamodb:')))).toBe(false);
    expect(router.some((g) => g.actions.includes('kinesis:PutRecords') && g.resource.includes(ids.presence))).toBe(
      true,
    );
    expect(router.some((g) => g.actions.includes('kinesis:PutRecords') && g.resource.includes(ids.beaconLog))).toBe(
      false,
    );
    const aggregator = grantsOf(s, 'presence-aggregator');
    const presenceTable = s.stack.getLogicalId(s.stack.storage.presenceTable.node.defaultChild as never);
    const eventsTable = s.stack.getLogicalId(s.stack.storage.eventsTable.node.defaultChild as never);
    for (const table of [presenceTable, eventsTable])
      expect(aggregator.some((g) => g.actions.includes('dynamodb:PutItem') && g.resource.includes(table))).toBe(true);
    expect(aggregator.some((g) => g.actions.includes('kinesis:PutRecords') && g.resource.includes(ids.presence))).toBe(
      true,
    );
    // No function may read the token key's secret at run time: CloudFormation resolves it into the environment.
    for (const name of ['beat-router', 'presence-aggregator', 'ws-message', 'http-api'])
      expect(grantsOf(s, name).some((g) => g.actions.some((a) => a.startsWith('secretsmanager:')))).toBe(false);
  });

  it('the join answers carry beacon grants: ws-message and http-api get the token key and the beacon URL', () => {
    for (const name of ['ws-message', 'http-api', 'beat-router']) {
      expect(JSON.stringify(envOf(s, name)['BEACON_TOKEN_KEY'])).toContain('resolve:secretsmanager');
    }
    for (const name of ['ws-message', 'http-api'])
      expect(JSON.stringify(envOf(s, name)['BEACON_URL'])).toContain('/beat');
    expect(s.json.Outputs).toHaveProperty('BeaconUrl');
  });

  it('alarms: iterator age of both streams (10 s: the TTL is 15 s) and any record in the failure queue', () => {
    const alarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    for (const stream of [ids.beaconLog, ids.presence]) {
      expect(
        alarms.some(
          (a) =>
            a['MetricName'] === 'GetRecords.IteratorAgeMilliseconds' &&
            a['Threshold'] === 10_000 &&
            JSON.stringify(a['Dimensions']).includes(stream),
        ),
      ).toBe(true);
    }
    expect(
      alarms.some(
        (a) =>
          a['MetricName'] === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a['Dimensions']).includes(ids.failures),
      ),
    ).toBe(true);
  });

  it('the beacon is the default on the apigateway broadcaster too; presenceIngress=websocket deploys none of it', () => {
    expect(synthesize({ broadcaster: 'apigateway' }).stack.beacon).toBeDefined();
    const ws = synthesize({
      settings: parseStackSettings(contextFromPairs(['broadcaster=apigateway', 'presenceIngress=websocket'])),
    });
    expect(ws.stack.beacon).toBeUndefined();
    ws.template.resourceCountIs('AWS::CloudFront::Function', 0);
    ws.template.resourceCountIs('AWS::CloudFront::RealtimeLogConfig', 0);
    expect(() => functionNamed(ws, 'beat-router')).toThrow(/no function/);
    expect(() => functionNamed(ws, 'presence-aggregator')).toThrow(/no function/);
    expect(envOf(ws, 'ws-message')['BEACON_TOKEN_KEY']).toBeUndefined();
  });
});
