import { beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_SUBSCRIPTIONS } from '../../src/application/integration/integration-subscriptions.js';
import { functionNamed, mappingsOf, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

/** Integration events out (docs/INTEGRATION.md): the SNS FIFO topic, its subscribers, its publisher. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize({ broadcaster: 'apigateway' });
});

const idOf = (construct: { node: { defaultChild?: unknown } }): string =>
  s.stack.getLogicalId(construct.node.defaultChild as never);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Sid?: string;
  Condition?: Record<string, Record<string, unknown>>;
}
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('integration topic', () => {
  it('is one SNS FIFO topic with explicit deduplication ids, encrypted with its own rotating key', () => {
    const topics = resourcesOf(s, 'AWS::SNS::Topic').filter(([, t]) => t.Properties?.['FifoTopic'] === true);
    expect(topics).toHaveLength(1);
    const [topicId, topic] = topics[0]!;
    expect(topicId).toBe(idOf(s.stack.integration.topic));
    expect(topic.Properties).toMatchObject({
      FifoTopic: true,
      ContentBasedDeduplication: false,
      FifoThroughputScope: 'MessageGroup',
    });
    expect(refId(topic.Properties?.['KmsMasterKeyId'])).toBe(idOf(s.stack.integration.key));
    s.template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Stampede integration topic encryption',
      EnableKeyRotation: true,
    });
  });

  it('topic policy: TLS only, only the publisher function may publish, only this account may subscribe', () => {
    const topicId = idOf(s.stack.integration.topic);
    const policies = resourcesOf(s, 'AWS::SNS::TopicPolicy').filter(([, p]) =>
      (p.Properties?.['Topics'] as unknown[]).some((t) => refId(t) === topicId),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]![1].Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement;
    // No Allow at all on the topic: publishing is the publisher role's IAM grant.
    expect(statements.filter((st) => st.Effect === 'Allow')).toEqual([]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
    const [publisherId, publisher] = functionNamed(s, 'integration-publisher');
    const roleId = refId(publisher['Role']);
    const onlyPublisher = statements.find((st) => st.Sid === 'OnlyTheIntegrationPublisherPublishes');
    expect(onlyPublisher).toMatchObject({ Effect: 'Deny', Action: 'sns:Publish', Principal: { AWS: '*' } });
    expect(onlyPublisher?.Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleId, 'Arn'] } },
    });
    const subscribe = statements.find((st) => st.Sid === 'SubscribersFromThisAccountOnly');
    expect(subscribe).toMatchObject({ Effect: 'Deny', Action: 'sns:Subscribe' });
    expect(subscribe?.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } });
    expect(publisherId).toBeDefined();
  });
});

describe('subscriptions', () => {
  it.each(Object.entries(INTEGRATION_SUBSCRIPTIONS))(
    '%s: a FIFO queue with raw delivery, its filter policy, and a FIFO DLQ for SNS and for its consumer',
    (name, spec) => {
      const subscriber = s.stack.integration.subscribers[name as keyof typeof INTEGRATION_SUBSCRIPTIONS];
      const queueId = idOf(subscriber.queue);
      const dlqId = idOf(subscriber.dlq);
      const queue = s.json.Resources[queueId]?.Properties ?? {};
      expect(queue).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      });
      expect(s.json.Resources[dlqId]?.Properties).toMatchObject({
        FifoQueue: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
      s.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: { Ref: idOf(s.stack.integration.topic) },
        Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
        RawMessageDelivery: true,
        FilterPolicy: spec.filterPolicy,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
      });
      // Queue and DLQ accept SendMessage from SNS, from this topic only; plain HTTP is refused.
      for (const target of [queueId, dlqId]) {
        const policy = resourcesOf(s, 'AWS::SQS::QueuePolicy').find(([, p]) =>
          (p.Properties?.['Queues'] as unknown[]).some((q) => refId(q) === target),
        );
        const statements = (policy?.[1].Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement;
        const allows = statements.filter((st) => st.Effect === 'Allow');
        expect(allows).toHaveLength(1);
        expect(allows[0]).toMatchObject({
          Action: 'sqs:SendMessage',
          Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: idOf(s.stack.integration.topic) } } },
        });
        expect(statements).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        );
      }
    },
  );

  it('payments gets AuctionClosed with a winner only; notifications LiveStarted and BookingConfirmed', () => {
    expect(INTEGRATION_SUBSCRIPTIONS.payments.filterPolicy).toEqual({
      eventType: ['AuctionClosed'],
      outcome: ['SOLD'],
    });
    expect(INTEGRATION_SUBSCRIPTIONS.notifications.filterPolicy).toEqual({
      eventType: ['LiveStarted', 'BookingConfirmed'],
    });
    s.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'sqs' }, 2);
  });
});

describe('publisher function', () => {
  it('consumes the events table stream with its own mapping: bisect, retries, partial batch responses, on-failure SQS', () => {
    const [fnId, fn] = functionNamed(s, 'integration-publisher');
    expect(fn['Environment']).toMatchObject({
      Variables: { INTEGRATION_TOPIC_ARN: { Ref: idOf(s.stack.integration.topic) } },
    });
    const mappings = mappingsOf(s, fnId);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [idOf(s.stack.storage.eventsTable), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(s.stack.integration.streamFailures), 'Arn'] } },
      },
    });
  });

  it('grants: sns:Publish on the integration topic and kms:GenerateDataKey/Decrypt on its key, nothing wider', () => {
    const [, fn] = functionNamed(s, 'integration-publisher');
    const roleId = refId(fn['Role']);
    const statements = resourcesOf(s, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties?.['Roles'] as unknown[]).some((r) => refId(r) === roleId))
      .flatMap(([, p]) => (p.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement);
    const actions = statements.flatMap((st) => list(st.Action));
    expect(actions.filter((a) => a.startsWith('sns:'))).toEqual(['sns:Publish']);
    expect(statements.find((st) => list(st.Action).includes('sns:Publish'))?.Resource).toEqual({
      Ref: idOf(s.stack.integration.topic),
    });
    const kms = statements.find((st) => list(st.Action).some((a) => a.startsWith('kms:')));
    expect(list(kms?.Action ?? []).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(kms?.Resource).toEqual({ 'Fn::GetAtt': [idOf(s.stack.integration.key), 'Arn'] });
    // No other function may publish integration events.
    const publishers = resourcesOf(s, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement.some((st) =>
        list(st.Action).includes('sns:Publish'),
      ),
    );
    expect(publishers).toHaveLength(1);
  });

  it('alarms: each DLQ on any message, SNS delivery failures, the publisher falling behind', () => {
    for (const queue of Object.values(s.stack.integration.deadLetterQueues())) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(queue), 'QueueName'] } }],
        Threshold: 0,
      });
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [idOf(s.stack.integration.topic), 'TopicName'] } }],
      Threshold: 0,
    });
    const [fnId] = functionNamed(s, 'integration-publisher');
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
    });
  });
});
