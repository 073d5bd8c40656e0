import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { StampedeStack } from './stampede.stack.js';

/**
 * The cdk-nag findings (AwsSolutions and Serverless packs) this stack accepts, each with why.
 * test/infra/cdk-nag.test.ts runs both packs over the synthesized stack and fails on any
 * finding not acknowledged here; a new finding needs a fix or a reason in this file.
 */
export const acknowledgeNagFindings = (stack: StampedeStack, options: { readonly identity: boolean }): void => {
  const ack = (scope: IConstruct, id: string, reason: string): void =>
    Validations.of(scope).acknowledge({ id, reason });
  const { storage, messaging, apis, functions } = stack;
  // Grants land on each function's role (its DefaultPolicy), not under the function.
  const roleOf = (name: Parameters<typeof functions.get>[0]): IConstruct => {
    const role = functions.get(name).role;
    if (role === undefined) throw new Error(`${name} has no role`);
    return role;
  };
  const arnOf = (construct: IConstruct): string =>
    `<${Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource)}.Arn>`;

  ack(
    storage.connectionsTable,
    'AwsSolutions-DDB3',
    'WebSocket connections with a TTL: they die with the sockets; a point-in-time restore brings back nothing that still exists.',
  );
  ack(
    storage.snapshotsTable,
    'AwsSolutions-DDB3',
    'A cache of the event store: a lost snapshot is rebuilt by the next cold load from the events table (which has point-in-time recovery).',
  );
  ack(
    storage.presenceTable,
    'AwsSolutions-DDB3',
    'Heartbeats that expire within seconds (TTL); a restore would count viewers who left.',
  );
  ack(
    storage.bucket,
    'AwsSolutions-S1',
    "Holds offloaded queue bodies (read by the functions' roles only) and public/stats.json (served by CloudFront); server access logs would need a second bucket and log nothing an operator acts on.",
  );
  ack(
    storage.distribution,
    'AwsSolutions-CFR1',
    'Serves public/stats.json to a worldwide audience: no country is excluded.',
  );
  ack(
    storage.distribution,
    'AwsSolutions-CFR2',
    'One cached public JSON object (2 s TTL): CloudFront absorbs floods from its cache; a WAF web ACL costs more than it protects here.',
  );
  ack(
    storage.distribution,
    'AwsSolutions-CFR3',
    'One cached public JSON object; standard logs need an ACL-enabled log bucket and record nothing an operator acts on.',
  );
  ack(
    storage.distribution,
    'AwsSolutions-CFR4',
    'The default *.cloudfront.net certificate cannot pin a minimum TLS version; a custom domain with its own certificate can (docs/DEPLOY.md).',
  );

  for (const queue of Object.values(messaging.streamFailures)) {
    ack(
      queue,
      'AwsSolutions-SQS3',
      'This queue is a dead-letter queue: the on-failure destination of a stream mapping (cdk-nag sees only redrive policies).',
    );
  }
  ack(
    messaging.bookingParked,
    'AwsSolutions-SQS3',
    'The parking queue is where booking requests that can never succeed end: a terminal queue like a DLQ (kept 14 days, alarmed), emptied by npm run redrive.',
  );
  for (const queue of Object.values(messaging.allDeadLetterQueues())) {
    ack(
      queue,
      'Serverless-SQSRedrivePolicy',
      'A dead-letter queue (alarmed on any message): a redrive policy on it would only move failures one queue further.',
    );
  }

  const { beacon } = stack;
  if (beacon !== undefined) {
    ack(
      beacon.failures,
      'AwsSolutions-SQS3',
      'This queue is a dead-letter queue: the on-failure destination of the beat-router and presence-aggregator mappings (alarmed on any message).',
    );
    ack(
      beacon.failures,
      'Serverless-SQSRedrivePolicy',
      'A dead-letter queue (alarmed on any message): a redrive policy on it would only move failures one queue further.',
    );
    ack(
      beacon.tokenKey,
      'AwsSolutions-SMG4',
      'Rotating the beacon token key invalidates every current viewer’s token (they would stop counting until they rejoin); rotate by hand between live events (docs/DEPLOY.md).',
    );
    ack(
      beacon.distribution,
      'AwsSolutions-CFR1',
      'Presence beacons from a worldwide audience: no country is excluded.',
    );
    ack(
      beacon.distribution,
      'AwsSolutions-CFR2',
      'A CloudFront Function answers 204 to every request and nothing reaches an origin; forged beats are dropped by the beat-router’s token check. A WAF web ACL at 100,000 requests/s would cost more than the whole presence path.',
    );
    ack(
      beacon.distribution,
      'AwsSolutions-CFR3',
      'Every request is already logged in real time to the beacon-log stream (that is how beats are counted); standard logs would duplicate them into S3.',
    );
    ack(
      beacon.distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate cannot pin a minimum TLS version; a custom domain with its own certificate can (docs/DEPLOY.md).',
    );
  }

  for (const route of apis.publicRoutes) {
    ack(
      route,
      'AwsSolutions-APIG4',
      'Public by design: anonymous viewers read channels, health and cached recommendations; throttled per stage and route (docs/SECURITY.md).',
    );
  }
  ack(
    apis.webSocketRoute('$disconnect'),
    'AwsSolutions-APIG4',
    'API Gateway does not authorize $disconnect: it fires for connections $connect already admitted.',
  );
  ack(
    apis.webSocketRoute('$default'),
    'AwsSolutions-APIG4',
    "Messages arrive on a connection $connect admitted (WebSocket routes after $connect take no authorizer); each action checks the connection's identity itself.",
  );
  if (!options.identity) {
    for (const route of apis.identityRoutes) {
      ack(
        route,
        'AwsSolutions-APIG4',
        'Deployed without identity (-c identityIssuerUrl/identityAudience unset): a development stack; docs/DEPLOY.md says to configure identity before going public.',
      );
    }
  }
  ack(
    apis.logsRole,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'The AWS-maintained policy API Gateway documents for its account-level CloudWatch role (WebSocket access logs); it is what the service needs and AWS keeps it current.',
  );

  ack(
    roleOf('relay'),
    'AwsSolutions-IAM5[Resource::*]',
    'dynamodb:ListStreams, granted by the DynamoDB event source: the action supports no resource narrower than "*".',
  );
  ack(
    roleOf('integration-publisher'),
    'AwsSolutions-IAM5[Resource::*]',
    'dynamodb:ListStreams, granted by the DynamoDB event source: the action supports no resource narrower than "*".',
  );
  ack(
    stack.integration.streamFailures,
    'AwsSolutions-SQS3',
    'This queue is a dead-letter queue: the on-failure destination of the integration publisher’s stream mapping.',
  );
  for (const queue of Object.values(stack.integration.deadLetterQueues())) {
    ack(
      queue,
      'Serverless-SQSRedrivePolicy',
      'A dead-letter queue (alarmed on any message): a redrive policy on it would only move failures one queue further.',
    );
  }
  const bucket = `${arnOf(storage.bucket)}/offload/*`;
  for (const name of (['fanout', 'broadcast', 'http-api', 'booking', 'auction-close'] as const).filter((n) =>
    functions.has(n),
  )) {
    ack(
      roleOf(name),
      `AwsSolutions-IAM5[Resource::${bucket}]`,
      'Objects under the offload/ prefix only: each offloaded body gets a fresh key, so no fixed key can be named.',
    );
  }
  const connections = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${Stack.of(stack).getLogicalId(apis.webSocketApi.node.defaultChild as CfnResource)}>/live/*/@connections/*]`;
  for (const name of (['broadcast', 'ws-message'] as const).filter((n) => functions.has(n))) {
    ack(
      roleOf(name),
      connections,
      "PostToConnection on this stage's @connections: connection ids are made at $connect time and cannot be named in a policy.",
    );
  }

  for (const fn of Object.values(functions.byName)) {
    ack(
      fn,
      'Serverless-LambdaDLQ',
      'Not invoked asynchronously (API Gateway calls are synchronous; stream and queue mappings have their own on-failure queues and DLQs); the one schedule retries nothing by design.',
    );
    ack(
      fn,
      'Serverless-LambdaTracing',
      'Powertools structured logs and metrics carry the correlation id end to end; X-Ray at stampede rates is sampled away or costly (docs/DEPLOY.md, Operating).',
    );
  }
  for (const name of (['broadcast', 'presence', 'booking', 'auction-close'] as const).filter((n) => functions.has(n))) {
    ack(
      functions.get(name),
      'Serverless-LambdaEventSourceMappingDestination',
      "An SQS mapping takes no on-failure destination: the queue's redrive policy moves a message to its DLQ after maxReceiveCount.",
    );
  }
  ack(
    functions,
    'Serverless-EventBusDLQ',
    'The booking schedule only republishes stats.json each minute (retryAttempts 0): a missed call is replaced by the next one, never worth a DLQ.',
  );
};
