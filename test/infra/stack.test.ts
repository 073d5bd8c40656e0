import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import {
  connectionsTable,
  countersTable,
  eventsTable,
  snapshotsTable,
  presenceTable,
} from '../../src/adapters/dynamodb/table-definitions.js';
import {
  LAMBDA_NAMES,
  lambdaConfigSchemas,
  requiredVariables,
  type LambdaName,
} from '../../src/entrypoints/composition/config.js';
import { FUNCTION_SPECS } from '../../infra/function-specs.js';
import { MAX_RECEIVE_COUNT } from '../../infra/messaging.construct.js';
import { STACK_DEFAULTS } from '../../infra/stack-settings.js';
import { contextFromPairs, parseStackSettings } from '../../infra/stack-settings.js';
import { NOT_DEPLOYED, NOT_DEPLOYED_BY_INGRESS } from '../../infra/stampede.stack.js';
import { functionNamed, mappingsOf, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  // The per-connection stack with the original presence path (-c broadcaster=apigateway -c presenceIngress=websocket);
  // the beacon path (the default on both broadcasters) is test/infra/beacon-edge.test.ts's.
  s = synthesize({
    settings: parseStackSettings(contextFromPairs(['broadcaster=apigateway', 'presenceIngress=websocket'])),
  });
});

// The per-connection stack (event-api.test.ts covers the appsync-events one, the default).
const DEPLOYED: LambdaName[] = LAMBDA_NAMES.filter(
  (n) =>
    n !== 'ws-authorizer' && !NOT_DEPLOYED.apigateway.includes(n) && !NOT_DEPLOYED_BY_INGRESS.websocket.includes(n),
);

describe('tables', () => {
  it('events: streamId/version keys, NEW_IMAGE stream, on-demand, point-in-time recovery', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'streamId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'version', AttributeType: 'N' }]),
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('connections, presence, stats and snapshots tables match the adapters’ key schemas and TTL attributes', () => {
    for (const definition of [connectionsTable, presenceTable, countersTable, eventsTable, snapshotsTable]) {
      const wanted = definition.create('x');
      s.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: wanted.KeySchema,
        BillingMode: 'PAY_PER_REQUEST',
        ...(definition.ttlAttribute === undefined
          ? {}
          : { TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true } }),
      });
    }
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'channelId', KeyType: 'HASH' },
        { AttributeName: 'sessionId', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: presenceTable.ttlAttribute, Enabled: true },
    });
    s.template.resourceCountIs('AWS::DynamoDB::Table', 5);
  });

  it('keeps data when the stack is deleted, unless deployed as ephemeral', () => {
    for (const [, table] of resourcesOf(s, 'AWS::DynamoDB::Table'))
      expect(table).toMatchObject({ DeletionPolicy: 'Retain' });
    const ephemeral = synthesize({ broadcaster: 'apigateway', ephemeral: true });
    for (const [, table] of resourcesOf(ephemeral, 'AWS::DynamoDB::Table'))
      expect(table).toMatchObject({ DeletionPolicy: 'Delete' });
    // Transport goes with the stack either way: a forgotten stream would keep billing shard-hours.
    for (const type of ['AWS::Kinesis::Stream', 'AWS::SQS::Queue']) {
      for (const [, resource] of resourcesOf(s, type)) expect(resource).toMatchObject({ DeletionPolicy: 'Delete' });
    }
  });
});

describe('streams and queues', () => {
  it('two provisioned Kinesis streams, 2 shards, 24 h retention, encrypted', () => {
    s.template.resourceCountIs('AWS::Kinesis::Stream', 2);
    s.template.allResourcesProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('booking FIFO: explicit dedup ids, per-group dedup scope and throughput (high-throughput mode), FIFO DLQ', () => {
    // The integration subscribers' FIFO queues are checked in test/infra/integration.test.ts.
    const fifoQueues = resourcesOf(s, 'AWS::SQS::Queue').filter(
      ([id, q]) => q.Properties?.['FifoQueue'] === true && !id.startsWith('Integration'),
    );
    expect(fifoQueues).toHaveLength(2);
    const source = fifoQueues.find(([, q]) => q.Properties?.['RedrivePolicy'] !== undefined);
    expect(source?.[1].Properties).toMatchObject({
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 60,
    });
    const dlqId = refId(
      (source?.[1].Properties?.['RedrivePolicy'] as { deadLetterTargetArn: unknown }).deadLetterTargetArn,
    );
    expect(fifoQueues.map(([id]) => id)).toContain(dlqId);
  });

  it('every consumed queue has a DLQ, maxReceiveCount set, and visibility ≥ 6× its consumer’s timeout', () => {
    const queues = new Map(resourcesOf(s, 'AWS::SQS::Queue'));
    const sqsMappings = resourcesOf(s, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => {
      const source = refId(m.Properties?.['EventSourceArn']);
      return source !== undefined && queues.has(source);
    });
    expect(sqsMappings).toHaveLength(4);
    for (const [, mapping] of sqsMappings) {
      const queue = queues.get(refId(mapping.Properties?.['EventSourceArn']) ?? '')?.Properties ?? {};
      const fn = s.json.Resources[refId(mapping.Properties?.['FunctionName']) ?? '']?.Properties ?? {};
      const timeout = fn['Timeout'] as number;
      const window = (mapping.Properties?.['MaximumBatchingWindowInSeconds'] as number | undefined) ?? 0;
      expect(queue['VisibilityTimeout'] as number).toBeGreaterThanOrEqual(6 * timeout + window);
      const redrive = queue['RedrivePolicy'] as { maxReceiveCount: number; deadLetterTargetArn: unknown };
      expect(Object.values(MAX_RECEIVE_COUNT)).toContain(redrive.maxReceiveCount);
      expect(redrive.maxReceiveCount).toBeGreaterThan(0);
      expect(queues.has(refId(redrive.deadLetterTargetArn) ?? '')).toBe(true);
    }
  });

  it('all queues are encrypted and refuse plain HTTP; DLQs keep messages 14 days', () => {
    s.template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    // 12, plus the integration feature's 5: two subscriber queues, their DLQs, the publisher's on-failure queue.
    s.template.resourceCountIs('AWS::SQS::QueuePolicy', 17);
    // 7 dead-letter destinations, the booking parking queue and the integration feature's 3.
    const dlqs = resourcesOf(s, 'AWS::SQS::Queue').filter(
      ([, q]) => q.Properties?.['MessageRetentionPeriod'] === 14 * 24 * 3600,
    );
    expect(dlqs).toHaveLength(11);
  });
});

describe('functions', () => {
  it('one Node 24 arm64 function per entrypoint (ws-authorizer only with identity), 256 MB, index.handler', () => {
    s.template.resourceCountIs('AWS::Lambda::Function', DEPLOYED.length);
    for (const name of DEPLOYED) {
      const [, fn] = functionNamed(s, name);
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Handler: 'index.handler',
      });
      expect(fn['Timeout']).toBe(FUNCTION_SPECS[name].timeoutSeconds);
    }
  });

  it('each function gets exactly its config schema’s variables (all required ones but the Region Lambda sets)', () => {
    for (const name of DEPLOYED) {
      const [, fn] = functionNamed(s, name);
      const env = Object.keys((fn['Environment'] as { Variables: Record<string, unknown> }).Variables);
      for (const variable of requiredVariables(name).filter((v) => v !== 'AWS_REGION'))
        expect(env, name).toContain(variable);
      const allowed = new Set([...Object.keys(lambdaConfigSchemas[name].shape), 'NODE_OPTIONS']);
      expect(
        env.filter((v) => !allowed.has(v)),
        name,
      ).toEqual([]);
    }
  });

  it('relay: no reserved concurrency by default (docs/DEPLOY.md); events stream, batch 100, bisect, retries, on-failure SQS, partial batch responses', () => {
    const [id, relay] = functionNamed(s, 'relay');
    expect(relay['ReservedConcurrentExecutions']).toBeUndefined();
    expect(
      functionNamed(synthesize({ settings: { ...STACK_DEFAULTS, relayReservedConcurrency: 8 } }), 'relay')[1][
        'ReservedConcurrentExecutions'
      ],
    ).toBe(8);
    const [mapping] = mappingsOf(s, id);
    expect(mapping).toMatchObject({
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
    const eventsTableId = resourcesOf(s, 'AWS::DynamoDB::Table').find(
      ([, t]) => t.Properties?.['StreamSpecification'] !== undefined,
    )?.[0];
    expect(refId(mapping?.['EventSourceArn'])).toBe(eventsTableId);
  });

  it('Kinesis consumers: batch 100, 1 s window, 3 retries, bisect, on-failure SQS; recommend-consumer reads both streams', () => {
    const streams = resourcesOf(s, 'AWS::Kinesis::Stream').map(([id]) => id);
    const expected = { fanout: 1, 'recommend-consumer': 2 } as const;
    for (const [name, count] of Object.entries(expected)) {
      const [id] = functionNamed(s, name);
      const mappings = mappingsOf(s, id);
      expect(mappings).toHaveLength(count);
      for (const mapping of mappings) {
        expect(mapping).toMatchObject({
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 1,
          MaximumRetryAttempts: 3,
          BisectBatchOnFunctionError: true,
          StartingPosition: 'TRIM_HORIZON',
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          DestinationConfig: { OnFailure: { Destination: expect.anything() } },
        });
        expect(streams).toContain(refId(mapping['EventSourceArn']));
      }
    }
    const recommendSources = mappingsOf(s, functionNamed(s, 'recommend-consumer')[0]).map((m) =>
      refId(m['EventSourceArn']),
    );
    expect(new Set(recommendSources)).toEqual(new Set(streams));
  });

  it('SQS consumers report batch item failures with the seeds’ batch sizes', () => {
    const expected = { broadcast: 10, presence: 100, booking: 10, 'auction-close': 10 } as const;
    for (const [name, batchSize] of Object.entries(expected)) {
      const [id] = functionNamed(s, name);
      expect(mappingsOf(s, id)).toEqual([
        expect.objectContaining({ BatchSize: batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
      ]);
    }
  });

  it('booking is also invoked every minute, so a rush’s last stats are published without another batch', () => {
    const [bookingId] = functionNamed(s, 'booking');
    s.template.resourceCountIs('AWS::Events::Rule', 1);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [bookingId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ],
    });
  });

  it('reportBatchItemFailures is on for every event source mapping', () => {
    // 8, plus integration-publisher's own mapping on the events table's stream.
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 9);
    s.template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('each function writes to its own log group with a retention', () => {
    for (const name of DEPLOYED) {
      const [, fn] = functionNamed(s, name);
      const group = s.json.Resources[refId((fn['LoggingConfig'] as { LogGroup: unknown }).LogGroup) ?? ''];
      expect(group?.Type).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties?.['RetentionInDays']).toBe(30);
    }
  });
});

describe('APIs', () => {
  it('HTTP API: public GET/HEAD, writes by method (no ANY route to swallow CORS preflights), CORS for the CloudFront pages', () => {
    const routes = resourcesOf(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.['RouteKey']);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /{proxy+}',
        'HEAD /{proxy+}',
        'POST /{proxy+}',
        'PUT /{proxy+}',
        'PATCH /{proxy+}',
        'DELETE /{proxy+}',
      ]),
    );
    expect(routes.filter((r) => String(r).startsWith('ANY'))).toEqual([]);
    // GET /internal/recommend/{userId} (computes uncached) is for IAM-signed callers only, never the public catch-all.
    for (const key of ['GET /internal/{proxy+}', 'HEAD /internal/{proxy+}']) {
      const route = resourcesOf(s, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties?.['RouteKey'] === key)?.[1];
      expect(route?.Properties?.['AuthorizationType'], key).toBe('AWS_IAM');
    }
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] }],
        AllowHeaders: Match.arrayWith(['content-type', 'authorization']),
      }),
    });
    const extra = synthesize({ broadcaster: 'apigateway', extraAllowedOrigins: ['http://localhost:3000'] });
    extra.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: Match.arrayWith(['http://localhost:3000']) }),
    });
  });

  it('WebSocket API: $connect, $disconnect, $default to their functions, stage "live" auto-deployed', () => {
    const routeKeys = resourcesOf(s, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.['RouteKey']);
    expect(routeKeys).toEqual(expect.arrayContaining(['$connect', '$disconnect', '$default']));
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 5000 },
    });
    // -c wsRateLimit / -c wsBurstLimit: for audiences beyond ~10,000 viewers (heartbeats share $default).
    synthesize({
      broadcaster: 'apigateway',
      settings: { ...STACK_DEFAULTS, wsRateLimit: 8000, wsBurstLimit: 16000 },
    }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      DefaultRouteSettings: { ThrottlingRateLimit: 8000, ThrottlingBurstLimit: 16000 },
    });
    const integrations = new Map(resourcesOf(s, 'AWS::ApiGatewayV2::Integration'));
    for (const [routeKey, name] of [
      ['$connect', 'ws-connect'],
      ['$disconnect', 'ws-disconnect'],
      ['$default', 'ws-message'],
    ] as const) {
      const route = resourcesOf(s, 'AWS::ApiGatewayV2::Route').find(
        ([, r]) => r.Properties?.['RouteKey'] === routeKey,
      )?.[1];
      const target = (route?.Properties?.['Target'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const integration = integrations.get(refId(target[1]) ?? '');
      expect(JSON.stringify(integration?.Properties?.['IntegrationUri'])).toContain(functionNamed(s, name)[0]);
      expect(route?.Properties?.['AuthorizationType']).toBe('NONE');
    }
  });

  it('outputs the HTTP URL, WebSocket URL, bucket and public URL', () => {
    for (const output of ['HttpApiUrl', 'WebSocketUrl', 'BlobBucketName', 'PublicUrl', 'AlarmTopicArn'])
      s.template.hasOutput(output, {});
    expect(JSON.stringify(s.json.Outputs?.['WebSocketUrl'])).toContain('wss://');
  });
});

describe('bucket and CloudFront', () => {
  it('blocks public access, encrypts, enforces TLS, expires offloaded bodies after the DLQ retention', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'offload/', ExpirationInDays: 15, Status: 'Enabled' })]),
      },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves only public/ (stats.json) through CloudFront with origin access control and a short cache', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({ OriginPath: '/public', OriginAccessControlId: Match.anyValue() })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    s.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ DefaultTTL: 2 }),
    });
  });
});

/** The queue the booking consumer parks unprocessable requests on (its BOOKING_PARKED_QUEUE_URL). */
const parkingQueueId = (s: Synthesized): string => {
  const [, booking] = functionNamed(s, 'booking');
  const id = refId(
    (booking['Environment'] as { Variables: Record<string, unknown> }).Variables['BOOKING_PARKED_QUEUE_URL'],
  );
  if (id === undefined) throw new Error('the booking function has no BOOKING_PARKED_QUEUE_URL');
  return id;
};

describe('booking parking queue', () => {
  it('is a standard queue kept 14 days, that only the booking consumer may send to', () => {
    const id = parkingQueueId(s);
    const [, queue] = resourcesOf(s, 'AWS::SQS::Queue').find(([qid]) => qid === id)!;
    expect(queue.Properties?.['FifoQueue']).toBeUndefined();
    expect(queue.Properties?.['MessageRetentionPeriod']).toBe(14 * 24 * 3600);
    const senders = resourcesOf(s, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.['PolicyDocument']).includes(`"${id}"`))
      .map(([, p]) => refId((p.Properties?.['Roles'] as unknown[])[0]));
    const [, booking] = functionNamed(s, 'booking');
    expect(senders).toEqual([refId(booking['Role'])]);
  });
});

describe('alarms', () => {
  it('one alarm per DLQ on any visible message', () => {
    const queues = new Set(resourcesOf(s, 'AWS::SQS::Queue').map(([id]) => id));
    const dlqIds = new Set(
      resourcesOf(s, 'AWS::SQS::Queue')
        .map(([, q]) =>
          refId(
            (q.Properties?.['RedrivePolicy'] as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
          ),
        )
        .filter((id): id is string => id !== undefined),
    );
    const destinations = resourcesOf(s, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) =>
        refId(
          (m.Properties?.['DestinationConfig'] as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure
            ?.Destination,
        ),
      )
      .filter((id): id is string => id !== undefined && queues.has(id));
    const allDlqs = new Set([...dlqIds, ...destinations, parkingQueueId(s)]);
    // 8, plus the integration feature's 3 (payments and notifications DLQs, the publisher's on-failure queue).
    expect(allDlqs.size).toBe(11);
    const depthAlarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties?.['MetricName'] === 'ApproximateNumberOfMessagesVisible',
    );
    const alarmed = depthAlarms.map(([, a]) => {
      expect(a.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Namespace: 'AWS/SQS',
      });
      return refId((a.Properties?.['Dimensions'] as { Value: unknown }[])[0]?.Value);
    });
    expect(new Set(alarmed)).toEqual(allDlqs);
  });

  it('iterator age alarms on both Kinesis streams and the events-table relay, all notifying the alarm topic', () => {
    // 11 DLQ depths + 3 lags + the integration topic's delivery failures and its publisher's lag.
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 11 + 3 + 2);
    const kinesisAlarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties?.['MetricName'] === 'GetRecords.IteratorAgeMilliseconds',
    );
    expect(kinesisAlarms).toHaveLength(2);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Namespace: 'AWS/Lambda' });
    s.template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.anyValue() }] });
    const withEmail = synthesize({ broadcaster: 'apigateway', alarmEmail: 'oncall@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });
});
